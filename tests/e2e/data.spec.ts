// The Data page on both stores: files uploaded into a datastore, data assets made from them
// (from a datastore path, and from local files through the wizard's upload), explored, consumed,
// archived; a datastore registered with a secret that is never shown back; a Reader who can look
// but not write.
import { test, expect, openStudio, switchMember } from './helpers';
import type { Page } from '@playwright/test';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A CSV with what trips up readers: a BOM, quotes, a comma and a new line inside fields, UTF-8. */
const CSV = '\ufeffname,age,note\n"Braund, Mr. Owen",22,"said ""hi""\nthen left"\nZoë Cumings,38,plain\n';

function csvFile(name = 'titanic.csv') {
  return { name, mimeType: 'text/csv', buffer: Buffer.from(CSV, 'utf8') };
}

function toolbar(page: Page, name: string) {
  return page.getByRole('toolbar', { name });
}

async function uploadInto(page: Page, folder: string) {
  await openStudio(page, '/data/datastores');
  await page.getByRole('table', { name: 'Datastores' }).getByRole('link', { name: 'workspaceblobstore' }).click();
  await expect(page.getByRole('heading', { name: 'workspaceblobstore', level: 1 })).toBeVisible();
  await expect(page.getByText('This folder is empty.')).toBeVisible();
  await toolbar(page, 'File actions').getByRole('button', { name: 'New folder' }).click();
  await page.getByRole('dialog', { name: 'New folder' }).getByLabel('Folder name').fill(folder);
  await page.getByRole('dialog', { name: 'New folder' }).getByRole('button', { name: 'Create' }).click();
  await expect(page).toHaveURL(new RegExp(`path=${folder}%2F|path=${folder}/`));
  await page.getByLabel('Upload files').setInputFiles(csvFile());
  const files = page.getByRole('table', { name: 'Files' });
  await expect(files.getByRole('row').filter({ hasText: 'titanic.csv' })).toContainText(`${Buffer.byteLength(CSV)} B`);
}

