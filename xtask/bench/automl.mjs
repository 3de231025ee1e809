// An AutoML sweep in the studio's Web Worker, in headless Chromium: what a workspace kept in
// the browser runs when it trains.
//
//   node xtask/bench/automl.mjs <base url> --csv <file> --target <column> [--out file.json]
//
// `cargo xtask bench automl` writes the CSV and runs this against the built studio. The page
// fetches the file as a Blob (as the browser store hands an OPFS file to the worker), starts
// the worker the release build names in <meta name=azimuth-worker> and posts it the sweep the
// native side runs (8 trials, 3-fold cross-validation, AUC weighted), timing it from the post
// to the worker's last message while counting the longest gap between the page's animation
// frames (the page must stay responsive). Prints the JSON line the bench reads. Exit status: 0
// budget met, 3 budget missed, 1 error.
import { chromium } from '@playwright/test';
import { parseArgs } from 'node:util';
import { CHROMIUM, CHROMIUM_ARGS } from '../../tests/chromium.mjs';
import { report } from './report.mjs';

/** The AutoML issue's budget for 8 algorithms with 3-fold CV on 10,000 x 20 in the browser. */
const BUDGET_MS = 60_000;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { csv: { type: 'string' }, target: { type: 'string' }, out: { type: 'string' } },
});
if (positionals.length !== 1 || !values.csv || !values.target) {
  console.error('usage: node xtask/bench/automl.mjs <base url> --csv <file> --target <column> [--out F]');
  process.exit(1);
}
const base = positionals[0].replace(/\/+$/, '');
const task = {
  taskType: 'Classification', targetColumnName: values.target, primaryMetric: 'AUCWeighted',
  trainingData: { jobInputType: 'mltable', uri: 'azureml:bench:1' },
  nCrossValidations: { mode: 'Custom', value: 3 },
  limitSettings: { maxTrials: 8, enableEarlyTermination: false },
};

const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
try {
  const page = await browser.newPage();
  await page.route('**/bench-automl.csv', (route) => route.fulfill({ path: values.csv, contentType: 'text/csv' }));
  await page.goto(`${base}/`);
  await page.waitForSelector('meta[name=azimuth-worker]', { state: 'attached' });
  const measured = await page.evaluate(async (taskJson) => {
    const blob = await (await fetch('/bench-automl.csv')).blob();
    const script = document.querySelector('meta[name=azimuth-worker]').content;
    let longest = 0;
    let last = performance.now();
    let done = false;
    const frames = () => {
      const now = performance.now();
      longest = Math.max(longest, now - last);
      last = now;
      if (!done) requestAnimationFrame(frames);
    };
    requestAnimationFrame(frames);
    const t0 = performance.now();
    const worker = new Worker(script, { type: 'module' });
    const trials = [];
    const end = await new Promise((resolve, reject) => {
      worker.onmessage = ({ data }) => {
        if (data.kind === 'event') {
          const event = JSON.parse(data.payload);
          if (event.Trial) trials.push(event.Trial);
        } else if (data.kind === 'end') {
          resolve(JSON.parse(data.payload));
        } else if (data.kind === 'error') {
          reject(new Error(data.payload));
        }
      };
      worker.onerror = () => reject(new Error('the worker did not start'));
      worker.postMessage({ task: 'automl', job: 'bench', taskJson, train: blob, trainName: 'table.csv' });
    });
    const ms = performance.now() - t0;
    done = true;
    worker.terminate();
    if (end.halt) throw new Error(JSON.stringify(end.halt));
    const auc = (t) => (t.metrics.find(([k]) => k === 'AUC_weighted') || [0, NaN])[1];
    const best = trials.reduce((a, b) => (auc(b) > auc(a) ? b : a));
    return { ms, longest, trials: trials.length, best: best.algorithm, auc: auc(best) };
  }, JSON.stringify(task));
  console.log(`${measured.trials} trials in ${(measured.ms / 1000).toFixed(2)} s; longest frame gap on the page ${measured.longest.toFixed(0)} ms`);
  console.log(JSON.stringify({ best: measured.best, AUC_weighted: measured.auc, total_seconds: measured.ms / 1000 }));
  report([measured.ms], BUDGET_MS, { trials: measured.trials, longest_frame_gap_ms: measured.longest, best: measured.best, auc_weighted: measured.auc }, values.out, ' for one sweep in the worker');
} catch (err) {
  console.error(err.message);
  process.exitCode = 1;
} finally {
  await browser.close();
}
