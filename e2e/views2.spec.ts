// The second set of views for issue 17, as a kernel developer sees them: the heatmap of a
// two-parameter sweep, the presets × strategies matrix, CI bands and error bars, latency
// percentiles, the symlog axis and the slowdown factor past 100% overhead. Each test reads what
// the view draws (its data-* description, its cells' text, a chart's datasets and axes) and holds
// it to the core's own figures for the same scenario, computed here with runAnalytic / runDes.
import { expect, test, type Page } from '@playwright/test';
import { exposureOf } from '../common/analysis/heatmap.ts';
import { parameterLabel, parameterTitle, parameterUnit, pointTitle } from '../common/analysis/scenarioFields.ts';
import { estimateDependencies } from '../common/analysis/dependence.ts';
import { flagName } from '../common/analysis/trust.ts';
import { histogramCdf, histogramQuantile, PERCENTILES, unsimulatedWords } from '../common/analysis/latency.ts';
import { formatValue, slowdownWord } from '../common/analysis/format.ts';
import { PRESETS, runAnalytic, setParameter, type Scenario } from '../common/core/index.ts';
import { open, screenshot, seed, seedDes, workspace } from './support.ts';

const base = (name: string): Scenario => setParameter(PRESETS[0]!.scenario, 'name', name);
const MMIO = 'workload.touchpoints.mmio.ratePerSec';

async function described<T>(page: Page, testid: string, attribute: string): Promise<T> {
  return JSON.parse((await page.getByTestId(testid).getAttribute(attribute))!) as T;
}

async function noSidewaysScroll(page: Page): Promise<void> {
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflow).toBeLessThanOrEqual(0);
}

interface Drawn {
  datasets: { label: string; data: unknown[]; ci?: (number | null)[] }[];
  labels: unknown[];
  title: string;
  xTicks: string[];
  yTicks: string[];
  yMax: number;
}

async function chartOf(page: Page, testid: string): Promise<Drawn> {
  return page
    .getByTestId(testid)
    .locator('canvas')
    .evaluate((c) => {
      const chart = (c as HTMLCanvasElement & { gmemlabChart: import('chart.js').Chart }).gmemlabChart;
      const ticks = (id: string) => (chart.scales[id]?.ticks ?? []).map((t) => String(t.label ?? ''));
      return {
        datasets: chart.data.datasets.map((d) => ({
          label: String(d.label),
          data: d.data as unknown[],
          ...((d as { ci?: (number | null)[] }).ci === undefined ? {} : { ci: (d as { ci?: (number | null)[] }).ci }),
        })),
        labels: chart.data.labels ?? [],
        title: String((chart.options.plugins?.title as { text?: unknown } | undefined)?.text ?? ''),
        xTicks: ticks('x'),
        yTicks: ticks('y'),
        yMax: chart.scales['y']?.max ?? Number.NaN,
      };
    });
}

interface HeatShown {
  kind: 'metric' | 'best';
  strategy?: string;
  metric?: string;
  budget?: number;
  title: string;
  x: { path: string; values: number[]; label: string; unit: string };
  y: { path: string; values: number[]; label: string; unit: string };
  cells: ({ value: number } | { strategy: string | null; cost?: number; reason?: string } | null)[][];
  text: string[][];
}

