import { defineConfig } from '@playwright/test';

// Debian's Chromium, driven by playwright-core: Playwright's own browser downloads cannot work
// on machines without general network access.
export const CHROMIUM_PATH = process.env['GMEMLAB_CHROMIUM'] ?? '/usr/bin/chromium';

export default defineConfig({
  testDir: '.',
  testMatch: '*.spec.ts',
  outputDir: '../test-results',
  timeout: 120_000,
  workers: 1,
  // Refreshes the images README.md shows from what this run saved (readme-screenshots.ts).
  globalSetup: './readme-screenshots.ts',
  reporter: [['list']],
  use: {
    browserName: 'chromium',
    launchOptions: {
      executablePath: CHROMIUM_PATH,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
  },
});
