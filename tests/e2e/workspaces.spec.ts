// Workspaces as Azure resources: the start page lists the workspaces one holds a role in, creates
// one (in a new resource group, with its associated resources), the workspace is in every address
// (Azure's ?wsid=), two workspaces never mix, a deep link into a workspace one may not see is
// refused plainly, a workspace is soft-deleted, recovered and purged, and the panel downloads the
// config file. On both stores.
import { expect, test } from './helpers';
import {
  MEMBERS,
  WORKSPACE_KEY,
  createInstance,
  downloadText,
  instanceRow,
  instancesTable,
  openInstances,
  openStudio,
  readSaved,
  readStorage,
  seedStorage,
  setPace,
  signInAs,
  switchMember,
  uniqueName,
} from './helpers';

const LAB_WSID =
  '/subscriptions/6f1c0a52-5a3b-4b7e-9d2e-3f7a1c2b9e10/resourcegroups/rg-azimuth-lab/workspaces/mlw-azimuth-lab';

/** Opens the start page (signing in as Ada on a server). */
async function openWorkspaces(page: import('@playwright/test').Page): Promise<void> {
  await page.goto('/workspaces');
  const heading = page.getByRole('heading', { name: 'Workspaces', exact: true });
  const signIn = page.getByRole('button', { name: 'Sign in' });
  await expect(heading.or(signIn)).toBeVisible();
  if (await signIn.isVisible()) await signInAs(page, 'ada');
  await expect(heading).toBeVisible();
}

/** Creates a workspace from the start page in a new resource group and waits until it is ready. */
async function createWorkspace(page: import('@playwright/test').Page, name: string, group: string): Promise<void> {
  await page.getByRole('button', { name: '+ Create workspace' }).click();
  const dialog = page.getByRole('dialog', { name: 'Create an Azure Machine Learning workspace' });
  await dialog.getByLabel('Resource group').selectOption({ label: 'Create new' });
  await dialog.getByLabel('New resource group name').fill(group);
  await dialog.getByLabel('Workspace name').fill('a b');
  await expect(dialog.getByText("Workspace name cannot contain a space")).toBeVisible();
  await dialog.getByLabel('Workspace name').fill(name);
  await dialog.getByLabel('Region').selectOption({ label: 'West Europe' });
  // The associated resources, with the names they will get.
  await expect(dialog.getByText(/\(new\) mlw\w*storage[0-9a-f]+/)).toBeVisible();
  await dialog.getByRole('button', { name: 'Review + create' }).click();
  await expect(dialog.getByText(`(new) ${group}`)).toBeVisible();
  await expect(dialog.getByText('West Europe')).toBeVisible();
  await dialog.getByRole('button', { name: 'Create', exact: true }).click();
  await expect(dialog).toBeHidden();
  const row = page.getByRole('table', { name: 'Workspaces' }).getByRole('row').filter({ hasText: name });
  await expect(row.getByRole('link', { name, exact: true })).toBeVisible();
  await expect(row).toContainText('Succeeded');
  await expect(row).toContainText('West Europe');
  await expect(row).toContainText('Owner');
}

test('the workspace is in every address, and old links open the one used last', async ({ page }) => {
  await openInstances(page);
  await expect(page).toHaveURL(`/compute/instances?wsid=${LAB_WSID}`);
  await page.getByRole('navigation', { name: 'Kinds of compute' }).getByRole('link', { name: 'Compute clusters', exact: true }).click();
  await expect(page).toHaveURL(`/compute/clusters?wsid=${LAB_WSID}`);
  await page.reload();
  await expect(page.getByRole('table', { name: 'Compute clusters' })).toBeVisible();
  // A link from before workspaces were in addresses opens the workspace used last.
  await page.goto('/compute/quota');
  await expect(page).toHaveURL(`/compute/quota?wsid=${LAB_WSID}`);
  await expect(page.getByRole('banner')).toContainText('mlw-azimuth-lab');
});