test('a CSV uploaded to a datastore becomes a data asset whose rows can be explored, then archived', async ({ page }) => {
  await openStudio(page, '/data');
  const nav = page.getByRole('navigation', { name: 'Studio' });
  await expect(nav.getByRole('link', { name: 'Data', exact: true })).toHaveAttribute('aria-current', 'page');
  await expect(page.getByText('No data assets yet.')).toBeVisible();
  await page.getByRole('link', { name: 'Datastores' }).click();
  const stores = page.getByRole('table', { name: 'Datastores' });
  for (const name of ['workspaceartifactstore', 'workspaceblobstore', 'workspacefilestore', 'workspaceworkingdirectory']) {
    await expect(stores.getByRole('link', { name })).toBeVisible();
  }
  await expect(stores.getByRole('row').filter({ hasText: 'workspaceblobstore' })).toContainText('Default');
  await uploadInto(page, 'data');

  // The same name again, without "Replace files of the same name": refused, saying how to replace it.
  await page.getByLabel('Upload files').setInputFiles(csvFile());
  await expect(page.getByRole('alert').filter({ hasText: "'data/titanic.csv' already exists." }))
    .toContainText('Choose to replace files of the same name');

  // A data asset from that path, through the wizard's steps.
  await page.goto(page.url().replace(/\/data\/datastores\/.*$/, '/data'));
  await toolbar(page, 'Data asset actions').getByRole('button', { name: '+ Create' }).click();
  const wizard = page.getByRole('dialog', { name: 'Create data asset' });
  await wizard.getByLabel('Name').fill('titanic');
  await wizard.getByLabel('Description').fill('Passengers');
  await wizard.getByRole('button', { name: 'Next' }).click();
  await wizard.getByText('From a datastore path').click();
  await wizard.getByRole('button', { name: 'Next' }).click();
  await wizard.getByLabel('Path').fill('data/');
  await wizard.getByRole('button', { name: 'Next' }).click();
  await wizard.getByRole('button', { name: 'Create' }).click();
  // A file asset cannot point at a folder: the engine says so, and nothing is created.
  await expect(wizard.getByRole('alert')).toContainText('is a folder');
  await wizard.getByRole('tab', { name: /Location/ }).click();
  await wizard.getByLabel('Path').fill('data/titanic.csv');
  await wizard.getByRole('tab', { name: /Review/ }).click();
  await expect(wizard).toContainText('azureml://datastores/workspaceblobstore/paths/data/titanic.csv');
  await wizard.getByRole('button', { name: 'Create' }).click();
  await expect(wizard).toBeHidden();
  const row = page.getByRole('table', { name: 'Data assets' }).getByRole('row').filter({ hasText: 'titanic' });
  await expect(row).toContainText('File (uri_file)');
  await expect(row).toContainText('Passengers');

  // Explore reads the start of the file: quotes, commas and new lines inside fields, the BOM.
  await row.getByRole('link', { name: 'titanic' }).click();
  await expect(page.getByRole('heading', { name: 'titanic', level: 1 })).toBeVisible();
  await page.getByRole('tab', { name: 'Explore' }).click();
  const preview = page.getByRole('table', { name: 'Preview' });
  await expect(preview.getByRole('columnheader')).toHaveText(['name', 'age', 'note']);
  await expect(preview.getByRole('row').nth(1)).toContainText('Braund, Mr. Owen');
  await expect(preview.getByRole('row').nth(1)).toContainText('said "hi"');
  await expect(preview.getByRole('row').nth(2)).toContainText('Zoë Cumings');
  await expect(page.getByText('All 2 rows.')).toBeVisible();

  // Profile reads every row (the server, or this browser's worker): types, counts, statistics.
  await page.getByRole('tab', { name: 'Profile' }).click();
  const profile = page.getByRole('table', { name: 'Profile' });
  await expect(page.getByText('2 rows, 3 columns.')).toBeVisible();
  const age = profile.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'age' }) });
  const stats = ['Integer', '2', '0', '2', '22', '38', '30', '11.314'];
  for (const [i, stat] of stats.entries()) await expect(age.getByRole('cell').nth(i)).toHaveText(stat);
  await expect(age.getByRole('img', { name: 'Histogram of age: 22 to 39' })).toBeVisible();
  const name = profile.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'name' }) });
  await expect(name).toContainText('String');
  await expect(name.getByRole('listitem').first()).toContainText('Braund, Mr. Owen');
  await page.getByRole('tab', { name: 'Consume' }).click();
  await expect(page.getByText('azureml:titanic:1', { exact: true })).toBeVisible();
  const yaml = page.getByRole('region', { name: 'CLI v2 YAML' });
  await expect(yaml).toContainText('version: "1"');
  await expect(yaml).toContainText('type: uri_file');
  await expect(yaml).toContainText('path: azureml://datastores/workspaceblobstore/paths/data/titanic.csv');
  await expect(page).toHaveURL(/tab=consume/);

  // Archived, it leaves the list until "Include archived"; restored, it is back.
  await page.getByRole('link', { name: 'Data assets' }).first().click();
  await row.getByRole('checkbox', { name: 'Select titanic' }).check();
  await toolbar(page, 'Data asset actions').getByRole('button', { name: 'Archive' }).click();
  await expect(row).toBeHidden();
  await page.getByLabel('Include archived').check();
  await expect(row).toContainText('Archived');
});

test('the wizard uploads a local file and creates the asset only once it is stored', async ({ page }) => {
  await openStudio(page, '/data/create');
  const wizard = page.getByRole('dialog', { name: 'Create data asset' });
  await wizard.getByLabel('Name').fill('passengers');
  await wizard.getByRole('button', { name: 'Next' }).click();
  await expect(wizard.getByLabel('From local files')).toBeChecked();
  await wizard.getByRole('button', { name: 'Next' }).click();
  await wizard.getByLabel('File to upload').setInputFiles(csvFile('passengers.csv'));
  await expect(wizard).toContainText('1 file chosen');
  const folder = await wizard.getByLabel('Folder in the datastore').inputValue();
  expect(folder).toMatch(/^UI\/\d{4}-\d{2}-\d{2}_\d{6}_UTC\/$/);
  await wizard.getByRole('button', { name: 'Next' }).click();
  await wizard.getByRole('button', { name: 'Create' }).click();
  await expect(wizard).toBeHidden();
  const row = page.getByRole('table', { name: 'Data assets' }).getByRole('row').filter({ hasText: 'passengers' });
  await row.getByRole('link', { name: 'passengers' }).click();
  await expect(page.getByText(`azureml://datastores/workspaceblobstore/paths/${folder}passengers.csv`).first()).toBeVisible();
  await page.getByRole('tab', { name: 'Explore' }).click();
  await expect(page.getByRole('table', { name: 'Preview' })).toContainText('Zoë Cumings');
  // The same name again is its next version, of the same type.
  await openStudio(page, '/data/create');
  await wizard.getByLabel('Name').fill('passengers');
  await expect(wizard).toContainText('passengers exists: this creates its version 2.');
  await wizard.getByText('Folder (uri_folder)').click();
  await expect(wizard.getByText(/passengers is a File \(uri_file\); its versions keep that type/)).toBeVisible();
});

