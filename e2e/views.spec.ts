// The views that answer the thread's question (issue 17), as a kernel developer sees them at
// 1024×700: the trade-off plane (the default chart), where the cycles go, and sensitivity. Each
// test reads what the chart draws (its datasets, its axes' tick labels, and the view's
// data-* description) and holds it to the core's own figures for the same scenario, computed
// here with runAnalytic / sensitivity. Results are seeded through the real Store (support.ts),
// or, for the simulator, computed by the real DES (runDes) and saved the same way.
import { expect, test, type Page } from '@playwright/test';
import { formatValue } from '../common/analysis/format.ts';
import { spansDecades } from '../common/analysis/overlay.ts';
import { sensitivity } from '../common/analysis/sensitivity.ts';
import { strategyTitle } from '../common/analysis/scenarioFields.ts';
import { PRESETS, runAnalytic, runDes, runPlan, setParameter, type Scenario } from '../common/core/index.ts';
import { Store } from '../main/store/store.ts';
import { open, screenshot, seed, workspace } from './support.ts';

const base = (name: string): Scenario => setParameter(PRESETS[0]!.scenario, 'name', name);

interface Drawn {
  datasets: { label: string; data: unknown[] }[];
  labels: unknown[];
  title: string;
  xTicks: string[];
  yTicks: string[];
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
      title: String((chart.options.plugins?.title as { text?: unknown } | undefined)?.text ?? ''),
      xTicks: ticks('x'),
      yTicks: ticks('y'),
    };
  });
  return { ...drawn, theme };
}

async function described<T>(page: Page, testid: string, attribute: string): Promise<T> {
  return JSON.parse((await page.getByTestId(testid).getAttribute(attribute))!) as T;
}

interface PlaneShown {
  exposure: string;
  front: string[];
  points: { strategy: string; value?: string; cost: number; costLane: string; exposureLane: string; here: boolean }[];
}