test('a second workspace is created, opened from its link, and never mixes with the first', async ({ page }) => {
  await openWorkspaces(page);
  await expect(page.getByRole('table', { name: 'Workspaces' }).getByRole('link', { name: 'mlw-azimuth-lab', exact: true })).toBeVisible();
  await createWorkspace(page, 'mlw-second', 'rg-class');
  await page.getByRole('link', { name: 'mlw-second', exact: true }).click();
  await expect(page).toHaveURL(/\?wsid=\/subscriptions\/[^/]+\/resourcegroups\/rg-class\/workspaces\/mlw-second(\?|$)/);
  await expect(page.getByRole('banner')).toContainText('mlw-second');
  await expect(page.getByRole('banner')).toContainText('West Europe');
  await page.getByRole('link', { name: 'Compute', exact: true }).click();
  await expect(page.getByText('No compute instances yet.')).toBeVisible();
  await setPace(page, 'Instant');
  const name = uniqueName('ci');
  await createInstance(page, name);
  await expect(instanceRow(page, name)).toHaveCount(1);

  // Back to the lab through the workspace panel: its computes are its own.
  await page.getByRole('button', { name: /^mlw-second/ }).click();
  const panel = page.getByRole('dialog', { name: 'Directory + Subscription + Workspace' });
  await expect(panel.getByText(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)).toBeVisible();
  await panel.getByLabel('Current workspace').selectOption({ label: 'mlw-azimuth-lab (rg-azimuth-lab)' });
  await panel.getByRole('button', { name: 'Switch' }).click();
  await expect(page.getByRole('banner')).toContainText('mlw-azimuth-lab');
  await page.goto('/compute/instances');
  await expect(instancesTable(page)).toBeVisible();
  await expect(page.getByText('No compute instances yet.')).toBeVisible();
  await expect(instanceRow(page, name)).toHaveCount(0);
});

