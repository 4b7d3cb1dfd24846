import { defineConfig } from '@playwright/test';
import { E2E_ORIGIN, E2E_PORT } from './e2e/env';
import { CHROMIUM_ARGS } from './scripts/chromiumArgs.mjs';

// Never download a browser: the e2e tests drive Debian's Chromium (apt package `chromium`).
process.env.PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD ??= '1';
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

export default defineConfig({
  testDir: 'e2e',
  testMatch: '**/*.spec.ts',
  outputDir: 'test-results/',
  // Big traces: be generous. Individual specs may raise this with test.setTimeout().
  timeout: 60_000,
  expect: { timeout: 15_000 },
  workers: 1, // CI has 2 cores; the app itself uses a worker thread
  fullyParallel: false,
  retries: 0,
  forbidOnly: !!process.env.CI,
  reporter: 'list',
  use: {
    baseURL: E2E_ORIGIN,
    browserName: 'chromium',
    headless: true,
    viewport: { width: 1600, height: 900 },
    deviceScaleFactor: 1,
    actionTimeout: 15_000,
    navigationTimeout: 30_000,
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    video: 'off', // video would need Playwright's own ffmpeg download
    launchOptions: {
      executablePath: CHROMIUM,
      args: CHROMIUM_ARGS,
    },
  },
  projects: [{ name: 'chromium' }],
  // dist/ at / and at /portal/tools/tracelane/, ../shared/corpus at /corpus/.
  webServer: {
    command: 'node scripts/serve.mjs --e2e',
    url: `${E2E_ORIGIN}/`,
    env: { E2E_PORT: String(E2E_PORT) },
    reuseExistingServer: !process.env.CI,
    timeout: 30_000,
    stdout: 'pipe',
    stderr: 'pipe',
  },
});
