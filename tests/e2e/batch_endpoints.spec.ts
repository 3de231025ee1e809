// Batch endpoints on both stores: an AutoML job's best model, registered, is deployed from its
// model page ("Batch endpoint") through the "Create batch endpoint" wizard to a compute cluster;
// the endpoint is listed in the Endpoints page's Batch endpoints tab and reaches Succeeded; its
// page has its deployment and its CLI YAML. "Create job" scores an uploaded folder data asset
// (on azimuth-server by its job runner; in a workspace kept in the browser by the page, which
// says so): the job's page shows it Completed and the Jobs tab lists it.
import { createDiabetesTable, fillDiabetesAutoml, registerBestModel, submitAndWaitForAutoml } from './automl_helpers';
import { expect, openStudio, test } from './helpers';
import type { Page } from '@playwright/test';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// The server trains and scores with its job runner; a workspace kept in the browser, in the tab.
test.use({ serverArgs: ['--job-runner', 'local'] });

const HEADER = 'PatientID,Pregnancies,PlasmaGlucose,DiastolicBloodPressure,TricepsThickness,SerumInsulin,BMI,DiabetesPedigree,Age';

/** A folder of two CSV files of unlabeled patients, on disk. */
function unlabeledFolder(): string {
  const folder = join(mkdtempSync(join(tmpdir(), 'azimuth-batch-')), 'unlabeled');
  mkdirSync(folder);
  writeFileSync(join(folder, 'part-0.csv'), `${HEADER}\n1354778,0,171,80,34,23,43.5,1.21,21\n1147438,8,92,93,47,36,21.2,0.16,23\n`);
  writeFileSync(join(folder, 'part-1.csv'), `${HEADER}\n1640031,7,115,47,52,35,41.5,0.08,23\n`);
  return folder;
}

/** Goes to `path` of the studio, in the workspace open now. */
async function go(page: Page, path: string): Promise<void> {
  await page.goto(`${path}${new URL(page.url()).search}`);
}

/** Creates compute cluster `name` with the Compute page's wizard. */
async function createCluster(page: Page, name: string): Promise<void> {
  await go(page, '/compute/create/cluster');
  const w = page.getByRole('dialog', { name: 'Create compute cluster' });
  await w.getByRole('button', { name: 'Next' }).click();
  await w.getByLabel('Compute name').fill(name);
  await w.getByRole('button', { name: 'Create' }).click();
  await expect(w).toBeHidden();
}

/** Uploads `folder` as the Folder (uri_folder) data asset `name`, version 1. */
async function createFolderAsset(page: Page, name: string, folder: string): Promise<void> {
  await go(page, '/data/create');
  const wizard = page.getByRole('dialog', { name: 'Create data asset' });
  await wizard.getByLabel('Name').fill(name);
  await wizard.getByText('Folder (uri_folder)').click();
  await wizard.getByRole('button', { name: 'Next' }).click();
  await wizard.getByRole('button', { name: 'Next' }).click();
  await wizard.getByLabel('Folder to upload').setInputFiles(folder);
  await expect(wizard).toContainText('2 files chosen');
  await wizard.getByRole('button', { name: 'Next' }).click();
  await wizard.getByRole('button', { name: 'Create' }).click();
  await expect(wizard).toBeHidden();
}

