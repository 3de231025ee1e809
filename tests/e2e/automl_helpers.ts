// Steps of the Automated ML specs that other specs reuse: the diabetes sample as a Table data
// asset, and the "Submit an Automated ML job" wizard filled for it (target Diabetic), then a
// submitted job waited for on its page.
import { expect, openStudio } from './helpers';
import type { Locator, Page } from '@playwright/test';

/** Makes the diabetes sample a Table data asset (`diabetes:1`) through the Create data asset wizard. */
export async function createDiabetesTable(page: Page): Promise<void> {
  await openStudio(page, '/data/create');
  await createDiabetesIn(page.getByRole('dialog', { name: 'Create data asset' }));
}

/** In an open Create data asset `wizard`, makes the diabetes sample a Table and waits until it is created. */
export async function createDiabetesIn(wizard: Locator): Promise<void> {
  await wizard.getByText('Table (mltable)').click();
  await wizard.getByRole('button', { name: 'Next' }).click();
  await wizard.getByText('Sample data', { exact: true }).click();
  await wizard.getByRole('button', { name: 'Next' }).click();
  await wizard.getByText('Diabetes screening: 1,000 patients').click();
  await wizard.getByRole('button', { name: 'Next' }).click();
  await wizard.getByRole('button', { name: 'Create' }).click();
  await expect(wizard).toBeHidden();
}

/**
 * From the Automated ML page, opens "Submit an Automated ML job" and fills it for the diabetes
 * table: job `job` in experiment `experiment`, target Diabetic, `maxTrials` (as typed), up to
 * its last step; "Submit training job" is left to the caller.
 */
export async function fillDiabetesAutoml(page: Page, job: string, experiment: string, maxTrials: string): Promise<void> {
  await startAutoml(page, job, experiment);
  // Task type & data: the sample table.
  await page.getByRole('table', { name: 'Data assets' }).getByRole('radio', { name: 'diabetes' }).check();
  await page.getByRole('button', { name: 'Next' }).click();
  await fillDiabetesSettings(page, maxTrials);
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByRole('button', { name: 'Next' }).click();
}

/** From the Automated ML page, opens the wizard and fills its first steps, up to Task type & data. */
export async function startAutoml(page: Page, job: string, experiment: string): Promise<void> {
  await page.getByRole('button', { name: 'New Automated ML job' }).click();
  await expect(page.getByRole('heading', { name: 'Submit an Automated ML job' })).toBeVisible();
  await expect(page.getByText('Train automatically')).toBeVisible();
  await page.getByRole('button', { name: 'Next' }).click();
  // Basic settings: a name, and a new experiment.
  await page.getByLabel('Job name').fill(job);
  await page.getByLabel('Experiment name').fill(experiment);
  await page.getByRole('button', { name: 'Next' }).click();
}

/** On Task settings of the diabetes table: the target column from the table's own columns; `maxTrials` (as typed). */
export async function fillDiabetesSettings(page: Page, maxTrials: string): Promise<void> {
  const target = page.getByRole('combobox', { name: 'Target column' });
  await expect(target.locator('option', { hasText: 'PlasmaGlucose' })).toHaveCount(1);
  await target.selectOption('Diabetic');
  await expect(page.getByRole('combobox', { name: 'Positive class label' }).locator('option', { hasText: /^1$/ })).toHaveCount(1);
  await page.getByLabel('Max trials').fill(maxTrials);
}

/** Submits the filled wizard and waits on the job's page until job `job` has completed. */
export async function submitAndWaitForAutoml(page: Page, job: string): Promise<void> {
  await page.getByRole('button', { name: 'Submit training job' }).click();
  await expect(page).toHaveURL(new RegExp(`/jobs/runs/${job}`));
  await expect(page.locator('[data-state="Completed"]').first()).toBeVisible({ timeout: 60_000 });
}

/** On an Automated ML job's page, registers its best model as `name` (version 1) with "Register model". */
export async function registerBestModel(page: Page, name: string): Promise<void> {
  await page.getByRole('toolbar', { name: 'Job actions' }).getByRole('button', { name: 'Register model' }).click();
  const w = page.getByRole('dialog', { name: 'Register a model' });
  await w.getByRole('tab', { name: /Source/ }).click();
  await expect(w.getByLabel('From a job output')).toBeChecked();
  await w.getByRole('button', { name: 'Next' }).click();
  await w.getByRole('textbox', { name: 'Name', exact: true }).fill(name);
  await w.getByRole('button', { name: 'Next' }).click();
  await w.getByRole('button', { name: 'Register' }).click();
  await expect(w).toBeHidden();
}
