// The Jobs pages over runs logged through azimuth-server's MLflow tracking API (the calls the
// mlflow client makes, sent here with fetch): All jobs with chosen columns, sorting and MLflow's
// filter; a job's Overview, Metrics chart and Outputs + logs; runs that appear and change while
// the page is open; a table of many runs that draws only what is in view. A workspace kept in
// the browser has no tracking server: Jobs is not linked there.
import { expect, openStudio, test, WS, type ServerHandle } from './helpers';
import type { Page } from '@playwright/test';

/** A person's session token, signed in by name (the server runs in demo mode). */
async function tokenOf(server: ServerHandle, member = 'Grace Hopper'): Promise<string> {
  const answer = await fetch(`${server.url}/api/session`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ member }),
  });
  return (await answer.json()).token;
}

/** One MLflow tracking call, as the mlflow client sends it. */
async function mlflow(server: ServerHandle, token: string, call: string, body?: unknown): Promise<any> {
  const answer = await fetch(`${server.url}/mlflow/v1.0${WS}/api/2.0/${call}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await answer.text();
  if (!answer.ok) throw new Error(`${call}: ${answer.status} ${text}`);
  return text ? JSON.parse(text) : {};
}

/** A run with params, a loss curve of `steps` values and a last accuracy; answers its id. */
async function logRun(server: ServerHandle, token: string, name: string, params: Record<string, string>, accuracy: number, steps = 10): Promise<string> {
  const made = await mlflow(server, token, 'mlflow/runs/create', { experiment_id: '0', run_name: name, start_time: Date.now() });
  const id = made.run.info.run_id;
  const metrics = Array.from({ length: steps }, (_, step) => ({ key: 'loss', value: 1 / (step + 1), timestamp: Date.now(), step }));
  metrics.push({ key: 'accuracy', value: accuracy, timestamp: Date.now(), step: 0 });
  await mlflow(server, token, 'mlflow/runs/log-batch', {
    run_id: id,
    metrics,
    params: Object.entries(params).map(([key, value]) => ({ key, value })),
  });
  return id;
}

function jobsTable(page: Page) {
  return page.getByRole('table', { name: 'Jobs' });
}

test.describe('on a server', () => {
  test.skip(({ store }) => store === 'browser', 'runs are logged to azimuth-server');

  test('runs logged with MLflow are listed, chosen as columns, sorted, filtered and opened', async ({ page, server }) => {
    const token = await tokenOf(server!);
    const forest = await logRun(server!, token, 'forest-deep', { model: 'forest', depth: '12' }, 0.87);
    await logRun(server!, token, 'forest-shallow', { model: 'forest', depth: '4' }, 0.91);
    await logRun(server!, token, 'logistic', { model: 'logistic' }, 0.93);
    await mlflow(server!, token, 'mlflow/runs/update', { run_id: forest, status: 'FINISHED', end_time: Date.now() });
    // A file the run logged, through the artifacts proxy.
    const artifact = `${server!.url}/mlflow/v1.0${WS}/api/2.0/mlflow-artifacts/artifacts/ExperimentRun/dcid.${forest}/notes/summary.txt`;
    const put = await fetch(artifact, { method: 'PUT', headers: { Authorization: `Bearer ${token}` }, body: 'depth 12 overfits\n' });
    expect(put.ok).toBe(true);

    await openStudio(page, '/');
    const nav = page.getByRole('navigation', { name: 'Studio' });
    await nav.getByRole('link', { name: 'Jobs' }).click();
    await expect(page.getByRole('heading', { name: 'All jobs', level: 1 })).toBeVisible();
    await expect(page.getByRole('status').filter({ hasText: 'jobs' })).toHaveText('3 jobs');
    const table = jobsTable(page);
    await expect(table.getByRole('rowheader')).toHaveText(['logistic', 'forest-shallow', 'forest-deep']);
    await expect(table.getByRole('row').filter({ hasText: 'forest-deep' })).toContainText('Completed');
    await expect(table.getByRole('row').filter({ hasText: 'logistic' })).toContainText('Running');

    // Columns: the accuracy's last value and the model param.
    await page.getByRole('toolbar', { name: 'Job actions' }).getByRole('button', { name: 'Columns' }).click();
    const picker = page.getByRole('dialog', { name: 'Columns' });
    await picker.getByRole('group', { name: 'Metrics' }).locator('div').filter({ hasText: 'accuracy' }).getByLabel('Last').check();
    await picker.getByRole('group', { name: 'Params' }).getByLabel('model').check();
    await picker.getByRole('button', { name: 'Done' }).click();
    await expect(page).toHaveURL(/columns=metric%3Aaccuracy%2Cparam%3Amodel|columns=metric:accuracy,param:model/);
    await expect(table.getByRole('columnheader', { name: 'accuracy' })).toBeVisible();
    await expect(table.getByRole('row').filter({ hasText: 'forest-shallow' })).toContainText('0.91');

    // Sorting by accuracy, smallest first, then largest first.
    await table.getByRole('button', { name: 'accuracy' }).click();
    await expect(table.getByRole('rowheader')).toHaveText(['forest-deep', 'forest-shallow', 'logistic']);
    await table.getByRole('button', { name: 'accuracy' }).click();
    await expect(table.getByRole('columnheader', { name: 'accuracy' })).toHaveAttribute('aria-sort', 'descending');
    await expect(table.getByRole('rowheader')).toHaveText(['logistic', 'forest-shallow', 'forest-deep']);

    // MLflow's filter, with OR; a mistake is explained and changes nothing.
    const filter = page.getByLabel('Filter', { exact: true });
    await filter.fill("params.model = 'forest' and metrics.accuracy > 0.9 or params.model = 'logistic'");
    await filter.press('Enter');
    await expect(table.getByRole('rowheader')).toHaveText(['logistic', 'forest-shallow']);
    await filter.fill('metrics.accuracy > high');
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect(page.getByRole('alert')).toContainText('Invalid filter');
    await expect(table.getByRole('rowheader')).toHaveText(['logistic', 'forest-shallow']);
    await page.reload();
    await expect(page.getByLabel('Filter', { exact: true })).toHaveValue("params.model = 'forest' and metrics.accuracy > 0.9 or params.model = 'logistic'");
    await expect(jobsTable(page).getByRole('rowheader')).toHaveText(['logistic', 'forest-shallow']);

    // A job's page: Overview, a chart per metric, its files.
    await page.goto(page.url().replace(/\/jobs\/all.*$/, `/jobs/runs/${forest}?wsid=${encodeURIComponent(WS)}`));
    await expect(page.getByRole('heading', { name: 'forest-deep', level: 1 })).toBeVisible();
    await expect(page.getByRole('table', { name: 'Params' })).toContainText('depth');
    await expect(page.getByRole('table', { name: 'Metrics' }).getByRole('row').filter({ hasText: 'loss' })).toContainText('0.1');
    await page.getByRole('tab', { name: 'Metrics' }).click();
    await expect(page.getByRole('img', { name: /^loss: 10 values; last 0\.1$/ })).toBeVisible();
    await expect(page.getByRole('img', { name: /^accuracy: 1 values; last 0\.87$/ })).toBeVisible();
    await page.getByLabel('X axis').selectOption('relative');
    await expect(page).toHaveURL(/x=relative/);
    await page.getByRole('checkbox', { name: 'accuracy' }).uncheck();
    await expect(page.getByRole('img', { name: /^accuracy/ })).toBeHidden();
    await page.getByRole('tab', { name: 'Outputs + logs' }).click();
    const tree = page.getByRole('navigation', { name: 'Files of the job' });
    await tree.getByRole('button', { name: /notes/ }).click();
    await tree.getByRole('button', { name: /summary\.txt/ }).click();
    await expect(page.getByRole('region', { name: 'Preview' })).toContainText('depth 12 overfits');
  });

  test('a run appears, logs and ends while its pages are open', async ({ page, server }) => {
    // The token a script uses, made on the All experiments tab: it logs, and does nothing else.
    await openStudio(page, '/jobs');
    const card = page.getByRole('region', { name: 'Log from a script' });
    await expect(card).toContainText(`/mlflow/v1.0${WS}`);
    await card.getByLabel('Token name').fill('laptop');
    await card.getByRole('button', { name: 'Create a token for scripts' }).click();
    const token = await card.getByLabel('laptop (shown once: copy it now)').inputValue();
    expect(token).toMatch(/^[0-9a-f]{64}$/);
    const tokens = card.getByRole('table', { name: 'Your tokens for scripts' });
    await expect(tokens.getByRole('row', { name: /laptop/ })).toBeVisible();
    await expect(tokens).not.toContainText(token);
    const arm = await fetch(`${server!.url}${WS}?api-version=2025-12-01`, { headers: { Authorization: `Bearer ${token}` } });
    expect(arm.status).toBe(401);
    await page.getByRole('tab', { name: 'All jobs' }).or(page.getByRole('link', { name: 'All jobs' })).first().click();
    await expect(page.getByText('No jobs yet.')).toBeVisible();
    const made = await mlflow(server!, token, 'mlflow/runs/create', { experiment_id: '0', run_name: 'live-run' });
    const id = made.run.info.run_id;
    const row = jobsTable(page).getByRole('row').filter({ hasText: 'live-run' });
    await expect(row).toContainText('Running');
    await row.getByRole('link', { name: 'live-run' }).click();
    await page.getByRole('tab', { name: 'Metrics' }).click();
    await expect(page.getByText('This job has logged no metrics yet.')).toBeVisible();
    await mlflow(server!, token, 'mlflow/runs/log-metric', { run_id: id, key: 'loss', value: 0.9, timestamp: Date.now(), step: 0 });
    await expect(page.getByRole('img', { name: /^loss: 1 values; last 0\.9$/ })).toBeVisible();
    for (let step = 1; step < 5; step++) {
      await mlflow(server!, token, 'mlflow/runs/log-metric', { run_id: id, key: 'loss', value: 0.9 - step / 10, timestamp: Date.now(), step });
    }
    await expect(page.getByRole('img', { name: /^loss: 5 values; last 0\.5$/ })).toBeVisible();
    await mlflow(server!, token, 'mlflow/runs/update', { run_id: id, status: 'FAILED', end_time: Date.now() });
    await expect(page.getByText('Failed', { exact: true })).toBeVisible();

    // The link the mlflow client prints ("View run live-run at: ...") opens this job's page.
    const experiment = made.run.info.experiment_id;
    await page.goto(`${server!.url}/mlflow/v1.0${WS}/#/experiments/${experiment}/runs/${id}`);
    await expect(page.getByRole('heading', { name: 'live-run', level: 1 })).toBeVisible();
    await expect(page).toHaveURL(new RegExp(`/jobs/runs/${id}\\?wsid=`));

    // Taken back on the same card, the token stops working at once.
    await openStudio(page, '/jobs');
    await page.getByRole('button', { name: 'Revoke laptop' }).click();
    await expect(page.getByText('You have no tokens for scripts.')).toBeVisible();
    await expect(mlflow(server!, token, 'mlflow/runs/get?run_id=' + id)).rejects.toThrow(/401/);
  });

  test('jobs picked in the table are compared: params side by side, metrics overlaid, parallel coordinates', async ({ page, server }) => {
    const token = await tokenOf(server!);
    await logRun(server!, token, 'forest-deep', { model: 'forest', depth: '12', seed: '1' }, 0.87);
    await logRun(server!, token, 'forest-shallow', { model: 'forest', depth: '4', seed: '1' }, 0.91);
    await logRun(server!, token, 'logistic', { model: 'logistic', seed: '1' }, 0.93);
    await openStudio(page, '/jobs/all');
    const compare = page.getByRole('button', { name: /^Compare/ });
    await expect(compare).toHaveAttribute('aria-disabled', 'true');
    await jobsTable(page).getByRole('checkbox', { name: 'Select forest-deep' }).check();
    await jobsTable(page).getByRole('checkbox', { name: 'Select logistic' }).check();
    await expect(compare).toHaveText('Compare (2)');
    await compare.click();
    await expect(page).toHaveURL(/\/jobs\/compare\?.*runs=[0-9a-f]+,[0-9a-f]+/);
    await expect(page.getByRole('heading', { name: 'Compare 2 jobs' })).toBeVisible();
    const params = page.getByRole('table', { name: 'Params compared' });
    await expect(params.getByRole('row', { name: /model forest logistic/ })).toBeVisible();
    await expect(params.getByRole('row', { name: /^seed/ })).toBeVisible();
    await page.getByRole('checkbox', { name: 'Hide identical params' }).check();
    await expect(page).toHaveURL(/hideSame=true/);
    await expect(params.getByRole('row', { name: /^seed/ })).toBeHidden();
    await expect(params.getByRole('row', { name: /depth 12 —/ })).toBeVisible();
    await expect(page.getByRole('img', { name: 'loss of 2 jobs, by step' })).toBeVisible();
    await expect(page.getByRole('img', { name: /^Parallel coordinates: 3 axes, 2 jobs$/ })).toBeVisible();
    await page.getByRole('combobox', { name: 'Metric', exact: true }).selectOption('loss');
    await expect(page).toHaveURL(/metric=loss/);
  });

  test('a table of 1,200 runs draws only the rows in view and scrolls to the last', async ({ page, server }) => {
    const token = await tokenOf(server!);
    const names = Array.from({ length: 1200 }, (_, i) => `run-${String(i).padStart(4, '0')}`);
    for (let i = 0; i < names.length; i += 20) {
      await Promise.all(names.slice(i, i + 20).map((name, j) =>
        mlflow(server!, token, 'mlflow/runs/create', { experiment_id: '0', run_name: name, start_time: 1_700_000_000_000 + i + j })));
    }
    await openStudio(page, '/jobs/all');
    await expect(page.getByRole('status').filter({ hasText: 'jobs' })).toHaveText('1200 jobs');
    const table = jobsTable(page);
    await expect(table.getByRole('rowheader').first()).toHaveText('run-1199');
    await expect(table).toHaveAttribute('aria-rowcount', '1201');
    const drawn = await table.getByRole('rowheader').count();
    expect(drawn).toBeLessThan(80);
    // Scrolled to the end (again, should the table still have been growing when first asked).
    await expect(async () => {
      await page.getByRole('region', { name: 'Jobs table' }).evaluate((el) => { el.scrollTop = el.scrollHeight; });
      await expect(table.getByRole('rowheader', { name: 'run-0000' })).toBeVisible({ timeout: 2_000 });
    }).toPass({ timeout: 20_000 });
    expect(await table.getByRole('rowheader').count()).toBeLessThan(80);
  });
});
