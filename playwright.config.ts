// Playwright end-to-end tests for the studio. `cargo xtask test` builds dist/, serves it on a
// free port and sets BASE_URL; by hand: `cargo xtask serve` in one shell, `npx playwright test`
// in another. Chromium is Debian's (/usr/bin/chromium): never run `playwright install`.
import { defineConfig, devices } from '@playwright/test';

import { CHROMIUM, CHROMIUM_ARGS } from './tests/chromium.mjs';

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
  projects: [
    {
      name: 'chromium',
      use: {
        ...devices['Desktop Chrome'],
        launchOptions: { executablePath: CHROMIUM, args: CHROMIUM_ARGS },
      },
    },
  ],
});
