// The Models page on both stores: an MLflow model registered from files uploaded from this
// computer, listed, its Details (flavors, signature) and Artifacts read from its folder, a
// second version from the same folder in a datastore, edited, archived and deleted; a bad name
// and a job path with no files refused, saying why; an AutoML job's best model registered from
// the job's page.
import { createDiabetesTable, fillDiabetesAutoml, submitAndWaitForAutoml } from './automl_helpers';
import { downloadText, expect, openStudio, test } from './helpers';
import type { Page } from '@playwright/test';

/** An MLmodel file as mlflow writes one for a scikit-learn model, with a signature. */
const MLMODEL = `artifact_path: model
flavors:
  python_function:
    env:
      conda: conda.yaml
    loader_module: mlflow.sklearn
    model_path: model.pkl
    python_version: 3.10.12
  sklearn:
    pickled_model: model.pkl
    sklearn_version: 1.5.1
run_id: 0b1c2d3e
signature:
  inputs: '[{"type": "double", "name": "age"}, {"type": "string", "name": "sex"}]'
  outputs: '[{"type": "long"}]'
`;

const FILES = [
  { name: 'MLmodel', mimeType: 'text/plain', buffer: Buffer.from(MLMODEL, 'utf8') },
  { name: 'model.pkl', mimeType: 'application/octet-stream', buffer: Buffer.from('not really a pickle\n', 'utf8') },
];

function wizard(page: Page) {
  return page.getByRole('dialog', { name: 'Register a model' });
}

function modelRow(page: Page, name: string) {
  return page.getByRole('table', { name: 'Model List' }).getByRole('row').filter({ has: page.getByRole('link', { name, exact: true }) });
}

function toolbar(page: Page) {
  return page.getByRole('toolbar', { name: 'Model actions' });
}

