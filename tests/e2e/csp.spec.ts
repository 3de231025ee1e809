// azimuth-server's security headers: the studio loads and works under its Content-Security-Policy
// (only its own scripts and WebAssembly run), with no violation reported along the way.
import { createInstance, expect, expectState, instanceRow, openInstances, setPace, test, uniqueName } from './helpers';

test.skip(({ store }) => store === 'browser', 'the headers are azimuth-server\'s');

test('the studio runs under the server\'s Content-Security-Policy without a violation', async ({ page }) => {
  const violations: string[] = [];
  page.on('console', (message) => {
    if (/Content.Security.Policy|Refused to/i.test(message.text())) violations.push(message.text());
  });
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`Content-Security-Policy: ${e.violatedDirective} blocked ${e.blockedURI}`);
    });
  });
  const response = await page.goto('/compute/instances');
  const headers = response!.headers();
  expect(headers['content-security-policy']).toContain("script-src 'self' 'wasm-unsafe-eval'");
  expect(headers['content-security-policy']).toContain("frame-ancestors 'none'");
  expect(headers['x-content-type-options']).toBe('nosniff');
  expect(headers['referrer-policy']).toBe('no-referrer');

  // Signing in, a wizard, live updates, the pages loaded later (their own wasm chunks) and a download.
  await openInstances(page);
  await setPace(page, 'Instant');
  const name = uniqueName('csp');
  await createInstance(page, name);
  await expectState(page, name, 'Running');
  await instanceRow(page, name).getByRole('link', { name, exact: true }).click();
  await page.getByRole('tablist', { name: 'Compute instance views' }).getByRole('tab', { name: 'JSON' }).click();
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download ARM JSON' }).click();
  expect((await download).suggestedFilename()).toBe(`${name}.json`);
  for (const [link, heading] of [
    ['Compute clusters', 'Compute'],
    ['Kubernetes clusters', 'Compute'],
    ['Attached computes', 'Compute'],
    ['Create from YAML', 'Create from YAML'],
    ['View quota and costs', 'Quota and costs'],
  ]) {
    await page.goto('/compute/instances');
    await page.getByRole('link', { name: link, exact: true }).click();
    await expect(page.getByRole('heading', { level: 1, name: heading })).toBeVisible();
  }
  await page.getByRole('navigation', { name: 'Studio' }).getByRole('link', { name: 'Home' }).click();
  await expect(page.getByRole('heading', { name: 'Estimated cost' })).toBeVisible();
  expect(violations).toEqual([]);
});
