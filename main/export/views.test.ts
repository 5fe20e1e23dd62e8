// The views of a result as files (issue 17): the trade-off plane, where the cycles go and the
// sensitivity tornado, each as SVG (parsed: its text runs, shapes and metadata), PNG from the same
// drawing, and CSV of exactly what is drawn; hidden strategies left out, the view's axes and
// theme honoured, and bad view fields refused with the field named. Experiments are recorded in
// a real SQLite store from the core's own results (main/store/testing.ts).
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  COST_COMPONENTS,
  PRESETS,
  runAnalytic,
  runPlan,
  setParameter,
  STRATEGY_IDS,
  type Scenario,
  type SweepDefinition,
} from '../../common/core/index.ts';
import type { ExperimentDetail, ExportView } from '../../common/contract/index.ts';
import { Store } from '../store/store.ts';
import { recordExperiment, tempDir } from '../store/testing.ts';
import type { BuildInfo } from './build-info.ts';
import { exportExperiment, viewChart } from './index.ts';
import { frontOf, planeOf } from './plane.ts';
import { breakdownAt } from './cycles.ts';
import { experimentText } from './text.ts';
import { sensitivityAt } from './tornado.ts';
import { ExportError, resolveView } from './view.ts';
import { bestHeatmap, cellRuns, heatmapTable, metricHeatmap } from '../../common/analysis/heatmap.ts';
import { formatValue, slowdownWord } from '../../common/analysis/format.ts';
import { HEAT_COLOUR, mixHex } from '../../common/analysis/palette.ts';
import { exportShadePercent } from './heatmap.ts';

const BUILD: BuildInfo = { version: '0.1.0', commit: '0123456789ab' };
const VCPUS = [1, 8, 64];
let dir: ReturnType<typeof tempDir>;
let store: Store;
let sweep: ExperimentDetail;
let single: ExperimentDetail;

beforeAll(async () => {
  dir = tempDir('gmemlab-views-');
  store = await Store.open(join(dir.dir, 'gmemlab.sqlite'));
  const scenario: Scenario = PRESETS[0]!.scenario;
  sweep = (await store.getExperiment(
    (await recordExperiment(store, { name: 'plane sweep', scenario, vcpus: VCPUS })).experimentId,
  ))!;
  single = (await store.getExperiment((await recordExperiment(store, { name: 'one point', scenario })).experimentId))!;
});
afterAll(async () => {
  await store.close();
  dir.cleanup();
});

const unescape = (t: string): string =>
  t
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');

/** The SVG of a view, taken apart: its text runs, metadata, and shapes by kind. */
async function svgOf(detail: ExperimentDetail, view: ExportView) {
  const file = await exportExperiment(detail, 'svg', 'cost.overheadPct', view, BUILD);
  const svg = file.body as string;
  expect(svg).toMatch(/^<\?xml[^>]*\?>\n<svg /);
  return {
    svg,
    filename: file.filename,
    texts: [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => unescape(m[1]!)),
    metadata: JSON.parse(
      /<metadata id="gmemlab-view">([^<]*)<\/metadata>/
        .exec(svg)![1]!
        .replace(/&quot;/g, '"')
        .replace(/&amp;/g, '&'),
    ) as Record<string, unknown>,
    rings: svg.match(/<circle /g)?.length ?? 0,
  };
}
const csvOf = async (detail: ExperimentDetail, view: ExportView): Promise<string[][]> =>
  ((await exportExperiment(detail, 'csv', 'cost.overheadPct', view, BUILD)).body as string)
    .trimEnd()
    .split('\n')
    .map(csvFields);

/** The fields of one CSV line (quoted fields may hold commas and doubled quotes). */
function csvFields(line: string): string[] {
  return [...line.matchAll(/(?:^|,)("(?:[^"]|"")*"|[^,]*)/g)].map((m) =>
    m[1]!.startsWith('"') ? m[1]!.slice(1, -1).replace(/""/g, '"') : m[1]!,
  );
}