test('an MLflow model from local files is listed, read, given a version, edited, archived and deleted', async ({ page }) => {
  await openStudio(page, '/models');
  const nav = page.getByRole('navigation', { name: 'Studio' });
  await expect(nav.getByRole('link', { name: 'Models', exact: true })).toHaveAttribute('aria-current', 'page');
  await expect(page.getByText(/No models yet\. Train one with Automated ML or a job/)).toBeVisible();

  // Register: MLflow, from local files, a bad name refused beside the field, then a good one.
  await page.getByRole('toolbar', { name: 'Model actions' }).getByRole('button', { name: '+ Register' }).click();
  await expect(page).toHaveURL(/\/models\/register/);
  const w = wizard(page);
  await expect(w.getByLabel('MLflow')).toBeChecked();
  await w.getByRole('button', { name: 'Next' }).click();
  await expect(w.getByLabel('From local files')).toBeChecked();
  await w.getByLabel('Files to upload').setInputFiles(FILES);
  await expect(w).toContainText('2 files chosen');
  await w.getByRole('button', { name: 'Next' }).click();
  const name = w.getByRole('textbox', { name: 'Name', exact: true });
  await name.fill('diabetes model');
  await expect(name).toHaveAttribute('aria-invalid', 'true');
  await expect(name).toHaveAccessibleDescription(/can contain only letters, digits, '-', '_' and '\.'; ' ' is not allowed/);
  await name.fill('diabetes-model');
  await expect(name).not.toHaveAttribute('aria-invalid', 'true');
  await expect(w.getByRole('textbox', { name: 'Version', exact: true })).toHaveValue('1');
  await w.getByLabel('Description').fill('Predicts diabetes');
  await w.getByRole('button', { name: 'Add tag' }).click();
  await w.getByRole('textbox', { name: 'Tag 1 name' }).fill('team');
  await w.getByRole('textbox', { name: 'Tag 1 value' }).fill('ml');
  await w.getByRole('button', { name: 'Next' }).click();
  const review = w.getByRole('tabpanel', { name: 'Review' });
  await expect(review).toContainText(/azureml:\/\/datastores\/workspaceblobstore\/paths\/LocalUpload\/\d{4}-\d{2}-\d{2}_\d{6}_UTC\/diabetes-model\//);
  const uri = (await review.getByText(/^azureml:\/\/datastores\//).innerText()).trim();
  await w.getByRole('button', { name: 'Register' }).click();
  await expect(w).toBeHidden();
  await expect(page).toHaveURL(/\/models(\?|$)/);

  const row = modelRow(page, 'diabetes-model');
  await expect(row).toContainText('MLflow');
  await expect(row).toContainText('team: ml');
  await expect(row).toContainText('None');
  await expect(row.getByRole('cell').nth(2)).toHaveText('1');

  // Details: what it is, its flavors from MLmodel, and its signature.
  await row.getByRole('link', { name: 'diabetes-model' }).click();
  await expect(page.getByRole('heading', { name: 'diabetes-model', level: 1 })).toBeVisible();
  const attributes = page.getByRole('region', { name: 'Attributes' });
  await expect(attributes).toContainText('MLflow (mlflow_model)');
  await expect(attributes).toContainText('Predicts diabetes');
  await expect(attributes).toContainText('azureml:diabetes-model:1');
  const flavors = page.getByRole('table', { name: 'Flavors' });
  await expect(flavors.getByRole('row', { name: /python_function/ })).toContainText('loader_module: mlflow.sklearn');
  await expect(flavors.getByRole('row', { name: /^sklearn/ })).toContainText('pickled_model: model.pkl');
  const inputs = page.getByRole('table', { name: 'Inputs' });
  await expect(inputs.getByRole('row', { name: /age/ })).toContainText('double');
  await expect(inputs.getByRole('row', { name: /sex/ })).toContainText('string');
  await expect(page.getByRole('table', { name: 'Outputs' })).toContainText('long');

  // Artifacts: the folder's files, read and downloaded.
  await page.getByRole('tab', { name: 'Artifacts' }).click();
  const tree = page.getByRole('navigation', { name: 'Model files' });
  await expect(tree.getByRole('button', { name: /^MLmodel/ })).toBeVisible();
  await tree.getByRole('button', { name: /^model\.pkl/ }).click();
  await expect(page.getByText('not really a pickle')).toBeVisible();
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download', exact: true }).click()]);
  expect(file.suggestedFilename()).toBe('model.pkl');
  expect(await downloadText(file)).toBe('not really a pickle\n');

  // Its CLI YAML.
  const [yaml] = await Promise.all([page.waitForEvent('download'), toolbar(page).getByRole('button', { name: 'Download YAML' }).click()]);
  expect(yaml.suggestedFilename()).toBe('diabetes-model-1.yml');
  const text = await downloadText(yaml);
  expect(text).toContain('type: mlflow_model');
  expect(text).toContain(`path: ${uri}`);

  // A second version, from the same folder as a datastore path.
  await page.getByRole('tab', { name: 'Versions' }).click();
  await page.getByRole('link', { name: '+ Register new version' }).click();
  await expect(w).toBeVisible();
  await w.getByRole('button', { name: 'Next' }).click();
  await w.getByText('From datastore', { exact: true }).click();
  await w.getByRole('textbox', { name: 'Path', exact: true }).fill(uri.replace('azureml://datastores/workspaceblobstore/paths/', ''));
  await w.getByRole('button', { name: 'Next' }).click();
  await expect(w.getByRole('textbox', { name: 'Name', exact: true })).toHaveValue('diabetes-model');
  await expect(w).toContainText('diabetes-model exists: this registers its version 2.');
  await expect(w.getByRole('textbox', { name: 'Version', exact: true })).toHaveValue('2');
  await w.getByRole('button', { name: 'Next' }).click();
  await w.getByRole('button', { name: 'Register' }).click();
  await expect(w).toBeHidden();
  await expect(modelRow(page, 'diabetes-model').getByRole('cell').nth(2)).toHaveText('2');

  // Edit the latest version's stage and description.
  await modelRow(page, 'diabetes-model').getByRole('link', { name: 'diabetes-model' }).click();
  await expect(page.getByRole('combobox', { name: 'Version' })).toHaveValue('2');
  await toolbar(page).getByRole('button', { name: 'Edit' }).click();
  const edit = page.getByRole('dialog', { name: 'Edit diabetes-model version 2' });
  await edit.getByRole('combobox', { name: 'Stage' }).selectOption('Production');
  await edit.getByLabel('Description').fill('Ready to deploy');
  await edit.getByRole('button', { name: 'Save' }).click();
  await expect(edit).toBeHidden();
  await expect(page.getByRole('region', { name: 'Attributes' })).toContainText('Production');
  await expect(page.getByRole('region', { name: 'Attributes' })).toContainText('Ready to deploy');

  // Archive the version, then restore it.
  await toolbar(page).getByRole('button', { name: 'Archive' }).click();
  await expect(toolbar(page).getByRole('button', { name: 'Restore' })).toBeVisible();
  await expect(page.getByRole('combobox', { name: 'Version' }).locator('option', { hasText: '2 (archived)' })).toHaveCount(1);
  await toolbar(page).getByRole('button', { name: 'Restore' }).click();
  await expect(toolbar(page).getByRole('button', { name: 'Archive' })).toBeVisible();

  // Archive the whole model from the list: hidden until "Show archived".
  await page.getByRole('navigation', { name: 'Studio' }).getByRole('link', { name: 'Models' }).click();
  await page.getByRole('checkbox', { name: 'Select diabetes-model' }).check();
  await page.getByRole('toolbar', { name: 'Model actions' }).getByRole('button', { name: 'Archive' }).click();
  await expect(modelRow(page, 'diabetes-model')).toBeHidden();
  await page.getByLabel('Show archived').check();
  await expect(modelRow(page, 'diabetes-model')).toContainText('Archived');

  // Delete version 2, then the model with its last version.
  await modelRow(page, 'diabetes-model').getByRole('link', { name: 'diabetes-model' }).click();
  await toolbar(page).getByRole('button', { name: 'Delete' }).click();
  const ask = page.getByRole('alertdialog', { name: 'Delete diabetes-model?' });
  await ask.getByLabel('Version 2').check();
  await ask.getByRole('button', { name: 'Delete' }).click();
  await expect(ask).toBeHidden();
  await expect(page.getByRole('combobox', { name: 'Version' })).toHaveValue('1');
  await toolbar(page).getByRole('button', { name: 'Delete' }).click();
  await expect(ask).toContainText('has no other version');
  await ask.getByRole('button', { name: 'Delete' }).click();
  await expect(page).toHaveURL(/\/models(\?|$)/);
  await expect(page.getByText(/No models yet\./)).toBeVisible();
});

test('a job path with no files is refused with the store\'s message, beside Register', async ({ page }) => {
  await openStudio(page, '/models/register?job=no_such_job&path=outputs/model&type=mlflow_model');
  const w = wizard(page);
  await expect(w.getByLabel('MLflow')).toBeChecked();
  await w.getByRole('tab', { name: /Source/ }).click();
  await expect(w.getByLabel('From a job output')).toBeChecked();
  await expect(w.getByLabel('Job name')).toHaveValue('no_such_job');
  await expect(w.getByLabel('Path within its outputs')).toHaveValue('outputs/model');
  await w.getByRole('button', { name: 'Next' }).click();
  await w.getByRole('textbox', { name: 'Name', exact: true }).fill('nothing-there');
  await w.getByRole('button', { name: 'Next' }).click();
  await expect(w.getByRole('tabpanel', { name: 'Review' })).toContainText('azureml://jobs/no_such_job/outputs/artifacts/paths/outputs/model/');
  await w.getByRole('button', { name: 'Register' }).click();
  await expect(w.getByRole('alert').filter({ hasText: 'cannot be registered' })).toContainText("the job 'no_such_job' left no files at azureml://jobs/no_such_job/outputs/artifacts/paths/outputs/model/");
  await expect(w).toBeVisible();
  // Nothing was registered.
  await w.getByRole('button', { name: 'Cancel' }).click();
  await page.getByRole('alertdialog', { name: 'Discard the new model?' }).getByRole('button', { name: 'Discard' }).click();
  await expect(page.getByText(/No models yet\./)).toBeVisible();
});

// The server trains it with its job runner; a workspace kept in the browser, in the tab.
test.describe('an AutoML job\'s best model', () => {
  test.use({ serverArgs: ['--job-runner', 'local'] });

  test('is registered from the job\'s page and listed', async ({ page }) => {
    test.setTimeout(120_000);
    await createDiabetesTable(page);
    await page.getByRole('link', { name: 'Automated ML' }).click();
    await fillDiabetesAutoml(page, 'diabetes_best', 'models-e2e', '2');
    await submitAndWaitForAutoml(page, 'diabetes_best');
    // The leaderboard's best model links to the wizard too.
    await page.getByRole('tab', { name: 'Models + child jobs' }).click();
    const best = page.getByRole('table', { name: 'Models' }).getByRole('row').filter({ hasText: 'Best model' });
    await expect(best.getByRole('link', { name: 'Register model' })).toHaveAttribute('href', /\/models\/register\?.*job=diabetes_best&path=best_model&type=mlflow_model/);
    await page.getByRole('toolbar', { name: 'Job actions' }).getByRole('button', { name: 'Register model' }).click();
    const w = wizard(page);
    await w.getByRole('tab', { name: /Source/ }).click();
    await expect(w.getByLabel('From a job output')).toBeChecked();
    await expect(w).toContainText('Its outputs: best_model (mlflow_model)');
    await w.getByRole('button', { name: 'Next' }).click();
    await w.getByRole('textbox', { name: 'Name', exact: true }).fill('diabetes-best');
    await w.getByRole('button', { name: 'Next' }).click();
    await expect(w.getByRole('tabpanel', { name: 'Review' })).toContainText('azureml://jobs/diabetes_best/outputs/best_model');
    await w.getByRole('button', { name: 'Register' }).click();
    await expect(w).toBeHidden();
    const row = modelRow(page, 'diabetes-best');
    await expect(row).toContainText('MLflow');
    await row.getByRole('link', { name: 'diabetes-best' }).click();
    await expect(page.getByRole('region', { name: 'Attributes' }).getByRole('link', { name: 'diabetes_best' })).toBeVisible();
    await expect(page.getByRole('table', { name: 'Flavors' })).toContainText('azimuth');
    await page.getByRole('tab', { name: 'Artifacts' }).click();
    await expect(page.getByRole('navigation', { name: 'Model files' }).getByRole('button', { name: /^MLmodel/ })).toBeVisible();
  });
});
