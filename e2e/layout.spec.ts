// The workbench at a glance, as a kernel developer sees it at 1024×700 and 1440×900, light and
// dark: no view scrolls sideways, no label of the scenario form is cut, the form holds the
// scenario of the result on screen (also after a reload), compare draws a 1-D and a 2-D sweep
// as it should and names what it skipped, and a theme switch re-themes every chart. Several of the
// README's screenshots come from here (readme-screenshots.ts).
import { expect, test, type Page } from '@playwright/test';
import { join } from 'node:path';
import { PRESETS, STRATEGY_IDS } from '../common/core/index.ts';
import { artifacts } from './paths.ts';
import { open, seed, workspace } from './support.ts';

const SIZES = [
  { width: 1024, height: 700 },
  { width: 1440, height: 900 },
] as const;
const SCHEMES = ['light', 'dark'] as const;

/** How far the page (or the scenario panel, which scrolls on its own) reaches past its width. */
async function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() => {
    const side = document.querySelector<HTMLElement>('[data-testid="side-panel"]');
    const sideOver = side === null || side.hidden ? 0 : side.scrollWidth - side.clientWidth;
    return Math.max(document.documentElement.scrollWidth - document.documentElement.clientWidth, sideOver);
  });
}

/** What reaches past the right edge of the page or of the scenario panel (for failure messages). */
async function overflowing(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const side = document.querySelector<HTMLElement>('[data-testid="side-panel"]');
    const out: string[] = [];
    for (const el of document.querySelectorAll<HTMLElement>('body *')) {
      const inSide = side !== null && !side.hidden && side.contains(el);
      const edge = inSide ? side.getBoundingClientRect().right : document.documentElement.clientWidth;
      const r = el.getBoundingClientRect();
      if (r.width > 0 && r.right > edge + 1 && el.closest('.scroll, .wrap') === null)
        out.push(
          `${el.tagName.toLowerCase()}.${el.className} ${el.dataset['testid'] ?? ''} right=${Math.round(r.right)} edge=${Math.round(edge)}`,
        );
    }
    return out.slice(0, 8);
  });
}

/** The labels of the scenario form whose text does not fit their box (cut or hidden). */
async function cutLabels(page: Page): Promise<string[]> {
  return page.getByTestId('side-panel').evaluate((side) => {
    for (const d of side.querySelectorAll('details')) d.open = true;
    const cut: string[] = [];
    for (const el of side.querySelectorAll<HTMLElement>('[data-testid^="label-"]')) {
      if (el.offsetParent === null) continue;
      if (el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1)
        cut.push(`${el.dataset['testid']}: ${el.textContent}`);
    }
    return cut;
  });
}

interface DrawnChart {
  datasets: { label: string; n: number; xs: unknown[]; showLine: unknown; dash: unknown }[];
  xType: string;
  xTitle: string;
  textColour: string;
  tickColour: string;
}

async function chartOf(page: Page, testid: string): Promise<DrawnChart> {
  return page
    .getByTestId(testid)
    .locator('canvas')
    .evaluate((c) => {
      const chart = (c as HTMLCanvasElement & { gmemlabChart: import('chart.js').Chart }).gmemlabChart;
      const x = chart.options.scales?.['x'] as
        { type?: string; title?: { text?: string }; ticks?: { color?: string } } | undefined;
      return {
        datasets: chart.data.datasets.map((d) => ({
          label: String(d.label),
          n: d.data.length,
          xs: (d.data as { x: unknown }[]).map((p) => (typeof p === 'object' && p !== null ? p.x : p)),
          showLine: (d as { showLine?: unknown }).showLine,
          dash: (d as { borderDash?: unknown }).borderDash,
        })),
        xType: String(x?.type ?? ''),
        xTitle: String(x?.title?.text ?? ''),
        textColour: String(chart.options.color),
        tickColour: String(x?.ticks?.color ?? ''),
      };
    });
}

/**
 * The category labels of a chart's x axis that are wider than their category (so they run into
 * their neighbours), each line measured in the font the axis draws its ticks in.
 */
