// Command jobs that nothing runs, on both stores: a workspace kept in the browser keeps a job
// submitted from its YAML (its code folder uploaded to the browser's blob store) and says it
// waits because a browser runs no command; a server started without a job runner says so of
// itself. Either way the job is listed in All jobs and in its experiment, kept across a reload,
// canceled from its page, and a Reader may look but not submit.
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, openStudio, switchMember, test } from './helpers';

const WAITS = {
  browser: 'This workspace is kept in your browser, which runs no commands, so the job waits here.',
  server: "This server runs no jobs: it was started without '--job-runner local', so the job waits here.",
};

test('a command job nothing runs waits as Queued, says why, is listed, kept and canceled', async ({ page, store }) => {
  const folder = mkdtempSync(join(tmpdir(), 'azimuth-queued-'));
  mkdirSync(join(folder, 'src'));
  writeFileSync(join(folder, 'src', 'train.py'), 'print("training")\n');

  await openStudio(page, '/');
  await page.getByRole('navigation', { name: 'Studio' }).getByRole('link', { name: 'Jobs' }).click();
  await page.getByRole('link', { name: 'All experiments' }).first().click();
  // Every workspace has its Default experiment, empty at first.
  const experiments = page.getByRole('table', { name: 'Experiments' });
  await expect(experiments.getByRole('row').filter({ hasText: 'Default' })).toContainText('0');

  await page.getByRole('toolbar', { name: 'Experiment actions' }).getByRole('button', { name: 'Submit from YAML' }).click();
  await expect(page.getByRole('heading', { name: 'Submit a job from YAML' })).toBeVisible();
  if (store === 'browser') await expect(page.getByText(/kept in your browser, which runs no commands/)).toBeVisible();
  await page.getByLabel('Or paste it here').fill([
    'code: src',
    'command: python train.py --C ${{inputs.C}}',
    'inputs:',
    '  C: 0.5',
    'environment: azureml:AzureML-sklearn-1.0-ubuntu20.04-py38-cpu@latest',
    'experiment_name: lab-2',
    'display_name: waits for a runner',
  ].join('\n'));
  await page.getByLabel('Job name').fill('waiting_job');
  await page.getByLabel(/^Code folder/).setInputFiles(join(folder, 'src'));
  await page.getByRole('button', { name: 'Submit' }).click();

  await expect(page).toHaveURL(/\/jobs\/runs\/waiting_job/);
  await expect(page.getByRole('heading', { name: 'waits for a runner', level: 1 })).toBeVisible();
  await expect(page.locator('[data-state="Queued"]').first()).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: WAITS[store] })).toBeVisible();
  await expect(page.getByText('python train.py --C ${{inputs.C}}', { exact: true })).toBeVisible();
  // Its code was kept: the Code tab shows the folder and its file.
  await page.getByRole('tab', { name: 'Code' }).click();
  const code = page.getByRole('navigation', { name: 'Code of the job' });
  await code.getByRole('button', { name: /train\.py/ }).click();
  await expect(page.getByRole('region', { name: 'Preview' })).toContainText('print("training")');

  // Kept across a reload, listed in All jobs and in its experiment.
  await page.reload();
  await expect(page.getByRole('heading', { name: 'waits for a runner', level: 1 })).toBeVisible();
  await page.getByRole('navigation', { name: 'Studio' }).getByRole('link', { name: 'Jobs' }).click();
  const table = page.getByRole('table', { name: 'Jobs' });
  await expect(table.getByRole('row').filter({ hasText: 'waits for a runner' })).toContainText('Queued');
  await expect(table.getByRole('row').filter({ hasText: 'waits for a runner' })).toContainText('lab-2');
  await page.getByRole('link', { name: 'All experiments' }).first().click();
  await expect(experiments.getByRole('row').filter({ hasText: 'lab-2' })).toContainText('1');

  // Canceled from its page: at once, since nothing runs it.
  await experiments.getByRole('link', { name: 'lab-2' }).click();
  await table.getByRole('link', { name: 'waits for a runner' }).click();
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.locator('[data-state="Canceled"]').first()).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: 'Canceled by ada@contoso.com.' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Cancel' })).toBeHidden();

  // A Reader sees the job but cannot submit one.
  await switchMember(page, 'alan');
  await page.getByRole('navigation', { name: 'Studio' }).getByRole('link', { name: 'Jobs' }).click();
  await expect(page.getByRole('table', { name: 'Jobs' }).getByRole('row').filter({ hasText: 'waits for a runner' })).toContainText('Canceled');
  await page.getByRole('link', { name: 'All experiments' }).first().click();
  const submit = page.getByRole('toolbar', { name: 'Experiment actions' }).getByRole('button', { name: 'Submit from YAML' });
  await expect(submit).toHaveAttribute('aria-disabled', 'true');
  await expect(submit).toHaveAttribute('title', /Reader/);
});

