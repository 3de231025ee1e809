// Profile of a large CSV in the studio's Web Worker, in headless Chromium.
//
//   node xtask/bench/profile.mjs <base url> --csv <file> [--out file.json]
//
// `cargo xtask bench data` writes the CSV (1 M rows x 10 columns) and runs this against the
// built studio. The page fetches the file as a Blob (as the browser store hands an OPFS file to
// the worker), starts the worker the release build names in <meta name=azimuth-worker>, and
// times the profile from posting the message to the answer, while counting the longest gap
// between the page's animation frames (the page must stay responsive: the work is off its
// thread). Exit status: 0 budget met, 3 budget missed, 1 error.
import { chromium } from '@playwright/test';
import { parseArgs } from 'node:util';
import { CHROMIUM, CHROMIUM_ARGS } from '../../tests/chromium.mjs';
import { report } from './report.mjs';

/** The data issue's budget for a profile of 1 M rows x 10 columns in the browser. */
const BUDGET_MS = 10_000;
const RUNS = 3;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { csv: { type: 'string' }, out: { type: 'string' } },
});
if (positionals.length !== 1 || !values.csv) {
  console.error('usage: node xtask/bench/profile.mjs <base url> --csv <file> [--out F]');
  process.exit(1);
}
const base = positionals[0].replace(/\/+$/, '');

const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
try {
  const page = await browser.newPage();
  await page.route('**/bench-profile.csv', (route) => route.fulfill({ path: values.csv, contentType: 'text/csv' }));
  await page.goto(`${base}/`);
  await page.waitForSelector('meta[name=azimuth-worker]', { state: 'attached' });
  const times = [];
  let gaps = [];
  let answer;
  for (let run = 0; run < RUNS; run++) {
    const measured = await page.evaluate(async () => {
      const blob = await (await fetch('/bench-profile.csv')).blob();
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
      const reply = await new Promise((resolve, reject) => {
        worker.onmessage = (e) => resolve(e.data);
        worker.onerror = () => reject(new Error('the worker did not start'));
        worker.postMessage({ task: 'profile', blob, jsonLines: false, delimiter: 44, header: true });
      });
      const ms = performance.now() - t0;
      done = true;
      worker.terminate();
      if (reply.error) throw new Error(reply.error);
      const profile = JSON.parse(reply.ok);
      return { ms, longest, rows: profile.rows, columns: profile.columns.length, bytes: blob.size };
    });
    times.push(measured.ms);
    gaps.push(measured.longest);
    answer = measured;
    console.log(`run ${run + 1}: ${(measured.ms / 1000).toFixed(2)} s for ${measured.rows} rows x ${measured.columns} columns (${(measured.bytes / 1e6).toFixed(0)} MB); longest frame gap on the page ${measured.longest.toFixed(0)} ms`);
  }
  const longestGap = Math.max(...gaps);
  report(times, BUDGET_MS, { rows: answer.rows, columns: answer.columns, bytes: answer.bytes, longest_frame_gap_ms: longestGap }, values.out, ` over ${RUNS} profiles in the worker`);
} catch (err) {
  console.error(err.message);
  process.exitCode = 1;
} finally {
  await browser.close();
}
