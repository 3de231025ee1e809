// The "Submit an Automated ML job" wizard's own controls, on both stores: "+ Create" makes a
// Table data asset in a dialog over the wizard (Cancel and Create both keep what was entered)
// and picks it; "Validate and test" holds out a share of the rows as test data, which the job's
// YAML carries as test_data_size and whose best model is tested on them once it has trained;
// a test percentage out of range is refused where it is typed and keeps the job from being
// submitted; Back asks about the dialog's input, then the wizard's.
import { createDiabetesIn, fillDiabetesSettings, startAutoml } from './automl_helpers';
import { expect, openStudio, test } from './helpers';
import type { Page } from '@playwright/test';

// The server trains (as the browser tab does): the first test waits for its job's test.
test.use({ serverArgs: ['--job-runner', 'local'] });

/** Opens the Automated ML page of a fresh workspace. */
async function openAutoml(page: Page): Promise<void> {
  await openStudio(page, '/automl');
  await expect(page.getByRole('heading', { name: 'Automated ML' })).toBeVisible();
}

/** On Task type & data, makes the diabetes sample a Table with "+ Create" and sees it picked. */
async function createDiabetesFromWizard(page: Page): Promise<void> {
  await page.getByRole('button', { name: '+ Create' }).click();
  await createDiabetesIn(page.getByRole('dialog', { name: 'Create data asset' }));
  const data = page.getByRole('table', { name: 'Data assets' });
  await expect(data.getByRole('radio', { name: 'diabetes' })).toBeChecked();
}

test('"+ Create" makes the training table inside the wizard, and a train-test split is in the job', async ({ page }) => {
  await openAutoml(page);
  await startAutoml(page, 'wizard_test_split', 'wizard-experiment');
  await expect(page.getByText('This workspace has no Table data asset yet.')).toBeVisible();
  // Cancel closes the dialog and loses nothing of the wizard.
  await page.getByRole('button', { name: '+ Create' }).click();
  const dialog = page.getByRole('dialog', { name: 'Create data asset' });
  await expect(dialog.getByRole('tab', { name: /Data type/ })).toHaveAttribute('aria-selected', 'true');
  await expect(dialog.getByRole('radio', { name: /File \(uri_file\)/ })).toHaveCount(0);
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole('tabpanel', { name: 'Task type & data' })).toBeVisible();
  await createDiabetesFromWizard(page);
  await page.getByRole('tab', { name: /Basic settings/ }).click();
  await expect(page.getByLabel('Job name')).toHaveValue('wizard_test_split');
  await expect(page.getByLabel('Experiment name')).toHaveValue('wizard-experiment');
  await page.getByRole('tab', { name: /Task settings/ }).click();
  await fillDiabetesSettings(page, '1');
  // Test data: none by default; a train-test split of 20%.
  await expect(page.getByRole('radio', { name: /^None/ })).toBeChecked();
  await page.getByRole('radio', { name: /^Train-test split/ }).check();
  await expect(page.getByLabel('Percentage test of data')).toHaveValue('10');
  await page.getByLabel('Percentage test of data').fill('20');
  await page.getByRole('tab', { name: /Review/ }).click();
  const review = page.getByRole('tabpanel', { name: 'Review' });
  await expect(review).toContainText(/diabetes:1/);
  await expect(review).toContainText('20% of the training data held out');
  await page.getByRole('button', { name: 'Submit training job' }).click();
  await expect(page).toHaveURL(/\/jobs\/runs\/wizard_test_split/);
  await page.getByText('CLI v2 YAML (az ml job create -f)').click();
  await expect(page.getByText(/test_data_size: 0\.2$/m)).toBeVisible();
  await expect(page.getByText(/path: azureml:diabetes:1/)).toBeVisible();
  // Once trained, the best model's test on the fifth of the rows no trial saw is a child job
  // of the best trial, linked from the task card, with every metric and its charts.
  await expect(page.locator('[data-state="Completed"]').first()).toBeVisible({ timeout: 60_000 });
  await expect(page.getByText('Train-test split: 20% of the training data held out')).toBeVisible();
  await page.getByRole('link', { name: /The best model on the test data \(wizard_test_split_0_test\)/ }).click();
  await expect(page).toHaveURL(/\/jobs\/runs\/wizard_test_split_0_test/);
  await expect(page.getByText(/^Over the \d+ rows of the test data, which no trial saw/)).toBeVisible();
  await expect(page.getByRole('table', { name: 'Confusion matrix' })).toBeVisible();
});

