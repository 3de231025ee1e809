// The Models page on both stores: an MLflow model registered from files uploaded from this
// computer, listed, its Details (flavors, signature) and Artifacts read from its folder, a
// second version from the same folder in a datastore, edited, archived and deleted; a bad name
// and a job path with no files refused, saying why; an AutoML job's best model registered from
// the job's page; a model registered from a CLI v2 YAML file (its local path's file asked for
// and uploaded; a job output's path, missing or an AutoML job's best model, registered as the
// wizard registers one), and a malformed file refused at its line and field.
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
  await expect(name).toHaveAccessibleDescription(/can contain only letters, digits, '-', '_' and '\.'; a space is not allowed/);
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

/** A file for a file input: `name` holding `text`. */
function textFile(name: string, text: string) {
  return { name, mimeType: 'application/yaml', buffer: Buffer.from(text, 'utf8') };
}

/** Opens the wizard's Source step with "From a YAML file" chosen and `file` picked. */
async function pickModelYaml(page: Page, file: { name: string; mimeType: string; buffer: Buffer }) {
  await openStudio(page, '/models/register');
  const w = wizard(page);
  await w.getByRole('tab', { name: /Source/ }).click();
  await w.getByText('From a YAML file', { exact: true }).click();
  await w.getByLabel('YAML file', { exact: true }).setInputFiles(file);
  return w;
}

