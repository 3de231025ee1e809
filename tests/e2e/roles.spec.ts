// What each member may do follows their Azure role; a disabled control says why in its title.
import { expect, test } from './helpers';
import {
  APPLICATIONS,
  createInstance,
  discardWizard,
  expectState,
  fillWizard,
  instanceRow,
  memberButton,
  notifications,
  openInstances,
  selectInstance,
  setPace,
  switchMember,
  toolbarButton,
  uniqueName,
  wizard,
  wizardButton,
} from './helpers';

const READER_REFUSAL = /Your role \(Reader\) does not allow you to/;

test.beforeEach(async ({ page }) => {
  await openInstances(page);
  await setPace(page, 'Instant');
});

test('the member button is named by what it shows, so speech input can name it', async ({ page }) => {
  // WCAG 2.5.3 (label in name): the initials, name and role it shows start its accessible name.
  const shown = (await memberButton(page).innerText()).split(/\s+/).filter(Boolean).join(' ');
  expect(shown).toBe('AL Ada Lovelace Owner');
  await expect(memberButton(page)).toHaveAccessibleName(new RegExp(`^${shown}, `));
});

test('the member menu lists every member with their role; Ada is signed in by default', async ({ page, store }) => {
  test.skip(store === 'server', 'on a shared workspace the menu signs out instead (server.spec.ts)');
  await expect(memberButton(page)).toHaveAccessibleName('AL Ada Lovelace Owner, signed in. Switch member');
  await memberButton(page).click();
  const menu = page.getByRole('menu', { name: 'Switch member' });
  await expect(menu.getByRole('menuitemradio')).toHaveText([
    /Ada Lovelace — Owner/,
    /Grace Hopper — AzureML Data Scientist/,
    /Alan Turing — Reader/,
    /Katherine Johnson — AzureML Compute Operator/,
  ]);
  await expect(menu.getByRole('menuitemradio', { name: 'Ada Lovelace — Owner' })).toHaveAttribute('aria-checked', 'true');
  await menu.getByRole('menuitemradio', { name: 'Grace Hopper — AzureML Data Scientist' }).click();
  await expect(menu).toBeHidden();
  await expect(memberButton(page)).toHaveAccessibleName(
    'GH Grace Hopper AzureML Data Scientist, signed in. Switch member',
  );
});

test('a Reader cannot create, start, stop, restart or delete, even from the wizard URL', async ({ page }) => {
  const name = uniqueName('ro');
  await createInstance(page, name);
  await expectState(page, name, 'Running');

  await switchMember(page, 'alan');

  const newButton = toolbarButton(page, '+ New');
  await expect(newButton).toBeDisabled();
  await expect(newButton).toHaveAttribute('title', READER_REFUSAL);
  await newButton.click({ force: true });
  await expect(wizard(page)).toHaveCount(0);

  await selectInstance(page, name);
  for (const action of ['Start', 'Stop', 'Restart', 'Delete']) {
    const button = toolbarButton(page, action);
    await expect(button, action).toBeDisabled();
    // The tooltip says why (soft, so the rest of the scenario still runs if it does not).
    await expect.soft(button, `${action} title`).toHaveAttribute('title', READER_REFUSAL, { timeout: 2_000 });
  }
  await toolbarButton(page, 'Stop').click({ force: true });
  await expectState(page, name, 'Running');

  // Home offers no "+ New compute instance" to a Reader.
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1, name: 'Azimuth lab' })).toBeVisible();
  await expect(page.getByRole('link', { name: '+ New compute instance' })).toHaveCount(0);

  // Going straight to the wizard's address does not let him create either.
  await page.goto('/compute/create/instance');
  await expect(wizard(page)).toBeVisible();
  const other = uniqueName('ro');
  await fillWizard(page, other);
  const create = wizardButton(page, 'Create');
  await expect(create).toBeDisabled();
  await expect(create).toHaveAttribute('title', /Reader/);
  await expect(wizard(page).getByRole('alert').filter({ hasText: 'Fix these before creating:' })).toContainText(
    /Reader.*(does not allow|does not have authorization)/,
  );
  await create.click({ force: true });
  await discardWizard(page);
  await expect(instanceRow(page, other)).toHaveCount(0);
  await expect(instanceRow(page, name)).toHaveCount(1);

  // Nor change the workspace's settings.
  await page.getByRole('button', { name: 'Settings' }).click();
  const settings = page.getByRole('dialog', { name: 'Settings' });
  await expect(settings.getByRole('radio', { name: /^Fast\b/ })).toBeDisabled();
  await expect(settings).toContainText(/Your role \(Reader\) does not allow you to change workspace settings/);
});