test('the heatmap of a 2-D sweep: one strategy’s metric per cell, then the cheapest within an exposure budget', async ({
  page,
}) => {
  await page.setViewportSize({ width: 1024, height: 700 });
  const ws = workspace(page);
  try {
    const vcpus = [4, 16, 64];
    const rates = [1000, 30_000, 100_000];
    await seed(ws.dbPath, [{ name: 'grid', vcpus, second: { path: MMIO, values: rates } }]);
    const core = (v: number, rate: number) =>
      runAnalytic(setParameter(setParameter(base('grid'), 'vm.vcpus', v), MMIO, rate)).strategies;
    await open(page, ws);
    await expect(page.getByTestId('result-title')).toContainText('grid');
    // One click from the result.
    await page.getByTestId('result-tab-heatmap').click();
    const heat = page.getByTestId('heatmap');
    await expect(heat).toBeVisible();

    // The metric map: S2's vCPU overhead by default, vCPUs across, the MMIO rate down.
    let shown = await described<HeatShown>(page, 'heatmap', 'data-heatmap');
    expect(shown).toMatchObject({ kind: 'metric', strategy: 'S2', metric: 'cost.overheadPct' });
    expect(shown.x).toMatchObject({ path: 'vm.vcpus', values: vcpus, label: parameterLabel('vm.vcpus') });
    expect(shown.y).toMatchObject({
      path: MMIO,
      values: rates,
      label: parameterLabel(MMIO),
      unit: parameterUnit(MMIO),
    });
    await expect(page.getByTestId('heatmap-x-label')).toContainText(parameterLabel('vm.vcpus'));
    await expect(page.getByTestId('heatmap-y-label')).toContainText(parameterTitle(MMIO));
    rates.forEach((rate, i) =>
      vcpus.forEach((v, j) => {
        const s2 = core(v, rate).find((r) => r.strategy === 'S2')!;
        expect((shown.cells[i]![j] as { value: number }).value).toBeCloseTo(s2.metrics['cost.overheadPct']!.mean, 9);
      }),
    );
    // The text in the cells is what a reader sees: past 100% the slowdown factor.
    const cellTexts = await heat
      .locator('tbody tr')
      .evaluateAll((rows) => rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent?.trim() ?? '')));
    expect(cellTexts).toEqual(shown.text);
    const worst = core(4, 100_000).find((r) => r.strategy === 'S2')!;
    if (worst.metrics['cost.overheadPct']!.mean >= 100) expect(shown.text[2]![0]).toMatch(/^×[\d.]+ slower !$/);
    // A run the model flagged is marked "!", its flags named on hover; a run without flags is not.
    rates.forEach((rate, i) =>
      vcpus.forEach((v, j) => {
        const flagged = core(v, rate).find((r) => r.strategy === 'S2')!.flags.length > 0;
        expect(shown.text[i]![j]!.endsWith(' !'), `${v} vCPUs, ${rate}/s`).toBe(flagged);
      }),
    );
    // The grid has flagged runs (S2 at 64 vCPUs and 100,000 exits/s at least): the first is named on hover.
    const flaggedAt = rates
      .flatMap((rate, i) =>
        vcpus.map((v, j) => ({ i, j, flags: core(v, rate).find((r) => r.strategy === 'S2')!.flags })),
      )
      .filter((c) => c.flags.length > 0);
    expect(flaggedAt.length).toBeGreaterThan(0);
    const first = flaggedAt[0]!;
    await expect(heat.locator('tbody tr').nth(first.i).locator('td').nth(first.j)).toHaveAttribute(
      'title',
      new RegExp(`Flagged by the model: .*${flagName(first.flags[0]!.code)}`),
    );
    // Formulas give no CI: the key does not offer one; it explains the mark.
    const key = page.locator('p.key');
    await expect(key).not.toContainText('95% CI');
    await expect(key).toContainText('! flagged by the model');
    await screenshot(page, 'view-heatmap');
    // Another strategy and another metric: two picks.
    await page.getByTestId('heatmap-strategy').selectOption('S5');
    await page.getByTestId('metric-select').selectOption('cost.cyclesPerSecHost');
    await expect(heat).toHaveAttribute('data-heatmap', /"strategy":"S5","metric":"cost\.cyclesPerSecHost"/);
    shown = await described<HeatShown>(page, 'heatmap', 'data-heatmap');
    expect((shown.cells[1]![2] as { value: number }).value).toBeCloseTo(
      core(64, 30_000).find((r) => r.strategy === 'S5')!.metrics['cost.cyclesPerSecHost']!.mean,
      3,
    );
    await page.getByTestId('metric-select').selectOption('cost.overheadPct');

    // The best strategy per cell within a budget on exposure to the host kernel.
    await page.getByTestId('heatmap-mode').selectOption('best');
    await page.getByTestId('heatmap-budget').fill('1e-6');
    await expect(heat).toHaveAttribute('data-heatmap', /"kind":"best"/);
    shown = await described<HeatShown>(page, 'heatmap', 'data-heatmap');
    expect(shown).toMatchObject({ budget: 1e-6 });
    rates.forEach((rate, i) =>
      vcpus.forEach((v, j) => {
        const here = core(v, rate);
        // Never a strategy the model flags as unfit to quote (infeasible, saturated, overloaded).
        const within = here.filter(
          (r) =>
            !r.flags.some((f) => ['infeasible', 'saturated', 'overloaded'].includes(f.code)) &&
            exposureOf({ ...r, point: {} }, 'exposure.kernel.fraction')! <= 1e-6,
        );
        const cell = shown.cells[i]![j] as { strategy: string | null; cost?: number };
        if (within.length === 0) {
          expect(cell.strategy).toBeNull();
          expect(shown.text[i]![j]).toBe('none within budget');
        } else {
          const least = Math.min(...within.map((r) => r.metrics['cost.overheadPct']!.mean));
          expect(cell.cost).toBeCloseTo(least, 9);
          expect(within.find((r) => r.strategy === cell.strategy)!.metrics['cost.overheadPct']!.mean).toBeCloseTo(
            least,
            9,
          );
        }
      }),
    );
    // A budget that is not a number is named, and the map keeps the last good one.
    await page.getByTestId('heatmap-budget').fill('lots');
    await expect(page.getByTestId('heatmap-budget-error')).toContainText('budget');
    await page.getByTestId('heatmap-budget').fill('0');
    await expect(heat).toHaveAttribute('data-heatmap', /"budget":0,/);
    shown = await described<HeatShown>(page, 'heatmap', 'data-heatmap');
    // Budget 0: only strategies that never expose guest memory to the kernel qualify.
    for (const row of shown.cells)
      for (const c of row as { strategy: string | null }[])
        if (c.strategy !== null)
          expect(core(4, 1000).find((r) => r.strategy === c.strategy)!.metrics['exposure.kernel.state']!.mean).toBe(0);
    await page.getByTestId('heatmap-budget').fill('1e-6');
    await expect(heat).toHaveAttribute('data-heatmap', /"budget":0\.000001,/);

    // The theme switched while open; the wide layout; no sideways scroll at either size.
    await page.emulateMedia({ colorScheme: 'dark' });
    await expect(heat).toHaveAttribute('data-theme', 'dark');
    await noSidewaysScroll(page);
    await page.setViewportSize({ width: 1440, height: 900 });
    await noSidewaysScroll(page);
    expect(ws.errors).toEqual([]);
  } finally {
    await ws.close();
  }
});