test('the trade-off plane: cost against exposure on log axes, lanes apart, the Pareto front, other contexts one click away', async ({
  page,
}) => {
  await page.setViewportSize({ width: 1024, height: 700 });
  const ws = workspace(page);
  try {
    await seed(ws.dbPath, [{ name: 'plane', vcpus: [8] }]);
    const core = runAnalytic(setParameter(base('plane'), 'vm.vcpus', 8)).strategies;
    await open(page, ws);
    await expect(page.getByTestId('result-title')).toContainText('plane');
    // The default view of a result.
    const chart = page.getByTestId('tradeoff-chart');
    await expect(chart).toBeVisible();

    const shown = await described<PlaneShown>(page, 'plane-data', 'data-plane');
    expect(shown.exposure).toBe('exposure.kernel.fraction');
    expect(shown.points.map((p) => p.strategy).sort()).toEqual(core.map((r) => r.strategy).sort());
    for (const r of core) {
      const p = shown.points.find((q) => q.strategy === r.strategy)!;
      const cost = r.metrics['cost.overheadPct']!.mean;
      const state = r.metrics['exposure.kernel.state']!.mean;
      expect(p.cost).toBeCloseTo(cost, 9);
      expect(p.costLane).toBe(cost > 0 ? 'log' : 'none');
      // "always" is its own lane, whatever fraction the formulas give; "never" another.
      expect(p.exposureLane).toBe(state === 2 ? 'always' : state === 0 ? 'never' : 'log');
    }
    // Independently of paretoFront: nothing else is at most as costly and at most as exposed
    // (never < windows < always; in a lane, by the figure shown, four significant digits), with
    // one of the two strictly less. Fractions are at most 1, so lane + fraction keeps the order.
    const four = (v: number) => Number(v.toPrecision(4));
    const rank = (s: string) => {
      const r = core.find((q) => q.strategy === s)!;
      const state = r.metrics['exposure.kernel.state']!.mean;
      const fraction = four(r.metrics['exposure.kernel.fraction']!.mean);
      return {
        cost: four(r.metrics['cost.overheadPct']!.mean),
        e: state === 0 ? 0 : state === 2 ? 3 + fraction : 1 + fraction,
      };
    };
    const expected = core
      .map((r) => r.strategy)
      .filter((s) =>
        core.every((q) => {
          const a = rank(s);
          const b = rank(q.strategy);
          return !(b.cost <= a.cost && b.e <= a.e && (b.cost < a.cost || b.e < a.e));
        }),
      );
    expect(shown.front.sort()).toEqual(expected.sort());

    const drawn = await chartOf(page, 'tradeoff-chart');
    expect(drawn.title).toContain('exposure to the host kernel at large');
    expect(drawn.xTicks[0]).toBe('none');
    expect(drawn.yTicks[0]).toBe('never');
    expect(drawn.yTicks.at(-1)).toBe('always');
    // Between the lanes, only powers of ten.
    for (const t of [...drawn.xTicks.slice(1), ...drawn.yTicks.slice(1, -1)])
      expect(t).toMatch(/^(1e-?\d+|0\.0*1|10*)$/);
    const front = drawn.datasets.find((d) => d.label === 'Pareto front')!;
    expect(front.data).toHaveLength(expected.length);
    // Front members are drawn over the others (a front member can share its spot: S1 and S0 at
    // no extra cost, "always"), and the legend still lists S0 to S6 in order.
    const layers = await chart.locator('canvas').evaluate((c) => {
      const ch = (c as HTMLCanvasElement & { gmemlabChart: import('chart.js').Chart }).gmemlabChart;
      // chart.js draws the sorted metas from the last to the first: the first is on top.
      const onTop = ch.getSortedVisibleDatasetMetas().map((m) => String(ch.data.datasets[m.index]!.label));
      const legend = ch.legend!.legendItems!.map((i) => i.text);
      return { onTop, legend };
    });
    const frontTitles = expected.map((s) => strategyTitle(s));
    const topmost = layers.onTop.filter((l) => l !== 'Pareto front').slice(0, frontTitles.length);
    expect(topmost.sort()).toEqual([...frontTitles].sort());
    expect(layers.legend.filter((l) => l !== 'Pareto front')).toEqual(core.map((r) => strategyTitle(r.strategy)));
    expect(drawn.datasets.filter((d) => d.label !== 'Pareto front')).toHaveLength(core.length);
    // Hovering a point on the "always" lane says how much it leaves reachable: S0's whole memory
    // and S2's pfn-cache pages share the lane, and must not read alike.
    const canvas = chart.locator('canvas');
    const box = (await canvas.boundingBox())!;
    for (const r of core.filter((q) => q.metrics['exposure.kernel.state']!.mean === 2)) {
      const at = await canvas.evaluate((c, title) => {
        const ch = (c as HTMLCanvasElement & { gmemlabChart: import('chart.js').Chart }).gmemlabChart;
        const i = ch.data.datasets.findIndex((d) => d.label === title);
        const el = ch.getDatasetMeta(i).data[0]!;
        return { x: el.x, y: el.y };
      }, strategyTitle(r.strategy));
      await page.mouse.move(box.x + at.x, box.y + at.y);
      const fraction = formatValue(r.metrics['exposure.kernel.fraction']!.mean);
      await expect
        .poll(() =>
          canvas.evaluate((c) => {
            const ch = (c as HTMLCanvasElement & { gmemlabChart: import('chart.js').Chart }).gmemlabChart;
            return (ch.tooltip?.body ?? []).flatMap((b) => b.lines).join('\n');
          }),
        )
        .toContain(`${strategyTitle(r.strategy)}: `);
      const lines = await canvas.evaluate((c) => {
        const ch = (c as HTMLCanvasElement & { gmemlabChart: import('chart.js').Chart }).gmemlabChart;
        return (ch.tooltip?.body ?? []).flatMap((b) => b.lines);
      });
      const line = lines.find((l) => l.startsWith(`${strategyTitle(r.strategy)}: `))!;
      expect(line).toContain(`exposure always (${fraction})`);
    }
    await page.mouse.move(box.x + 2, box.y + 2);
    // The per-strategy chart beside it: S2 against S5 spans decades and S0 costs nothing, so its
    // y axis is symlog (zero has its place; views2.spec.ts checks its ticks), and a toggle.
    const bars = page.getByTestId('overhead-chart');
    await expect(bars).toHaveAttribute('data-yscale', 'symlog');
    await page.getByTestId('overhead-yaxis').selectOption('linear');
    await expect(bars).toHaveAttribute('data-yscale', 'linear');
    await page.getByTestId('overhead-yaxis').selectOption('auto');
    // An exposure state on the per-strategy chart: its words on the axis, and no scale to pick.
    await page.getByTestId('metric-select').selectOption('exposure.kernel.state');
    await expect(page.getByTestId('overhead-yaxis')).toHaveCount(0);
    const stateTicks = await bars.locator('canvas').evaluate((c) => {
      const ch = (c as HTMLCanvasElement & { gmemlabChart: import('chart.js').Chart }).gmemlabChart;
      return ch.scales['y']!.ticks.map((t) => String(t.label));
    });
    expect(stateTicks).toEqual(['never', 'transient windows', 'always']);
    await page.getByTestId('metric-select').selectOption('cost.overheadPct');
    await screenshot(page, 'view-tradeoff');

    // Another attacker context, one click away.
    await page.getByTestId('plane-context').selectOption('vmm');
    await expect(page.getByTestId('plane-data')).toHaveAttribute('data-plane', /"exposure":"exposure\.vmm\.fraction"/);
    const vmm = await described<PlaneShown>(page, 'plane-data', 'data-plane');
    for (const r of core) {
      const state = r.metrics['exposure.vmm.state']!.mean;
      expect(vmm.points.find((p) => p.strategy === r.strategy)!.exposureLane).toBe(
        state === 2 ? 'always' : state === 0 ? 'never' : 'log',
      );
    }
    // A strategy hidden stays hidden when the theme switches (the chart is rebuilt).
    await page.getByTestId('show-S2').uncheck();
    await page.emulateMedia({ colorScheme: 'dark' });
    await expect(chart).toHaveAttribute('data-theme', 'dark');
    const dark = await chartOf(page, 'tradeoff-chart');
    expect(dark.datasets.map((d) => d.label).some((l) => l.startsWith('S2'))).toBe(false);
    expect(dark.datasets).toHaveLength(core.length); // the others, and the front
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
    expect(ws.errors).toEqual([]);
  } finally {
    await ws.close();
  }
});

