// The Jobs bench's browser half, in headless Chromium.
//
//   node xtask/bench/jobs.mjs runs <url of a runs page> --name <a run's name> [--session T] [--out F]
//   node xtask/bench/jobs.mjs chart <url of a job's page> --session T --key K --values N [--out F]
//
// `runs`: cold loads (a new browser context each: empty cache) of a runs page until the newest
// run's name shows; one warm-up, then 5 timed, the page's own clock (performance.now() counts
// from navigation start). The same for azimuth-server's /jobs page and MLflow's UI.
// `chart`: a job's page opened on Overview, then the Metrics tab clicked: the time from the
// click to the chart of N values drawn (its accessible name says how many values it shows).
// Exit status: 0 budget met, 3 missed, 1 error.
import { chromium } from '@playwright/test';
import { parseArgs } from 'node:util';
import { CHROMIUM, CHROMIUM_ARGS } from '../../tests/chromium.mjs';
import { report } from './report.mjs';

const RUNS = 5;
const TIMEOUT = 60_000;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    name: { type: 'string' },
    session: { type: 'string' },
    member: { type: 'string', default: 'Grace Hopper' },
    key: { type: 'string' },
    values: { type: 'string' },
    budget: { type: 'string', default: '100000' },
    out: { type: 'string' },
  },
});
const [mode, url] = positionals;

async function newPage(browser) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  if (values.session) {
    await context.addInitScript(
      ([token, member]) => {
        localStorage.setItem('azimuth.session', token);
        localStorage.setItem('azimuth.member', member);
      },
      [values.session, values.member],
    );
  }
  return [context, await context.newPage()];
}

/** Milliseconds from navigation start until `name` shows on the page. */
async function runsPage(browser) {
  const [context, page] = await newPage(browser);
  try {
    await page.goto(url, { waitUntil: 'commit', timeout: TIMEOUT });
    await page.getByText(values.name, { exact: true }).first().waitFor({ state: 'visible', timeout: TIMEOUT });
    return await page.evaluate(() => performance.now());
  } finally {
    await context.close();
  }
}

/** Milliseconds from the Metrics tab's click to the chart of all values drawn. */
async function chart(browser) {
  const [context, page] = await newPage(browser);
  try {
    await page.goto(url, { timeout: TIMEOUT });
    const tab = page.getByRole('tab', { name: 'Metrics' });
    await tab.waitFor({ timeout: TIMEOUT });
    const drawn = page.getByRole('img', { name: new RegExp(`^${values.key}: ${values.values} values`) });
    const started = await page.evaluate(() => performance.now());
    await tab.click();
    await drawn.waitFor({ timeout: TIMEOUT });
    return (await page.evaluate(() => performance.now())) - started;
  } finally {
    await context.close();
  }
}

const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
try {
  const measure = mode === 'chart' ? chart : runsPage;
  const warm = await measure(browser);
  console.log(`warm-up: ${warm.toFixed(1)} ms (not counted)`);
  const times = [];
  for (let run = 1; run <= RUNS; run++) {
    const ms = await measure(browser);
    times.push(ms);
    console.log(`run ${run}: ${ms.toFixed(1)} ms`);
  }
  report(times, Number.parseInt(values.budget, 10), { mode, url }, values.out);
} catch (err) {
  console.error(err.message);
  process.exitCode = 1;
} finally {
  await browser.close();
}