test('the heatmap of a simulator 2-D sweep: the figures of every cell, their CI on hover', async ({ page }) => {
  await page.setViewportSize({ width: 1024, height: 700 });
  const ws = workspace(page);
  try {
    const vcpus = [4, 16];
    const rates = [1000, 30_000];
    const { outs } = await seedDes(ws.dbPath, 'simulated grid', [
      { path: 'vm.vcpus', values: vcpus },
      { path: MMIO, values: rates },
    ]);
    await open(page, ws);
    await expect(page.getByTestId('result-title')).toContainText('simulated grid', { timeout: 30_000 });
    await page.getByTestId('result-tab-heatmap').click();
    const shown = await described<HeatShown>(page, 'heatmap', 'data-heatmap');
    expect(shown).toMatchObject({ kind: 'metric', strategy: 'S2', metric: 'cost.overheadPct' });
    const cells = page.getByTestId('heatmap').locator('tbody td');
    rates.forEach((rate, i) =>
      vcpus.forEach((v, j) => {
        const r = outs
          .get(JSON.stringify({ 'vm.vcpus': v, [MMIO]: rate }))!
          .strategies.find((q) => q.strategy === 'S2')!;
        const cell = shown.cells[i]![j] as { value: number; ci95: number };
        expect(cell.value).toBeCloseTo(r.metrics['cost.overheadPct']!.mean, 9);
        expect(cell.ci95).toBeCloseTo(r.metrics['cost.overheadPct']!.ci95, 9);
      }),
    );
    // The CI is in the cell's title (hover), where there is one.
    const titles = await cells.evaluateAll((tds) => tds.map((td) => td.getAttribute('title') ?? ''));
    const withCi = shown.cells.flat().filter((c) => ((c as { ci95: number } | null)?.ci95 ?? 0) > 0).length;
    expect(titles.filter((t) => t.includes(' ± ')).length).toBe(withCi);
    expect(withCi).toBeGreaterThan(0);
    await page.emulateMedia({ colorScheme: 'dark' });
    await expect(page.getByTestId('heatmap')).toHaveAttribute('data-theme', 'dark');
    await noSidewaysScroll(page);
    expect(ws.errors).toEqual([]);
  } finally {
    await ws.close();
  }
});