test('in a sweep each strategy traces a path on the plane, labelled by the swept value', async ({ page }) => {
  await page.setViewportSize({ width: 1024, height: 700 });
  const ws = workspace(page);
  try {
    // Nine points: S0 and S1 sit on one spot at every one of them, S3's and S4's crowd a column.
    const vcpus = [1, 2, 4, 8, 16, 32, 64, 128, 256];
    await seed(ws.dbPath, [{ name: 'plane sweep', vcpus }]);
    await open(page, ws);
    await expect(page.getByTestId('result-title')).toContainText('plane sweep');
    const shown = await described<PlaneShown>(page, 'plane-data', 'data-plane');
    const s2 = shown.points.filter((p) => p.strategy === 'S2');
    expect(s2.map((p) => p.value).sort()).toEqual(vcpus.map(String).sort());
    expect(s2.filter((p) => p.here)).toHaveLength(1);
    for (const v of vcpus) {
      const r = runAnalytic(setParameter(base('plane sweep'), 'vm.vcpus', v)).strategies.find(
        (q) => q.strategy === 'S2',
      )!;
      expect(s2.find((p) => p.value === String(v))!.cost).toBeCloseTo(r.metrics['cost.overheadPct']!.mean, 9);
    }
    const drawn = await chartOf(page, 'tradeoff-chart');
    const path = drawn.datasets.find((d) => d.label.startsWith('S2'))!;
    expect((path.data as { value: string }[]).map((p) => p.value)).toEqual(vcpus.map(String));
    // The values' labels as drawn: none on another; a path's points on one spot share one label,
    // a range ("1–256"); the point shown is labelled.
    const { labels, markers } = await page
      .getByTestId('tradeoff-chart')
      .locator('canvas')
      .evaluate((c) => {
        const canvas = c as HTMLCanvasElement & {
          gmemlabLabels: { text: string; x: number; y: number; anchor: string }[];
          gmemlabChart: import('chart.js').Chart;
        };
        const ctx = document.createElement('canvas').getContext('2d')!;
        ctx.font = '10px sans-serif';
        const ch = canvas.gmemlabChart;
        const markers = ch.data.datasets.flatMap((d, i) =>
          (d.data as { value?: string }[]).flatMap((p, j) => {
            const el = ch.getDatasetMeta(i).data[j];
            return p.value === undefined || el === undefined ? [] : [{ value: p.value, x: el.x, y: el.y }];
          }),
        );
        return { labels: canvas.gmemlabLabels.map((l) => ({ ...l, w: ctx.measureText(l.text).width })), markers };
      });
    const boxes = labels.map((l) => {
      const left = l.anchor === 'start' ? l.x : l.x - l.w;
      return { text: l.text, left, right: left + l.w, top: l.y - 10, bottom: l.y };
    });
    for (const [i, a] of boxes.entries())
      for (const b of boxes.slice(i + 1))
        expect(
          a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom,
          `${a.text} over ${b.text}`,
        ).toBe(false);
    expect(labels.filter((l) => l.text === '1–256').length).toBeGreaterThanOrEqual(1);
    // Hovering S0's spot (all nine points on it): a line per strategy there, not one per point.
    const canvas = page.getByTestId('tradeoff-chart').locator('canvas');
    const s0 = await canvas.evaluate((c) => {
      const ch = (c as HTMLCanvasElement & { gmemlabChart: import('chart.js').Chart }).gmemlabChart;
      const i = ch.data.datasets.findIndex((d) => String(d.label).startsWith('S0'));
      const el = ch.getDatasetMeta(i).data[0]!;
      return { x: el.x, y: el.y };
    });
    const box = (await canvas.boundingBox())!;
    await page.mouse.move(box.x + s0.x, box.y + s0.y);
    const tooltip = () =>
      canvas.evaluate((c) => {
        const ch = (c as HTMLCanvasElement & { gmemlabChart: import('chart.js').Chart }).gmemlabChart;
        return (ch.tooltip?.body ?? []).flatMap((b) => b.lines);
      });
    await expect.poll(async () => (await tooltip()).length).toBeGreaterThan(0);
    const lines = await tooltip();
    const strategiesThere = new Set(lines.map((l) => l.split(':')[0]!.split(' at ')[0]));
    expect(lines.length).toBe(strategiesThere.size);
    expect(lines.length).toBeLessThan(vcpus.length);
    const here = String(s2.find((p) => p.here)!.value);
    expect(labels.some((l) => l.text === here)).toBe(true);
    for (const l of labels) expect(l.text).toMatch(/^\d+((–|, )\d+)*(, …)?$/);
    // Each label sits nearest a point it names: a range names every value between its ends.
    const names = (text: string, value: string): boolean => {
      const [a, b] = text.split('–');
      if (b !== undefined) return Number(value) >= Number(a) && Number(value) <= Number(b);
      return text.split(', ').includes(value);
    };
    for (const [i, l] of labels.entries()) {
      const box = boxes[i]!;
      const d = (m: { x: number; y: number }) =>
        Math.hypot(Math.max(box.left - m.x, 0, m.x - box.right), Math.max(box.top - m.y, 0, m.y - box.bottom));
      const nearest = markers.reduce((best, m) => (d(m) < d(best) ? m : best));
      expect(names(l.text, nearest.value), `"${l.text}" is nearest the point of ${nearest.value}`).toBe(true);
    }
    expect(ws.errors).toEqual([]);
  } finally {
    await ws.close();
  }
});