async function crowdedTicks(page: Page, testid: string): Promise<string[]> {
  return page
    .getByTestId(testid)
    .locator('canvas')
    .evaluate((c) => {
      const chart = (c as HTMLCanvasElement & { gmemlabChart: import('chart.js').Chart }).gmemlabChart;
      const x = chart.scales['x']!;
      const font = (x.options as unknown as { ticks: { font: { size?: number } } }).ticks.font;
      const family = chart.options.font?.family ?? 'sans-serif';
      const ctx = document.createElement('canvas').getContext('2d')!;
      ctx.font = `${font.size ?? 12}px ${family}`;
      const room = x.width / x.ticks.length;
      return x.ticks
        .map((t) => (Array.isArray(t.label) ? t.label : [t.label ?? '']).map(String))
        .filter((lines) => Math.max(...lines.map((l) => ctx.measureText(l).width)) > room)
        .map((lines) => `${lines.join(' / ')} (room ${Math.round(room)} px)`);
    });
}

const fg = (page: Page): Promise<string> =>
  page.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue('--fg').trim());

for (const size of SIZES)
  for (const scheme of SCHEMES)
    test(`layout at ${size.width}×${size.height}, ${scheme}: views fit, labels whole, form matches the result, compare draws 1-D and 2-D sweeps`, async ({
      page,
    }) => {
      await page.setViewportSize(size);
      await page.emulateMedia({ colorScheme: scheme });
      const ws = workspace(page);
      const tag = `${size.width}-${scheme}`;
      try {
        await seed(ws.dbPath, [
          { name: 'single point', vcpus: [4] },
          { name: 'vcpus sweep', vcpus: [1, 4, 16, 64, 256] },
          {
            name: 'vcpus by memory',
            vcpus: [2, 8, 32],
            second: { path: 'vm.memoryGiB', values: [4, 64] },
          },
        ]);
        await open(page, ws);

        // The latest experiment is shown, and the form holds its scenario, marked as such.
        await expect(page.getByTestId('result-title')).toContainText('vcpus by memory');
        await expect(page.getByTestId('scenario-origin')).toContainText('result #3');
        await expect(page.getByTestId('field-vm.vcpus')).toHaveValue(String(PRESETS[0]!.scenario.vm.vcpus));
        await expect(page.getByTestId('sweep-path-0')).toHaveValue('vm.vcpus');
        await expect(page.getByTestId('sweep-path-1')).toHaveValue('vm.memoryGiB');
        // Every strategy the model has is a named column of the table.
        const table = page.getByTestId('result-table');
        await expect(table.locator('thead th.strat')).toHaveCount(STRATEGY_IDS.length);
        await expect(page.getByTestId('strategy-head-S2')).toContainText('on-demand direct map');

        expect(await horizontalOverflow(page), 'results scroll sideways').toBeLessThanOrEqual(0);
        expect(await cutLabels(page)).toEqual([]);
        expect(
          await horizontalOverflow(page),
          `the open form scrolls sideways: ${(await overflowing(page)).join('; ')}`,
        ).toBeLessThanOrEqual(0);
        // Touchpoint rates in one table; cost entries with their default, unit and estimate mark.
        await expect(page.getByTestId('touchpoint-table').locator('tbody tr')).not.toHaveCount(0);
        await expect(page.getByTestId('field-host.costs.stac')).toHaveAttribute('placeholder', /\d/);
        await expect(page.getByTestId('cost-class-stac')).toHaveText('est.');
        await page.getByTestId('touchpoint-table').scrollIntoViewIfNeeded();
        await page.screenshot({ path: join(artifacts, `scenario-form-${tag}.png`) });
        await page.getByTestId('field-host.costs.stac').fill('30');
        await expect(page.getByTestId('override-stac')).toBeVisible();
        await page.getByTestId('cost-stac').getByRole('button', { name: /reset/ }).click();
        await expect(page.getByTestId('override-stac')).toHaveCount(0);
        await expect(page.getByTestId('scenario-edited')).toHaveCount(0);
        await page.evaluate(() => {
          document.querySelector('[data-testid="side-panel"]')?.scrollTo(0, 0);
          for (const d of document.querySelectorAll('[data-testid="side-panel"] details'))
            (d as HTMLDetailsElement).open = false;
          for (const id of ['group-host', 'group-vm', 'group-workload', 'group-workload.touchpoints'])
            (document.querySelector(`[data-testid="${id}"]`) as HTMLDetailsElement | null)?.setAttribute('open', '');
        });
        // The form's edits above ask main for the sweep's size again: shown settled, as a user sees it.
        const strategies = STRATEGY_IDS.length;
        await expect(page.getByTestId('sweep-size')).toHaveText(
          `6 points × ${strategies} strategies = ${6 * strategies} runs`,
        );
        await expect(page.getByTestId('run-button')).toBeEnabled();
        // Strategy and context names under the bars are wrapped to their bar's width, not run together.
        for (const id of ['overhead-chart', 'exposure-chart']) expect(await crowdedTicks(page, id), id).toEqual([]);
        await page.screenshot({ path: join(artifacts, `results-${tag}.png`) });

        // A theme switch while the page is open re-themes every chart.
        const charts = ['sweep-chart', 'overhead-chart', 'exposure-chart'];
        for (const id of charts) expect((await chartOf(page, id)).textColour).toBe(await fg(page));
        const other = scheme === 'light' ? 'dark' : 'light';
        const before = await fg(page);
        await page.emulateMedia({ colorScheme: other });
        await expect.poll(() => fg(page)).not.toBe(before);
        for (const id of charts) {
          await expect(page.getByTestId(id)).toHaveAttribute('data-theme', other);
          const drawn = await chartOf(page, id);
          expect(drawn.textColour, id).toBe(await fg(page));
          expect(drawn.tickColour, id).toBe(await fg(page));
        }
        await page.emulateMedia({ colorScheme: scheme });

        // Edit the form, then reload: the form holds the shown result's scenario again.
        await page.getByTestId('field-vm.vcpus').fill('7');
        await expect(page.getByTestId('scenario-edited')).toBeVisible();
        await page.reload();
        await expect(page.getByTestId('result-title')).toContainText('vcpus by memory');
        await expect(page.getByTestId('field-vm.vcpus')).toHaveValue(String(PRESETS[0]!.scenario.vm.vcpus));
        await expect(page.getByTestId('scenario-edited')).toHaveCount(0);

        // History, then compare all three experiments.
        await page.getByTestId('tab-history').click();
        await expect(page.getByTestId('history-total')).toHaveText('(3)');
        expect(await horizontalOverflow(page), 'history scrolls sideways').toBeLessThanOrEqual(0);
        await expect(page.getByTestId('side-panel')).toBeHidden();
        await page
          .getByTestId('history-row')
          .filter({ hasText: 'vcpus sweep' })
          .getByRole('button', { name: /vcpus sweep/ })
          .click();
        await expect(page.getByTestId('history-runs')).toContainText('vcpus sweep');
        expect(await horizontalOverflow(page), 'history with runs scrolls sideways').toBeLessThanOrEqual(0);
        await page.screenshot({ path: join(artifacts, `history-${tag}.png`) });
        for (const id of [1, 2, 3]) await page.getByRole('checkbox', { name: `compare experiment ${id}` }).check();
        await page.keyboard.press('Control+Shift+C');
        const n = STRATEGY_IDS.length;
        await expect(page.getByTestId('compare-x')).toHaveValue('vm.vcpus');
        await expect(page.getByTestId('compare-chart')).toHaveAttribute('data-xscale', 'logarithmic');
        const compared = await chartOf(page, 'compare-chart');
        // The 1-D sweep: a line per strategy over its 5 points; the 2-D sweep: a line per strategy
        // and memory size over its 3 points, never a zig-zag between memory sizes.
        expect(compared.datasets).toHaveLength(n + 2 * n);
        const oneD = compared.datasets.filter((d) => d.label.startsWith('#2 '));
        const twoD = compared.datasets.filter((d) => d.label.startsWith('#3 '));
        expect(oneD.map((d) => d.n)).toEqual(Array(n).fill(5));
        expect(twoD.map((d) => d.n)).toEqual(Array(2 * n).fill(3));
        for (const d of twoD) expect(d.xs).toEqual([2, 8, 32]);
        expect(new Set(twoD.map((d) => JSON.stringify(d.dash))).size).toBe(1);
        expect(JSON.stringify(twoD[0]!.dash)).not.toBe(JSON.stringify(oneD[0]!.dash));
        expect(compared.xTitle).toContain('vCPUs');
        await expect(page.getByTestId('compare-skipped')).toContainText('#1 single point');
        await expect(page.getByTestId('compare-skipped')).toContainText('nothing swept');
        await expect(page.getByTestId('compare-legend')).toContainText('S2 on-demand direct map');
        await expect(page.getByTestId('compare-legend')).toContainText('Guest memory = 64');
        expect(await horizontalOverflow(page), 'compare scrolls sideways').toBeLessThanOrEqual(0);
        await page.screenshot({ path: join(artifacts, `compare-${tag}.png`) });
        // The compare chart follows a theme switch too.
        await page.emulateMedia({ colorScheme: other });
        await expect(page.getByTestId('compare-chart')).toHaveAttribute('data-theme', other);
        expect((await chartOf(page, 'compare-chart')).tickColour).toBe(await fg(page));
        await page.emulateMedia({ colorScheme: scheme });
        await expect(page.getByTestId('compare-chart')).toHaveAttribute('data-theme', scheme);

        // Sliced instead of split: one memory size, a line per strategy.
        await page.getByTestId('compare-other-vm.memoryGiB').selectOption('64');
        await expect.poll(async () => (await chartOf(page, 'compare-chart')).datasets.length).toBe(2 * n);
        // Strategy on x: categories, markers only, the sweeps sliced at one point.
        await page.getByTestId('compare-x').selectOption('');
        await expect(page.getByTestId('compare-chart')).toHaveAttribute('data-xscale', 'category');
        const categorical = await chartOf(page, 'compare-chart');
        expect(categorical.datasets.every((d) => d.showLine === false)).toBe(true);

        // Diff two runs.
        await page.getByTestId('tab-diff').click();
        await page.getByTestId('diff-a').fill('1');
        await page.getByTestId('diff-b').fill('2');
        await expect(page.getByTestId('diff-metrics')).toBeVisible();
        expect(await horizontalOverflow(page), 'diff scrolls sideways').toBeLessThanOrEqual(0);
        await page.screenshot({ path: join(artifacts, `diff-${tag}.png`) });
        expect(ws.errors).toEqual([]);
      } finally {
        await ws.close();
      }
    });

