// The core's trust flags on a result: the banner with the reason, the table's strategy columns,
// the bar chart. The scenario is infeasible as set up (128 pinned vCPUs on 64 host CPUs), and
// the core flags every strategy so.
// The flags come from the store as the runner saved them (seed() saves the core's results);
// runAnalytic below only says what they must be.
import { expect, test } from '@playwright/test';
import { PRESETS, runAnalytic, setParameter } from '../common/core/index.ts';
import { open, seed, workspace } from './support.ts';

/** WCAG contrast of an element's text colour against the first opaque background at or behind it. */
async function contrastOf(element: import('@playwright/test').Locator): Promise<number> {
  return element.evaluate((el) => {
    const rgb = (css: string) => (css.match(/[\d.]+/g) ?? []).map(Number);
    let node: Element | null = el;
    let bg = [255, 255, 255];
    while (node !== null) {
      const c = rgb(getComputedStyle(node).backgroundColor);
      if (c.length >= 3 && (c.length < 4 || c[3]! > 0.99)) {
        bg = c.slice(0, 3);
        break;
      }
      node = node.parentElement;
    }
    const fg = rgb(getComputedStyle(el).color).slice(0, 3);
    const lum = (c: number[]) => {
      const [r, g, b] = c.map((v) => {
        const s = v / 255;
        return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
      });
      return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
    };
    const [hi, lo] = [lum(fg), lum(bg)].sort((a, b) => b - a);
    return (hi! + 0.05) / (lo! + 0.05);
  });
}

/**
 * Saves one run of the first preset with 128 pinned vCPUs on its 64 host CPUs, as the runner
 * would, and returns what the core says of it (every strategy infeasible).
 */
async function seedOverfull(dbPath: string): Promise<ReturnType<typeof runAnalytic>> {
  await seed(dbPath, [{ name: 'too many pinned vCPUs', vcpus: [128] }]);
  return runAnalytic(
    setParameter(setParameter(PRESETS[0]!.scenario, 'name', 'too many pinned vCPUs'), 'vm.vcpus', 128),
  );
}

test('an infeasible set-up is flagged on the result, in the table and on the chart, with the reason', async ({
  page,
}) => {
  await page.setViewportSize({ width: 1024, height: 700 });
  const ws = workspace(page);
  try {
    const core = await seedOverfull(ws.dbPath);
    const flagsBy = new Map(core.strategies.map((r) => [r.strategy, r.flags]));
    expect(flagsBy.get('S2')!.map((f) => f.code)).toContain('infeasible');
    await open(page, ws);
    await expect(page.getByTestId('result-title')).toContainText('too many pinned vCPUs');
    const banner = page.getByTestId('flag-infeasible');
    await expect(banner).toContainText('every strategy');
    await expect(banner).toContainText(flagsBy.get('S2')!.find((f) => f.code === 'infeasible')!.message);
    // The flag's badge reads: its text against what is behind it, at least WCAG's 4.5:1.
    expect(await contrastOf(banner.locator('.badge'))).toBeGreaterThanOrEqual(4.5);
    await expect(page.getByTestId('strategy-head-S2')).toContainText('⚠');
    const labels = await page
      .getByTestId('overhead-chart')
      .locator('canvas')
      .evaluate((c) => (c as HTMLCanvasElement & { gmemlabChart: import('chart.js').Chart }).gmemlabChart.data.labels);
    expect((labels as string[][]).every((l) => l[0]!.endsWith('⚠'))).toBe(true);
    expect(ws.errors).toEqual([]);
  } finally {
    await ws.close();
  }
});