test('where the cycles go: stacks by component and by touchpoint that sum to the total, the slowdown past 100%', async ({
  page,
}) => {
  await page.setViewportSize({ width: 1024, height: 700 });
  const ws = workspace(page);
  try {
    // At 100,000 MMIO exits/s S2 costs more than a vCPU: the guest slows down (flag overloaded).
    const mmio = 'workload.touchpoints.mmio.ratePerSec';
    await seed(ws.dbPath, [{ name: 'cycles', vcpus: [8, 16], second: { path: mmio, values: [100_000] } }]);
    const core = runAnalytic(setParameter(setParameter(base('cycles'), 'vm.vcpus', 8), mmio, 100_000)).strategies;
    await open(page, ws);
    await expect(page.getByTestId('result-title')).toContainText('cycles');
    await page.getByTestId('result-tab-cycles').click();
    // Shares by default (and said so) when the totals span two decades, cycles/s otherwise; a switch either way.
    const auto = spansDecades(core.map((r) => r.metrics['cost.cyclesPerSecHost']!.mean)) ? 'share' : 'cycles';
    await expect(page.getByTestId('breakdown-data')).toHaveAttribute('data-breakdown', new RegExp(`"scale":"${auto}"`));
    await expect(page.getByTestId('breakdown-auto')).toHaveCount(auto === 'share' ? 1 : 0);
    await page.getByTestId('breakdown-scale').selectOption('cycles');
    await expect(page.getByTestId('breakdown-auto')).toHaveCount(0);
    const sums = (d: Drawn): number[] =>
      d.labels.map((_, i) => d.datasets.reduce((a, ds) => a + Number(ds.data[i] ?? 0), 0));
    const strategyOf = (label: unknown): string => (label as string[])[0]!.replace(' ⚠', '');

    for (const by of ['component', 'touchpoint'] as const) {
      await page.getByTestId('breakdown-by').selectOption(by);
      await expect(page.getByTestId('breakdown-data')).toHaveAttribute('data-breakdown', new RegExp(`"by":"${by}"`));
      const drawn = await chartOf(page, 'breakdown-chart');
      expect(drawn.title).toContain(`by ${by}`);
      const totals = sums(drawn);
      drawn.labels.forEach((label, i) => {
        const r = core.find((q) => q.strategy === strategyOf(label))!;
        const total = r.metrics['cost.cyclesPerSecHost']!.mean;
        expect(totals[i]).toBeCloseTo(total, -Math.floor(Math.log10(Math.max(total, 1))) + 6);
      });
      if (by === 'component') {
        const s2 = core.find((q) => q.strategy === 'S2')!;
        const flush = Object.entries(s2.breakdown!)
          .filter(([k]) => k.endsWith('.initiatorFlush'))
          .reduce((a, [, v]) => a + v, 0);
        const i = drawn.labels.findIndex((l) => strategyOf(l) === 'S2');
        expect(Number(drawn.datasets.find((d) => d.label === 'initiator flush')!.data[i])).toBeCloseTo(flush, 0);
      }
    }
    // Past 100% overhead: the slowdown factor, and the flag.
    const s2 = core.find((q) => q.strategy === 'S2')!;
    expect(s2.metrics['cost.overheadPct']!.mean).toBeGreaterThan(100);
    const rows = (
      await described<{ rows: { strategy: string; cost: string; flags: string[] }[] }>(
        page,
        'breakdown-data',
        'data-breakdown',
      )
    ).rows;
    const row = rows.find((r) => r.strategy === 'S2')!;
    // The slowdown factor as every view writes it (format.ts: formatValue's digits).
    expect(row.cost).toBe(`×${formatValue(s2.metrics['cost.slowdownFactor']!.mean)} slower`);
    expect(row.flags).toContain('overloaded');
    const drawn = await chartOf(page, 'breakdown-chart');
    const label = drawn.labels.find((l) => strategyOf(l) === 'S2') as string[];
    expect(label[0]).toBe('S2 ⚠');
    expect(label.at(-1)).toBe(row.cost);
    // Below 100%, under a bar of host cycles: its own share of the host's cycles, then a vCPU's
    // overhead, each named, each the run's figure to two digits.
    const cheap = core.find(
      (q) => q.metrics['cost.overheadPct']!.mean < 100 && q.metrics['cost.overheadPct']!.mean > 0,
    )!;
    const cheapLabel = drawn.labels.find((l) => strategyOf(l) === cheap.strategy) as string[];
    const [hostLine, vcpuLine] = cheapLabel.slice(-2);
    const figure = (line: string | undefined, name: string): number =>
      Number(new RegExp(`^${name} \\+([\\d.e-]+)%$`).exec(line ?? '')?.[1] ?? Number.NaN);
    expect(figure(hostLine, 'host')).toBeCloseTo(cheap.metrics['cost.hostOverheadPct']!.mean, 1);
    const vcpu = cheap.metrics['cost.overheadPct']!.mean;
    expect(Math.abs(figure(vcpuLine, 'vCPU') - vcpu)).toBeLessThanOrEqual(0.05 * vcpu);

    await page.getByTestId('breakdown-by').selectOption('component');
    await page.getByTestId('breakdown-scale').selectOption('share');
    await expect(page.getByTestId('breakdown-data')).toHaveAttribute('data-breakdown', /"scale":"share"/);
    const share = await chartOf(page, 'breakdown-chart');
    sums(share).forEach((t, i) => {
      const r = core.find((q) => q.strategy === strategyOf(share.labels[i]))!;
      if (r.metrics['cost.cyclesPerSecHost']!.mean > 0) expect(t).toBeCloseTo(100, 6);
    });
    await screenshot(page, 'view-cycles');
    expect(ws.errors).toEqual([]);
  } finally {
    await ws.close();
  }
});

