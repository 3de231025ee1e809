import { chromium } from '@playwright/test';
import { CHROMIUM, CHROMIUM_ARGS } from './tests/chromium.mjs';
const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
page.on('pageerror', (e) => console.log('pageerror:', e.message));
const base = 'http://127.0.0.1:8091';
await page.goto(base + '/compute/quota');
await page.getByRole('heading', { name: 'Quota and costs' }).waitFor();
await page.screenshot({ path: '/tmp/s-quota.png' });
await page.getByRole('button', { name: 'Settings' }).click();
await page.getByRole('dialog', { name: 'Settings' }).waitFor();
await page.screenshot({ path: '/tmp/s-settings.png' });
await page.getByRole('button', { name: 'Close' }).click();
// Damage a compute record? There are none: damage the directory record instead.
await page.evaluate(async () => {
  const db = await new Promise((res, rej) => { const r = indexedDB.open('azimuth'); r.onsuccess = () => res(r.result); r.onerror = () => rej(r.error); });
  const tx = db.transaction(['directory'], 'readwrite');
  tx.objectStore('directory').put('{"format":"azimuth-workspace","version":2,"directory": {"tenantId": 5}}', 'directory');
  await new Promise((res) => { tx.oncomplete = res; });
  db.close();
});
await page.reload();
await page.getByRole('heading', { name: /can't open/ }).waitFor();
await page.screenshot({ path: '/tmp/s-recovery.png' });
await page.goto(base + '/compute/nowhere');
await page.waitForTimeout(800);
await browser.close();