test('a registered datastore never shows its key, and a Reader may look but not write', async ({ page }) => {
  const key = 'c2VjcmV0LWtleS1uZXZlci1zaG93bg==';
  await openStudio(page, '/data/create/datastore');
  const dialog = page.getByRole('dialog', { name: 'Create datastore' });
  await dialog.getByLabel('Datastore name').fill('class-data');
  await dialog.getByLabel('Storage account name').fill('classdata');
  await dialog.getByLabel('Blob container name').fill('raw');
  await dialog.getByLabel('Account key').fill(key);
  await dialog.getByRole('button', { name: 'Create' }).click();
  await expect(dialog.getByLabel('Datastore name')).toHaveAttribute('aria-invalid', 'true');
  await expect(dialog).toContainText("'-' is not allowed");
  await dialog.getByLabel('Datastore name').fill('class_data');
  await dialog.getByRole('button', { name: 'Create' }).click();
  await expect(dialog).toBeHidden();
  const row = page.getByRole('table', { name: 'Datastores' }).getByRole('row').filter({ hasText: 'class_data' });
  await expect(row).toContainText('container raw of account classdata');
  await expect(row).toContainText('Account key');
  await row.getByRole('link', { name: 'class_data' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'cannot reach Azure storage from here' })).toBeVisible();
  await expect(page.getByRole('region', { name: 'CLI v2 YAML' })).toContainText('account_name: classdata');
  expect(await page.content()).not.toContain(key);

  // Alan is a Reader: he browses, but uploading and creating are not his to do.
  await switchMember(page, 'alan');
  await page.goto(page.url().replace(/\/data\/datastores\/.*$/, '/data/datastores/workspaceblobstore'));
  await expect(page.getByRole('table', { name: 'Files' })).toBeVisible();
  await expect(page.getByLabel('Upload files')).toBeDisabled();
  await page.goto(page.url().replace(/\/data\/datastores\/.*$/, '/data'));
  await expect(toolbar(page, 'Data asset actions').getByRole('button', { name: '+ Create' })).toHaveAttribute('aria-disabled', 'true');
});

test('a cancelled upload keeps nothing, and a full browser storage says so', async ({ page, store }) => {
  await openStudio(page, '/data/datastores/workspaceblobstore');
  await expect(page.getByText('This folder is empty.')).toBeVisible();
  // Slow the upload down so there is time to cancel it: the server's answer waits, and the
  // browser's file system writes each slice late.
  await page.route('**/api/files?**', async (route) => {
    if (route.request().method() === 'PUT') await new Promise((r) => setTimeout(r, 5_000));
    await route.continue().catch(() => {});
  });
  await page.evaluate(() => {
    const write = FileSystemWritableFileStream.prototype.write;
    FileSystemWritableFileStream.prototype.write = async function (data: FileSystemWriteChunkType) {
      await new Promise((r) => setTimeout(r, 400));
      return write.call(this, data);
    };
  });
  const big = { name: 'big.bin', mimeType: 'application/octet-stream', buffer: Buffer.alloc(24 * 1024 * 1024, 7) };
  await page.getByLabel('Upload files').setInputFiles(big);
  const uploads = page.getByRole('list', { name: 'Uploads' });
  await expect(uploads.getByRole('progressbar', { name: 'Uploading big.bin' })).toBeVisible();
  await uploads.getByRole('button', { name: 'Cancel' }).click();
  await expect(uploads.getByRole('alert')).toContainText(/cancelled|stopped before it was finished/);
  await toolbar(page, 'File actions').getByRole('button', { name: 'Refresh' }).click();
  await expect(page.getByText('This folder is empty.')).toBeVisible();
  await page.unroute('**/api/files?**');

  if (store === 'browser') {
    // The browser's storage is full: the upload is refused in words, and nothing is left.
    await page.evaluate(() => {
      FileSystemWritableFileStream.prototype.write = async function () {
        throw new DOMException('full', 'QuotaExceededError');
      };
    });
    await uploads.getByRole('button', { name: 'Dismiss' }).click();
    await page.getByLabel('Upload files').setInputFiles(csvFile());
    await expect(uploads.getByRole('alert')).toContainText(
      "storage for Azimuth is full, so the upload of titanic.csv was not saved",
    );
    await toolbar(page, 'File actions').getByRole('button', { name: 'Refresh' }).click();
    await expect(page.getByText('This folder is empty.')).toBeVisible();
  }
});

