// An online deployment's request settings and probes, mirrored traffic and the CLI YAML, on both
// stores. Without a model: a probe value out of range shows its message beside the field and
// keeps Next on the Deployment step. With an AutoML job's best model: deployed with settings
// other than Azure's defaults, seen on Review, on the deployment's card and in the CLI YAML tab;
// a second deployment added; live traffic 100/0 and mirrored 0/20 saved and shown on Details;
// mirroring 60%, or to the deployment with live traffic, refused beside the editor.
import { createDiabetesTable, fillDiabetesAutoml, registerBestModel, submitAndWaitForAutoml } from './automl_helpers';
import { expect, openStudio, test } from './helpers';
import type { Locator, Page } from '@playwright/test';

function deployWizard(page: Page) {
  return page.getByRole('dialog', { name: 'Deploy a model' });
}

/** A field of the Deployment step's "Advanced settings", in group `group`. */
function setting(w: Locator, group: string, label: string) {
  return w.getByRole('group', { name: group }).getByRole('textbox', { name: label, exact: true });
}

test('a probe value out of range shows its message beside the field and keeps Next on the Deployment step', async ({ page }) => {
  await openStudio(page, '/endpoints/create');
  const w = deployWizard(page);
  await w.getByRole('tab', { name: /Deployment/ }).click();
  const advanced = w.getByRole('button', { name: 'Advanced settings' });
  await expect(advanced).toHaveAttribute('aria-expanded', 'false');
  await advanced.click();
  await expect(advanced).toHaveAttribute('aria-expanded', 'true');
  // Azure's defaults, filled in.
  await expect(setting(w, 'Request settings', 'Request timeout (ms)')).toHaveValue('5000');
  await expect(setting(w, 'Request settings', 'Max concurrent requests per instance')).toHaveValue('1');
  await expect(setting(w, 'Request settings', 'Max queue wait (ms)')).toHaveValue('500');
  for (const probe of ['Liveness probe', 'Readiness probe']) {
    await expect(setting(w, probe, 'Initial delay (seconds)')).toHaveValue('10');
    await expect(setting(w, probe, 'Period (seconds)')).toHaveValue('10');
    await expect(setting(w, probe, 'Timeout (seconds)')).toHaveValue('2');
    await expect(setting(w, probe, 'Success threshold')).toHaveValue('1');
    await expect(setting(w, probe, 'Failure threshold')).toHaveValue('30');
  }
  const failure = setting(w, 'Readiness probe', 'Failure threshold');
  await failure.fill('0');
  await expect(failure).toHaveAttribute('aria-invalid', 'true');
  await expect(failure).toHaveAccessibleDescription(/The readiness probe's failure threshold is a whole number from 1 to 100\./);
  const timeout = setting(w, 'Request settings', 'Request timeout (ms)');
  await timeout.fill('2.5');
  await expect(timeout).toHaveAccessibleDescription(/The request timeout is a whole number of milliseconds from 1 to 180000\./);
  await page.screenshot({ path: test.info().outputPath('deployment-settings.png') });
  await w.getByRole('button', { name: 'Next' }).click();
  await expect(w.getByRole('tabpanel', { name: 'Deployment' })).toBeVisible();
  await expect(w.getByRole('tab', { name: /Deployment/ })).toContainText('has errors');
  await timeout.fill('3000');
  await w.getByRole('button', { name: 'Next' }).click();
  await expect(w.getByRole('tabpanel', { name: 'Deployment' })).toBeVisible();
  await failure.fill('5');
  await expect(failure).not.toHaveAttribute('aria-invalid', 'true');
  await w.getByRole('button', { name: 'Next' }).click();
  await expect(w.getByRole('tabpanel', { name: 'Traffic' })).toBeVisible();
});

// The server trains with its job runner; a workspace kept in the browser, in the tab.
test.describe('a deployment of an AutoML job\'s best model', () => {
  test.use({ serverArgs: ['--job-runner', 'local'] });

  test('keeps its request settings and probes, shows its CLI YAML, and shares live and mirrored traffic with a second deployment', async ({ page }) => {
    test.setTimeout(300_000);
    await createDiabetesTable(page);
    await page.getByRole('link', { name: 'Automated ML' }).click();
    await fillDiabetesAutoml(page, 'diabetes_settings', 'endpoint-settings-e2e', '2');
    await submitAndWaitForAutoml(page, 'diabetes_settings');
    await page.getByRole('tab', { name: 'Models + child jobs' }).click();
    await registerBestModel(page, 'diabetes-settings');

    // Deploy, with settings other than Azure's defaults.
    await page.getByRole('table', { name: 'Model List' }).getByRole('link', { name: 'diabetes-settings' }).click();
    await page.getByRole('toolbar', { name: 'Model actions' }).getByRole('button', { name: 'Deploy' }).click();
    const w = deployWizard(page);
    const endpoint = `settings-${Math.random().toString(36).slice(2, 8)}`;
    await w.getByRole('textbox', { name: 'Endpoint name' }).fill(endpoint);
    await w.getByRole('button', { name: 'Next' }).click();
    await w.getByRole('button', { name: 'Advanced settings' }).click();
    await setting(w, 'Request settings', 'Request timeout (ms)').fill('3000');
    await setting(w, 'Request settings', 'Max concurrent requests per instance').fill('4');
    await setting(w, 'Request settings', 'Max queue wait (ms)').fill('250');
    await setting(w, 'Liveness probe', 'Initial delay (seconds)').fill('20');
    await setting(w, 'Readiness probe', 'Failure threshold').fill('5');
    await w.getByRole('button', { name: 'Next' }).click();
    await expect(w.getByRole('spinbutton', { name: 'Traffic for blue (%)' })).toHaveValue('100');
    await w.getByRole('button', { name: 'Next' }).click();
    const review = w.getByRole('tabpanel', { name: 'Review' });
    await expect(review).toContainText('request timeout 3000 ms, max concurrent requests per instance 4, max queue wait 250 ms');
    await expect(review).toContainText('initial delay 20 s, period 10 s, timeout 2 s, success threshold 1, failure threshold 30');
    await expect(review).toContainText('initial delay 10 s, period 10 s, timeout 2 s, success threshold 1, failure threshold 5');
    // Sent as ARM has them: ISO 8601 durations, 250 ms as PT0.25S.
    const request = review.getByRole('region', { name: 'Deployment ARM request' });
    await expect(request).toContainText('"requestTimeout": "PT3S"');
    await expect(request).toContainText('"maxQueueWait": "PT0.25S"');
    await expect(request).toContainText('"initialDelay": "PT20S"');
    await page.screenshot({ path: test.info().outputPath('review.png') });
    await w.getByRole('button', { name: 'Create' }).click();
    await expect(w).toBeHidden();
    await expect(page).toHaveURL(new RegExp(`/endpoints/${endpoint}`));

    // The deployment's card has them.
    const blue = page.getByRole('region', { name: 'blue' });
    await expect(blue).toContainText('request timeout 3000 ms, max concurrent requests per instance 4, max queue wait 250 ms');
    await expect(blue).toContainText('initial delay 20 s, period 10 s');
    await expect(blue).toContainText('failure threshold 5');
    await expect(blue.locator('[data-state="Succeeded"]')).toBeVisible({ timeout: 60_000 });

    // The CLI YAML tab: the endpoint's and the deployment's, as plain text.
    await page.getByRole('tab', { name: 'CLI YAML' }).click();
    await expect(page).toHaveURL(/tab=yaml/);
    const endpointYaml = page.getByRole('region', { name: 'Endpoint YAML' });
    await expect(endpointYaml).toContainText(`name: ${endpoint}`);
    await expect(endpointYaml).toContainText('auth_mode: key');
    const blueYaml = page.getByRole('region', { name: 'Deployment blue YAML' }).locator('pre');
    await expect(blueYaml).toContainText('request_timeout_ms: 3000');
    await expect(blueYaml).toContainText('max_concurrent_requests_per_instance: 4');
    await expect(blueYaml).toContainText('max_queue_wait_ms: 250');
    await expect(blueYaml).toContainText(/liveness_probe:\s+initial_delay: 20/);
    await expect(blueYaml).toContainText('failure_threshold: 5');
    await expect(page.getByRole('button', { name: 'Copy Deployment blue YAML' })).toBeVisible();

    // A second deployment, with no live traffic.
    await page.getByRole('toolbar', { name: 'Endpoint actions' }).getByRole('button', { name: 'Add deployment' }).click();
    await w.getByRole('radio', { name: 'diabetes-settings:1' }).check();
    await w.getByRole('button', { name: 'Next' }).click();
    await w.getByRole('button', { name: 'Next' }).click();
    await expect(w.getByRole('textbox', { name: 'Deployment name' })).toHaveValue('green');
    await w.getByRole('button', { name: 'Next' }).click();
    await expect(w.getByRole('spinbutton', { name: 'Traffic for green (%)' })).toHaveValue('0');
    await w.getByRole('button', { name: 'Next' }).click();
    await w.getByRole('button', { name: 'Create' }).click();
    await expect(w).toBeHidden();
    await page.getByRole('tab', { name: 'Details' }).click();
    const green = page.getByRole('region', { name: 'green' });
    await expect(green).toContainText('request timeout 5000 ms, max concurrent requests per instance 1, max queue wait 500 ms');

    // Live 100/0 and mirrored 0/20.
    const traffic = page.getByRole('region', { name: 'Traffic allocation' });
    await traffic.getByRole('button', { name: 'Update traffic' }).click();
    const mirrorGreen = traffic.getByRole('spinbutton', { name: 'Mirrored traffic to green (%)' });
    await expect(traffic.getByRole('spinbutton', { name: 'Traffic for blue (%)' })).toHaveValue('100');
    await expect(mirrorGreen).toHaveValue('0');
    await mirrorGreen.fill('20');
    await expect(traffic.getByRole('row', { name: /Total/ })).toContainText('100 %');
    await expect(traffic.getByRole('row', { name: /Total/ })).toContainText('20 %');
    await page.screenshot({ path: test.info().outputPath('traffic-editor.png') });
    await traffic.getByRole('button', { name: 'Save' }).click();
    await expect(traffic.getByRole('button', { name: 'Update traffic' })).toBeVisible();
    const attributes = page.getByRole('region', { name: 'Attributes' });
    await expect(attributes).toContainText('Mirrored traffic');
    await expect(attributes).toContainText('green: 20%');
    await expect(traffic.getByRole('table', { name: 'Traffic' })).toContainText('Mirrored');
    await page.screenshot({ path: test.info().outputPath('details.png'), fullPage: true });

    // More than 50% mirrored, or mirrored to the deployment with live traffic: refused.
    await traffic.getByRole('button', { name: 'Update traffic' }).click();
    await expect(mirrorGreen).toHaveValue('20');
    await mirrorGreen.fill('60');
    await expect(traffic.getByRole('alert')).toContainText('At most 50% of the traffic can be mirrored.');
    await expect(traffic.getByRole('button', { name: 'Save' })).toBeDisabled();
    await page.screenshot({ path: test.info().outputPath('traffic-refused.png') });
    await mirrorGreen.fill('0');
    await traffic.getByRole('spinbutton', { name: 'Mirrored traffic to blue (%)' }).fill('10');
    await expect(traffic.getByRole('alert')).toContainText("The deployment 'blue' gets live traffic, so it cannot also get mirrored traffic.");
    await expect(traffic.getByRole('button', { name: 'Save' })).toBeDisabled();
    await traffic.getByRole('button', { name: 'Cancel' }).click();
    await expect(attributes).toContainText('green: 20%');

    // The endpoint's YAML has both splits.
    await page.getByRole('tab', { name: 'CLI YAML' }).click();
    await expect(endpointYaml).toContainText(/\ntraffic:\s+blue: 100/);
    await expect(endpointYaml).toContainText(/mirror_traffic:\s+green: 20/);
  });
});
