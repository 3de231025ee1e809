// A workspace shared through azimuth-server: people sign in, everyone's studio shows the same
// computes within a second, the server enforces roles whatever the studio shows, and the studio
// comes back by itself after the server restarts.
import { type Browser, type Page } from '@playwright/test';
import {
  createInstance,
  expect,
  expectState,
  fillWizard,
  instanceCell,
  instanceRow,
  memberButton,
  notifications,
  openInstances,
  openStudio,
  openWizard,
  selectInstance,
  signInAs,
  startServer,
  test,
  toolbarButton,
  uniqueName,
  wizard,
  wizardButton,
  type MemberKey,
  MEMBERS,
  WS,
  API,
} from './helpers';

test.skip(({ store }) => store === 'browser', 'signing in and sharing need azimuth-server');

/** A second person: a browser of their own, signed in as `who`. */
async function secondPerson(browser: Browser, url: string, who: MemberKey): Promise<Page> {
  const context = await browser.newContext({ baseURL: url });
  const page = await context.newPage();
  await openStudio(page, '/compute/instances', who);
  return page;
}

/** Creates a running compute instance through the ARM API, as Ada. */
async function createThroughApi(url: string, name: string): Promise<void> {
  const session = await fetch(`${url}/api/session`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ member: 'Ada Lovelace' }),
  });
  const { token } = (await session.json()) as { token: string };
  const created = await fetch(`${url}${WS}/computes/${name}?${API}`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: JSON.stringify({
      location: 'eastus',
      properties: { computeType: 'ComputeInstance', properties: { vmSize: 'Standard_DS11_v2' } },
    }),
  });
  expect(created.status).toBe(201);
}