test("sensitivity: the tornado of the chosen strategy, estimates marked, and the ranking's one-line answer", async ({
  page,
}) => {
  await page.setViewportSize({ width: 1024, height: 700 });
  const ws = workspace(page);
  try {
    await seed(ws.dbPath, [{ name: 'sensitive', vcpus: [8] }]);
    const scenario = setParameter(base('sensitive'), 'vm.vcpus', 8);
    const core = sensitivity(scenario, { metric: 'cost.overheadPct', samples: 200 });
    await open(page, ws);
    await expect(page.getByTestId('result-title')).toContainText('sensitive');
    await page.getByTestId('result-tab-sensitivity').click();
    await expect(page.getByTestId('sensitivity-answer')).toContainText(core.ranking.summary);
    // The costliest strategy first: S2 here.
    await expect(page.getByTestId('sensitivity-strategy')).toHaveValue('S2');
    await page.getByTestId('sensitivity-strategy').selectOption('S5');
    await expect(page.getByTestId('sensitivity-data')).toHaveAttribute('data-sensitivity', /"strategy":"S5"/);
    const drawn = await chartOf(page, 'tornado-chart');
    const mine = core.bars
      .map((b) => ({ ...b, own: Math.abs((b.atHigh.S5 ?? 0) - (b.atLow.S5 ?? 0)) }))
      .filter((b) => b.own > 0)
      .sort((a, b) => b.own - a.own)
      .slice(0, 12);
    expect(drawn.labels).toHaveLength(mine.length);
    mine.forEach((b, i) => {
      const label = (drawn.labels[i] as string[]).join(' ');
      expect(label).toContain(b.label);
      expect(label.startsWith('≈ ')).toBe(b.class === 'estimate');
      const [, low] = drawn.datasets[0]!.data[i] as [number, number];
      const [from, high] = drawn.datasets[1]!.data[i] as [number, number];
      expect(from).toBeCloseTo(core.base.S5!, 12);
      expect(low).toBeCloseTo(b.atLow.S5!, 12);
      expect(high).toBeCloseTo(b.atHigh.S5!, 12);
    });
    expect(drawn.title).not.toContain('analytic model');
    await screenshot(page, 'view-sensitivity');
    expect(ws.errors).toEqual([]);
  } finally {
    await ws.close();
  }
});