/** A 2-D sweep (vm.vcpus x vm.placement) of the second preset, recorded from the core's results. */
async function record2d(): Promise<ExperimentDetail> {
  const scenario = PRESETS[1]!.scenario;
  const sweep2: SweepDefinition = {
    parameters: [
      { path: 'vm.vcpus', values: [1, 8, 64] },
      { path: 'vm.placement', values: ['pinned', 'shared'] },
    ],
  };
  const points = sweep2.parameters[0]!.values.flatMap((v) =>
    sweep2.parameters[1]!.values.map((w) => ({ 'vm.vcpus': v, 'vm.placement': w })),
  );
  const plan = runPlan(scenario);
  const { experimentId, runIds } = await store.createExperiment({
    name: '2-D',
    kind: 'sweep',
    method: plan.method,
    scenario,
    sweep: sweep2,
    runs: points.flatMap((point) => plan.strategies.map((strategy) => ({ strategy, point, seeds: plan.seeds }))),
  });
  let i = 0;
  for (const point of points) {
    let at = scenario;
    for (const [path, value] of Object.entries(point)) at = setParameter(at, path, value);
    const output = runAnalytic(at);
    await store.saveRunResults(
      plan.strategies.map((strategy) => ({
        runId: runIds[i++]!,
        modelVersion: output.modelVersion,
        costTable: output.costTable,
        result: output.strategies.find((r) => r.strategy === strategy)!,
      })),
    );
  }
  await store.setExperimentStatus(experimentId, 'done');
  return (await store.getExperiment(experimentId))!;
}

