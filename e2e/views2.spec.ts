// The second set of views for issue 17, as a kernel developer sees them: the heatmap of a
// two-parameter sweep, the presets × strategies matrix, CI bands and error bars, latency
// percentiles, the symlog axis and the slowdown factor past 100% overhead. Each test reads what
// the view draws (its data-* description, its cells' text, a chart's datasets and axes) and holds
// it to the core's own figures for the same scenario, computed here with runAnalytic / runDes.
import { expect, test, type Page } from '@playwright/test';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { exposureOf } from '../common/analysis/heatmap.ts';
import { parameterLabel, parameterUnit } from '../common/analysis/scenarioFields.ts';
import { estimateDependencies } from '../common/analysis/matrix.ts';
import { PRESETS, runAnalytic, runDes, runPlan, setParameter, type Scenario } from '../common/core/index.ts';
import { Store } from '../main/store/store.ts';
import { artifacts, open, screenshot, seed, workspace } from './support.ts';

const screenshots = join(import.meta.dirname, '..', 'docs', 'screenshots');
const base = (name: string): Scenario => setParameter(PRESETS[0]!.scenario, 'name', name);
const MMIO = 'workload.touchpoints.mmio.ratePerSec';

function keep(name: string): void {
  mkdirSync(screenshots, { recursive: true });
  copyFileSync(join(artifacts, `${name}.png`), join(screenshots, `${name}.png`));
}

async function described<T>(page: Page, testid: string, attribute: string): Promise<T> {
  return JSON.parse((await page.getByTestId(testid).getAttribute(attribute))!) as T;
}

async function noSidewaysScroll(page: Page): Promise<void> {
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflow).toBeLessThanOrEqual(0);
}

/** A short real simulation over two seeds (so figures have a CI), saved as the runner saves it. */
async function seedDes(dbPath: string, name: string, tweak: (s: Scenario) => Scenario = (s) => s): Promise<Scenario> {
  let scenario = setParameter(base(name), 'simulation.method', 'des');
  scenario = setParameter(scenario, 'simulation.durationSec', 0.05);
  scenario = tweak({ ...scenario, simulation: { ...scenario.simulation, seeds: [1, 2] } });
  const out = runDes(scenario);
  const plan = runPlan(scenario);
  const store = await Store.open(dbPath);
  try {
    const { experimentId, runIds } = await store.createExperiment({
      name,
      kind: 'single',
      method: 'des',
      scenario,
      runs: plan.strategies.map((strategy) => ({ strategy, point: {}, seeds: plan.seeds })),
    });
    await store.saveRunResults(
      plan.strategies.map((strategy, i) => ({
        runId: runIds[i]!,
        modelVersion: out.modelVersion,
        costTable: out.costTable,
        result: out.strategies.find((r) => r.strategy === strategy)!,
      })),
    );
    await store.setExperimentStatus(experimentId, 'done');
  } finally {
    await store.close();
  }
  return scenario;
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
    await expect(page.getByTestId('heatmap-y-label')).toContainText(`${parameterLabel(MMIO)} [${parameterUnit(MMIO)}]`);
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
    if (worst.metrics['cost.overheadPct']!.mean >= 100) expect(shown.text[2]![0]).toMatch(/^×[\d.]+ slower$/);
    await screenshot(page, 'view-heatmap');
    keep('view-heatmap');
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
        const within = here.filter((r) => exposureOf(r, 'exposure.kernel.fraction')! <= 1e-6);
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
        else if (state === 2) expect(cell.exposure).toBe('always');
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
    keep('view-matrix');

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
    await page.getByTestId('matrix-point').selectOption({ label: 'vm.vcpus=64' });
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
