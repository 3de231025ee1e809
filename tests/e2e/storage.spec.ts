// What the studio does when the browser's storage lets it down: an unreadable saved workspace
// (an earlier build's localStorage value, or a record in IndexedDB) gets a recovery page that
// writes nothing until the person chooses, and a full storage refuses the change with a message
// while keeping everything as it was. Two tabs never lose each other's changes.
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
  readRecords,
  readSaved,
  readStorage,
  seedStorage,
  setPace,
  uniqueName,
  wizard,
  writeRecord,
} from './helpers';

test.skip(({ store }) => store === 'server', "IndexedDB is the browser store's; the server's has its own tests");

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
    expect(await readSaved(page)).toBeNull();

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
    const saved = await readSaved(page);
    expect(saved).toMatchObject({ format: 'azimuth-workspace', version: 2 });
    expect(saved.workspaces[0].computes).toEqual([]);
    expect(await readStorage(page)).toBeNull();
  });
}

test('a damaged record opens the recovery page, which offers every record as saved', async ({ page }) => {
  await openInstances(page);
  await setPace(page, 'Instant');
  await createInstance(page, uniqueName('ci'));
  const records = await readRecords(page);
  const [key] = records!.computes[0];
  await writeRecord(page, 'computes', key, '{"resource": cut sh');
  const damaged = await readRecords(page);

  await page.reload();
  const heading = page.getByRole('heading', { name: RECOVERY_HEADING });
  await expect(heading).toBeVisible();
  await expect(page.getByText(/compute record .* is damaged/)).toBeVisible();
  const downloading = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download the saved value' }).click();
  const dump = JSON.parse(await downloadText(await downloading));
  expect(dump.computes).toContainEqual([key, '{"resource": cut sh']);
  expect(await readRecords(page)).toEqual(damaged);

  await page.getByRole('button', { name: 'Start afresh' }).click();
  await expect(instancesTable(page)).toBeVisible();
  await expect(page.getByText('No compute instances yet.')).toBeVisible();
  expect((await readRecords(page))!.computes).toEqual([]);
});

test('a database a newer Azimuth wrote opens the recovery page and is left alone', async ({ page }) => {
  await page.goto('/favicon.svg');
  await page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const r = indexedDB.open('azimuth', 7);
        r.onupgradeneeded = () => r.result.createObjectStore('future');
        r.onsuccess = () => {
          r.result.close();
          resolve(null);
        };
        r.onerror = () => reject(r.error);
      }),
  );
  await page.goto('/compute/instances');
  await expect(page.getByRole('heading', { name: RECOVERY_HEADING })).toBeVisible();
  await expect(page.getByText(/newer version of Azimuth \(storage layout 7/)).toBeVisible();
  await expect(page.getByRole('button', { name: 'Download the saved value' })).toHaveCount(0);
  const version = await page.evaluate(async () => (await indexedDB.databases()).find((d) => d.name === 'azimuth')?.version);
  expect(version).toBe(7);
});

test('a full storage refuses the change with a message and writes nothing', async ({ page }) => {
  await openInstances(page);
  await setPace(page, 'Instant');
  const kept = uniqueName('kept');
  await createInstance(page, kept);
  await expectState(page, kept, 'Running');
  const before = await readRecords(page);

  // From now on the browser says its storage is full when a record is saved.
  await page.evaluate(() => {
    const original = IDBObjectStore.prototype.put;
    (window as unknown as { __originalPut: typeof original }).__originalPut = original;
    IDBObjectStore.prototype.put = function (value: unknown, key?: IDBValidKey) {
      if (this.name === 'computes') throw new DOMException('full', 'QuotaExceededError');
      return original.call(this, value, key);
    };
  });

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
  expect(await readRecords(page)).toEqual(before);

  // With the storage back to normal, a reload shows the workspace exactly as before.
  await page.evaluate(() => {
    const w = window as unknown as { __originalPut: typeof IDBObjectStore.prototype.put };
    IDBObjectStore.prototype.put = w.__originalPut;
  });
  await page.reload();
  await expect(instancesTable(page)).toBeVisible();
  await expect(page.getByRole('heading', { name: RECOVERY_HEADING })).toHaveCount(0);
  await expect(instanceRow(page, kept)).toBeVisible();
  await expect(instanceRow(page, refused)).toHaveCount(0);
  expect(await readRecords(page)).toEqual(before);
});

test('two tabs that change the workspace at once lose nothing', async ({ page, context }) => {
  await openInstances(page);
  await setPace(page, 'Instant');
  // The second tab never hears the first one's announcements: its copy goes stale.
  const deaf = await context.newPage();
  await deaf.addInitScript(() => {
    Object.defineProperty(BroadcastChannel.prototype, 'onmessage', { set() {}, get: () => null });
  });
  await openInstances(deaf);
  const first = uniqueName('one');
  const second = uniqueName('two');
  await createInstance(page, first);
  await createInstance(deaf, second);
  // The second tab started its change from what was saved, the first tab's instance included.
  await expect(instanceRow(deaf, first)).toBeVisible();
  await page.reload();
  await expect(instanceRow(page, first)).toBeVisible();
  await expect(instanceRow(page, second)).toBeVisible();
  const saved = await readSaved(page);
  const names = saved.workspaces[0].computes.map((c: { resource: { name: string } }) => c.resource.name);
  expect(names).toEqual([first, second]);
  await deaf.close();
});

test('a tab keeps its last good copy when another tab saves an unreadable value', async ({ page, context }) => {
  await openInstances(page);
  await setPace(page, 'Instant');
  const name = uniqueName('good');
  await createInstance(page, name);

  // Another tab (or another app on the same origin) writes something unreadable.
  const other = await context.newPage();
  await openStudio(other, '/');
  const records = await readRecords(other);
  await writeRecord(other, 'directory', 'directory', '{"theme":"dark"}');
  await other.close();

  const alert = notifications(page).getByRole('alert');
  await expect(alert).toContainText('Another tab saved an unreadable workspace');
  await expect(alert).toContainText(/keeps showing the last good copy/);
  await expect(instanceRow(page, name)).toBeVisible();
  await alert.getByRole('button', { name: 'Dismiss notification' }).click();
  await expect(alert).toHaveCount(0);
  expect(records?.directory).toContain('azimuth-workspace');
});
