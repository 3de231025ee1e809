// Command jobs that run on the server (started with `--job-runner local`): a job submitted from
// its CLI v2 YAML with a code folder from this computer runs in the sandbox, logs with the
// tracking API, writes its log and outputs, and completes, its page saying what it ran; a job
// that fails says why with the end of its log; a long one is canceled from its page.
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, openStudio, test } from './helpers';
import type { Page } from '@playwright/test';

const TRAIN = `import json, os, sys, urllib.request
uri = os.environ["MLFLOW_TRACKING_URI"] + "/api/2.0/mlflow/runs/log-metric"
for step in range(5):
    body = json.dumps({"run_id": os.environ["MLFLOW_RUN_ID"], "key": "loss", "value": 1 / (step + 1), "timestamp": 1, "step": step}).encode()
    headers = {"Authorization": "Bearer " + os.environ["MLFLOW_TRACKING_TOKEN"], "Content-Type": "application/json"}
    urllib.request.urlopen(urllib.request.Request(uri, body, headers)).read()
print("trained with C =", sys.argv[1])
os.makedirs("outputs", exist_ok=True)
open("outputs/model.txt", "w").write("weights\\n")
`;

async function submit(page: Page, yaml: string, name: string): Promise<void> {
  await openStudio(page, '/jobs/create');
  await page.getByLabel('Or paste it here').fill(yaml);
  await page.getByLabel('Job name').fill(name);
}

test.describe('command jobs on a server with a job runner', () => {
  test.skip(({ store }) => store === 'browser', 'command jobs run on azimuth-server');
  test.use({ serverArgs: ['--job-runner', 'local'] });

  test('a job from YAML with its code folder runs, logs and completes', async ({ page }) => {
    const folder = mkdtempSync(join(tmpdir(), 'azimuth-code-'));
    mkdirSync(join(folder, 'src'));
    writeFileSync(join(folder, 'src', 'train.py'), TRAIN);
    await submit(page, [
      '$schema: https://azuremlschemas.azureedge.net/latest/commandJob.schema.json',
      'code: src',
      'command: python3 train.py ${{inputs.C}}',
      'inputs:',
      '  C: 0.8',
      'environment: azureml:AzureML-sklearn-1.0-ubuntu20.04-py38-cpu@latest',
      'experiment_name: iris-lab',
      'display_name: first command job',
    ].join('\n'), 'iris_first');
    const preview = page.getByRole('region', { name: 'What it will create' });
    await expect(preview).toContainText('src from this computer, uploaded to workspaceblobstore/LocalUpload/iris_first/');
    const submitButton = page.getByRole('button', { name: 'Submit' });
    await expect(submitButton).toHaveAttribute('aria-disabled', 'true');
    await page.getByLabel(/^Code folder/).setInputFiles(join(folder, 'src'));
    await expect(page.getByText('1 file chosen.')).toBeVisible();
    await submitButton.click();
    await expect(page).toHaveURL(/\/jobs\/runs\/iris_first/);
    await expect(page.getByRole('heading', { name: 'first command job' })).toBeVisible();
    await expect(page.locator('[data-state="Completed"]')).toBeVisible({ timeout: 30_000 });
    await expect(page.getByText('python3 train.py ${{inputs.C}}', { exact: true })).toBeVisible();
    await expect(page.getByText(/No image is pulled here/)).toBeVisible();
    await page.getByText('CLI v2 YAML (az ml job create -f)').click();
    await expect(page.getByText(/code: azureml:\/\/datastores\/workspaceblobstore\/paths\/LocalUpload\/iris_first\/src\//)).toBeVisible();
    await page.getByRole('tab', { name: 'Metrics' }).click();
    await expect(page.getByRole('img', { name: /^loss: 5 values; last 0\.2$/ })).toBeVisible();
    await page.getByRole('tab', { name: 'Outputs + logs' }).click();
    const tree = page.getByRole('navigation', { name: 'Files of the job' });
    await tree.getByRole('button', { name: /user_logs/ }).click();
    await tree.getByRole('button', { name: /std_log\.txt/ }).click();
    await expect(page.getByRole('region', { name: 'Preview' })).toContainText('trained with C = 0.8');
    await tree.getByRole('button', { name: /^outputs/ }).click();
    await expect(tree.getByRole('button', { name: /model\.txt/ })).toBeVisible();
    // The Code tab: the folder the command ran from, its files previewed.
    await page.getByRole('tab', { name: 'Code' }).click();
    await expect(page.getByText('The folder the job\'s command runs from: LocalUpload/iris_first/src/ in workspaceblobstore.')).toBeVisible();
    const code = page.getByRole('navigation', { name: 'Code of the job' });
    await code.getByRole('button', { name: /train\.py/ }).click();
    await expect(page.getByRole('region', { name: 'Preview' })).toContainText('print("trained with C =", sys.argv[1])');
  });

  test('a failed job says why, and a long one is canceled from its page', async ({ page }) => {
    await submit(page, `command: 'echo preparing; echo "ValueError: C must be positive" >&2; exit 2'\nenvironment: azureml:sklearn:1`, 'fails');
    await page.getByRole('button', { name: 'Submit' }).click();
    // A job without code has no Code tab.
    await expect(page.getByRole('tab', { name: 'Outputs + logs' })).toBeVisible();
    await expect(page.getByRole('tab', { name: 'Code' })).toHaveCount(0);
    await expect(page.getByRole('alert')).toContainText('Its command exited with code 2.', { timeout: 30_000 });
    await expect(page.getByRole('alert')).toContainText('ValueError: C must be positive');
    await submit(page, 'command: sleep 120\nenvironment: azureml:sklearn:1', 'long');
    await page.getByRole('button', { name: 'Submit' }).click();
    await expect(page.locator('[data-state="Running"]')).toBeVisible({ timeout: 30_000 });
    await page.getByRole('button', { name: 'Cancel' }).click();
    await expect(page.locator('[data-state="Canceled"]')).toBeVisible({ timeout: 15_000 });
    await expect(page.getByRole('status').filter({ hasText: 'Canceled by' })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Cancel' })).toBeHidden();
  });
});