describe('trade-off plane export', () => {
  it('draws the lanes, the Pareto front and each strategy path labelled by the swept value', async () => {
    const view: ExportView = { chart: 'tradeoff', point: { 'vm.vcpus': 8 }, x: 'vm.vcpus' };
    const { texts, metadata, rings, filename } = await svgOf(sweep, view);
    expect(filename).toMatch(/-tradeoff\.svg$/);
    const resolved = resolveView(sweep, 'cost.overheadPct', view);
    const { drawn, front } = planeOf(sweep, resolved);
    // Every strategy at every vCPU count, one marker each; the front judged at 8 vCPUs.
    expect(drawn).toHaveLength(STRATEGY_IDS.length * VCPUS.length);
    expect(front.size).toBeGreaterThan(0);
    expect(rings).toBe(front.size);
    expect(metadata).toMatchObject({
      chart: 'tradeoff',
      cost: 'cost.overheadPct',
      exposure: 'exposure.kernel.fraction',
      context: 'kernel',
      x: 'vm.vcpus',
      logX: true,
      logY: true,
      hidden: [],
    });
    expect(metadata['front']).toEqual(
      drawn
        .filter((p) => p.here && p.onFront)
        .sort((a, b) => a.x - b.x || a.y - b.y)
        .map((p) => p.strategy),
    );
    // The lanes are named as places, not values; the paths carry the swept values.
    expect(texts).toContain('no extra cost');
    expect(texts).toContain('never exposed');
    expect(texts.flatMap((t) => t.split(', '))).toEqual(expect.arrayContaining(VCPUS.map(String)));
    expect(texts).toContain('Pareto front (ringed)');
    expect(texts.some((t) => t.startsWith('vCPU overhead') && t.endsWith('log scale)'))).toBe(true);
    // S0 costs nothing: its markers sit on the "none" lane.
    expect(drawn.filter((p) => p.strategy === 'S0').every((p) => p.costLane === 'none')).toBe(true);
  });

  it('writes one CSV row per marker drawn, and leaves hidden strategies out of every file', async () => {
    const shown = STRATEGY_IDS.filter((s) => s !== 'S2' && s !== 'S4');
    const view: ExportView = { chart: 'tradeoff', x: 'vm.vcpus', strategies: [...shown], theme: 'dark' };
    const [header, ...rows] = await csvOf(sweep, view);
    expect(header).toEqual([
      'strategy',
      'vm.vcpus',
      'cost.overheadPct',
      'exposure.kernel.fraction',
      'exposure.kernel.state',
      'cost lane',
      'exposure lane',
      'at point',
      'pareto front',
      'flags',
    ]);
    expect(rows).toHaveLength(shown.length * VCPUS.length);
    expect(rows.some((r) => r[0] === 'S2' || r[0] === 'S4')).toBe(false);
    for (const run of sweep.runs.filter((r) => (shown as string[]).includes(r.strategy)))
      expect(rows).toContainEqual(
        expect.arrayContaining([
          run.strategy,
          String(run.point['vm.vcpus']),
          String(run.metrics['cost.overheadPct']!.mean),
        ]),
      );
    const { texts, metadata, svg } = await svgOf(sweep, view);
    expect(metadata).toMatchObject({ hidden: ['S2', 'S4'], strategies: shown, theme: 'dark' });
    expect(texts.some((t) => t.startsWith('S2 ') || t.startsWith('S4 '))).toBe(false);
    expect(texts.join(' ')).toContain('Not drawn: S2, S4.');
    expect(svg).toContain('fill="#1d1f21"');
  });

  it('rings the flagged figures with a "!", and never puts one unfit to quote on the front', async () => {
    // 128 pinned vCPUs on the preset's 64 host CPUs: every strategy's set-up is infeasible there.
    const overfull = (await store.getExperiment(
      (await recordExperiment(store, { name: 'overfull', scenario: PRESETS[0]!.scenario, vcpus: [8, 128] }))
        .experimentId,
    ))!;
    const at128: ExportView = { chart: 'tradeoff', point: { 'vm.vcpus': 128 }, x: 'vm.vcpus' };
    const resolved = resolveView(overfull, 'cost.overheadPct', at128);
    const { drawn, front } = planeOf(overfull, resolved);
    const flagged = drawn.filter((p) => p.flags.length > 0);
    expect(flagged.map((p) => p.strategy).sort()).toEqual([...STRATEGY_IDS].sort());
    expect(flagged.every((p) => p.run.point['vm.vcpus'] === 128 && p.flags.includes('infeasible'))).toBe(true);
    expect(front.size).toBe(0);
    const { texts, rings, metadata } = await svgOf(overfull, at128);
    expect(metadata['front']).toEqual([]);
    // A ring and a "!" on each flagged marker, and the legend's sample ring.
    expect(texts.filter((t) => t === '!')).toHaveLength(STRATEGY_IDS.length);
    expect(rings).toBe(STRATEGY_IDS.length + 1);
    const caption = texts.join(' ');
    expect(caption).toContain(
      `at vm.vcpus = 128, ${STRATEGY_IDS.join(', ')} (infeasible) (the CSV names each point's flags).`,
    );
    // No front, said as such, and no legend entry for one.
    expect(caption).toContain(
      'No Pareto front at vm.vcpus = 128: every strategy shown there is flagged as unfit to quote.',
    );
    expect(caption).not.toContain('Ringed and joined by the dashed line');
    expect(texts).not.toContain('Pareto front (ringed)');
    // With no front at all, that sentence says it once.
    expect(caption).not.toContain('Never on the front');
    const [header, ...rows] = await csvOf(overfull, at128);
    const flagsColumn = header!.indexOf('flags');
    for (const row of rows) expect(row[flagsColumn]).toBe(row[1] === '128' ? 'infeasible' : '');
    // At 8 vCPUs nothing is flagged: the front is there, and no flag line.
    const at8 = await svgOf(overfull, { ...at128, point: { 'vm.vcpus': 8 } });
    expect((at8.metadata['front'] as string[]).length).toBeGreaterThan(0);
    expect(at8.texts.join(' ')).not.toContain('Never on the front');
    // At 8 vCPUs the flags are elsewhere on the paths: said so, and the point shown carries none.
    expect(at8.texts.join(' ')).toContain(`: on the paths of ${STRATEGY_IDS.join(', ')} (the CSV names`);
    // The mail says it under the front, which is empty here.
    const mail = experimentText(overfull, { metric: 'cost.overheadPct', view: at128, build: BUILD });
    expect(mail.replace(/\s+/g, ' ')).toContain(
      `every strategy is flagged as unfit to quote: ${STRATEGY_IDS.join(', ')} (infeasible).`,
    );
    expect(mail).not.toContain('Pareto front at this point,');
    // The ranking of strategies none of which can run says so.
    expect(mail.replace(/\s+/g, ' ')).toContain(
      `${STRATEGY_IDS.join(', ')} are flagged as unfit to quote here: their places in the ranking mean little.`,
    );
  });

  it('takes the cost metric, the context and the longest window from the view', async () => {
    const resolved = resolveView(single, 'cost.overheadPct', {
      chart: 'tradeoff',
      cost: 'cost.cyclesPerSecHost',
      context: 'vmm',
      measure: 'longestWindowUs',
    });
    const { metadata, texts } = await svgOf(single, {
      chart: 'tradeoff',
      cost: 'cost.cyclesPerSecHost',
      context: 'vmm',
      measure: 'longestWindowUs',
    });
    expect(metadata).toMatchObject({
      cost: 'cost.cyclesPerSecHost',
      exposure: 'exposure.vmm.longestWindowUs',
      x: null,
    });
    expect(texts).toContain('longest window (us) (log scale)');
    expect(frontOf(single, resolved).lines.length).toBeGreaterThan(0);
  });

  it('in a 2-D sweep, follows the x parameter through the point, at its other value', async () => {
    const plan = runPlan(PRESETS[1]!.scenario);
    const detail = await record2d();
    const view: ExportView = { chart: 'tradeoff', x: 'vm.vcpus', point: { 'vm.vcpus': 8, 'vm.placement': 'shared' } };
    const { drawn } = planeOf(detail, resolveView(detail, 'cost.overheadPct', view));
    expect(drawn).toHaveLength(plan.strategies.length * 3);
    expect(drawn.every((p) => p.run.point['vm.placement'] === 'shared')).toBe(true);
    expect(drawn.filter((p) => p.here).map((p) => p.run.point['vm.vcpus'])).toEqual(plan.strategies.map(() => 8));
    const { texts } = await svgOf(detail, view);
    expect(texts.join(' ')).toContain('At vm.placement = shared;');
  });

  it('refuses a context, a cost metric or a strategy the experiment lacks, naming the field', () => {
    expect(() => resolveView(single, 'cost.overheadPct', { context: 'kernal' })).toThrow(
      /view\.context: "kernal" is not an attacker context of this experiment; did you mean kernel\?/,
    );
    expect(() => resolveView(single, 'cost.overheadPct', { cost: 'exposure.kernel.fraction' })).toThrow(ExportError);
    expect(() => resolveView(single, 'cost.overheadPct', { cost: 'exposure.kernel.fraction' })).toThrow(
      /view\.cost: .* is not a cost metric/,
    );
    expect(() => resolveView(single, 'cost.overheadPct', { strategy: 'S9' })).toThrow(/view\.strategy: "S9"/);
  });
});