test('the panel downloads the config file azure-ai-ml reads', async ({ page }) => {
  await openStudio(page, '/');
  await page.getByRole('button', { name: /^mlw-azimuth-lab/ }).click();
  const panel = page.getByRole('dialog', { name: 'Directory + Subscription + Workspace' });
  const downloading = page.waitForEvent('download');
  await panel.getByRole('button', { name: 'Download config file' }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe('config.json');
  expect(JSON.parse(await downloadText(download))).toEqual({
    subscription_id: '6f1c0a52-5a3b-4b7e-9d2e-3f7a1c2b9e10',
    resource_group: 'rg-azimuth-lab',
    workspace_name: 'mlw-azimuth-lab',
  });
  await panel.getByRole('link', { name: 'All workspaces', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Workspaces', exact: true })).toBeVisible();
});

test('a deep link into a workspace one holds no role in is refused plainly', async ({ page, browser, server }) => {
  await openWorkspaces(page);
  await createWorkspace(page, 'mlw-private', 'rg-private');
  const link = await page.getByRole('link', { name: 'mlw-private', exact: true }).getAttribute('href');
  // Alan, a Reader of the lab only, opens the link: in this browser (switching to him) or in a
  // browser of his own on the server.
  const other = server ? await browser.newPage() : page;
  if (server) {
    await other.goto(`${server.url}/`);
    await signInAs(other, 'alan');
    await expect(other.getByRole('button', { name: 'Toggle navigation' })).toBeVisible();
  } else {
    await page.goto('/');
    await switchMember(page, 'alan');
  }
  await other.goto(server ? `${server.url}${link}` : link!);
  await expect(other.getByRole('heading', { name: "You don't have access to the workspace mlw-private" })).toBeVisible();
  await expect(other.getByText(/Alan Turing holds no role in/)).toBeVisible();
  await other.getByRole('link', { name: 'Go to your workspaces', exact: true }).click();
  const table = other.getByRole('table', { name: 'Workspaces' });
  await expect(table.getByRole('link', { name: 'mlw-azimuth-lab', exact: true })).toBeVisible();
  await expect(table.getByRole('link', { name: 'mlw-private', exact: true })).toHaveCount(0);
  await expect(other.getByRole('button', { name: '+ Create workspace' })).toBeDisabled();
  if (server) await other.close();
});

test('a workspace is deleted, recovered, deleted again and purged', async ({ page }) => {
  await openWorkspaces(page);
  await createWorkspace(page, 'mlw-temp', 'rg-temp');
  const table = page.getByRole('table', { name: 'Workspaces' });
  await page.getByRole('button', { name: 'Delete mlw-temp' }).click();
  const confirm = page.getByRole('alertdialog', { name: 'Delete mlw-temp?' });
  await confirm.getByRole('button', { name: 'Delete' }).click();
  await expect(table.getByRole('link', { name: 'mlw-temp', exact: true })).toHaveCount(0);
  const deleted = page.getByRole('table', { name: 'Recently deleted workspaces' });
  await expect(deleted).toContainText('mlw-temp');
  // The name stays taken.
  await page.getByRole('button', { name: '+ Create workspace' }).click();
  const dialog = page.getByRole('dialog', { name: 'Create an Azure Machine Learning workspace' });
  await dialog.getByLabel('Resource group').selectOption({ label: 'rg-temp' });
  await dialog.getByLabel('Workspace name').fill('mlw-temp');
  await expect(dialog.getByText(/A deleted workspace named mlw-temp is in rg-temp/)).toBeVisible();
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await page.getByRole('alertdialog', { name: 'Discard the new workspace?' }).getByRole('button', { name: 'Discard' }).click();
  await expect(dialog).toBeHidden();

  await deleted.getByRole('button', { name: 'Recover mlw-temp' }).click();
  await expect(table.getByRole('link', { name: 'mlw-temp', exact: true })).toBeVisible();
  await expect(deleted).toHaveCount(0);

  await page.getByRole('button', { name: 'Delete mlw-temp' }).click();
  await confirm.getByRole('checkbox', { name: /Delete this workspace permanently/ }).check();
  await confirm.getByRole('button', { name: 'Delete' }).click();
  await expect(table.getByRole('link', { name: 'mlw-temp', exact: true })).toHaveCount(0);
  await expect(page.getByRole('table', { name: 'Recently deleted workspaces' })).toHaveCount(0);
});

test('a workspace saved by an earlier Azimuth opens with everything in it', async ({ page, store }) => {
  test.skip(store === 'server', "the browser's saved value; the server's migration has its own test");
  const computeName = 'ci-kept1x';
  const v1 = {
    format: 'azimuth-workspace',
    version: 1,
    workspace: {
      resource: {
        id: '/subscriptions/6f1c0a52-5a3b-4b7e-9d2e-3f7a1c2b9e10/resourceGroups/rg-azimuth-lab/providers/Microsoft.MachineLearningServices/workspaces/mlw-azimuth-lab',
        name: 'mlw-azimuth-lab',
        type: 'Microsoft.MachineLearningServices/workspaces',
        location: 'eastus',
        tags: {},
        properties: { friendlyName: 'Azimuth lab', description: 'kept', provisioningState: 'Succeeded', workspaceId: '0b4e7f38-1c9d-4a56-8e2f-7d3c5b1a9e64' },
      },
      subscriptionId: '6f1c0a52-5a3b-4b7e-9d2e-3f7a1c2b9e10',
      resourceGroup: 'rg-azimuth-lab',
      tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47',
      members: Object.values(MEMBERS).map((m, i) => ({
        name: m.name,
        userName: m.user,
        objectId: ['5d1b3e2a-7c4f-4e8a-9b61-0f2d8c7a3e15', '8a2c4f6e-1b3d-4e5f-a7c9-2d4f6b8e0a13', 'c3e5a7b9-2d4f-4a6c-8e0b-4f6a8c0e2b35', 'e7a9c1b3-4f6d-4c8e-a2b4-6c8e0a2c4d57'][i],
        role: m.role,
      })),
      computes: [
        {
          resource: {
            id: '/subscriptions/6f1c0a52-5a3b-4b7e-9d2e-3f7a1c2b9e10/resourceGroups/rg-azimuth-lab/providers/Microsoft.MachineLearningServices/workspaces/mlw-azimuth-lab/computes/ci-kept1x',
            name: computeName,
            type: 'Microsoft.MachineLearningServices/workspaces/computes',
            location: 'eastus',
            properties: {
              computeType: 'ComputeInstance',
              computeLocation: 'eastus',
              provisioningState: 'Succeeded',
              properties: { vmSize: 'Standard_DS11_v2', state: 'Stopped' },
            },
          },
          lastActivity: 0,
        },
      ],
      settings: { pace: 'instant' },
      activity: [],
      settledAt: 1_700_000_000_000,
      serial: 1,
    },
  };
  await seedStorage(page, { [WORKSPACE_KEY]: JSON.stringify(v1) });
  await openInstances(page);
  await expect(instanceRow(page, computeName)).toHaveCount(1);
  await expect(page.getByRole('banner')).toContainText('mlw-azimuth-lab');
  // The first start moved it into IndexedDB, with nothing lost and a tenant id of its own. The
  // old value goes once the database has committed, which may be after the list shows.
  await expect.poll(() => readStorage(page)).toBeNull();
  await createInstance(page, uniqueName('ci'));
  const saved = await readSaved(page);
  expect(saved).toMatchObject({ format: 'azimuth-workspace', version: 2 });
  expect(saved.directory.tenantId).not.toBe('72f988bf-86f1-41af-91ab-2d7cd011db47');
  expect(saved.workspaces[0].computes.map((c: { resource: { name: string } }) => c.resource.name)).toContain(computeName);
  expect(saved.directory.people).toHaveLength(4);
});

test('an installation saved in the single-value form of version 2 moves into IndexedDB whole', async ({ page, store }) => {
  test.skip(store === 'server', "the browser's saved value; the server's migration has its own test");
  await openWorkspaces(page);
  await createWorkspace(page, 'mlw-moved', 'rg-moved');
  await openInstances(page);
  await setPace(page, 'Instant');
  const name = uniqueName('ci');
  await createInstance(page, name);
  const v2 = await readSaved(page);
  expect(v2.workspaces).toHaveLength(2);
  // As an earlier build left it: one localStorage value, no database.
  await page.evaluate(
    async ({ key, value }) => {
      await new Promise((resolve, reject) => {
        const r = indexedDB.deleteDatabase('azimuth');
        r.onsuccess = resolve;
        r.onerror = () => reject(r.error);
      });
      localStorage.setItem(key, value);
    },
    { key: WORKSPACE_KEY, value: JSON.stringify(v2) },
  );
  await page.reload();
  await expect(instanceRow(page, name)).toBeVisible();
  await expect.poll(() => readStorage(page)).toBeNull();
  expect(await readSaved(page)).toEqual(v2);
});

test("an Owner gives a role in Access control, and the person opens the workspace from its link", async ({ page, browser, server }) => {
  await openWorkspaces(page);
  await createWorkspace(page, 'mlw-shared', 'rg-shared');
  const link = await page.getByRole('link', { name: 'mlw-shared', exact: true }).getAttribute('href');
  await page.getByRole('link', { name: 'mlw-shared', exact: true }).click();
  await page.getByRole('link', { name: 'Access control', exact: true }).click();
  const table = page.getByRole('table', { name: 'Role assignments' });
  await expect(table.getByRole('row').filter({ hasText: 'Ada Lovelace' }).filter({ hasText: 'This workspace' })).toContainText('Owner');
  await expect(table.getByRole('row').filter({ hasText: 'Ada Lovelace' }).filter({ hasText: 'Subscription (inherited)' })).toContainText('Owner');
  await page.getByRole('button', { name: '+ Add role assignment' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add role assignment' });
  await dialog.getByRole('radio', { name: /^AzureML Data Scientist/ }).check();
  await dialog.getByLabel('Member').selectOption({ label: 'Grace Hopper (grace@contoso.com)' });
  await dialog.getByRole('button', { name: 'Review + assign' }).click();
  await expect(dialog).toBeHidden();
  const grace = table.getByRole('row').filter({ hasText: 'Grace Hopper' });
  await expect(grace).toContainText('AzureML Data Scientist');
  await expect(grace).toContainText('This workspace');

  // Grace opens the link: in a browser of her own on the server, as herself in this browser.
  const other = server ? await browser.newPage() : page;
  if (server) {
    await other.goto(`${server.url}${link}`);
    await signInAs(other, 'grace');
  } else {
    await switchMember(page, 'grace');
    await page.goto(link!);
  }
  await expect(other.getByRole('banner')).toContainText('mlw-shared');
  await other.getByRole('link', { name: 'Access control', exact: true }).click();
  await expect(other.getByRole('button', { name: '+ Add role assignment' })).toBeDisabled();
  await expect(other.getByRole('button', { name: 'Remove Grace Hopper (AzureML Data Scientist)' })).toBeDisabled();
  if (server) await other.close();

  // The Owner takes the role away: the link no longer opens for Grace.
  if (!server) await switchMember(page, 'ada');
  await page.goto(link!);
  await page.getByRole('link', { name: 'Access control', exact: true }).click();
  await page.getByRole('button', { name: 'Remove Grace Hopper (AzureML Data Scientist)' }).click();
  await expect(page.getByRole('table', { name: 'Role assignments' }).getByRole('row').filter({ hasText: 'Grace Hopper' })).toHaveCount(0);
});

test('a role and a person chosen in "Add role assignment" are not lost to Back or Escape without asking', async ({ page }) => {
  await openInstances(page);
  await page.getByRole('navigation', { name: 'Studio' }).getByRole('link', { name: 'Access control' }).click();
  await page.getByRole('button', { name: '+ Add role assignment' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add role assignment' });
  // Nothing chosen yet: Escape closes at once.
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await page.getByRole('button', { name: '+ Add role assignment' }).click();
  await dialog.getByLabel('Member').selectOption({ label: 'Grace Hopper (grace@contoso.com)' });
  await page.goBack();
  const ask = page.getByRole('alertdialog', { name: 'Discard the role assignment?' });
  await expect(ask).toBeVisible();
  await ask.getByRole('button', { name: 'Keep editing' }).click();
  await expect(dialog.getByLabel('Member')).toHaveValue(/.+/);
  await expect(page).toHaveURL(/\/access(\?|$)/);
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await ask.getByRole('button', { name: 'Discard' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole('table', { name: 'Role assignments' })).toBeVisible();
});

test('an address under /workspaces that names no page says "Page not found"', async ({ page }) => {
  await openWorkspaces(page);
  for (const path of ['/workspaces/rg-azimuth-lab', '/workspaces/rg-azimuth-lab/mlw-azimuth-lab/extra']) {
    await page.goto(path);
    await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
    await expect(page.locator('code').filter({ hasText: path })).toBeVisible();
  }
  await page.getByRole('link', { name: 'Go to the workspaces' }).click();
  await expect(page.getByRole('heading', { name: 'Workspaces', exact: true })).toBeVisible();
});

test('"Create workspace" asks before Escape or Cancel drops what was typed', async ({ page }) => {
  await openWorkspaces(page);
  const open = page.getByRole('button', { name: '+ Create workspace' });
  const dialog = page.getByRole('dialog', { name: 'Create an Azure Machine Learning workspace' });
  const ask = page.getByRole('alertdialog', { name: 'Discard the new workspace?' });
  // Nothing typed yet: Escape closes at once.
  await open.click();
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await open.click();
  await dialog.getByLabel('Workspace name').fill('mlw-typed');
  await page.keyboard.press('Escape');
  await expect(ask).toBeVisible();
  await ask.getByRole('button', { name: 'Keep editing' }).click();
  await expect(ask).toBeHidden();
  await expect(dialog.getByLabel('Workspace name')).toHaveValue('mlw-typed');
  // From the review too, and Discard closes it.
  await dialog.getByRole('button', { name: 'Review + create' }).click();
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await ask.getByRole('button', { name: 'Discard' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole('table', { name: 'Workspaces' }).getByRole('row').filter({ hasText: 'mlw-typed' })).toHaveCount(0);
  // Opened again, it starts empty.
  await open.click();
  await expect(dialog.getByLabel('Workspace name')).toHaveValue('');
});

test('People says why an Add is refused, and keeps the names typed', async ({ page }) => {
  await openWorkspaces(page);
  await page.goto('/people');
  const roster = page.getByLabel('Names, one per line');
  await roster.fill('Dorothy Vaughan\nGrace Hopper');
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  await expect(page.getByRole('alert').filter({ hasText: "There is already a person named 'Grace Hopper'" })).toBeVisible();
  await expect(roster).toHaveValue('Dorothy Vaughan\nGrace Hopper');
  await expect(page.getByRole('table', { name: 'People' }).getByRole('row').filter({ hasText: 'Dorothy Vaughan' })).toHaveCount(0);
  // A roster that can be added clears the message.
  await roster.fill('Dorothy Vaughan');
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  await expect(page.getByRole('table', { name: 'People' }).getByRole('row').filter({ hasText: 'Dorothy Vaughan' })).toHaveCount(1);
  await expect(page.getByRole('alert').filter({ hasText: 'There is already a person' })).toHaveCount(0);
});

test('"Create new" resource group refuses the name of a group that exists, as you type', async ({ page }) => {
  await openWorkspaces(page);
  await page.getByRole('button', { name: '+ Create workspace' }).click();
  const dialog = page.getByRole('dialog', { name: 'Create an Azure Machine Learning workspace' });
  await dialog.getByLabel('Resource group').selectOption({ label: 'Create new' });
  await dialog.getByLabel('New resource group name').fill('RG-AZIMUTH-LAB');
  await expect(dialog.getByText('A resource group named rg-azimuth-lab already exists')).toBeVisible();
  await dialog.getByLabel('Workspace name').fill('mlw-elsewhere');
  await dialog.getByRole('button', { name: 'Review + create' }).click();
  await expect(dialog.getByRole('heading', { name: 'Review + create' })).toHaveCount(0);
  await dialog.getByLabel('New resource group name').fill('rg-elsewhere');
  await expect(dialog.getByText(/already exists/)).toHaveCount(0);
  await dialog.getByLabel('Description').fill('For the second class');
  await dialog.getByRole('button', { name: 'Review + create' }).click();
  await expect(dialog.getByText('(new) rg-elsewhere')).toBeVisible();
  await expect(dialog.getByText('For the second class')).toBeVisible();
});