test('sample data becomes a table for automated ML and a file whose rows can be explored', async ({ page }) => {
  await openStudio(page, '/data/create');
  const wizard = page.getByRole('dialog', { name: 'Create data asset' });
  await wizard.getByText('Table (mltable)').click();
  await wizard.getByRole('button', { name: 'Next' }).click();
  await wizard.getByText('Sample data', { exact: true }).click();
  await wizard.getByRole('button', { name: 'Next' }).click();
  await wizard.getByText('Diabetes screening: 1,000 patients').click();
  await expect(wizard).toContainText('Diabetic is the column to predict');
  await wizard.getByRole('button', { name: 'Next' }).click();
  await expect(wizard).toContainText('azureml://datastores/workspaceblobstore/paths/samples/diabetes/');
  await wizard.getByRole('button', { name: 'Create' }).click();
  await expect(wizard).toBeHidden();
  const row = page.getByRole('table', { name: 'Data assets' }).getByRole('row').filter({ hasText: 'diabetes' });
  await expect(row).toContainText('Table (mltable)');
  await row.getByRole('link', { name: 'diabetes' }).click();
  // Explore and Profile read the table as its MLTable file says (the CSV beside it).
  await page.getByRole('tab', { name: 'Explore' }).click();
  await expect(page.getByText("The first 100 rows of samples/diabetes/diabetes.csv, read as the table's MLTable file says.")).toBeVisible();
  await expect(page.getByRole('table', { name: 'Preview' }).getByRole('columnheader', { name: 'Diabetic' })).toBeVisible();
  await page.getByRole('tab', { name: 'Profile' }).click();
  await expect(page.getByText('1,000 rows, 10 columns of samples/diabetes/diabetes.csv.')).toBeVisible();
  const diabetic = page.getByRole('table', { name: 'Profile' }).getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'Diabetic' }) });
  await expect(diabetic.getByRole('cell').nth(0)).toHaveText('Integer');
  await expect(diabetic.getByRole('cell').nth(3)).toHaveText('2');

  // The same sample as a file: its first 100 rows of 1,000.
  await openStudio(page, '/data/create');
  await wizard.getByLabel('Name').fill('diabetes-file');
  await wizard.getByRole('button', { name: 'Next' }).click();
  await wizard.getByText('Sample data', { exact: true }).click();
  await wizard.getByRole('tab', { name: /Review/ }).click();
  await wizard.getByRole('button', { name: 'Create' }).click();
  await expect(wizard).toBeHidden();
  await page.getByRole('table', { name: 'Data assets' }).getByRole('link', { name: 'diabetes-file' }).click();
  await page.getByRole('tab', { name: 'Explore' }).click();
  await expect(page.getByText('The first 100 rows.')).toBeVisible();
  await expect(page.getByRole('table', { name: 'Preview' }).getByRole('columnheader', { name: 'PlasmaGlucose' })).toBeVisible();
});