describe('where the cycles go export', () => {
  it('stacks each strategy by component, summing to its total, with the cost over each stack', async () => {
    const view: ExportView = { chart: 'cycles', share: false };
    const resolved = resolveView(single, 'cost.overheadPct', view);
    const { rows } = breakdownAt(single, resolved);
    for (const r of rows) {
      const run = single.runs.find((x) => x.strategy === r.strategy)!;
      const host = run.metrics['cost.cyclesPerSecHost']!.mean;
      expect(r.total).toBeCloseTo(host, Math.max(0, 6 - Math.ceil(Math.log10(Math.max(host, 1)))));
      expect(Object.keys(r.parts).every((k) => (COST_COMPONENTS as readonly string[]).includes(k))).toBe(true);
    }
    const [header, ...csv] = await csvOf(single, view);
    expect(header).toEqual(['strategy', 'component', 'cycles/s', 'share of total', 'total cycles/s']);
    // One row per segment drawn; the segments of a strategy add up to its total.
    expect(csv).toHaveLength(rows.reduce((n, r) => n + Object.values(r.parts).filter((v) => v > 0).length, 0));
    for (const r of rows) {
      const sum = csv.filter((c) => c[0] === r.strategy).reduce((a, c) => a + Number(c[2]), 0);
      expect(sum).toBeCloseTo(r.total, 0);
    }
    const { texts, metadata, svg } = await svgOf(single, view);
    expect(metadata).toMatchObject({ chart: 'cycles', by: 'component', share: false });
    expect(texts).toContain('extra cycles/s, whole host');
    // Over each stack of host cycles, its own share of the host's cycles, then a vCPU's overhead,
    // each named: the figures of each run.
    // Two lines over each stack, drawn one after the other: "host +X%", then "vCPU +Y%".
    const ticks = texts.flatMap((t, i) => {
      const host = /^host \+([0-9.e-]+)%$/.exec(t);
      const vcpu = /^vCPU \+([0-9.e-]+)%$/.exec(texts[i + 1] ?? '');
      return host === null || vcpu === null ? [] : [[Number(host[1]), Number(vcpu[1])] as const];
    });
    const near = (shown: number, exact: number): boolean => Math.abs(shown - exact) <= 0.05 * Math.abs(exact);
    for (const r of rows) {
      const run = single.runs.find((x) => x.strategy === r.strategy)!;
      const [host, vcpu] = [run.metrics['cost.hostOverheadPct']!.mean, run.metrics['cost.overheadPct']!.mean];
      if (vcpu >= 100) continue;
      expect(
        ticks.some(([h, v]) => near(h, host) && near(v, vcpu)),
        `${r.strategy}: host ${host}, vCPU ${vcpu}`,
      ).toBe(true);
    }
    expect(texts.some((t) => /^\+[0-9.e-]+%$/.test(t))).toBe(false);
    expect(svg.match(/<rect /g)!.length).toBeGreaterThan(csv.length);
  });

  it('says the slowdown factor past 100% overhead, and groups by touchpoint when asked', async () => {
    const heavy = (await store.getExperiment(
      (
        await recordExperiment(store, {
          name: 'heavy',
          // S2 at 64 vCPUs of MMIO-heavy emulation: 667% overhead, the guest several times slower.
          scenario: PRESETS.find((p) => p.id === 'mmio-heavy-legacy')!.scenario,
          vcpus: [64],
        })
      ).experimentId,
    ))!;
    const resolved = resolveView(heavy, 'cost.overheadPct', { chart: 'cycles', by: 'touchpoint' });
    const { rows } = breakdownAt(heavy, resolved);
    const { texts } = await svgOf(heavy, { chart: 'cycles', by: 'touchpoint' });
    const slow = rows.filter((x) => (x.overheadPct ?? 0) >= 100);
    expect(slow.length).toBeGreaterThan(0);
    for (const r of slow) expect(texts).toContain(`×${formatValue(r.slowdown!)} slower`);
    const [header] = await csvOf(heavy, { chart: 'cycles', by: 'touchpoint' });
    expect(header![1]).toBe('touchpoint');
  });
});

