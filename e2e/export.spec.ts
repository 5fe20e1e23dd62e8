// Export from the results view, as a user does it in Chromium: the plain-text mail (previewed,
// copied, and saying the point on screen), the CSV, and an SVG chart exported after changing the
// x axis, the slice and the hidden strategies, which the file must carry (drawn, captioned, and
// in its metadata) and which this browser parses as SVG with real text.
import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { PRESETS, runPlan } from '../common/core/index.ts';
import { open, screenshot, seed, workspace } from './support.ts';

/** Clicks a strategy's legend item on the sweep chart's canvas (chart.js draws the legend). */
async function clickLegend(page: Page, label: string): Promise<void> {
  const canvas = page.getByTestId('sweep-chart').locator('canvas');
  // The trade-off plane comes first: bring the sweep chart on screen before clicking on it.
  await canvas.scrollIntoViewIfNeeded();
  const box = await canvas.evaluate((el, wanted) => {
    const chart = (el as HTMLCanvasElement & { gmemlabChart: import('chart.js').Chart }).gmemlabChart;
    // Legend items are the strategies' titles ("S2 on-demand direct map"): match the id.
    const legend = chart.legend as unknown as {
      legendItems: { text: string }[];
      legendHitBoxes: { left: number; top: number; width: number; height: number }[];
    };
    const i = legend.legendItems.findIndex((item) => item.text.split(' ')[0] === wanted);
    const hit = legend.legendHitBoxes[i]!;
    return { x: hit.left + hit.width / 2, y: hit.top + hit.height / 2 };
  }, label);
  const at = (await canvas.boundingBox())!;
  await page.mouse.click(at.x + box.x, at.y + box.y);
}

/** The strategies (ids) whose datasets the window's sweep chart hides. */
const hiddenOnScreen = (page: Page): Promise<string[]> =>
  page
    .getByTestId('sweep-chart')
    .locator('canvas')
    .evaluate((el) => {
      const chart = (el as HTMLCanvasElement & { gmemlabChart: import('chart.js').Chart }).gmemlabChart;
      return chart.data.datasets
        .map((d, i) => (chart.isDatasetVisible(i) ? null : String(d.label).split(' ')[0]!))
        .filter((l): l is string => l !== null);
    });

test('export an experiment as plain text for a mail, and as CSV', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const ws = workspace(page);
  try {
    await seed(ws.dbPath, [{ name: 'for the list', vcpus: [1, 10, 100] }]);
    await open(page, ws);
    await expect(page.getByTestId('result-title')).toContainText('for the list', { timeout: 20_000 });
    await page.getByTestId('point-select').selectOption({ label: 'VM › vCPUs = 10' });
    await page.getByRole('combobox', { name: 'export format' }).selectOption('text');
    await page.getByTestId('export-button').click();
    const text = page.getByTestId('export-preview');
    await expect(text).toContainText('Results at vm.vcpus = 10 (point 2 of 3):');
    // ASCII only, no tabs, at most 72 columns.
    for (const line of (await text.textContent())!.split('\n')) {
      expect(line.length).toBeLessThanOrEqual(72);
      expect(line).toMatch(/^[\x20-\x7e]*$/);
    }
    // Copy puts exactly the mail text on the clipboard, whatever format is chosen.
    await page.getByRole('combobox', { name: 'export format' }).selectOption('csv');
    // The overview's charts: the trade-off plane first, then the metric against vm.vcpus.
    await page.getByRole('combobox', { name: 'chart to export' }).selectOption('metric');
    await page.getByTestId('export-copy').click();
    await expect(page.getByTestId('export-note')).toContainText('copied');
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    expect(copied).toBe(await text.textContent());
    expect(copied).toMatch(/^-----8<----- /m);
    await screenshot(page, 'export');

    const csvDownload = page.waitForEvent('download');
    await page.getByTestId('export-button').click();
    const csv = await csvDownload;
    expect(csv.suggestedFilename()).toMatch(/\.csv$/);
    const csvRows = readFileSync((await csv.path())!, 'utf8')
      .trimEnd()
      .split('\n');
    expect(csvRows[0]).toMatch(/^strategy,vm\.vcpus,/);
    expect(csvRows).toHaveLength(1 + runPlan(PRESETS[0]!.scenario).strategies.length * 3);
    expect(ws.errors).toEqual([]);
  } finally {
    await ws.close();
  }
});

test('an SVG chart exported after changing the axis, the slice and the hidden strategies carries them', async ({
  page,
}) => {
  const ws = workspace(page);
  try {
    await seed(ws.dbPath, [
      { name: 'two parameters', vcpus: [1, 10, 100], second: { path: 'vm.placement', values: ['pinned', 'shared'] } },
    ]);
    await open(page, ws);
    await expect(page.getByTestId('result-title')).toContainText('two parameters', { timeout: 20_000 });
    // The x axis: placement instead of vCPUs; the slice: 10 vCPUs; hide S2 and S4 in the legend.
    await page.getByTestId('x-select').selectOption('vm.placement');
    await page.getByTestId('other-select').selectOption('10');
    await clickLegend(page, 'S2');
    await clickLegend(page, 'S4');
    await expect.poll(() => hiddenOnScreen(page)).toEqual(['S2', 'S4']);

    await page.getByRole('combobox', { name: 'export format' }).selectOption('svg');
    await page.getByRole('combobox', { name: 'chart to export' }).selectOption('metric');
    const download = page.waitForEvent('download');
    await page.getByTestId('export-button').click();
    const svg = readFileSync((await (await download).path())!, 'utf8');
    const parsed = await page.evaluate((source) => {
      const doc = new DOMParser().parseFromString(source, 'image/svg+xml');
      return {
        error: doc.querySelector('parsererror')?.textContent ?? null,
        root: doc.documentElement.nodeName,
        texts: [...doc.querySelectorAll('text')].map((t) => t.textContent ?? ''),
        view: JSON.parse(doc.querySelector('metadata')?.textContent ?? 'null'),
      };
    }, svg);
    expect(parsed.error).toBeNull();
    expect(parsed.root).toBe('svg');
    // The y axis as the window draws it (its own pick for these figures).
    const yOnScreen = await page.getByTestId('sweep-chart').getAttribute('data-yscale');
    expect(parsed.view.yScale).toBe(yOnScreen === 'logarithmic' ? 'log' : yOnScreen);
    expect(parsed.view).toMatchObject({
      x: 'vm.placement',
      slice: { 'vm.vcpus': 10 },
      strategies: ['S0', 'S1', 'S3', 'S5', 'S6'],
      hidden: ['S2', 'S4'],
    });
    // Drawn as on screen: the axis named, its categories, the slice and hidden lines captioned,
    // no legend entry for a hidden strategy.
    expect(parsed.texts).toContain('VM: Placement');
    expect(parsed.texts).toEqual(expect.arrayContaining(['pinned', 'shared', 'S0 status quo']));
    const caption = parsed.texts.join(' ');
    expect(caption).toContain('Fixed: vm.vcpus = 10;');
    expect(caption).toContain('Not drawn: S2, S4.');
    expect(caption).toMatch(/model \d+\.\d+\.\d+/);
    expect(parsed.texts.some((t) => t.startsWith('S2 '))).toBe(false);
    expect(ws.errors).toEqual([]);
  } finally {
    await ws.close();
  }
});
