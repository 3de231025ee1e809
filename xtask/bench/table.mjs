// Filtering a compute table with 1,000 computes, in headless Chromium.
//
//   node xtask/bench/table.mjs <base url> --workspace <saved workspace json> [--kind instances|clusters] [--out file.json]
//
// `cargo xtask bench table` writes the workspace with azimuth-core and runs this, once per
// table. The studio opens with it in localStorage; then each keystroke goes into the tab's search and
// the time is taken, in the page, from the input event to the frame after the table changed
// (two animation frames: the update is applied and painted). Exit status: 0 budget met,
// 3 budget missed, 1 error.
import { chromium } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { CHROMIUM, CHROMIUM_ARGS } from '../../tests/chromium.mjs';
import { report } from './report.mjs';

/** Median keystroke-to-screen time the table must beat, in milliseconds. */
const BUDGET_MS = 100;
/** Each table: its page, its accessible name, its search box, and what is typed (one keystroke
 * at a time, then erased the same way). */
const KINDS = {
  instances: { path: '/compute/instances', table: 'Compute instances', query: 'ci-b04' },
  clusters: { path: '/compute/clusters', table: 'Compute clusters', query: 'cc-b04' },
};

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { workspace: { type: 'string' }, out: { type: 'string' }, kind: { type: 'string', default: 'instances' } },
});
const kind = KINDS[values.kind];
if (!kind) {
  console.error(`--kind must be one of ${Object.keys(KINDS).join(', ')}`);
  process.exit(1);
}
const QUERY = kind.query;
if (positionals.length !== 1 || !values.workspace) {
  console.error('usage: node xtask/bench/table.mjs <base url> --workspace <file> [--out F]');
  process.exit(1);
}
const base = positionals[0].replace(/\/+$/, '');
const saved = readFileSync(values.workspace, 'utf8');

const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
try {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  await context.addInitScript((text) => localStorage.setItem('azimuth.workspace', text), saved);
  const page = await context.newPage();
  const started = Date.now();
  await page.goto(`${base}${kind.path}`);
  const rows = page.getByRole('table', { name: kind.table }).locator('tbody tr');
  const visible = rows.locator('visible=true');
  await rows.nth(999).waitFor({ state: 'attached', timeout: 60_000 });
  console.log(`1,000 ${values.kind} listed ${Date.now() - started} ms after navigation`);
  const search = page.getByRole('searchbox', { name: `Search ${kind.table.toLowerCase()}` });
  await search.focus();
  const keystrokes = [...QUERY].map((_, i) => QUERY.slice(0, i + 1));
  for (let i = QUERY.length - 1; i >= 0; i--) keystrokes.push(QUERY.slice(0, i));
  const times = [];
  for (const text of keystrokes) {
    const ms = await page.evaluate(async (value) => {
      const input = document.activeElement;
      const t0 = performance.now();
      input.value = value;
      input.dispatchEvent(new Event('input', { bubbles: true }));
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      return performance.now() - t0;
    }, text);
    const shown = await visible.count();
    times.push(ms);
    console.log(`"${text}": ${ms.toFixed(1)} ms, ${shown} rows`);
  }
  report(times, BUDGET_MS, { computes: 1000, table: kind.table, keystrokes }, values.out, ` over ${times.length} keystrokes`);
} catch (err) {
  console.error(err.message);
  process.exitCode = 1;
} finally {
  await browser.close();
}