describe('sensitivity export', () => {
  it('draws the chosen strategy’s tornado from its base, with the ranking’s one-line answer', async () => {
    const view: ExportView = { chart: 'sensitivity', strategy: 'S2' };
    const analysis = sensitivityAt(single, resolveView(single, 'cost.overheadPct', view));
    const { texts, metadata } = await svgOf(single, view);
    expect(metadata).toMatchObject({ chart: 'sensitivity', strategy: 'S2', method: 'analytic', runMethod: 'analytic' });
    expect(texts.join(' ')).toContain(analysis.ranking.summary.slice(0, 40));
    expect(texts.join(' ')).toContain('Computed with the analytic model');
    expect(texts.some((t) => t.startsWith('base '))).toBe(true);
    const [header, ...rows] = await csvOf(single, view);
    expect(header!.slice(0, 3)).toEqual(['entry', 'label', 'class']);
    expect(rows.length).toBe((metadata['entries'] as string[]).length);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r[6] === 'S2')).toBe(true);
  });

  it('picks by default the costliest strategy fit to quote, and says so in the caption when the one drawn is flagged', async () => {
    // Flag the costliest strategy at the point as overloaded: the default passes it over.
    const here = resolveView(single, 'cost.overheadPct', { chart: 'sensitivity' });
    const byCost = [...here.runs].sort(
      (a, b) => b.metrics['cost.overheadPct']!.mean - a.metrics['cost.overheadPct']!.mean,
    );
    const [top, next] = [byCost[0]!, byCost[1]!];
    const flagged: ExperimentDetail = {
      ...single,
      runs: single.runs.map((r) =>
        r.id === top.id ? { ...r, flags: [{ code: 'overloaded', message: 'the work is 151% of a vCPU' }] } : r,
      ),
    };
    const byDefault = viewChart(flagged, resolveView(flagged, 'cost.overheadPct', { chart: 'sensitivity' }), BUILD);
    expect(byDefault.spec.metadata).toMatchObject({ strategy: next.strategy });
    expect(byDefault.spec.caption.join(' ')).not.toContain('is flagged here');
    // Asked for, it is drawn, and the caption warns.
    const asked = viewChart(
      flagged,
      resolveView(flagged, 'cost.overheadPct', { chart: 'sensitivity', strategy: top.strategy }),
      BUILD,
    );
    expect(asked.spec.caption.join(' ')).toContain(
      `${top.strategy} is flagged here (overloaded): read its bars with care; its figures are not fit to quote as they are.`,
    );
    // The CSV says its figures are the formulas'.
    expect(asked.csv.split('\n')[0]).toContain('cost.overheadPct base (formulas)');
  });

  it('says so when the result came from the simulator', async () => {
    const des: ExperimentDetail = { ...single, method: 'des' };
    const resolved = resolveView(des, 'cost.overheadPct', { chart: 'sensitivity' });
    const chart = viewChart(des, resolved, BUILD);
    expect(chart.spec.caption.join(' ')).toContain('this result comes from the discrete-event simulator');
  });
});

