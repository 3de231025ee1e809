// Notebooks that run, on both stores: in a workspace kept in the browser the "Python (in this
// browser)" kernel (Pyodide in a Worker) runs standard-library cells; on azimuth-server with an
// instance runtime, a cell on Ada's running compute instance trains a scikit-learn model and
// logs to MLflow, and its run shows under Jobs. On both, a `while True` cell is interrupted.
import { test, expect, createInstance, expectState, openInstances, setPace, uniqueName } from './helpers';
import { cells, newFile, openNotebooks, source } from './notebook_helpers';
import type { Page } from '@playwright/test';

test.use({ serverArgs: ['--instance-runtime', 'local', '--kernel-python', 'target/python/bin/python'] });

function output(page: Page, n: number) {
  return cells(page).getByRole('listitem').nth(n - 1);
}

async function runCell(page: Page, n: number, code: string): Promise<void> {
  await source(page, n).fill(code);
  await source(page, n).press('Shift+Enter');
}

test('a notebook runs its cells and shows their outputs', async ({ page, store }) => {
  test.setTimeout(180_000);
  const kernelBar = page.getByRole('status', { name: 'Kernel' });
  if (store === 'server') {
    await openInstances(page);
    await setPace(page, 'Instant');
    const name = uniqueName('ci-nb');
    await createInstance(page, name);
    await expectState(page, name, 'Running');
    await openNotebooks(page);
    await newFile(page, 'train.ipynb');
    await expect(page.getByLabel('Compute instance')).toHaveValue(name);
    await expect(kernelBar).toContainText('Python 3.10 - SDK v2');
    await runCell(
      page,
      1,
      [
        'import mlflow',
        'from sklearn.datasets import make_classification',
        'from sklearn.linear_model import LogisticRegression',
        'X, y = make_classification(n_samples=300, random_state=0)',
        "mlflow.set_experiment('notebook-e2e')",
        "with mlflow.start_run(run_name='from-the-notebook'):",
        '    model = LogisticRegression().fit(X, y)',
        "    mlflow.log_metric('training_accuracy', model.score(X, y))",
        "print('accuracy', round(model.score(X, y), 2))",
      ].join('\n'),
    );
    await expect(output(page, 1)).toContainText(/accuracy 0\.\d+/, { timeout: 60_000 });
    await expect(output(page, 1)).toContainText('[1]');
  } else {
    await openNotebooks(page);
    await newFile(page, 'stdlib.ipynb');
    await expect(page.getByLabel('Compute instance')).toHaveValue(':browser');
    await expect(page.getByText(/numpy, pandas, scikit-learn and mlflow are not available here/)).toBeVisible();
    await runCell(page, 1, 'import statistics\nprint(statistics.mean([1, 2, 3, 6]))');
    await expect(output(page, 1)).toContainText('3', { timeout: 60_000 });
    await expect(kernelBar).toContainText('Python (in this browser)');
  }

  // The value of a last expression, and an error with its traceback.
  await runCell(page, 2, '21 * 2');
  await expect(output(page, 2)).toContainText('42');
  await runCell(page, 3, '1 / 0');
  await expect(output(page, 3)).toContainText('ZeroDivisionError');
  await expect(kernelBar).not.toContainText('Busy');
  // The traceback may still be drawing when the kernel bar is idle: wait for it, then read it.
  const error = output(page, 3).locator('pre.output__text--error');
  await expect(error).toContainText('ZeroDivisionError');
  const traceback = await error.innerText();
  expect(traceback).toContain('ZeroDivisionError');
  if (store === 'browser') {
    // Python's own traceback, one entry a line: no blank line between them. (IPython's, on the
    // server, has one after the code it quotes, as JupyterLab shows it.)
    expect(traceback).toContain('ZeroDivisionError: division by zero');
    expect(traceback).not.toMatch(/\n\s*\n/);
  }

  // A cell run while the one before it is still running waits for it, and is not run when that
  // one fails: as in Jupyter, but the kernel bar says so.
  await runCell(page, 4, 'import time\nt = time.time()\nwhile time.time() - t < 1.5:\n    pass\n1 / 0');
  await expect(kernelBar).toContainText('Busy');
  await runCell(page, 5, "print('never', 'shown')");
  await expect(kernelBar).toContainText('1 queued cell was not run: the cell before it failed', { timeout: 30_000 });
  await expect(output(page, 4)).toContainText('ZeroDivisionError');
  await expect(output(page, 5)).not.toContainText('never shown');

  // A cell that never ends is interrupted.
  await runCell(page, 6, 'while True:\n    pass');
  await expect(kernelBar).toContainText('Busy');
  await page.getByRole('button', { name: 'Interrupt kernel' }).click();
  await expect(output(page, 6)).toContainText('KeyboardInterrupt', { timeout: 30_000 });
  await expect(kernelBar).not.toContainText('Busy');

  if (store === 'server') {
    // The run the notebook logged is a job of the workspace.
    await page.goto('/jobs/all');
    await expect(page.getByRole('link', { name: 'from-the-notebook' })).toBeVisible({ timeout: 30_000 });
  }
});
