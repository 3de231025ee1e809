// Upload of a large file from the studio's datastore page, in headless Chromium: how fast, and
// how much memory the page's renderer process takes meanwhile (it must not hold the file).
//
//   node xtask/bench/upload.mjs <base url> --file <path> [--sign-in] [--out file.json]
//
// `cargo xtask bench data` runs it twice: against the static build (the browser store writes
// the file into the Origin Private File System) and against azimuth-server (`--sign-in`: the
// page sends the file with XMLHttpRequest). The renderer's resident memory is read from
// /proc: its peak (VmHWM, reset with clear_refs just before the upload) against its size
// before. Exit status: 0 measured, 1 error.
import { chromium } from '@playwright/test';
import { readFileSync, writeFileSync, statSync, mkdirSync } from 'node:fs';
import { dirname, basename } from 'node:path';
import { parseArgs } from 'node:util';
import { CHROMIUM, CHROMIUM_ARGS } from '../../tests/chromium.mjs';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { file: { type: 'string' }, out: { type: 'string' }, 'sign-in': { type: 'boolean', default: false } },
});
if (positionals.length !== 1 || !values.file) {
  console.error('usage: node xtask/bench/upload.mjs <base url> --file <path> [--sign-in] [--out F]');
  process.exit(1);
}
const base = positionals[0].replace(/\/+$/, '');
const size = statSync(values.file).size;

/** Resident memory of a process, in MB: [now, peak]. */
function memory(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key) => Number(status.match(new RegExp(`${key}:\\s+(\\d+)`))?.[1] ?? 0);
  return [kb('VmRSS') / 1024, kb('VmHWM') / 1024];
}

const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
try {
  const page = await browser.newPage();
  await page.goto(`${base}/data/datastores/workspaceblobstore`);
  if (values['sign-in']) {
    const person = page.getByRole('combobox', { name: 'Person' });
    await person.waitFor();
    await person.locator('option').nth(1).waitFor({ state: 'attached' });
    const values = await person.locator('option').evaluateAll((os) => os.map((o) => o.value).filter(Boolean));
    await person.selectOption(values[0]);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Toggle navigation' }).waitFor();
    await page.goto(`${base}/data/datastores/workspaceblobstore`);
  }
  await page.getByRole('table', { name: 'Files' }).or(page.getByText('This folder is empty.')).first().waitFor();
  const cdp = await browser.newBrowserCDPSession();
  const { processInfo } = await cdp.send('SystemInfo.getProcessInfo');
  const renderers = processInfo.filter((p) => p.type === 'renderer').map((p) => p.id);
  for (const pid of renderers) writeFileSync(`/proc/${pid}/clear_refs`, '5');
  const before = Math.max(...renderers.map((pid) => memory(pid)[0]));
  const started = Date.now();
  await page.getByLabel('Upload files').setInputFiles(values.file);
  const name = basename(values.file);
  const row = page.getByRole('table', { name: 'Files' }).getByRole('row').filter({ hasText: name });
  await row.waitFor({ timeout: 300_000 });
  const seconds = (Date.now() - started) / 1000;
  const peak = Math.max(...renderers.map((pid) => memory(pid)[1]));
  const mbs = size / 1048576 / seconds;
  const store = values['sign-in'] ? 'server' : 'browser';
  console.log(`${store} store: ${(size / 1048576).toFixed(0)} MB uploaded from the page in ${seconds.toFixed(2)} s (${mbs.toFixed(0)} MB/s); the page's renderer ${before.toFixed(0)} MB before, ${peak.toFixed(0)} MB at its peak during the upload`);
  if (values.out) {
    mkdirSync(dirname(values.out), { recursive: true });
    const result = { store, bytes: size, seconds, mb_s: mbs, renderer_rss_before_mb: before, renderer_peak_mb: peak };
    writeFileSync(values.out, JSON.stringify(result, null, 2) + '\n');
  }
} catch (err) {
  console.error(err.message);
  process.exitCode = 1;
} finally {
  await browser.close();
}
