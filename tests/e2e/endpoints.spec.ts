// Endpoints on both stores: an AutoML job's best model, registered, is deployed from its
// model page to a new real-time endpoint (more instances than the quota holds refused beside
// Create first), which reaches Succeeded; the Test tab scores two rows of the training table
// (in the page, on the browser store); Consume shows the key after "Show" and, on
// azimuth-server, code whose curl request Node sends and gets predictions from; the Logs tab
// has the requests. An invalid endpoint name shows the rule beside the field and keeps Next
// from leaving the step.
import { createDiabetesTable, fillDiabetesAutoml, submitAndWaitForAutoml } from './automl_helpers';
import { expect, openStudio, test } from './helpers';
import type { Page } from '@playwright/test';

function deployWizard(page: Page) {
  return page.getByRole('dialog', { name: 'Deploy a model' });
}

/** Registers the best model of AutoML job `job` (from its page) as `name`, version 1. */
async function registerBest(page: Page, name: string) {
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

test('an invalid endpoint name shows the rule beside the field and keeps Next on the step', async ({ page }) => {
  await openStudio(page, '/endpoints');
  await expect(page.getByRole('navigation', { name: 'Studio' }).getByRole('link', { name: 'Endpoints', exact: true })).toHaveAttribute('aria-current', 'page');
  await expect(page.getByRole('navigation', { name: 'Kinds of endpoint' }).getByRole('link', { name: 'Real-time endpoints' })).toBeVisible();
  await expect(page.getByText(/No endpoints yet\./)).toBeVisible();
  await page.getByRole('toolbar', { name: 'Endpoint actions' }).getByRole('button', { name: '+ Create' }).click();
  await expect(page).toHaveURL(/\/endpoints\/create/);
  const w = deployWizard(page);
  // No model is registered: Next stays on the Model step, saying so.
  await w.getByRole('button', { name: 'Next' }).click();
  await expect(w.getByRole('tabpanel', { name: 'Model' })).toContainText('Choose a model version to deploy.');
  await w.getByRole('tab', { name: /Endpoint/ }).click();
  const name = w.getByRole('textbox', { name: 'Endpoint name' });
  await name.fill('1st_endpoint');
  await expect(name).toHaveAttribute('aria-invalid', 'true');
  await expect(name).toHaveAccessibleDescription(/The endpoint name '1st_endpoint' is not valid: use 3 to 32 letters, digits and hyphens, starting with a letter and ending with a letter or digit\./);
  await w.getByRole('button', { name: 'Next' }).click();
  await expect(w.getByRole('tabpanel', { name: 'Endpoint' })).toBeVisible();
  await expect(w.getByRole('tab', { name: /Endpoint/ })).toContainText('has errors');
  await name.fill('first-endpoint');
  await expect(name).not.toHaveAttribute('aria-invalid', 'true');
  await w.getByRole('button', { name: 'Next' }).click();
  await expect(w.getByRole('tabpanel', { name: 'Deployment' })).toBeVisible();
  await expect(w.getByRole('textbox', { name: 'Deployment name' })).toHaveValue('blue');
  await w.getByRole('button', { name: 'Cancel' }).click();
  await page.getByRole('alertdialog', { name: 'Discard the new deployment?' }).getByRole('button', { name: 'Discard' }).click();
  await expect(w).toBeHidden();
});

// The server trains with its job runner; a workspace kept in the browser, in the tab.
test.describe('an AutoML job\'s best model', () => {
  test.use({ serverArgs: ['--job-runner', 'local'] });

  test('is deployed from its model page, reaches Succeeded, scores two rows in Test, and is called with Consume\'s key', async ({ page, store }) => {
    test.setTimeout(240_000);
    await createDiabetesTable(page);
    await page.getByRole('link', { name: 'Automated ML' }).click();
    await fillDiabetesAutoml(page, 'diabetes_deploy', 'endpoints-e2e', '2');
    await submitAndWaitForAutoml(page, 'diabetes_deploy');
    await page.getByRole('tab', { name: 'Models + child jobs' }).click();
    const best = page.getByRole('table', { name: 'Models' }).getByRole('row').filter({ hasText: 'Best model' });
    await expect(best).toContainText('Deploy: register the model first');
    await registerBest(page, 'diabetes-deploy');

    // Its page: Deploy opens the wizard at the Endpoint step, the model chosen.
    await page.getByRole('table', { name: 'Model List' }).getByRole('link', { name: 'diabetes-deploy' }).click();
    await page.getByRole('toolbar', { name: 'Model actions' }).getByRole('button', { name: 'Deploy' }).click();
    const w = deployWizard(page);
    await expect(w.getByRole('tabpanel', { name: 'Endpoint' })).toBeVisible();
    await w.getByRole('tab', { name: /Model/ }).click();
    await expect(w.getByRole('radio', { name: 'diabetes-deploy:1' })).toBeChecked();
    await w.getByRole('button', { name: 'Next' }).click();
    const endpoint = `diabetes-${Math.random().toString(36).slice(2, 8)}`;
    await w.getByRole('textbox', { name: 'Endpoint name' }).fill(endpoint);
    await w.getByRole('button', { name: 'Next' }).click();
    await expect(w.getByRole('textbox', { name: 'Deployment name' })).toHaveValue('blue');
    await expect(w.getByRole('radio', { name: 'Standard_DS3_v2' })).toBeChecked();
    await w.getByRole('button', { name: 'Next' }).click();
    await expect(w.getByRole('spinbutton', { name: 'Traffic for blue (%)' })).toHaveValue('100');
    await w.getByRole('button', { name: 'Next' }).click();
    const review = w.getByRole('tabpanel', { name: 'Review' });
    await expect(review).toContainText('diabetes-deploy:1');
    await expect(review).toContainText(`${endpoint} (new)`);
    // More instances than the quota holds: refused beside Create, nothing left behind.
    await w.getByRole('tab', { name: /Deployment/ }).click();
    await w.getByRole('textbox', { name: 'Instance count' }).fill('20');
    await w.getByRole('tab', { name: /Review/ }).click();
    await w.getByRole('button', { name: 'Create' }).click();
    await expect(w.getByRole('alert').filter({ hasText: 'exceeding approved standardDSv2Family Cores quota' })).toContainText('Additional Required: 80');
    await w.getByRole('tab', { name: /Deployment/ }).click();
    await w.getByRole('textbox', { name: 'Instance count' }).fill('1');
    await w.getByRole('tab', { name: /Review/ }).click();
    await w.getByRole('button', { name: 'Create' }).click();
    await expect(w).toBeHidden();
    await expect(page).toHaveURL(new RegExp(`/endpoints/${endpoint}`));
    await expect(page.getByRole('heading', { name: endpoint, level: 1 })).toBeVisible();

    // Details: it and its deployment reach Succeeded (the pace is the workspace's).
    const blue = page.getByRole('region', { name: 'blue' });
    const attributes = page.getByRole('region', { name: 'Attributes' });
    await expect(blue.locator('[data-state="Succeeded"]')).toBeVisible({ timeout: 60_000 });
    await expect(attributes.locator('[data-state="Succeeded"]')).toBeVisible({ timeout: 60_000 });
    await expect(blue.getByRole('link', { name: 'diabetes-deploy:1' })).toBeVisible();
    await expect(blue.getByRole('button', { name: 'Delete blue' })).toHaveAttribute('aria-disabled', 'true');
    if (store === 'server') {
      await expect(attributes).toContainText(`/inference/eastus/${endpoint}/score`);
    } else {
      await expect(attributes).toContainText('a workspace kept in this browser has no REST endpoint');
    }

    // Test: two rows of the training table, scored.
    await page.getByRole('tab', { name: 'Test' }).click();
    const box = page.getByRole('textbox', { name: 'Request (JSON)' });
    await expect(box).toHaveValue(/"index": \[0,1\]/);
    await page.getByRole('button', { name: 'Test', exact: true }).click();
    const result = page.getByRole('region', { name: 'Test result' });
    await expect(result).toContainText('200');
    await expect(result).toContainText('blue');
    const predictions = JSON.parse(await result.getByLabel('Response body').innerText());
    expect(predictions).toHaveLength(2);
    if (store === 'browser') {
      await expect(page.getByText('Scored in this browser: there is no REST endpoint without azimuth-server')).toBeVisible();
    }

    // Consume: the key after Show; on the server, code that works.
    await page.getByRole('tab', { name: 'Consume' }).click();
    const primary = page.getByLabel('Primary key', { exact: true });
    await expect(primary).not.toHaveText(/[0-9a-f]{64}/);
    await page.getByRole('button', { name: 'Show' }).first().click();
    await expect(primary).toHaveText(/^[0-9a-f]{64}$/);
    const key = await primary.innerText();
    if (store === 'browser') {
      await expect(page.getByText(/There is no REST endpoint without azimuth-server/)).toBeVisible();
      await expect(page.getByRole('region', { name: 'curl' })).toHaveCount(0);
    } else {
      const curl = page.getByRole('region', { name: 'curl' });
      await expect(curl).toContainText(`/inference/eastus/${endpoint}/score`);
      await expect(curl).toContainText(key);
      const text = await curl.locator('pre').innerText();
      const url = /curl -X POST '([^']+)'/.exec(text)![1];
      const bearer = /-H 'Authorization: Bearer ([^']+)'/.exec(text)![1];
      const body = /-d '([\s\S]*)'\s*$/.exec(text)![1];
      const answer = await fetch(url, { method: 'POST', headers: { Authorization: `Bearer ${bearer}`, 'Content-Type': 'application/json' }, body });
      expect(answer.status).toBe(200);
      expect(await answer.json()).toHaveLength(2);
    }

    // Logs: the requests scored.
    await page.getByRole('tab', { name: 'Logs' }).click();
    await expect(page.getByLabel('Deployment log')).toContainText('POST /score: 2 rows, 200');

    // The leaderboard's best row now links to the wizard with the registered version.
    await page.goto(`/jobs/runs/diabetes_deploy${new URL(page.url()).search}`);
    await page.getByRole('tab', { name: 'Models + child jobs' }).click();
    await expect(best.getByRole('link', { name: 'Deploy' })).toHaveAttribute('href', /\/endpoints\/create\?.*model=diabetes-deploy&version=1/);
  });
});