test('a folder of local files becomes a table whose settings and schema make its MLTable file', async ({ page }) => {
  // A semicolon-separated CSV in Latin-1 (é is one byte, 0xE9), and a file that is not data.
  const dir = mkdtempSync(join(tmpdir(), 'azimuth-table-'));
  const folder = join(dir, 'patients');
  mkdirSync(folder);
  writeFileSync(join(folder, 'patients.csv'), Buffer.from('id;name;age\n1;Zo\xe9;31\n2;Ren\xe9;44\n3;Ada;28\n', 'latin1'));
  writeFileSync(join(folder, 'notes.txt'), 'Collected in 2024.\n');
  await openStudio(page, '/data/create');
  const wizard = page.getByRole('dialog', { name: 'Create data asset' });
  await wizard.getByLabel('Name').fill('patients');
  await wizard.getByText('Table (mltable)').click();
  await wizard.getByRole('button', { name: 'Next' }).click();
  await wizard.getByText('From local files').click();
  await wizard.getByRole('button', { name: 'Next' }).click();
  await wizard.getByLabel('Folder to upload').setInputFiles(folder);
  await expect(wizard).toContainText('2 files chosen');
  // notes.txt could be text of any kind: the table reads patients.csv (and files like it) only.
  await wizard.getByRole('button', { name: 'Next' }).click();

  // Settings: read as a comma-separated file, it is one column; set as it is written, three.
  await expect(wizard.getByRole('tabpanel', { name: 'Settings' })).toContainText('Reading patients.csv');
  const shown = wizard.getByRole('table', { name: 'Table preview' });
  await expect(shown.getByRole('columnheader')).toHaveText(['id;name;age']);
  await wizard.getByLabel('Delimiter').selectOption({ label: 'Semicolon' });
  await wizard.getByLabel('Encoding').selectOption({ label: 'Latin-1 (ISO 8859-1)' });
  await expect(shown.getByRole('columnheader')).toHaveText(['id', 'name', 'age']);
  await expect(shown).toContainText('Zoé');
  await wizard.getByRole('button', { name: 'Next' }).click();

  // Schema: the id is left out.
  const schema = wizard.getByRole('table', { name: 'Schema' });
  await expect(schema.getByRole('row').filter({ hasText: 'age' })).toContainText('Integer');
  await schema.getByRole('checkbox', { name: 'Include id' }).uncheck();
  await wizard.getByRole('button', { name: 'Next' }).click();
  await wizard.getByRole('button', { name: 'Create' }).click();
  await expect(wizard).toBeHidden();

  // Explore and Profile read the table as its MLTable file says.
  await page.getByRole('table', { name: 'Data assets' }).getByRole('link', { name: 'patients' }).click();
  await page.getByRole('tab', { name: 'Explore' }).click();
  const preview = page.getByRole('table', { name: 'Preview' });
  await expect(preview.getByRole('columnheader')).toHaveText(['name', 'age']);
  await expect(preview).toContainText('René');
  await page.getByRole('tab', { name: 'Profile' }).click();
  await expect(page.getByText(/^3 rows, 2 columns of UI\/.*\/patients\/patients\.csv\.$/)).toBeVisible();
  await page.getByRole('tab', { name: 'Overview' }).click();
  await page.getByRole('link', { name: /workspaceblobstore/ }).click();
  await expect(page.getByRole('table', { name: 'Files' })).toContainText('MLTable');
  rmSync(dir, { recursive: true, force: true });
});

test('CLI YAML of a data asset and of a datastore creates them; a local path or a taken version is explained', async ({ page }) => {
  await openStudio(page, '/data');
  await toolbar(page, 'Data asset actions').getByRole('button', { name: 'Create from YAML' }).click();
  await expect(page).toHaveURL(/\/data\/import/);
  const file = page.getByLabel('Or paste it here');
  const data = 'name: passengers\ntype: uri_file\npath: ./data/titanic.csv\n';
  await file.fill(data);
  await expect(page.getByRole('alert')).toContainText('line 3, field path');
  await expect(page.getByRole('alert')).toContainText('path on your computer');
  await file.fill(data.replace('./data/titanic.csv', 'azureml://datastores/workspaceblobstore/paths/data/titanic.csv'));
  const preview = page.getByRole('region', { name: 'What it will create' });
  await expect(preview).toContainText('passengers');
  await expect(preview).toContainText('File (uri_file)');
  await page.getByRole('button', { name: 'Create' }).click();
  await expect(page.getByRole('heading', { name: 'passengers', level: 1 })).toBeVisible();
  // The Consume tab's YAML, pasted back, names the version that already exists.
  await page.getByRole('tab', { name: 'Consume' }).click();
  const written = await page.getByRole('region', { name: 'CLI v2 YAML' }).locator('pre').innerText();
  await openStudio(page, '/data/import');
  await page.getByLabel('Or paste it here').fill(written);
  await expect(page.getByRole('alert')).toContainText('Version 1 of passengers exists');

  // A datastore with a key: registered, and the key is never shown.
  const key = 'eWFtbC1rZXktbmV2ZXItc2hvd24=';
  await page.getByLabel('Or paste it here').fill(`$schema: https://azuremlschemas.azureedge.net/latest/azureBlob.schema.json\nname: lab_raw\ntype: azure_blob\naccount_name: labdata\ncontainer_name: raw\ncredentials:\n  account_key: ${key}\n`);
  await expect(preview).toContainText('Account key (kept by the workspace, never shown again)');
  await page.getByRole('button', { name: 'Create' }).click();
  await expect(page.getByRole('heading', { name: 'lab_raw', level: 1 })).toBeVisible();
  expect(await page.content()).not.toContain(key);
});