test('a Data Scientist may start and stop compute but not create or delete it', async ({ page }) => {
  const name = uniqueName('ds');
  await createInstance(page, name);
  await switchMember(page, 'grace');

  await expect(toolbarButton(page, '+ New')).toBeDisabled();
  await expect(toolbarButton(page, '+ New')).toHaveAttribute('title', /AzureML Data Scientist/);
  await selectInstance(page, name);
  await expect(toolbarButton(page, 'Delete')).toBeDisabled();
  await expect.soft(toolbarButton(page, 'Delete')).toHaveAttribute('title', /does not allow you to delete compute/, {
    timeout: 2_000,
  });
  await expect(toolbarButton(page, 'Stop')).toBeEnabled();
  await toolbarButton(page, 'Stop').click();
  await expectState(page, name, 'Stopped');
  await expect(toolbarButton(page, 'Start')).toBeEnabled();
});

test('a Compute Operator may create compute', async ({ page }) => {
  await switchMember(page, 'katherine');
  const name = uniqueName('op');
  await createInstance(page, name);
  await expectState(page, name, 'Running');
  await expect(instanceRow(page, name)).toContainText('Katherine Johnson');
});

test('application links open only for the assigned user while the instance is Running', async ({ page }) => {
  const name = uniqueName('apps');
  await createInstance(page, name);
  await expectState(page, name, 'Running');
  const row = instanceRow(page, name);

  // Ada created it, so it is assigned to her: every application is available.
  for (const app of APPLICATIONS) {
    await expect(row.getByRole('button', { name: app, exact: true }), app).toBeEnabled();
  }
  await row.getByRole('button', { name: 'JupyterLab', exact: true }).click();
  await expect(notifications(page).getByRole('status').filter({ hasText: `JupyterLab on ${name}` })).toBeVisible();

  // Katherine may operate the compute, but its applications are Ada's.
  await switchMember(page, 'katherine');
  for (const app of APPLICATIONS) {
    const link = row.getByRole('button', { name: app, exact: true });
    await expect(link, app).toBeDisabled();
    await expect(link, app).toHaveAttribute('aria-disabled', 'true');
    await expect(link, app).toHaveAttribute('title', /Only the user this compute instance is assigned to/);
  }

  // Back as Ada, a stopped instance's applications are not available either.
  await switchMember(page, 'ada');
  await selectInstance(page, name);
  await toolbarButton(page, 'Stop').click();
  await expectState(page, name, 'Stopped');
  const jupyter = row.getByRole('button', { name: 'JupyterLab', exact: true });
  await expect(jupyter).toBeDisabled();
  await expect(jupyter).toHaveAttribute('title', /open only while the compute instance is Running/);
});

test('an instance assigned to another user is theirs to open', async ({ page }) => {
  const name = uniqueName('given');
  await createInstance(page, name, { assignTo: 'katherine' });
  await expectState(page, name, 'Running');
  const row = instanceRow(page, name);
  await expect(row).toContainText('Katherine Johnson');
  await expect(row.getByRole('button', { name: 'Terminal', exact: true })).toBeDisabled();
  await switchMember(page, 'katherine');
  await expect(row.getByRole('button', { name: 'Terminal', exact: true })).toBeEnabled();
});

test('the member menu works from the keyboard and gives the focus back', async ({ page, store }) => {
  test.skip(store === 'server', 'on a shared workspace the menu signs out instead (server.spec.ts)');
  await openInstances(page);
  await memberButton(page).focus();
  await page.keyboard.press('Enter');
  const menu = page.getByRole('menu', { name: 'Switch member' });
  await expect(menu.getByRole('menuitemradio', { name: /Ada Lovelace/ })).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await expect(menu.getByRole('menuitemradio', { name: /Grace Hopper/ })).toBeFocused();
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('ArrowUp');
  await expect(menu.getByRole('menuitemradio', { name: /Katherine Johnson/ })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(menu).toBeHidden();
  await expect(memberButton(page)).toBeFocused();
  await page.keyboard.press('Enter');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await expect(memberButton(page)).toHaveAccessibleName(/^AT Alan Turing Reader, signed in\. /);
  await expect(memberButton(page)).toBeFocused();
});