test('a registered model goes to a new batch endpoint, which scores a folder in a job', async ({ page, store }) => {
  test.setTimeout(300_000);
  await openStudio(page, '/endpoints/batch');
  await expect(page.getByRole('navigation', { name: 'Kinds of endpoint' }).getByRole('link', { name: 'Batch endpoints' })).toHaveAttribute('aria-current', 'page');
  await expect(page.getByText(/No batch endpoints yet\./)).toBeVisible();

  await createDiabetesTable(page);
  await page.getByRole('link', { name: 'Automated ML' }).click();
  await fillDiabetesAutoml(page, 'diabetes_batch', 'batch-e2e', '2');
  await submitAndWaitForAutoml(page, 'diabetes_batch');
  await registerBestModel(page, 'diabetes-batch');
  await createCluster(page, 'batch-cluster');
  await createFolderAsset(page, 'unlabeled', unlabeledFolder());

  // The model's page: "Batch endpoint" opens the wizard with the version chosen.
  await go(page, '/models/diabetes-batch');
  await page.getByRole('toolbar', { name: 'Model actions' }).getByRole('button', { name: 'Batch endpoint' }).click();
  await expect(page).toHaveURL(/\/endpoints\/batch\/create\?.*model=diabetes-batch&version=1/);
  const w = page.getByRole('dialog', { name: 'Create batch endpoint' });
  const name = w.getByRole('textbox', { name: 'Endpoint name' });
  await name.fill('1st_batch');
  await expect(name).toHaveAttribute('aria-invalid', 'true');
  await w.getByRole('button', { name: 'Next' }).click();
  await expect(w.getByRole('tabpanel', { name: 'Endpoint' })).toBeVisible();
  const endpoint = `batch-${Math.random().toString(36).slice(2, 8)}`;
  await name.fill(endpoint);
  await w.getByRole('textbox', { name: 'Description' }).fill('Scores <b>patients</b> overnight');
  await w.getByRole('button', { name: 'Next' }).click();
  await expect(w.getByRole('radio', { name: 'diabetes-batch:1' })).toBeChecked();
  await w.getByRole('button', { name: 'Next' }).click();
  await w.getByRole('button', { name: 'Next' }).click();
  await expect(w.getByRole('tabpanel', { name: 'Deployment' })).toContainText('Give the deployment a name.');
  await w.getByRole('textbox', { name: 'Deployment name' }).fill('first');
  await expect(w.getByRole('textbox', { name: 'Output file name' })).toHaveValue('predictions.csv');
  await expect(w.getByRole('textbox', { name: 'Error threshold' })).toHaveValue('-1');
  await expect(w.getByRole('radio', { name: /Append row/ })).toBeChecked();
  await w.getByRole('button', { name: 'Next' }).click();
  await expect(w.getByRole('radio', { name: 'batch-cluster' })).toBeChecked();
  await w.getByRole('button', { name: 'Next' }).click();
  const review = w.getByRole('tabpanel', { name: 'Review' });
  await expect(review).toContainText('diabetes-batch:1');
  await expect(review.getByRole('region', { name: 'Deployment YAML' })).toContainText(`endpoint_name: ${endpoint}`);
  await expect(review.getByRole('region', { name: 'Deployment YAML' })).toContainText('compute: azureml:batch-cluster');
  await page.screenshot({ path: test.info().outputPath('batch-wizard.png') });
  await w.getByRole('button', { name: 'Create' }).click();
  await expect(w).toBeHidden();
  await expect(page).toHaveURL(new RegExp(`/endpoints/batch/${endpoint}`));
  await expect(page.getByRole('heading', { name: endpoint, level: 1 })).toBeVisible();

  // The Batch endpoints tab lists it; it reaches Succeeded.
  await page.getByRole('link', { name: 'Batch endpoints' }).click();
  const row = page.getByRole('table', { name: 'Batch endpoints' }).getByRole('row').filter({ hasText: endpoint });
  await expect(row).toContainText('Scores <b>patients</b> overnight');
  await expect(row).toContainText('first');
  await expect(row.locator('[data-state="Succeeded"]')).toBeVisible({ timeout: 60_000 });
  await page.reload();
  await expect(page.getByRole('navigation', { name: 'Kinds of endpoint' }).getByRole('link', { name: 'Batch endpoints' })).toHaveAttribute('aria-current', 'page');
  await row.getByRole('link', { name: endpoint }).click();

  // Its page: Details, the deployment's card, and the CLI YAML.
  const attributes = page.getByRole('region', { name: 'Attributes' });
  await expect(attributes).toContainText('Microsoft Entra ID token');
  const card = page.getByRole('region', { name: 'first' });
  await expect(card.getByRole('link', { name: 'diabetes-batch:1' })).toBeVisible();
  await expect(card).toContainText('batch-cluster');
  await expect(card.locator('[data-state="Succeeded"]')).toBeVisible({ timeout: 60_000 });
  await page.screenshot({ path: test.info().outputPath('batch-endpoint.png'), fullPage: true });
  await page.getByRole('tab', { name: 'CLI YAML' }).click();
  await expect(page.getByRole('region', { name: 'Endpoint YAML' })).toContainText(`name: ${endpoint}`);
  await expect(page.getByRole('region', { name: 'Deployment first YAML' })).toContainText('output_file_name: predictions.csv');
  await page.getByRole('tab', { name: 'Details' }).click();
  const createJob = page.getByRole('toolbar', { name: 'Batch endpoint actions' }).getByRole('button', { name: 'Create job' });

  if (store === 'browser') {
    await expect(attributes).toContainText('a workspace kept in this browser has no REST endpoint');
    await expect(page.getByRole('note', { name: 'Batch jobs' })).toContainText('its batch jobs are scored by this page');
  } else {
    await expect(attributes).toContainText(`/inference/eastus/${endpoint}/jobs`);
  }

  // Create job: the uploaded folder, scored by the default deployment.
  await createJob.click();
  const dialog = page.getByRole('dialog', { name: 'Create job' });
  await expect(dialog.getByRole('combobox', { name: 'Deployment' })).toHaveValue('first');
  await dialog.getByRole('combobox', { name: 'Data asset' }).selectOption({ label: 'unlabeled:1 (uri_folder)' });
  await dialog.getByRole('button', { name: 'Create' }).click();
  await expect(page).toHaveURL(/\/jobs\/runs\/batchjob-/);
  const job = /\/jobs\/runs\/([^?/]+)/.exec(page.url())![1];
  await expect(page.locator('[data-state="Completed"]').first()).toBeVisible({ timeout: 90_000 });
  const scoring = page.getByRole('region', { name: 'Batch scoring' });
  await expect(scoring.getByRole('link', { name: endpoint })).toBeVisible();
  await expect(scoring.getByRole('link', { name: 'diabetes-batch:1' })).toBeVisible();
  await expect(scoring).toContainText(`azureml/${job}/score/predictions.csv`);
  await expect(page.getByRole('toolbar', { name: 'Job actions' }).getByRole('button', { name: 'Register model' })).toHaveCount(0);
  await page.getByRole('tab', { name: 'Outputs + logs' }).click();
  const tree = page.getByRole('navigation', { name: 'Files of the job' });
  await tree.getByRole('button', { name: /user_logs/ }).click();
  await tree.getByRole('button', { name: /std_log\.txt/ }).click();
  await expect(page.getByRole('region', { name: 'Preview' })).toContainText('Scored 3 row(s) of 2 file(s)');

  await go(page, `/endpoints/batch/${endpoint}`);
  await page.getByRole('tab', { name: 'Jobs' }).click();
  const jobs = page.getByRole('table', { name: 'Batch jobs' });
  await expect(jobs.getByRole('link', { name: job })).toBeVisible();
  await expect(jobs.getByRole('row').filter({ hasText: job })).toContainText('first');
});