test('a damaged run record in the browser is reported, and nothing is written over it', async ({ page, store }) => {
  test.skip(store === 'server', 'the browser store keeps runs in IndexedDB');
  await openStudio(page, '/jobs');
  await expect(page.getByRole('table', { name: 'Experiments' })).toContainText('Default');
  // A run record another program (or a broken disk) left unreadable.
  const key = await page.evaluate(async () => {
    const db: IDBDatabase = await new Promise((ok, fail) => {
      const r = indexedDB.open('azimuth-runs');
      r.onsuccess = () => ok(r.result);
      r.onerror = () => fail(r.error);
    });
    const tx = db.transaction(['experiments', 'runs'], 'readwrite');
    const keys: IDBValidKey[] = await new Promise((ok) => {
      const r = tx.objectStore('experiments').getAllKeys();
      r.onsuccess = () => ok(r.result);
    });
    const ws = String(keys[0]).split('/')[0];
    tx.objectStore('runs').put('{"info": not json', `${ws}/broken`);
    await new Promise((ok) => { tx.oncomplete = ok; });
    db.close();
    return `${ws}/broken`;
  });
  await page.reload();
  await expect(page.getByRole('alert')).toContainText('A saved run of this workspace in this browser cannot be read');
  // Submitting reads the records again and refuses: the damaged one stays as it was.
  await page.goto('/jobs/create');
  await page.getByLabel('Or paste it here').fill('command: echo hi\nenvironment: azureml:sklearn:1');
  await page.getByRole('button', { name: 'Submit' }).click();
  await expect(page.getByRole('alert')).toContainText('cannot be read');
  const kept = await page.evaluate(async (k) => {
    const db: IDBDatabase = await new Promise((ok) => {
      const r = indexedDB.open('azimuth-runs');
      r.onsuccess = () => ok(r.result);
    });
    const value = await new Promise((ok) => {
      const r = db.transaction('runs').objectStore('runs').get(k);
      r.onsuccess = () => ok(r.result);
    });
    db.close();
    return value;
  }, key);
  expect(kept).toBe('{"info": not json');
});

test('purging a workspace kept in the browser deletes its jobs too', async ({ page, store }) => {
  test.skip(store === 'server', 'the browser store keeps runs in IndexedDB');
  await openStudio(page, '/jobs/create');
  await page.getByLabel('Or paste it here').fill('command: echo hi\nenvironment: azureml:sklearn:1');
  await page.getByLabel('Job name').fill('kept_until_purged');
  await page.getByRole('button', { name: 'Submit' }).click();
  await expect(page).toHaveURL(/\/jobs\/runs\/kept_until_purged/);
  const records = () => page.evaluate(async () => {
    const db: IDBDatabase = await new Promise((ok) => {
      const r = indexedDB.open('azimuth-runs');
      r.onsuccess = () => ok(r.result);
    });
    const count = (name: string) => new Promise<number>((ok) => {
      const r = db.transaction(name).objectStore(name).count();
      r.onsuccess = () => ok(r.result);
    });
    const counts = [await count('experiments'), await count('runs')];
    db.close();
    return counts;
  });
  expect(await records()).toEqual([1, 1]);

  await page.goto('/workspaces');
  await page.getByRole('button', { name: 'Delete mlw-azimuth-lab' }).click();
  await page.getByRole('alertdialog', { name: 'Delete mlw-azimuth-lab?' }).getByRole('button', { name: 'Delete' }).click();
  const deleted = page.getByRole('table', { name: 'Recently deleted workspaces' });
  // Deleted but recoverable: its jobs are kept.
  await expect(deleted).toContainText('mlw-azimuth-lab');
  expect(await records()).toEqual([1, 1]);
  await deleted.getByRole('button', { name: 'Purge mlw-azimuth-lab' }).click();
  await page.getByRole('alertdialog', { name: 'Purge mlw-azimuth-lab?' }).getByRole('button', { name: 'Purge' }).click();
  await expect(deleted).toHaveCount(0);
  await expect.poll(records).toEqual([0, 0]);
});