test('at 1280×800 the metrics table shows every strategy without scrolling sideways; at 1024 its metric column stays in view', async ({
  page,
}) => {
  const ws = workspace(page);
  try {
    await seed(ws.dbPath, [{ name: 'vcpus sweep', vcpus: [2, 8, 32] }]);
    const sideways = () =>
      page
        .getByTestId('result-table')
        .evaluate((t) => ({ over: t.parentElement!.scrollWidth - t.parentElement!.clientWidth }));
    await page.setViewportSize({ width: 1280, height: 800 });
    await open(page, ws);
    const table = page.getByTestId('result-table');
    await expect(table.locator('thead th.strat')).toHaveCount(STRATEGY_IDS.length);
    expect((await sideways()).over, 'the table scrolls sideways at 1280 px').toBeLessThanOrEqual(0);
    // The unit sits beside its metric's name, in the column that stays in view.
    const row = table.locator('tbody tr').filter({ hasText: 'vCPU overhead' }).first();
    await expect(row.locator('td.pin .munit')).toHaveText('%');

    await page.setViewportSize({ width: 1024, height: 700 });
    await expect.poll(async () => (await sideways()).over).toBeGreaterThan(0);
    const pinned = await row.locator('td.pin').evaluate((td) => getComputedStyle(td).position);
    expect(pinned).toBe('sticky');
    expect(ws.errors).toEqual([]);
  } finally {
    await ws.close();
  }
});
