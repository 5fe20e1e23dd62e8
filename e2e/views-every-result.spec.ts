// Issue 17's "done when", view by view, for every kind of result: a single run, a 1-D and a 2-D
// sweep, from the formulas and from the simulator. From the result, each view is one click on
// its tab (the matrix one key, Ctrl+Shift+M, from anywhere); at 1024×700 and 1440×900 nothing
// scrolls sideways; a theme switch while a view is open re-themes its charts; and what each view
// draws is held to the figures the store saved for the point shown: the plane's markers, the
// breakdown's totals (its stacks summing to them), the sensitivity's method, the heatmap's cells.
import { expect, test, type Page } from '@playwright/test';
import { STRATEGY_IDS } from '../common/core/index.ts';
import type { ExperimentDetail, RunDetail } from '../common/contract/index.ts';
import { pointKey } from '../common/analysis/points.ts';
import { Store } from '../main/store/store.ts';
import { open, seed, seedDes, workspace, type Workspace } from './support.ts';

const SIZES = [
  { width: 1024, height: 700 },
  { width: 1440, height: 900 },
] as const;
const MMIO = 'workload.touchpoints.mmio.ratePerSec';

interface Drawn {
  datasets: { label: string; data: unknown[] }[];
  labels: unknown[];
  xTicks: string[];
  yTicks: string[];
  colour: string;
  theme: string | null;
}

async function chartOf(page: Page, testid: string): Promise<Drawn> {
  const view = page.getByTestId(testid);
  const theme = await view.getAttribute('data-theme');
  const drawn = await view.locator('canvas').evaluate((c) => {
    const chart = (c as HTMLCanvasElement & { gmemlabChart: import('chart.js').Chart }).gmemlabChart;
    const ticks = (id: string) => (chart.scales[id]?.ticks ?? []).map((t) => String(t.label ?? ''));
    return {
      datasets: chart.data.datasets.map((d) => ({ label: String(d.label), data: d.data as unknown[] })),
      labels: chart.data.labels ?? [],
      xTicks: ticks('x'),
      yTicks: ticks('y'),
      colour: String(chart.options.color),
    };
  });
  return { ...drawn, theme };
}

const fg = (page: Page): Promise<string> =>
  page.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue('--fg').trim());

