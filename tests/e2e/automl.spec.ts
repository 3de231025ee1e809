// Automated ML on a server with a job runner, as the Microsoft Learn lab goes: the diabetes
// sample becomes a Table data asset, the "Submit an Automated ML job" wizard trains real
// classifiers on it (target Diabetic, AUC weighted), and the job's page shows its data
// guardrails, its leaderboard best first, and a trial's confusion matrix and curves. On the
// server the server trains it; in a workspace kept in the browser, the tab's Web Worker does,
// and a job whose tab is reloaded while it trains fails, saying why.
import { createDiabetesTable, fillDiabetesAutoml, submitAndWaitForAutoml } from './automl_helpers';
import { expect, openStudio, test } from './helpers';

test.describe('automated ML, trained by the server or by the browser tab', () => {
  test.use({ serverArgs: ['--job-runner', 'local'] });

  test('the wizard trains real trials on the diabetes sample and the job page ranks them', async ({ page }) => {
    await createDiabetesTable(page);
    await page.getByRole('link', { name: 'Automated ML' }).click();
    await expect(page.getByRole('heading', { name: 'Automated ML' })).toBeVisible();
    await expect(page.getByText('No Automated ML job yet.')).toBeVisible();
    await fillDiabetesAutoml(page, 'diabetes_automl', 'mslearn-diabetes-automl', '0');
    await page.getByRole('button', { name: 'Submit training job' }).click();
    // A bad limit sends the person back to the step that has it, saying why.
    await expect(page.getByRole('tab', { name: /Task settings \(has errors\)/ })).toHaveAttribute('aria-selected', 'true');
    await expect(page.getByRole('alert')).toContainText('Max trials must be a whole number from 1 to 1000.');
    await page.getByLabel('Max trials').fill('9');
    // Featurization per column, as the studio's "View featurization settings".
    await page.getByText('View featurization settings').click();
    const columns = page.getByRole('table', { name: 'Featurization settings' });
    await expect(columns.getByRole('rowheader', { name: 'Diabetic' })).toHaveCount(0);
    await page.getByRole('combobox', { name: 'Feature type of Pregnancies' }).selectOption('Categorical');
    await page.getByRole('combobox', { name: 'Impute BMI with' }).selectOption('median');
    await page.getByRole('tab', { name: /Review/ }).click();
    await expect(page.getByRole('tabpanel', { name: 'Review' })).toContainText(/diabetes:\d+/);
    await expect(page.getByRole('tabpanel', { name: 'Review' })).toContainText('Custom: 1 column types, 1 imputers');
    await submitAndWaitForAutoml(page, 'diabetes_automl');
    await expect(page.getByRole('heading', { name: 'Automated ML' })).toBeVisible();
    await expect(page.getByText('AUC weighted')).toBeVisible();
    await page.getByText('CLI v2 YAML (az ml job create -f)').click();
    await expect(page.getByText(/type: automl/)).toBeVisible();
    await expect(page.getByText(/mode: custom/)).toBeVisible();
    // The job's run charts its best AUC weighted so far, a value per trial (on both stores).
    await page.getByRole('tab', { name: 'Metrics' }).click();
    await expect(page.getByRole('img', { name: /^AUC_weighted: (9|10) values; last 0\.8/ })).toBeVisible();
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
    await best.getByRole('link').first().click();
    await expect(page.getByRole('table', { name: 'Confusion matrix' })).toBeVisible();
    await expect(page.getByRole('img', { name: /^ROC: True positive rate against False positive rate$/ })).toBeVisible();
    await expect(page.getByRole('img', { name: /^Precision-recall/ })).toBeVisible();
    // The Automated ML page lists the job with its best model.
    await page.getByRole('link', { name: 'Automated ML' }).click();
    const jobs = page.getByRole('table', { name: 'Automated ML jobs' });
    await expect(jobs.getByRole('row', { name: /diabetes_automl/ })).toContainText('Completed');
  });
});

test('a job whose browser tab is reloaded while it trains fails, saying why', async ({ page, store }) => {
  test.skip(store !== 'browser', 'the browser store only');
  await createDiabetesTable(page);
  await page.getByRole('link', { name: 'Automated ML' }).click();
  await fillDiabetesAutoml(page, 'left_behind', 'mslearn-diabetes-automl', '1000');
  await page.getByRole('tab', { name: /Task settings/ }).click();
  await page.getByLabel('Enable early termination').uncheck();
  await page.getByRole('tab', { name: /Review/ }).click();
  await expect(page.getByRole('tabpanel', { name: 'Review' })).toContainText('this tab trains the job in a Web Worker');
  await page.getByRole('button', { name: 'Submit training job' }).click();
  await expect(page).toHaveURL(/\/jobs\/runs\/left_behind/);
  await expect(page.locator('[data-state="Running"]').first()).toBeVisible({ timeout: 30_000 });
  await page.reload();
  await expect(page.locator('[data-state="Failed"]').first()).toBeVisible({ timeout: 15_000 });
  await expect(page.getByText(/closed or reloaded before it ended/).first()).toBeVisible();
});

test('a job whose training code cannot be downloaded fails, saying so, and the next one trains', async ({ page, store }) => {
  test.skip(store !== 'browser', 'the browser store only');
  await createDiabetesTable(page);
  // The code that trains comes in a file of its own, fetched when a job first runs in the tab.
  await page.route('**/split_job_runner.wasm', (route) => route.abort('internetdisconnected'));
  await page.getByRole('link', { name: 'Automated ML' }).click();
  await fillDiabetesAutoml(page, 'offline_automl', 'mslearn-diabetes-automl', '1');
  await page.getByRole('button', { name: 'Submit training job' }).click();
  await expect(page).toHaveURL(/\/jobs\/runs\/offline_automl/);
  await expect(page.locator('[data-state="Failed"]').first()).toBeVisible({ timeout: 15_000 });
  await expect(page.getByText(/runs jobs in this browser could not be downloaded/).first()).toBeVisible();
  // Back online, a job submitted again trains.
  await page.unroute('**/split_job_runner.wasm');
  await page.getByRole('link', { name: 'Automated ML' }).click();
  await fillDiabetesAutoml(page, 'online_automl', 'mslearn-diabetes-automl', '1');
  await submitAndWaitForAutoml(page, 'online_automl');
});