test('the heatmap tab is offered only for sweeps of two parameters', async ({ page }) => {
  await page.setViewportSize({ width: 1024, height: 700 });
  const ws = workspace(page);
  try {
    await seed(ws.dbPath, [
      { name: 'one point', vcpus: [8] },
      { name: 'one parameter', vcpus: [4, 16] },
    ]);
    await open(page, ws);
    await expect(page.getByTestId('result-title')).toContainText('one parameter');
    await expect(page.getByTestId('result-tab-cycles')).toBeVisible();
    await expect(page.getByTestId('result-tab-heatmap')).toHaveCount(0);
    expect(ws.errors).toEqual([]);
  } finally {
    await ws.close();
  }
});

interface MatrixShown {
  source: string;
  strategies: string[];
  rows: {
    id: string;
    label: string;
    method: string;
    point: Record<string, unknown>;
    cells: Record<
      string,
      {
        cost: string;
        exposure: string;
        costValue: number;
        costEstimate: boolean;
        exposureEstimate: boolean;
        flags: string[];
      } | null
    >;
  }[];
}

test('the matrix: every preset × strategy with units, estimates marked, slowdown past 100%; then experiments from History', async ({
  page,
}) => {
  await page.setViewportSize({ width: 1024, height: 700 });
  const ws = workspace(page);
  try {
    await seed(ws.dbPath, [{ name: 'swept', vcpus: [4, 64] }]);
    await seedDes(ws.dbPath, 'simulated');
    await open(page, ws);
    await expect(page.getByTestId('result-title')).toContainText('simulated', { timeout: 30_000 });
    // One click from a result: the top-level navigation.
    await page.getByTestId('tab-matrix').click();
    const matrix = page.getByTestId('matrix');
    await expect(matrix).toBeVisible({ timeout: 30_000 });
    const shown = await described<MatrixShown>(page, 'matrix', 'data-matrix');
    expect(shown.rows.map((r) => r.id)).toEqual(PRESETS.map((p) => p.id));
    let slowdowns = 0;
    for (const [i, p] of PRESETS.entries()) {
      const core = runAnalytic(p.scenario).strategies;
      const deps = estimateDependencies(p.scenario, ['cost.overheadPct']);
      for (const r of core) {
        const cell = shown.rows[i]!.cells[r.strategy]!;
        const overhead = r.metrics['cost.overheadPct']!.mean;
        expect(cell.costValue).toBeCloseTo(overhead, 9);
        if (overhead >= 100) {
          slowdowns++;
          expect(cell.cost).toMatch(/^×[\d.]+ slower$/);
        } else expect(cell.cost).toMatch(/%$/);
        const state = r.metrics['exposure.kernel.state']!.mean;
        if (state === 0) expect(cell.exposure).toBe('never');
        else if (state === 2)
          // "always" with the fraction it leaves reachable: S0's 1 and S2's pfn-cache pages differ.
          expect(cell.exposure).toBe(`always (${formatValue(r.metrics['exposure.kernel.fraction']!.mean)})`);
        else expect(cell.exposure).toMatch(/ fraction$/);
        expect(cell.costEstimate).toBe(deps[r.strategy]!['cost.overheadPct']!.length > 0);
        expect(cell.flags).toEqual(r.flags.map((f) => f.code));
      }
    }
    expect(slowdowns).toBeGreaterThan(0);
    // The marks are on screen, not only in the data.
    const marked = shown.rows.flatMap((r) => Object.values(r.cells)).filter((c) => c?.costEstimate).length;
    await expect(matrix.locator('.cost .est')).toHaveCount(marked);
    await screenshot(page, 'view-matrix');
    // Its exports (CSV, SVG, the mail table): e2e/export-views.spec.ts.

    // The experiments ticked in History, at their first point; another point one pick away.
    await page.getByTestId('tab-history').click();
    for (const name of ['swept', 'simulated'])
      await page.getByTestId('history-row').filter({ hasText: name }).getByRole('checkbox').check();
    await page.getByTestId('tab-matrix').click();
    await page.getByTestId('matrix-source').selectOption('experiments');
    await expect(matrix).toHaveAttribute('data-matrix', /"source":"experiments"/);
    await expect(page.getByTestId('matrix-row')).toHaveCount(2);
    let rows = (await described<MatrixShown>(page, 'matrix', 'data-matrix')).rows;
    const swept = rows.find((r) => r.label === 'swept')!;
    expect(swept.point).toEqual({ 'vm.vcpus': 4 });
    const des = rows.find((r) => r.label === 'simulated')!;
    expect(des.method).toBe('des');
    // The simulator's figures keep their CI.
    expect(Object.values(des.cells).some((c) => c !== null && c.cost.includes(' ± '))).toBe(true);
    await page.getByTestId('matrix-point').selectOption({ label: 'VM › vCPUs = 64' });
    await expect(matrix).toHaveAttribute('data-matrix', /"point":\{"vm\.vcpus":64\}/);
    rows = (await described<MatrixShown>(page, 'matrix', 'data-matrix')).rows;
    const at64 = runAnalytic(setParameter(base('swept'), 'vm.vcpus', 64)).strategies;
    for (const r of at64)
      expect(rows.find((q) => q.label === 'swept')!.cells[r.strategy]!.costValue).toBeCloseTo(
        r.metrics['cost.overheadPct']!.mean,
        9,
      );

    await page.emulateMedia({ colorScheme: 'dark' });
    await expect(matrix).toHaveAttribute('data-theme', 'dark');
    await noSidewaysScroll(page);
    await page.setViewportSize({ width: 1440, height: 900 });
    await noSidewaysScroll(page);
    expect(ws.errors).toEqual([]);
  } finally {
    await ws.close();
  }
});