async function sideways(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

async function described<T>(page: Page, testid: string, attribute: string): Promise<T> {
  return JSON.parse((await page.getByTestId(testid).getAttribute(attribute))!) as T;
}

/** The experiment as the store saved it (the page shows its first point with finished runs). */
async function stored(ws: Workspace): Promise<{ detail: ExperimentDetail; here: RunDetail[] }> {
  const store = await Store.open(ws.dbPath);
  try {
    const detail = (await store.getExperiment(1))!;
    const done = detail.runs.filter((r) => r.status === 'done');
    const first = pointKey(done[0]!.point);
    return { detail, here: done.filter((r) => pointKey(r.point) === first) };
  } finally {
    await store.close();
  }
}

/** Flips the theme while the view is open: every chart in `testids` is drawn again in it. */
async function themeSwitch(page: Page, testids: string[]): Promise<void> {
  for (const scheme of ['dark', 'light'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    for (const id of testids) {
      await expect(page.getByTestId(id)).toHaveAttribute('data-theme', scheme);
      if ((await page.getByTestId(id).locator('canvas').count()) > 0)
        expect((await chartOf(page, id)).colour, `${id} in ${scheme}`).toBe(await fg(page));
    }
  }
}

interface Kind {
  name: string;
  /** The swept parameters' values (x first). */
  sweep: { path: string; values: number[] }[];
  des: boolean;
}

const KINDS: Kind[] = [
  { name: 'single analytic', sweep: [], des: false },
  { name: 'sweep analytic', sweep: [{ path: 'vm.vcpus', values: [4, 16, 64] }], des: false },
  {
    name: 'grid analytic',
    sweep: [
      { path: 'vm.vcpus', values: [4, 16] },
      { path: MMIO, values: [1000, 30_000] },
    ],
    des: false,
  },
  { name: 'single simulated', sweep: [], des: true },
  {
    name: 'grid simulated',
    sweep: [
      { path: 'vm.vcpus', values: [4, 16] },
      { path: MMIO, values: [1000, 30_000] },
    ],
    des: true,
  },
];

for (const kind of KINDS)
  test(`every view of a ${kind.name} result: one click away, its figures, both sizes, a theme switch`, async ({
    page,
  }) => {
    const ws = workspace(page);
    try {
      if (kind.des) await seedDes(ws.dbPath, kind.name, kind.sweep);
      else
        await seed(ws.dbPath, [
          {
            name: kind.name,
            vcpus: kind.sweep[0]?.values ?? [8],
            ...(kind.sweep[1] === undefined ? {} : { second: kind.sweep[1] }),
          },
        ]);
      const { detail, here } = await stored(ws);
      const strategies = STRATEGY_IDS.filter((s) => here.some((r) => r.strategy === s));
      const byStrategy = (s: string): RunDetail => here.find((r) => r.strategy === s)!;
      const xValues = kind.sweep[0]?.values.length ?? 1;
      await page.setViewportSize(SIZES[0]);
      await open(page, ws);
      await expect(page.getByTestId('result-title')).toContainText(kind.name, { timeout: 30_000 });
      expect(detail.method).toBe(kind.des ? 'des' : 'analytic');

      for (const size of SIZES) {
        await page.setViewportSize(size);
        const at = `${kind.name} at ${size.width}`;

        // The trade-off plane, the result's first chart: a marker per strategy at the point, on a
        // path through every x value in a sweep, at the cost the store saved.
        await page.getByTestId('result-tab-overview').click();
        const plane = await described<{ points: { strategy: string; cost: number; here: boolean }[] }>(
          page,
          'plane-data',
          'data-plane',
        );
        for (const s of strategies) {
          const mine = plane.points.filter((p) => p.strategy === s);
          expect(mine, `${at}: ${s}'s path`).toHaveLength(xValues);
          expect(mine.find((p) => p.here)!.cost, `${at}: ${s}`).toBeCloseTo(
            byStrategy(s).metrics['cost.overheadPct']!.mean,
            9,
          );
        }
        const drawnPlane = await chartOf(page, 'tradeoff-chart');
        expect(drawnPlane.xTicks.length, at).toBeGreaterThan(1);
        expect(drawnPlane.yTicks.length, at).toBeGreaterThan(1);
        expect(await sideways(page), `${at}: the plane scrolls sideways`).toBeLessThanOrEqual(0);
        if (size.width === 1440) await themeSwitch(page, ['tradeoff-chart', 'overhead-chart', 'exposure-chart']);

        // Where the cycles go: a stack per strategy summing to the extra cycles the store saved.
        await page.getByTestId('result-tab-cycles').click();
        const cycles = await described<{ scale: string; rows: { strategy: string; total: number }[] }>(
          page,
          'breakdown-data',
          'data-breakdown',
        );
        expect(cycles.rows.map((r) => r.strategy)).toEqual(strategies);
        for (const r of cycles.rows) {
          const total = byStrategy(r.strategy).metrics['cost.cyclesPerSecHost']!.mean;
          expect(Math.abs(r.total - total), `${at}: ${r.strategy} total`).toBeLessThanOrEqual(
            1e-6 * Math.max(1, total),
          );
        }
        const stacks = await chartOf(page, 'breakdown-chart');
        for (const [i, r] of cycles.rows.entries()) {
          const sum = stacks.datasets.reduce((a, d) => a + (Number(d.data[i]) || 0), 0);
          const expected = cycles.scale === 'share' ? (r.total > 0 ? 100 : 0) : r.total;
          expect(Math.abs(sum - expected), `${at}: ${r.strategy}'s stack`).toBeLessThanOrEqual(
            1e-6 * Math.max(1, expected),
          );
        }
        expect(await sideways(page), `${at}: the breakdown scrolls sideways`).toBeLessThanOrEqual(0);
        if (size.width === 1440) await themeSwitch(page, ['breakdown-chart']);

        // Sensitivity: always the formulas, and a simulator result says so.
        await page.getByTestId('result-tab-sensitivity').click();
        await expect(page.getByTestId('sensitivity-answer')).toBeVisible({ timeout: 30_000 });
        const sens = await described<{ method: string; runMethod: string; bars: unknown[]; strategy: string }>(
          page,
          'sensitivity-data',
          'data-sensitivity',
        );
        expect(sens).toMatchObject({ method: 'analytic', runMethod: detail.method });
        expect(strategies).toContain(sens.strategy);
        if (kind.des) await expect(page.getByTestId('sensitivity-method')).toContainText('analytic model');
        if (sens.bars.length > 0) {
          const tornado = await chartOf(page, 'tornado-chart');
          expect(tornado.labels.length, at).toBe(sens.bars.length);
        }
        expect(await sideways(page), `${at}: the sensitivity scrolls sideways`).toBeLessThanOrEqual(0);
        if (size.width === 1440 && sens.bars.length > 0) await themeSwitch(page, ['tornado-chart']);

        // The heatmap: only for two swept parameters, each cell the figure saved at its point.
        const heatTab = page.getByTestId('result-tab-heatmap');
        if (kind.sweep.length === 2) {
          await heatTab.click();
          const heat = await described<{
            strategy: string;
            metric: string;
            x: { path: string; values: number[] };
            y: { path: string; values: number[] };
            cells: ({ value: number } | null)[][];
          }>(page, 'heatmap', 'data-heatmap');
          expect([heat.x.path, heat.y.path]).toEqual(kind.sweep.map((p) => p.path));
          for (const [i, yv] of heat.y.values.entries())
            for (const [j, xv] of heat.x.values.entries()) {
              const run = detail.runs.find(
                (r) => r.strategy === heat.strategy && r.point[heat.x.path] === xv && r.point[heat.y.path] === yv,
              )!;
              expect(heat.cells[i]![j]!.value, `${at}: cell ${xv}, ${yv}`).toBeCloseTo(
                run.metrics[heat.metric]!.mean,
                9,
              );
            }
          expect(await sideways(page), `${at}: the heatmap scrolls sideways`).toBeLessThanOrEqual(0);
          if (size.width === 1440) await themeSwitch(page, ['heatmap']);
        } else await expect(heatTab).toHaveCount(0);

        // The matrix: one key from the result; this result is a row one pick away.
        await page.keyboard.press('Control+Shift+M');
        await page.getByTestId('matrix-source').selectOption('experiments');
        await expect(page.getByTestId('matrix-row')).toHaveCount(1, { timeout: 30_000 });
        const matrix = await described<{
          rows: { method: string; cells: Record<string, { costValue: number } | null> }[];
        }>(page, 'matrix', 'data-matrix');
        expect(matrix.rows[0]!.method).toBe(detail.method);
        for (const s of strategies)
          expect(matrix.rows[0]!.cells[s]!.costValue, `${at}: matrix ${s}`).toBeCloseTo(
            byStrategy(s).metrics['cost.overheadPct']!.mean,
            9,
          );
        expect(await sideways(page), `${at}: the matrix scrolls sideways`).toBeLessThanOrEqual(0);
        if (size.width === 1440) await themeSwitch(page, ['matrix']);
        await page.getByTestId('matrix-source').selectOption('presets');
        await page.getByTestId('tab-results').click();
      }
      expect(ws.errors).toEqual([]);
    } finally {
      await ws.close();
    }
  });