test('a folder of images sorted by class becomes a Folder asset, explored and profiled by folder and type', async ({ page }) => {
  const dir = mkdtempSync(join(tmpdir(), 'azimuth-images-'));
  const pets = join(dir, 'pets');
  for (const [folder, files] of [['cats', ['a.jpg', 'b.jpg']], ['dogs', ['c.png']]] as const) {
    mkdirSync(join(pets, folder), { recursive: true });
    for (const f of files) writeFileSync(join(pets, folder, f), Buffer.alloc(1500, 1));
  }
  writeFileSync(join(pets, 'labels.csv'), 'file,label\ncats/a.jpg,cat\n');
  await openStudio(page, '/data/create');
  const wizard = page.getByRole('dialog', { name: 'Create data asset' });
  await wizard.getByLabel('Name').fill('pets');
  await wizard.getByText('Folder (uri_folder)').click();
  await wizard.getByRole('button', { name: 'Next' }).click();
  await wizard.getByRole('button', { name: 'Next' }).click();
  await wizard.getByLabel('Folder to upload').setInputFiles(pets);
  await expect(wizard).toContainText('4 files chosen');
  await wizard.getByRole('button', { name: 'Next' }).click();
  await wizard.getByRole('button', { name: 'Create' }).click();
  await expect(wizard).toBeHidden();
  await page.getByRole('table', { name: 'Data assets' }).getByRole('link', { name: 'pets' }).click();
  await page.getByRole('tab', { name: 'Explore' }).click();
  const files = page.getByRole('table', { name: 'Files in the folder' });
  await expect(files).toContainText('cats/');
  await expect(files).toContainText('labels.csv');
  await page.getByRole('tab', { name: 'Profile' }).click();
  await expect(page.getByText('4 files, 4.4 KB in all.')).toBeVisible();
  const byFolder = page.getByRole('table', { name: 'Files by folder' });
  await expect(byFolder.getByRole('row').filter({ hasText: 'cats/' })).toContainText('2');
  const byType = page.getByRole('table', { name: 'Files by type' });
  await expect(byType.getByRole('row').nth(1)).toContainText('.jpg');
  // Its URI, for jobs.
  await page.getByRole('tab', { name: 'Consume' }).click();
  await expect(page.getByText('azureml:pets:1', { exact: true })).toBeVisible();
  rmSync(dir, { recursive: true, force: true });
});

test('a Parquet file is explored and profiled by the server; the browser store says where it is read', async ({ page, store }) => {
  // Written by crates/server/tests/files.rs (patients_parquet): 3 rows, Snappy, one score missing.
  const parquet = readFileSync(join(__dirname, 'fixtures', 'patients.parquet'));
  await openStudio(page, '/data/datastores/workspaceblobstore');
  await page.getByLabel('Upload files').setInputFiles({ name: 'patients.parquet', mimeType: 'application/octet-stream', buffer: parquet });
  await expect(page.getByRole('table', { name: 'Files' })).toContainText('patients.parquet');
  await page.goto(page.url().replace(/\/data\/datastores\/.*$/, '/data/import'));
  await page.getByLabel('Or paste it here').fill('name: patients\ntype: uri_file\npath: azureml://datastores/workspaceblobstore/paths/patients.parquet\n');
  await page.getByRole('button', { name: 'Create' }).click();
  await expect(page.getByRole('heading', { name: 'patients', level: 1 })).toBeVisible();
  await page.getByRole('tab', { name: 'Explore' }).click();
  if (store === 'browser') {
    await expect(page.getByText(/^Parquet files are read by azimuth-server/)).toBeVisible();
    return;
  }
  const preview = page.getByRole('table', { name: 'Preview' });
  await expect(preview.getByRole('columnheader')).toHaveText(['id', 'name', 'score']);
  await expect(preview.getByRole('row').nth(2)).toContainText('René');
  await page.getByRole('tab', { name: 'Profile' }).click();
  await expect(page.getByText('3 rows, 3 columns.')).toBeVisible();
  const score = page.getByRole('table', { name: 'Profile' }).getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'score' }) });
  await expect(score.getByRole('cell').nth(0)).toHaveText('Decimal');
  await expect(score.getByRole('cell').nth(2)).toHaveText('1 (33%)');
});