test('a simulator sweep: error bars and CI bands from the seeds, latency as percentiles and as a CDF trimmed to the data', async ({
  page,
}) => {
  await page.setViewportSize({ width: 1024, height: 700 });
  const ws = workspace(page);
  try {
    const vcpus = [4, 16];
    const { outs: byPoint } = await seedDes(ws.dbPath, 'seeded', [{ path: 'vm.vcpus', values: vcpus }]);
    const outs = new Map(vcpus.map((v) => [v, byPoint.get(JSON.stringify({ 'vm.vcpus': v }))!]));
    await open(page, ws);
    await expect(page.getByTestId('result-title')).toContainText('seeded', { timeout: 30_000 });
    const at4 = outs.get(4)!.strategies;

    // Error bars on the per-strategy chart: each bar's half-width is the run's 95% CI.
    const bars = await chartOf(page, 'overhead-chart');
    expect(bars.title).toContain('95% CI');
    const strategyOf = (label: unknown) => (label as string[])[0]!.replace(' ⚠', '');
    bars.labels.forEach((label, i) => {
      const r = at4.find((q) => q.strategy === strategyOf(label))!;
      expect(bars.datasets[0]!.ci![i]).toBeCloseTo(r.metrics['cost.overheadPct']!.ci95, 9);
      expect(bars.datasets[0]!.data[i]).toBeCloseTo(r.metrics['cost.overheadPct']!.mean, 9);
    });
    expect(at4.some((r) => r.metrics['cost.overheadPct']!.ci95 > 0)).toBe(true);

    // A touchpoint with a rate but no event in the simulated time has no latency (kvmclock's one
    // update a second in 0.05 s), and the window names it under the table.
    const rated = Object.entries(PRESETS[0]!.scenario.workload.touchpoints)
      .filter(([id, t]) => t.ratePerSec > 0 && (id !== 'nestedTdp' || PRESETS[0]!.scenario.vm.nested))
      .map(([id]) => id);
    const unsimulated = rated.filter((id) => at4.every((r) => r.metrics[`latency.${id}.meanUs`] === undefined));
    expect(unsimulated).toContain('pfnCache');
    await expect(page.getByTestId('unsimulated-latency')).toHaveText(
      unsimulatedWords(unsimulated.map((id) => parameterLabel(`workload.touchpoints.${id}`, { withGroups: false }))),
    );

    // Bands on the sweep chart: per strategy, the CI at each swept value.
    const sweep = await chartOf(page, 'sweep-chart');
    expect(sweep.title).toContain('bands: 95% CI');
    for (const d of sweep.datasets) {
      const id = d.label.split(' ')[0]!;
      vcpus.forEach((v, j) => {
        const r = outs.get(v)!.strategies.find((q) => q.strategy === id)!;
        expect((d.data[j] as { x: number }).x).toBe(v);
        expect(d.ci![j]).toBeCloseTo(r.metrics['cost.overheadPct']!.ci95, 9);
      });
    }

    // The exposure chart too: one dataset per strategy, a half-width per attacker context.
    const exposure = await chartOf(page, 'exposure-chart');
    for (const d of exposure.datasets) {
      const r = at4.find((q) => q.strategy === d.label.split(' ')[0])!;
      const fractions = Object.keys(r.metrics).filter((k) => /^exposure\.[^.]+\.fraction$/.test(k));
      expect(d.ci!.length).toBe(d.data.length);
      for (const k of fractions)
        expect(d.ci!).toContainEqual(r.metrics[k]!.ci95 === 0 ? 0 : expect.closeTo(r.metrics[k]!.ci95, 9));
    }

    // Latency: percentiles by default, read from the simulator's histograms.
    const latency = page.getByTestId('latency-chart');
    await expect(latency).toHaveAttribute('data-yscale', 'logarithmic');
    let drawn = await chartOf(page, 'latency-chart');
    expect(drawn.labels).toEqual(PERCENTILES.map((p) => p.label));
    // Named as the form names it, not by its key.
    const picker = page.getByTestId('latency-touchpoint');
    const touchpoint = await picker.inputValue();
    const name = (await picker.locator('option:checked').textContent())!;
    expect(name).toBe(parameterLabel(`workload.touchpoints.${touchpoint}`, { withGroups: false }));
    expect(name).not.toBe(touchpoint);
    expect(drawn.title).toBe(`Latency percentiles: ${name}`);
    expect(drawn.datasets.length).toBeGreaterThan(0);
    for (const d of drawn.datasets) {
      const r = at4.find((q) => q.strategy === d.label.split(' ')[0])!;
      const dist = r.distributions[touchpoint]!;
      PERCENTILES.forEach((p, i) => expect(d.data[i]).toBeCloseTo(histogramQuantile(dist, p.q)!, 9));
      // The simulator's own p99 lies in the bucket the histogram reads it from.
      const p99 = r.metrics[`latency.${touchpoint}.p99Us`]?.mean;
      if (p99 !== undefined) {
        const k = dist.bucketUpperUs.findIndex((u) => u >= (d.data[2] as number));
        expect(p99).toBeLessThanOrEqual(dist.bucketUpperUs[k]! * (1 + 1e-9));
      }
    }
    await page.getByTestId('latency-as').selectOption('cdf');
    await expect(latency).toHaveAttribute('data-xscale', 'logarithmic');
    drawn = await chartOf(page, 'latency-chart');
    expect(drawn.title).toBe(`Latency CDF: ${name}`);
    for (const d of drawn.datasets) {
      const r = at4.find((q) => q.strategy === d.label.split(' ')[0])!;
      const cdf = histogramCdf(r.distributions[touchpoint]!);
      expect(cdf.length).toBeGreaterThan(0);
      expect(d.data).toEqual(cdf);
      // Trimmed: it starts at the first bucket with events and ends where every event is counted.
      expect((d.data.at(-1) as { y: number }).y).toBe(1);
      expect((d.data[0] as { y: number }).y).toBe(0);
      expect((d.data[1] as { y: number }).y).toBeGreaterThan(0);
    }
    await screenshot(page, 'view-ci-latency', page.locator('.charts'));
    await page.emulateMedia({ colorScheme: 'dark' });
    await expect(latency).toHaveAttribute('data-theme', 'dark');
    expect((await chartOf(page, 'latency-chart')).datasets.length).toBe(drawn.datasets.length);
    await noSidewaysScroll(page);
    await page.setViewportSize({ width: 1440, height: 900 });
    await noSidewaysScroll(page);
    // chart.js fits a canvas to a grown window only on a later frame; until then the canvas keeps
    // its old width, which must not widen the page (a loaded CI machine once measured that moment).
    await page
      .locator('.charts canvas')
      .evaluateAll((canvases) => canvases.forEach((c) => ((c as HTMLCanvasElement).style.width = '900px')));
    await noSidewaysScroll(page);
    expect(ws.errors).toEqual([]);
  } finally {
    await ws.close();
  }
});