describe('every view as a PNG', () => {
  it('paints the same drawing at the scale asked for', async () => {
    for (const chart of ['tradeoff', 'cycles', 'sensitivity'] as const) {
      const png = (await exportExperiment(sweep, 'png', 'cost.overheadPct', { chart, scale: 1 }, BUILD)).body as Buffer;
      expect(png.subarray(1, 4).toString()).toBe('PNG');
      expect(png.readUInt32BE(16)).toBe(1000);
    }
  });
});

describe('heatmap export', () => {
  it("draws one strategy's metric in every cell of a 2-D sweep, the CSV the same grid as the window's table", async () => {
    const detail = await record2d();
    const view: ExportView = { chart: 'heatmap', x: 'vm.vcpus' };
    const map = metricHeatmap(
      detail.runs.filter((r) => r.status === 'done'),
      { xPath: 'vm.vcpus', yPath: 'vm.placement', strategy: 'S2', metric: 'cost.overheadPct' },
    );
    const { texts, metadata, filename, svg } = await svgOf(detail, view);
    expect(filename).toMatch(/-heatmap\.svg$/);
    expect(metadata).toMatchObject({
      chart: 'heatmap',
      mode: 'metric',
      strategy: 'S2',
      x: 'vm.vcpus',
      y: 'vm.placement',
    });
    // Every cell says what the window's cell says: the overhead with its unit, past 100% how many
    // times slower the guest runs, and "!" where the model flagged the run. The axes name every value.
    const done = detail.runs.filter((r) => r.status === 'done');
    const labels = map.y.values.flatMap((yv, i) =>
      map.x.values.map((xv, j) => {
        const run = done.find(
          (r) => r.strategy === 'S2' && r.point['vm.vcpus'] === xv && r.point['vm.placement'] === yv,
        )!;
        const v = map.cells[i]![j]!.value;
        const text = v >= 100 ? slowdownWord(run.metrics['cost.slowdownFactor']!.mean) : `${formatValue(v)} %`;
        return (run.flags?.length ?? 0) > 0 ? `${text} !` : text;
      }),
    );
    expect(labels).toHaveLength(6);
    for (const l of labels) expect(texts).toContain(l);
    expect(labels.some((l) => l.endsWith(' !'))).toBe(true);
    // The axes and the title name the parameters as the window does, not by their paths.
    expect(texts).toEqual(expect.arrayContaining(['1', '8', '64', 'pinned', 'shared', 'VM: vCPUs', 'VM: Placement']));
    expect(texts.join(' ')).not.toContain('vm.vcpus');
    // The legend names the fifths in words, each in the window's hue over the background, stronger
    // for higher figures.
    const legend = [...svg.matchAll(/fill="(#[0-9a-f]{6})"[^>]*\/>\s*<text[^>]*>(\w+) fifth</g)].map((m) => [
      m[2],
      m[1],
    ]);
    expect(legend.map(([name]) => name)).toEqual(
      ['lowest', 'second', 'third', 'fourth', 'highest'].filter((n) => legend.some(([m]) => m === n)),
    );
    for (const [name, colour] of legend) {
      const k = ['lowest', 'second', 'third', 'fourth', 'highest'].indexOf(name!);
      expect(colour).toBe(mixHex(HEAT_COLOUR, '#ffffff', exportShadePercent(k)));
    }
    expect(legend.length).toBeGreaterThan(1);
    const csv = await csvOf(detail, view);
    expect(csv).toEqual(
      heatmapTable(
        map,
        cellRuns(
          detail.runs.filter((r) => r.status === 'done'),
          map,
        ),
      ),
    );
    expect(csv[0]!.at(-1)).toBe('flags');
  });

  it('with a budget, names the cheapest strategy within it in each cell, hidden strategies never chosen', async () => {
    const detail = await record2d();
    const view: ExportView = { chart: 'heatmap', x: 'vm.vcpus', budget: 0, strategies: ['S0', 'S1', 'S2', 'S3', 'S4'] };
    const csv = await csvOf(detail, view);
    // The window's own picks for a budget, to hold the file to.
    const picks = (budget: number) =>
      bestHeatmap(
        detail.runs.filter((r) => r.status === 'done'),
        {
          xPath: 'vm.vcpus',
          yPath: 'vm.placement',
          cost: 'cost.overheadPct',
          exposure: 'exposure.kernel.fraction',
          budget,
          strategies: ['S0', 'S1', 'S2', 'S3', 'S4'],
        },
      );
    expect(csv).toEqual(heatmapTable(picks(0)));
    // S0 leaves guest memory in the direct map: never within a zero budget for the kernel.
    expect(csv.slice(1).flatMap((r) => r.slice(1))).not.toContain('S0');
    expect(csv.slice(1).flatMap((r) => r.slice(1))).not.toContain('S5');
    const { metadata } = await svgOf(detail, view);
    // Each picked cell names its strategy and its cost with the unit (a looser budget: picks).
    const { texts } = await svgOf(detail, { ...view, budget: 1 });
    const picked = picks(1)
      .cells.flat()
      .flatMap((c) => (c.strategy === null || c.cost >= 100 ? [] : [c]));
    expect(picked.length).toBeGreaterThan(0);
    for (const c of picked)
      expect(texts.some((t) => t.startsWith(`${c.strategy} ${formatValue(c.cost)} %`))).toBe(true);
    expect(metadata).toMatchObject({
      mode: 'best',
      budget: 0,
      exposure: 'exposure.kernel.fraction',
      hidden: ['S5', 'S6'],
    });
  });

  it('refuses a heatmap of an experiment that does not sweep two parameters, naming the field', async () => {
    await expect(exportExperiment(sweep, 'svg', 'cost.overheadPct', { chart: 'heatmap' }, BUILD)).rejects.toThrow(
      /^view\.chart: a heatmap needs an experiment that sweeps two parameters; this one sweeps vm\.vcpus/,
    );
  });
});