test('a test percentage out of range is refused where it is typed and blocks Submit', async ({ page }) => {
  await openAutoml(page);
  await startAutoml(page, 'wizard_bad_test', 'wizard-experiment');
  await createDiabetesFromWizard(page);
  await page.getByRole('button', { name: 'Next' }).click();
  await fillDiabetesSettings(page, '1');
  await page.getByRole('radio', { name: /^Train-test split/ }).check();
  const percentage = page.getByLabel('Percentage test of data');
  const message = 'The test percentage must be a whole number from 1 to 50';
  for (const bad of ['0', '75', '12.5', 'ten']) {
    await percentage.fill(bad);
    await expect(percentage).toHaveAttribute('aria-invalid', 'true');
    await expect(page.getByRole('alert').filter({ hasText: message })).toBeVisible();
  }
  // Submit goes back to the step that has the error, and nothing is submitted.
  await page.getByRole('tab', { name: /Review/ }).click();
  await expect(page.getByRole('tabpanel', { name: 'Review' })).toContainText(message);
  await page.getByRole('button', { name: 'Submit training job' }).click();
  await expect(page.getByRole('tab', { name: /Task settings \(has errors\)/ })).toHaveAttribute('aria-selected', 'true');
  await expect(page).toHaveURL(/\/automl\/create/);
  await expect(page.getByRole('heading', { name: 'Submit an Automated ML job' })).toBeVisible();
  // A test data asset must be picked when that is the choice; the error goes once it is.
  await page.getByRole('radio', { name: /^Test data/ }).check();
  await expect(page.getByRole('alert').filter({ hasText: 'Choose the data asset to test the model on.' })).toBeVisible();
  await page.getByRole('table', { name: 'Test data assets' }).getByRole('radio', { name: 'diabetes' }).check();
  await expect(page.getByRole('tab', { name: /Task settings \(has errors\)/ })).toHaveCount(0);
  await page.getByRole('tab', { name: /Review/ }).click();
  await expect(page.getByRole('tabpanel', { name: 'Review' })).toContainText(/Test data\s*diabetes:1/);
});

test('Back with the dialog open asks about its input first, then about the wizard\'s', async ({ page }) => {
  await openStudio(page, '/data');
  await page.getByRole('link', { name: 'Automated ML' }).click();
  await startAutoml(page, 'back_job', 'back-exp');
  await page.getByRole('button', { name: '+ Create' }).click();
  const dialog = page.getByRole('dialog', { name: 'Create data asset' });
  await dialog.getByLabel('Name').fill('something');
  // Back (and Escape) ask about the dialog's input; keeping it keeps it.
  await page.goBack();
  const askData = page.getByRole('alertdialog', { name: 'Discard the new data asset?' });
  await expect(askData).toBeVisible();
  await askData.getByRole('button', { name: 'Keep editing' }).click();
  await expect(dialog.getByLabel('Name')).toHaveValue('something');
  await page.keyboard.press('Escape');
  await expect(askData).toBeVisible();
  await askData.getByRole('button', { name: 'Discard' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole('tabpanel', { name: 'Task type & data' })).toBeVisible();
  // Discarded, the dialog is gone and the wizard holds its own input again.
  await page.goBack();
  const askJob = page.getByRole('alertdialog', { name: 'Discard the new Automated ML job?' });
  await expect(askJob).toBeVisible();
  await askJob.getByRole('button', { name: 'Keep editing' }).click();
  // An empty dialog over the wizard: Back asks about the wizard.
  await page.getByRole('button', { name: '+ Create' }).click();
  await expect(dialog).toBeVisible();
  await page.goBack();
  await expect(askJob).toBeVisible();
  await askJob.getByRole('button', { name: 'Discard' }).click();
  await expect(page.getByRole('heading', { name: 'Data', exact: true })).toBeVisible();
});
