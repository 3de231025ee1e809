// What the studio does when the browser's storage lets it down: an unreadable saved workspace
// gets a recovery page that writes nothing until the person chooses, and a full storage refuses
// the change with a message while keeping everything as it was.
import { expect, test } from './helpers';
import {
  WORKSPACE_KEY,
  createInstance,
  discardWizard,
  downloadText,
  expectState,
  instanceRow,
  instancesTable,
  notifications,
  openInstances,
  openStudio,
  readStorage,
  seedStorage,
  setPace,
  uniqueName,
  wizard,
} from './helpers';

test.skip(({ store }) => store === 'server', "localStorage is the browser store's; the server's has its own tests");

const RECOVERY_HEADING = "Azimuth can't open the workspace saved in this browser";

const unreadable = [
  { what: 'a value cut short', raw: '{"format":"azimuth-workspace","vers', reason: /not valid JSON/ },
  { what: "another app's value", raw: '{"theme":"dark"}', reason: /not an Azimuth workspace/ },
  {
    what: 'a workspace from a newer Azimuth',
    raw: '{"format":"azimuth-workspace","version":99,"workspace":{}}',
    reason: /newer version of Azimuth \(format version 99/,
  },
];

for (const { what, raw, reason } of unreadable) {
  test(`recovery from ${what}: nothing is overwritten until "Start afresh"`, async ({ page }) => {
    await seedStorage(page, { [WORKSPACE_KEY]: raw });
    await page.goto('/compute/instances');

    const heading = page.getByRole('heading', { name: RECOVERY_HEADING });
    await expect(heading).toBeVisible();
    await expect(page.getByText(reason)).toBeVisible();
    await expect(page.getByText(/Nothing has been changed/)).toBeVisible();
    // The studio itself did not open.
    await expect(page.getByRole('button', { name: 'Toggle navigation' })).toHaveCount(0);
    expect(await readStorage(page)).toBe(raw);

    // The saved value can be downloaded as it is, and downloading changes nothing.
    const downloading = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download the saved value' }).click();
    const download = await downloading;
    expect(download.suggestedFilename()).toBe('azimuth-workspace-saved.json');
    expect(await downloadText(download)).toBe(raw);
    expect(await readStorage(page)).toBe(raw);

    // A reload still shows the recovery page and still writes nothing.
    await page.reload();
    await expect(heading).toBeVisible();
    expect(await readStorage(page)).toBe(raw);

    // Starting afresh replaces the value with a new, readable workspace and opens the studio.
    await page.getByRole('button', { name: 'Start afresh' }).click();
    await expect(page.getByRole('button', { name: 'Toggle navigation' })).toBeVisible();
    await expect(heading).toHaveCount(0);
    await expect(instancesTable(page)).toBeVisible();
    await expect(page.getByText('No compute instances yet.')).toBeVisible();
    await expect(page.getByRole('banner')).toContainText('mlw-azimuth-lab');
    const saved = JSON.parse((await readStorage(page)) ?? 'null');
    expect(saved).toMatchObject({ format: 'azimuth-workspace', version: 2 });
    expect(saved.workspaces[0].computes).toEqual([]);
  });
}

test('a full storage refuses the change with a message and writes nothing', async ({ page }) => {
  await openInstances(page);
  await setPace(page, 'Instant');
  const kept = uniqueName('kept');
  await createInstance(page, kept);
  await expectState(page, kept, 'Running');
  const before = await readStorage(page);

  // From now on the browser says its storage is full when the workspace is saved.
  await page.evaluate((key) => {
    const original = Storage.prototype.setItem;
    (window as unknown as { __originalSetItem: typeof original }).__originalSetItem = original;
    Storage.prototype.setItem = function (k: string, v: string) {
      if (k === key) throw new DOMException('full', 'QuotaExceededError');
      return original.call(this, k, v);
    };
  }, WORKSPACE_KEY);

  const refused = uniqueName('full');
  await createInstance(page, refused, { expectCreated: false });
  const alert = notifications(page).getByRole('alert');
  await expect(alert).toContainText('Could not create the compute instance');
  await expect(alert).toContainText(/storage .*is full/);

  // Nothing was created: the wizard is still open with what was entered, the table unchanged.
  await expect(wizard(page)).toBeVisible();
  await discardWizard(page);
  await expect(instanceRow(page, kept)).toBeVisible();
  await expect(instanceRow(page, refused)).toHaveCount(0);
  await expectState(page, kept, 'Running');
  expect(await readStorage(page)).toBe(before);

  // With the storage back to normal, a reload shows the workspace exactly as before.
  await page.evaluate(() => {
    const w = window as unknown as { __originalSetItem: typeof Storage.prototype.setItem };
    Storage.prototype.setItem = w.__originalSetItem;
  });
  await page.reload();
  await expect(instancesTable(page)).toBeVisible();
  await expect(page.getByRole('heading', { name: RECOVERY_HEADING })).toHaveCount(0);
  await expect(instanceRow(page, kept)).toBeVisible();
  await expect(instanceRow(page, refused)).toHaveCount(0);
  expect(await readStorage(page)).toBe(before);
});

test('a tab keeps its last good copy when another tab saves an unreadable value', async ({ page, context }) => {
  await openInstances(page);
  await setPace(page, 'Instant');
  const name = uniqueName('good');
  await createInstance(page, name);

  // Another tab (or another app on the same origin) writes something unreadable.
  const other = await context.newPage();
  await openStudio(other, '/');
  await other.evaluate((key) => window.localStorage.setItem(key, '{"theme":"dark"}'), WORKSPACE_KEY);
  await other.close();

  const alert = notifications(page).getByRole('alert');
  await expect(alert).toContainText('Another tab saved an unreadable workspace');
  await expect(alert).toContainText(/keeps showing the last good copy/);
  await expect(instanceRow(page, name)).toBeVisible();
  await alert.getByRole('button', { name: 'Dismiss notification' }).click();
  await expect(alert).toHaveCount(0);
});
