// Export from the results view: the plain-text block for a mail (copied and saved), the CSV, and
// an SVG chart that this browser parses as SVG with the legend as text.
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { STRATEGY_IDS } from '../common/core/index.ts';
import { open, screenshot, seed, workspace } from './support.ts';

test('export an experiment as plain text for a mail, as CSV and as an SVG chart', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const ws = workspace(page);
  try {
    await seed(ws.dbPath, [{ name: 'for the list', vcpus: [1, 10, 100] }]);
    await open(page, ws);
    await expect(page.getByTestId('result-title')).toContainText('for the list');
    await page.getByRole('combobox', { name: 'export format' }).selectOption('text');
    await page.getByTestId('export-button').click();
    const text = page.getByTestId('export-preview');
    await expect(text).toContainText('S0');
    // ASCII only, no tabs, at most 72 columns.
    for (const line of (await text.textContent())!.split('\n')) {
      expect(line.length).toBeLessThanOrEqual(72);
      expect(line).toMatch(/^[\x20-\x7e]*$/);
    }
    // Copy puts exactly the previewed text on the clipboard.
    await page.getByTestId('export-copy').click();
    await expect(page.getByTestId('export-note')).toContainText('copied');
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    expect(copied).toBe(await text.textContent());
    expect(copied).toMatch(/^-----8<----- /m);
    await screenshot(page, 'export');

    await page.getByRole('combobox', { name: 'export format' }).selectOption('csv');
    await expect(page.getByTestId('export-copy')).toBeDisabled();
    const csvDownload = page.waitForEvent('download');
    await page.getByTestId('export-button').click();
    const csv = await csvDownload;
    expect(csv.suggestedFilename()).toMatch(/\.csv$/);
    const csvRows = readFileSync((await csv.path())!, 'utf8')
      .trimEnd()
      .split('\n');
    expect(csvRows[0]).toMatch(/^strategy,vm\.vcpus,/);
    expect(csvRows).toHaveLength(1 + STRATEGY_IDS.length * 3);

    await page.getByRole('combobox', { name: 'export format' }).selectOption('svg');
    const svgDownload = page.waitForEvent('download');
    await page.getByTestId('export-button').click();
    const svgFile = await svgDownload;
    expect(svgFile.suggestedFilename()).toMatch(/\.svg$/);
    const svg = readFileSync((await svgFile.path())!, 'utf8');
    // Parsed by the browser as SVG: no parser error, the legend's words are text nodes.
    const parsed = await page.evaluate((source) => {
      const doc = new DOMParser().parseFromString(source, 'image/svg+xml');
      return {
        error: doc.querySelector('parsererror')?.textContent ?? null,
        root: doc.documentElement.nodeName,
        words: [...doc.querySelectorAll('text')].map((t) => t.textContent).join(' '),
      };
    }, svg);
    expect(parsed.error).toBeNull();
    expect(parsed.root).toBe('svg');
    expect(parsed.words).toContain('S2 on-demand direct map');
    expect(parsed.words).toContain('vm.vcpus');
    expect(ws.errors).toEqual([]);
  } finally {
    await ws.close();
  }
});