test('the studio opens on the sign-in page, keeps the address asked for, and signs out', async ({ page }) => {
  await page.goto('/compute/instances');
  await expect(page.getByRole('heading', { name: 'Sign in to Azimuth' })).toBeVisible();
  const member = page.getByRole('combobox', { name: 'Person' });
  await expect(member.getByRole('option')).toHaveText([
    'Choose who you are',
    ...Object.values(MEMBERS).map((m) => `${m.name} (${m.user})`),
  ]);
  // Nothing chosen: the form says so and nothing is sent.
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Sign in to Azimuth' })).toBeVisible();

  await signInAs(page, 'grace');
  await expect(page).toHaveURL(/\/compute\/instances(\?|$)/);
  await expect(memberButton(page)).toHaveAccessibleName(
    'GH Grace Hopper AzureML Data Scientist, signed in. Account',
  );
  // A reload keeps the session.
  await page.reload();
  await expect(memberButton(page)).toHaveAccessibleName(/^GH Grace Hopper /);

  // The account menu works from the keyboard and signs out.
  await memberButton(page).focus();
  await page.keyboard.press('Enter');
  const menu = page.getByRole('menu', { name: 'Account' });
  await expect(menu.getByRole('menuitem', { name: 'Sign out' })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(menu).toBeHidden();
  await expect(memberButton(page)).toBeFocused();
  await page.keyboard.press('Enter');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Sign in to Azimuth' })).toBeVisible();
  // The keyboard can go on at once: the member list has the focus.
  await expect(page.getByRole('combobox', { name: 'Person' })).toBeFocused();
  // The old session is gone on the server too: the studio does not come back on reload.
  await page.reload();
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
});

test('a wrong access key is refused with the server\'s message; the right one signs in', async ({ page }) => {
  const server = await startServer(['--access-key', 'class-of-2026']);
  try {
    await page.goto(`${server.url}/`);
    await signInAs(page, 'ada', 'class-of-2025');
    await expect(page.getByRole('alert').filter({ hasText: 'access key' })).toHaveText(
      'The access key is not right. Ask the person who runs this workspace for it.',
    );
    await expect(page.getByRole('heading', { name: 'Sign in to Azimuth' })).toBeVisible();
    await page.getByLabel('Access key').fill('class-of-2026');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(memberButton(page)).toHaveAccessibleName(/^AL Ada Lovelace Owner, /);
  } finally {
    await server.dispose();
  }
});

test("two people see each other's changes without reloading", async ({ page, browser, server }) => {
  await openInstances(page);
  const grace = await secondPerson(browser, server!.url, 'grace');
  const name = uniqueName('shared');

  await createInstance(page, name);
  const seen = Date.now();
  await expect(instanceRow(grace, name)).toBeVisible({ timeout: 2_000 });
  expect(Date.now() - seen, 'the change reached the other browser within a second').toBeLessThan(1_500);
  await expectState(grace, name, 'Running');

  // And back: Grace (a Data Scientist) stops it; Ada sees it stop, from what the events
  // carry, without reading the whole workspace again.
  const reads: string[] = [];
  page.on('request', (r) => {
    if (r.url().includes('/api/workspace?')) reads.push(r.url());
  });
  await selectInstance(grace, name);
  await toolbarButton(grace, 'Stop').click();
  await expectState(page, name, /Stopping|Stopped/);
  await expectState(page, name, 'Stopped');
  expect(reads, 'the events carried the change').toEqual([]);
  await grace.context().close();
});

test('two people creating the same name: the first gets it, the second is told so', async ({ page, browser, server }) => {
  await openInstances(page);
  const katherine = await secondPerson(browser, server!.url, 'katherine');
  const name = uniqueName('race');
  await openWizard(page);
  await fillWizard(page, name);
  await openWizard(katherine);
  await fillWizard(katherine, name);
  // Katherine clicks first, but her request reaches the server after Ada's.
  let release = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  await katherine.route('**/computes/**', async (route) => {
    if (route.request().method() === 'PUT') await held;
    await route.continue();
  });
  await wizardButton(katherine, 'Create').click();
  await wizardButton(page, 'Create').click();
  await expect(wizard(page)).toBeHidden();
  release();
  await expect(notifications(katherine).getByRole('alert')).toContainText(
    `Someone created a compute named ${name} a moment ago. Choose another name.`,
  );
  await expect(wizard(katherine)).toBeVisible();
  await expect(instanceRow(page, name)).toHaveCount(1);
  await expect(await instanceCell(page, name, 'Assigned to')).toHaveText('Ada Lovelace');
  await katherine.context().close();
});

test("a Reader who forces an action gets the server's refusal", async ({ page, server }) => {
  const name = uniqueName('forced');
  await createThroughApi(server!.url, name);
  // The studio is told that Alan is an Owner, so it enables every button; the server still
  // knows he is a Reader.
  const asOwner = (workspace: { members: { name: string; role: string }[] }) => {
    for (const m of workspace.members) if (m.name === 'Alan Turing') m.role = 'Owner';
  };
  // The studio reads the workspace as it starts (/api/open) and again later (/api/workspace).
  await page.route('**/api/open?*', async (route) => {
    const response = await route.fetch();
    const opened = await response.json();
    if (opened.workspace) asOwner(opened.workspace);
    await route.fulfill({ response, json: opened });
  });
  await page.route('**/api/workspace?*', async (route) => {
    const response = await route.fetch();
    const snapshot = await response.json();
    asOwner(snapshot);
    await route.fulfill({ response, json: snapshot });
  });
  await openStudio(page, '/compute/instances', 'alan');
  await expectState(page, name, 'Running');
  await selectInstance(page, name);
  await expect(toolbarButton(page, 'Stop')).toBeEnabled();
  await toolbarButton(page, 'Stop').click();
  const refusal = notifications(page).getByRole('alert').filter({ hasText: `Could not stop ${name}` });
  await expect(refusal).toContainText("The client 'alan@contoso.com'");
  await expect(refusal).toContainText(
    "does not have authorization to perform action 'Microsoft.MachineLearningServices/workspaces/computes/stop/action'",
  );
  await expectState(page, name, 'Running');
  // Reads still on their way when the test ends must not fail it.
  await page.unrouteAll({ behavior: 'ignoreErrors' });
});

test('a compute cluster created through the ARM API is not listed as an instance', async ({ page, server }) => {
  await openInstances(page);
  const session = await fetch(`${server!.url}/api/session`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ member: 'Ada Lovelace' }),
  });
  const { token } = (await session.json()) as { token: string };
  const created = await fetch(`${server!.url}${WS}/computes/cpu-cluster?${API}`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: JSON.stringify({
      properties: {
        computeType: 'AmlCompute',
        properties: { vmSize: 'Standard_DS3_v2', scaleSettings: { minNodeCount: 0, maxNodeCount: 2 } },
      },
    }),
  });
  expect(created.status).toBe(201);
  await openInstances(page);
  await expect(instanceRow(page, 'cpu-cluster')).toHaveCount(0);
  await expect(page.getByText('No compute instances yet.')).toBeVisible();
});

test('the studio reconnects by itself after the server restarts', async ({ page, server }) => {
  await openInstances(page);
  await server!.stop(true);
  await server!.restart();
  const name = uniqueName('after');
  await createThroughApi(server!.url, name);
  await expect(instanceRow(page, name)).toBeVisible({ timeout: 5_000 });
});