test('a simulator result: breakdown and sensitivity say they come from the analytic model', async ({ page }) => {
  await page.setViewportSize({ width: 1024, height: 700 });
  const ws = workspace(page);
  try {
    // A real, short simulation, saved the way the runner saves it.
    let scenario = setParameter(base('simulated'), 'simulation.method', 'des');
    scenario = setParameter(scenario, 'simulation.durationSec', 0.05);
    scenario = { ...scenario, simulation: { ...scenario.simulation, seeds: [1] } };
    const out = runDes(scenario);
    const plan = runPlan(scenario);
    const store = await Store.open(ws.dbPath);
    try {
      const { experimentId, runIds } = await store.createExperiment({
        name: 'simulated',
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
    await open(page, ws);
    await expect(page.getByTestId('result-title')).toContainText('des', { timeout: 30_000 });
    await page.getByTestId('result-tab-sensitivity').click();
    await expect(page.getByTestId('sensitivity-method')).toContainText('analytic model');
    expect((await chartOf(page, 'tornado-chart')).title).toContain('computed with the analytic model');
    const shown = await described<{ method: string; runMethod: string }>(page, 'sensitivity-data', 'data-sensitivity');
    expect(shown).toMatchObject({ method: 'analytic', runMethod: 'des' });
    await page.getByTestId('result-tab-cycles').click();
    const title = (await chartOf(page, 'breakdown-chart')).title;
    // The store keeps no breakdown on this branch: the formulas' one, said so. Once it does, the
    // simulator's own is shown and no note is needed.
    const note = page.getByTestId('breakdown-method');
    if ((await note.count()) > 0) expect(title).toContain('computed with the analytic model');
    else expect(title).not.toContain('analytic model');
    expect(ws.errors).toEqual([]);
  } finally {
    await ws.close();
  }
});
