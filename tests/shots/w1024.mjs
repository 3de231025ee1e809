import { chromium } from '@playwright/test';
import { CHROMIUM, CHROMIUM_ARGS } from '../chromium.mjs';
const b = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
const p = await b.newPage({ viewport: { width: 1024, height: 768 } });
for (const [path, file] of [['/compute/clusters', 'clusters'], ['/compute/attached', 'attached'], ['/', 'home'], ['/compute/import', 'import'], ['/compute/attach/kubernetes', 'attachk8s'], ['/compute/instances', 'instances']]) {
  await p.goto('http://127.0.0.1:8090' + path);
  await p.waitForTimeout(700);
  await p.screenshot({ path: `/tmp/w-${file}.png` });
}
await b.close();
