// Automated ML on a server with a job runner, as the Microsoft Learn lab goes: the diabetes
// sample becomes a Table data asset, the "Submit an Automated ML job" wizard trains real
// classifiers on it (target Diabetic, AUC weighted), and the job's page shows its data
// guardrails, its leaderboard best first, and a trial's confusion matrix and curves. A workspace
// kept in the browser does not list Automated ML and refuses an AutoML job, saying why.
import { expect, openStudio, test } from './helpers';
import type { Page } from '@playwright/test';

async function createDiabetesTable(page: Page): Promise<void> {
  await openStudio(page, '/data/create');
  const wizard = page.getByRole('dialog', { name: 'Create data asset' });
  await wizard.getByText('Table (mltable)').click();
  await wizard.getByRole('button', { name: 'Next' }).click();
  await wizard.getByText('Sample data', { exact: true }).click();
  await wizard.getByRole('button', { name: 'Next' }).click();
  await wizard.getByText('Diabetes screening: 1,000 patients').click();
  await wizard.getByRole('button', { name: 'Next' }).click();
  await wizard.getByRole('button', { name: 'Create' }).click();
  await expect(wizard).toBeHidden();
}

test.describe('automated ML on a server with a job runner', () => {
  test.skip(({ store }) => store === 'browser', 'AutoML trains on azimuth-server');
  test.use({ serverArgs: ['--job-runner', 'local'] });

  test('the wizard trains real trials on the diabetes sample and the job page ranks them', async ({ page }) => {
    await createDiabetesTable(page);
    await page.getByRole('link', { name: 'Automated ML' }).click();
    await expect(page.getByRole('heading', { name: 'Automated ML' })).toBeVisible();
    await expect(page.getByText('No Automated ML job yet.')).toBeVisible();
    await page.getByRole('button', { name: 'New Automated ML job' }).click();
    await expect(page.getByRole('heading', { name: 'Submit an Automated ML job' })).toBeVisible();
    await expect(page.getByText('Train automatically')).toBeVisible();
    await page.getByRole('button', { name: 'Next' }).click();
    // Basic settings: a name, and a new experiment.
    await page.getByLabel('Job name').fill('diabetes_automl');
    await page.getByLabel('Experiment name').fill('mslearn-diabetes-automl');
    await page.getByRole('button', { name: 'Next' }).click();
    // Task type & data: the sample table.
    await page.getByRole('table', { name: 'Data assets' }).getByRole('radio', { name: 'diabetes' }).check();
    await page.getByRole('button', { name: 'Next' }).click();
    // Task settings: the target column from the table's own columns; a few trials.
    const target = page.getByRole('combobox', { name: 'Target column' });
    await expect(target.locator('option', { hasText: 'PlasmaGlucose' })).toHaveCount(1);
    await target.selectOption('Diabetic');
    await expect(page.getByRole('combobox', { name: 'Positive class label' }).locator('option', { hasText: /^1$/ })).toHaveCount(1);
    await page.getByLabel('Max trials').fill('0');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('button', { name: 'Submit training job' }).click();
    // A bad limit sends the person back to the step that has it, saying why.
    await expect(page.getByRole('tab', { name: /Task settings \(has errors\)/ })).toHaveAttribute('aria-selected', 'true');
    await expect(page.getByRole('alert')).toContainText('Max trials must be a whole number from 1 to 1000.');
    await page.getByLabel('Max trials').fill('9');
    await page.getByRole('tab', { name: /Review/ }).click();
    await expect(page.getByRole('tabpanel', { name: 'Review' })).toContainText('diabetes:1');
    await page.getByRole('button', { name: 'Submit training job' }).click();

    await expect(page).toHaveURL(/\/jobs\/runs\/diabetes_automl/);
    await expect(page.locator('[data-state="Completed"]').first()).toBeVisible({ timeout: 60_000 });
    await expect(page.getByRole('heading', { name: 'Automated ML' })).toBeVisible();
    await expect(page.getByText('AUC weighted')).toBeVisible();
    await page.getByText('CLI v2 YAML (az ml job create -f)').click();
    await expect(page.getByText(/type: automl/)).toBeVisible();
    await page.getByRole('tab', { name: 'Data guardrails' }).click();
    const rails = page.getByRole('table', { name: 'Data guardrails' });
    await expect(rails.getByRole('row', { name: /Class balancing detection/ })).toContainText('Passed');
    await expect(rails.getByRole('row', { name: /High cardinality feature detection/ })).toContainText('PatientID');
    await expect(rails.getByRole('row', { name: /Validation split handling/ })).toContainText('3-fold cross-validation');
    await page.getByRole('tab', { name: 'Models + child jobs' }).click();
    const models = page.getByRole('table', { name: 'Models' });
    await expect(models.getByRole('row')).toHaveCount(10);
    await expect(models.getByRole('columnheader', { name: 'AUC weighted' })).toBeVisible();
    const best = models.getByRole('row').nth(1);
    await expect(best).toContainText('Best model');
    await expect(models).toContainText('GradientBoosting');
    await expect(models).toContainText('learning_rate=0.1');
    // A trial's own page: its metrics and charts.
    await best.getByRole('link').click();
    await expect(page.getByRole('table', { name: 'Confusion matrix' })).toBeVisible();
    await expect(page.getByRole('img', { name: /^ROC: True positive rate against False positive rate$/ })).toBeVisible();
    await expect(page.getByRole('img', { name: /^Precision-recall/ })).toBeVisible();
    // The Automated ML page lists the job with its best model.
    await page.getByRole('link', { name: 'Automated ML' }).click();
    const jobs = page.getByRole('table', { name: 'Automated ML jobs' });
    await expect(jobs.getByRole('row', { name: /diabetes_automl/ })).toContainText('Completed');
  });
});

test('a workspace kept in the browser lists no Automated ML and refuses an AutoML job', async ({ page, store }) => {
  test.skip(store !== 'browser', 'the browser store only');
  await openStudio(page, '/jobs/create');
  await expect(page.getByRole('link', { name: 'Automated ML' })).toHaveCount(0);
  await page.getByLabel('Or paste it here').fill('type: automl\ntask: classification\ntarget_column_name: Diabetic\ntraining_data:\n  type: mltable\n  path: azureml:diabetes:1\n');
  await page.getByRole('button', { name: 'Submit' }).click();
  await expect(page.getByRole('alert')).toContainText('does not train AutoML models yet');
});