test('a model from a YAML file whose path is local: the file it names is uploaded and registered as the file says', async ({ page }) => {
  const yaml = `$schema: https://azuremlschemas.azureedge.net/latest/model.schema.json
name: yaml-model
type: custom_model
path: ./model.pkl
description: Registered from a YAML file
tags:
  source: cli
  team: ml
`;
  const w = await pickModelYaml(page, textFile('model.yml', yaml));
  const given = w.getByRole('region', { name: 'What model.yml gives' });
  await expect(given).toContainText('yaml-model');
  await expect(given).toContainText('Unspecified type (custom_model)');
  await expect(given).toContainText("1, the model's next (the file names none)");
  await expect(given).toContainText('./model.pkl');
  await expect(given).toContainText('source: cli');
  await expect(w).toContainText("The file's path, ./model.pkl, is a file on the computer the YAML file was written on. Choose model.pkl to upload it.");

  // Register before the file is chosen says what to choose.
  await w.getByRole('tab', { name: /Review/ }).click();
  await w.getByRole('button', { name: 'Register' }).click();
  await expect(w.getByRole('tabpanel', { name: 'Source' })).toBeVisible();
  await expect(w.getByRole('alert')).toContainText("Choose ./model.pkl, which the YAML file's path names, to upload.");

  // A file of another name is noted; the one it names is not.
  await w.getByLabel('Files to upload').setInputFiles([textFile('weights.bin', 'x')]);
  await expect(w.getByRole('status').filter({ hasText: 'None of the files chosen is model.pkl' })).toBeVisible();
  await w.getByLabel('Files to upload').setInputFiles([textFile('model.pkl', 'a pickled model\n')]);
  await expect(w).toContainText('1 file chosen');
  await expect(w.getByRole('alert')).toHaveCount(0);
  await expect(w.getByText('None of the files chosen')).toHaveCount(0);

  // The model type and settings are the file's.
  await w.getByRole('tab', { name: /Model type/ }).click();
  await expect(w.getByLabel('Unspecified type')).toBeChecked();
  await w.getByRole('tab', { name: /Model settings/ }).click();
  await expect(w.getByRole('textbox', { name: 'Name', exact: true })).toHaveValue('yaml-model');
  await expect(w.getByRole('textbox', { name: 'Version', exact: true })).toHaveValue('1');
  await expect(w.getByLabel('Description')).toHaveValue('Registered from a YAML file');
  await expect(w.getByRole('textbox', { name: 'Tag 2 value' })).toHaveValue('ml');
  await w.getByRole('button', { name: 'Next' }).click();
  const review = w.getByRole('tabpanel', { name: 'Review' });
  await expect(review).toContainText('From a YAML file');
  await expect(review).toContainText('model.yml (path: ./model.pkl)');
  await expect(review).toContainText(/azureml:\/\/datastores\/workspaceblobstore\/paths\/LocalUpload\/\d{4}-\d{2}-\d{2}_\d{6}_UTC\/yaml-model\//);
  await w.getByRole('button', { name: 'Register' }).click();
  await expect(w).toBeHidden();

  const row = modelRow(page, 'yaml-model');
  await expect(row.getByRole('cell').nth(2)).toHaveText('1');
  await expect(row).toContainText('Unspecified type');
  await row.getByRole('link', { name: 'yaml-model' }).click();
  const attributes = page.getByRole('region', { name: 'Attributes' });
  await expect(attributes).toContainText('Registered from a YAML file');
  await expect(attributes).toContainText('source: cli');
  await expect(attributes).toContainText('team: ml');
  await expect(attributes).toContainText('azureml:yaml-model:1');
  await page.getByRole('tab', { name: 'Artifacts' }).click();
  await page.getByRole('navigation', { name: 'Model files' }).getByRole('button', { name: /^model\.pkl/ }).click();
  await expect(page.getByText('a pickled model')).toBeVisible();
});

test('a model YAML file whose path is a job output is registered as a job output is, at the version it names', async ({ page }) => {
  const uri = 'azureml://jobs/no_such_job/outputs/artifacts/paths/model/';
  const yaml = `name: from-job\nversion: 4\ntype: mlflow_model\npath: ${uri}\nstage: Staging\nproperties:\n  origin: cli\n`;
  const w = await pickModelYaml(page, textFile('job-model.yaml', yaml));
  await expect(w.getByRole('region', { name: 'What job-model.yaml gives' })).toContainText(uri);
  await expect(w.getByLabel('Files to upload')).toHaveCount(0);
  await w.getByRole('button', { name: 'Next' }).click();
  await expect(w.getByRole('textbox', { name: 'Version', exact: true })).toHaveValue('4');
  await w.getByRole('button', { name: 'Next' }).click();
  const review = w.getByRole('tabpanel', { name: 'Review' });
  await expect(review).toContainText('MLflow');
  await expect(review).toContainText(uri);
  await expect(review).toContainText('Staging');
  await expect(review).toContainText('origin: cli');
  await w.getByRole('button', { name: 'Register' }).click();
  await expect(w.getByRole('alert').filter({ hasText: 'cannot be registered' })).toContainText(`the job 'no_such_job' left no files at ${uri}`);
});

test('a malformed model YAML file says what is wrong at its line and field, and registers nothing', async ({ page }) => {
  const w = await pickModelYaml(page, textFile('bad.yml', 'name: m\npath: ./model\ncolour: red\n'));
  const source = w.getByRole('tabpanel', { name: 'Source' });
  await expect(source.getByRole('alert')).toContainText('bad.yml cannot be used: line 3, field colour: unknown field "colour"; a model file may have only:');
  await w.getByLabel('YAML file', { exact: true }).setInputFiles(textFile('no-name.yml', 'type: custom_model\npath: ./model\n'));
  await expect(source.getByRole('alert')).toHaveText('no-name.yml cannot be used: field name: name is required');
  await expect(w.getByRole('region', { name: /gives/ })).toHaveCount(0);
  await w.getByRole('tab', { name: /Review/ }).click();
  await w.getByRole('button', { name: 'Register' }).click();
  await expect(source.getByRole('alert')).toBeVisible();
  await expect(w.getByRole('alert').filter({ hasNotText: 'no-name.yml' })).toHaveCount(0);
  await w.getByRole('button', { name: 'Cancel' }).click();
  await page.getByRole('alertdialog', { name: 'Discard the new model?' }).getByRole('button', { name: 'Discard' }).click();
  await expect(page.getByText(/No models yet\./)).toBeVisible();
});

// The server trains it with its job runner; a workspace kept in the browser, in the tab.
test.describe('an AutoML job\'s best model', () => {
  test.use({ serverArgs: ['--job-runner', 'local'] });

  test('is registered from the job\'s page and listed, then again from a YAML file naming its output', async ({ page }) => {
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

    // The same output named by a YAML file with no version: the model's next, 2.
    const yaml = 'name: diabetes-best\ntype: mlflow_model\npath: azureml://jobs/diabetes_best/outputs/best_model\ndescription: From the YAML file\n';
    const again = await pickModelYaml(page, textFile('best.yml', yaml));
    await again.getByRole('tab', { name: /Review/ }).click();
    await expect(again.getByRole('tabpanel', { name: 'Review' })).toContainText('azureml://jobs/diabetes_best/outputs/best_model');
    await again.getByRole('button', { name: 'Register' }).click();
    await expect(again).toBeHidden();
    await expect(modelRow(page, 'diabetes-best').getByRole('cell').nth(2)).toHaveText('2');
    await modelRow(page, 'diabetes-best').getByRole('link', { name: 'diabetes-best' }).click();
    await expect(page.getByRole('region', { name: 'Attributes' })).toContainText('From the YAML file');
    await expect(page.getByRole('table', { name: 'Flavors' })).toContainText('azimuth');
  });
});
