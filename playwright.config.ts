// Playwright end-to-end tests for the studio. `cargo xtask test` builds dist/ and azimuth-server,
// serves dist/ on a free port and sets BASE_URL, SERVER_BIN and DIST_DIR; by hand:
// `cargo xtask serve --static` in one shell, `npx playwright test` in another. Chromium is Debian's (/usr/bin/chromium): never run `playwright install`.
import { defineConfig, devices } from '@playwright/test';

import { CHROMIUM, CHROMIUM_ARGS } from './tests/chromium.mjs';
import type { StoreMode } from './tests/e2e/helpers';

const chromium = {
  ...devices['Desktop Chrome'],
  launchOptions: { executablePath: CHROMIUM, args: CHROMIUM_ARGS },
};

export default defineConfig({
  testDir: 'tests/e2e',
  outputDir: 'target/playwright',
  fullyParallel: true,
  workers: 2,
  retries: 0,
  forbidOnly: !!process.env.CI,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: 'list',
  use: {
    baseURL: process.env.BASE_URL ?? 'http://127.0.0.1:8080',
    headless: true,
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
  },
  // One suite, two stores: the studio as static files (workspace in localStorage), and the
  // studio served by azimuth-server (workspace in SQLite; each test starts its own server).
  projects: [
    { name: 'browser', use: { ...chromium, store: 'browser' as StoreMode } },
    { name: 'server', use: { ...chromium, store: 'server' as StoreMode } },
  ],
});