test('on the trade-off plane a flagged figure takes the flag marker, and one unfit to quote is never on the front', async ({
  page,
}) => {
  await page.setViewportSize({ width: 1024, height: 700 });
  const ws = workspace(page);
  try {
    const core = await seedOverfull(ws.dbPath);
    // Every strategy's set-up is infeasible here: none may be offered as a choice.
    expect(core.strategies.every((r) => r.flags.some((f) => f.code === 'infeasible'))).toBe(true);
    await open(page, ws);
    await expect(page.getByTestId('tradeoff-chart')).toBeVisible();
    const shown = JSON.parse((await page.getByTestId('plane-data').getAttribute('data-plane'))!) as {
      front: string[];
      points: { strategy: string; flags: string[] }[];
    };
    expect(shown.front).toEqual([]);
    expect(shown.points.map((p) => p.strategy).sort()).toEqual(core.strategies.map((r) => r.strategy).sort());
    for (const p of shown.points) expect(p.flags).toContain('infeasible');
    await expect(page.getByTestId('plane-off-front')).toContainText(
      `No strategy on the front, flagged as unfit to quote at the point shown: ${core.strategies.map((r) => r.strategy).join(', ')} (infeasible)`,
    );
    // Drawn with the marker every chart gives a flagged figure, in the error colour.
    const styles = await page
      .getByTestId('tradeoff-chart')
      .locator('canvas')
      .evaluate((c) =>
        (c as HTMLCanvasElement & { gmemlabChart: import('chart.js').Chart }).gmemlabChart.data.datasets
          .filter((d) => d.label !== 'Pareto front')
          .map((d) => (d as unknown as { pointStyle: string[] }).pointStyle),
      );
    expect(styles).toHaveLength(core.strategies.length);
    for (const s of styles) expect(s).toEqual(['triangle']);
    // No front, so no legend entry for one.
    const legend = await page
      .getByTestId('tradeoff-chart')
      .locator('canvas')
      .evaluate((c) =>
        (
          (c as HTMLCanvasElement & { gmemlabChart: import('chart.js').Chart }).gmemlabChart.legend?.legendItems ?? []
        ).map((i) => i.text),
      );
    expect(legend).toHaveLength(core.strategies.length);
    expect(legend).not.toContain('Pareto front');
    expect(ws.errors).toEqual([]);
  } finally {
    await ws.close();
  }
});

test('the cheapest strategy within a budget is never one flagged as unfit to quote', async ({ page }) => {
  await page.setViewportSize({ width: 1024, height: 700 });
  const ws = workspace(page);
  try {
    // Pinned, 128 vCPUs do not fit the preset's 64 host CPUs: every strategy is infeasible there.
    // Time-shared they fit.
    await seed(ws.dbPath, [
      { name: 'pinned or shared', vcpus: [8, 128], second: { path: 'vm.placement', values: ['pinned', 'shared'] } },
    ]);
    const at = (vcpus: number, placement: string) =>
      runAnalytic(
        setParameter(
          setParameter(setParameter(PRESETS[0]!.scenario, 'name', 'pinned or shared'), 'vm.vcpus', vcpus),
          'vm.placement',
          placement,
        ),
      ).strategies;
    expect(at(128, 'pinned').every((r) => r.flags.some((f) => f.code === 'infeasible'))).toBe(true);
    expect(at(128, 'shared').some((r) => r.flags.some((f) => f.code === 'infeasible'))).toBe(false);
    await open(page, ws);
    await expect(page.getByTestId('result-title')).toContainText('pinned or shared');
    await page.getByTestId('result-tab-heatmap').click();
    await page.getByTestId('heatmap-mode').selectOption('best');
    // A budget S3's windows are within, on every cell.
    await page.getByTestId('heatmap-budget').fill('0.5');
    const heat = page.getByTestId('heatmap');
    await expect(heat).toHaveAttribute('data-heatmap', /"budget":0\.5,/);
    const shown = JSON.parse((await heat.getAttribute('data-heatmap'))!) as {
      x: { path: string; values: (number | string)[] };
      y: { path: string; values: (number | string)[] };
      text: string[][];
      cells: { strategy: string | null; unfit?: string[] }[][];
    };
    // Rows are the y parameter's values, columns the x parameter's.
    const cell = (vcpus: number, placement: string) => {
      const value = (path: string) => (path === 'vm.vcpus' ? vcpus : placement);
      const i = shown.y.values.indexOf(value(shown.y.path));
      const j = shown.x.values.indexOf(value(shown.x.path));
      return { text: shown.text[i]![j]!, cell: shown.cells[i]![j]! };
    };
    const overfull = cell(128, 'pinned');
    expect(overfull.text).toBe('none fit to quote');
    // Those the budget would have let in, each kept out by its flag ("always" is over any budget).
    expect(overfull.cell.unfit!.length).toBeGreaterThan(0);
    for (const s of overfull.cell.unfit!)
      expect(
        at(128, 'pinned')
          .find((r) => r.strategy === s)!
          .flags.some((f) => f.code === 'infeasible'),
      ).toBe(true);
    expect(overfull.cell.unfit).not.toContain('S0');
    // Where nothing is flagged a strategy is picked, as before.
    expect(cell(128, 'shared').cell.strategy).not.toBeNull();
    await expect(page.getByText('"none fit to quote": only such within the budget there')).toBeVisible();
    expect(ws.errors).toEqual([]);
  } finally {
    await ws.close();
  }
});