test('symlog for figures with zero that span decades, and past 100% overhead the slowdown factor', async ({ page }) => {
  await page.setViewportSize({ width: 1024, height: 700 });
  const ws = workspace(page);
  try {
    // At 100,000 MMIO exits/s S2 costs more than a vCPU: the guest slows down.
    await seed(ws.dbPath, [{ name: 'overloaded', vcpus: [8, 16], second: { path: MMIO, values: [100_000] } }]);
    const core = runAnalytic(setParameter(setParameter(base('overloaded'), 'vm.vcpus', 8), MMIO, 100_000)).strategies;
    const s2 = core.find((r) => r.strategy === 'S2')!;
    expect(s2.metrics['cost.overheadPct']!.mean).toBeGreaterThan(100);
    const slow = slowdownWord(s2.metrics['cost.slowdownFactor']!.mean);
    await open(page, ws);
    await expect(page.getByTestId('result-title')).toContainText('overloaded');

    // S0 costs nothing and S2 more than 100%: auto picks symlog, so zero has its place.
    const bars = page.getByTestId('overhead-chart');
    await expect(bars).toHaveAttribute('data-yscale', 'symlog');
    let drawn = await chartOf(page, 'overhead-chart');
    expect(drawn.yTicks[0]).toBe('0');
    // Above zero, only decades (the linear part ends at the smallest figure's decade).
    for (const t of drawn.yTicks.slice(1)) expect(Math.log10(Number(t)) % 1).toBeCloseTo(0, 9);
    expect(drawn.yMax).toBeGreaterThanOrEqual(s2.metrics['cost.overheadPct']!.mean);
    expect(drawn.yMax).toBeLessThan(s2.metrics['cost.overheadPct']!.mean * 10);
    const i = drawn.labels.findIndex((l) => (l as string[])[0]!.startsWith('S2'));
    expect((drawn.labels[i] as string[]).at(-1)).toBe(slow);
    expect(drawn.datasets[0]!.data[i]).toBeCloseTo(s2.metrics['cost.overheadPct']!.mean, 9);
    // The toggle: log (zero not drawn), linear, symlog again.
    await page.getByTestId('overhead-yaxis').selectOption('log');
    await expect(bars).toHaveAttribute('data-yscale', 'logarithmic');
    await page.getByTestId('overhead-yaxis').selectOption('linear');
    await expect(bars).toHaveAttribute('data-yscale', 'linear');
    await page.getByTestId('overhead-yaxis').selectOption('symlog');
    await expect(bars).toHaveAttribute('data-yscale', 'symlog');
    // The sweep chart has its own toggle.
    await page.getByTestId('sweep-yaxis').selectOption('symlog');
    await expect(page.getByTestId('sweep-chart')).toHaveAttribute('data-yscale', 'symlog');
    drawn = await chartOf(page, 'sweep-chart');
    expect(drawn.yTicks[0]).toBe('0');
    // Each chart's y title fits its height whole, rotated as it is drawn (a longer one was cut
    // and ran into the chart's title).
    for (const id of ['overhead-chart', 'sweep-chart']) {
      const fit = await page
        .getByTestId(id)
        .locator('canvas')
        .evaluate((c) => {
          const chart = (c as HTMLCanvasElement & { gmemlabChart: import('chart.js').Chart }).gmemlabChart;
          const y = chart.scales['y']!;
          const title = (y.options as unknown as { title: { text: string; font?: { size?: number } } }).title;
          const ctx = document.createElement('canvas').getContext('2d')!;
          ctx.font = `${title.font?.size ?? chart.options.font?.size ?? 12}px ${chart.options.font?.family ?? 'sans-serif'}`;
          return { text: title.text, width: ctx.measureText(title.text).width, room: y.height };
        });
      expect(fit.width, `${id}: "${fit.text}"`).toBeLessThanOrEqual(fit.room);
    }

    // The metrics table says the slowdown beside the percentage, for S2 only.
    await expect(page.getByTestId('slowdown-S2')).toHaveText(slow);
    for (const r of core.filter((q) => q.metrics['cost.overheadPct']!.mean < 100))
      await expect(page.getByTestId(`slowdown-${r.strategy}`)).toHaveCount(0);
    await screenshot(page, 'view-symlog', page.locator('.charts'));
    await page.emulateMedia({ colorScheme: 'dark' });
    await expect(bars).toHaveAttribute('data-theme', 'dark');
    await expect(bars).toHaveAttribute('data-yscale', 'symlog');
    await noSidewaysScroll(page);
    await page.setViewportSize({ width: 1440, height: 900 });
    await noSidewaysScroll(page);
    expect(ws.errors).toEqual([]);
  } finally {
    await ws.close();
  }
});

test("the cost table of a sweep over a cost entry is the point's: the swept value, marked so", async ({ page }) => {
  const ws = workspace(page);
  try {
    const KEY = 'host.costs.ipiReceiveWork';
    await seed(ws.dbPath, [{ name: 'receivers', vcpus: [4, 8], second: { path: KEY, values: [1000, 3000] } }]);
    await open(page, ws);
    await expect(page.getByTestId('result-title')).toContainText('receivers');
    await page.getByTestId('point-select').selectOption({ label: pointTitle({ 'vm.vcpus': 4, [KEY]: 3000 }) });
    await page.getByTestId('result-tab-costs').click();
    const row = page.getByTestId('result-costs').locator('tr', { hasText: 'shootdown IPI handling' });
    await expect(row.locator('td').first()).toHaveText('3000swept');
    // At the point where it is the default, it is still the point's value, marked swept.
    await page.getByTestId('point-select').selectOption({ label: pointTitle({ 'vm.vcpus': 8, [KEY]: 1000 }) });
    await expect(row.locator('td').first()).toHaveText('1000swept');
    expect(ws.errors).toEqual([]);
  } finally {
    await ws.close();
  }
});
