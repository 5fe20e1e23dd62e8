// Chart files as the view asks for them: the SVG's real text runs and generic fonts, its size,
// the axis, slice, scales and hidden strategies it carries (drawn, captioned and in its
// metadata), down-sampling said in the caption, a PNG at the chosen scale from the same drawing,
// the CSV of exactly the points charted, and the mail's ASCII chart.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PRESETS, STRATEGY_IDS } from '../../common/core/index.ts';
import type { ExperimentDetail } from '../../common/contract/index.ts';
import { Store } from '../store/store.ts';
import { recordExperiment, tempDir } from '../store/testing.ts';
import { asciiChart } from './ascii-chart.ts';
import type { BuildInfo } from './build-info.ts';
import { chartPng, chartSpec, chartSvg, downsample, MAX_DRAWN_POINTS } from './chart.ts';
import { flagLegend, layoutChart } from '../../common/analysis/chart-draw.ts';
import { flagNames, flagsOf } from '../../common/analysis/trust.ts';
import { chartCsv } from './csv.ts';
import { chartSeries, type ChartSeries } from './series.ts';
import { resolveView } from './view.ts';
import type { ExportView } from '../../common/contract/index.ts';
import { chooseYScale, symlogConstant, symlogTickLabel } from '../../common/analysis/symlog.ts';

const BUILD: BuildInfo = { version: '0.1.0', commit: '0123456789ab' };
let dir: ReturnType<typeof tempDir>;
let store: Store;
let sweep: ExperimentDetail;
let single: ExperimentDetail;
const VCPUS = [1, 4, 16, 64, 256];

beforeAll(async () => {
  dir = tempDir('gmemlab-chart-');
  store = await Store.open(join(dir.dir, 'gmemlab.sqlite'));
  const { experimentId } = await recordExperiment(store, {
    name: 'sweep',
    scenario: PRESETS[1]!.scenario,
    vcpus: VCPUS,
  });
  sweep = (await store.getExperiment(experimentId))!;
  const one = await recordExperiment(store, { name: 'single', scenario: PRESETS[0]!.scenario });
  single = (await store.getExperiment(one.experimentId))!;
});
afterAll(async () => {
  await store.close();
  dir.cleanup();
});

const svgOf = (detail: ExperimentDetail, metric: string, view: ExportView = {}): string => {
  const resolved = resolveView(detail, metric, view);
  return chartSvg(chartSpec(detail, chartSeries(detail, resolved), resolved, BUILD));
};
/** The SVG's text runs, as read (XML entities undone). */
const texts = (svg: string): string[] =>
  [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) =>
    m[1]!
      .replace(/&gt;/g, '>')
      .replace(/&lt;/g, '<')
      .replace(/&quot;/g, '"')
      .replace(/&amp;/g, '&'),
  );
const metadata = (svg: string): Record<string, unknown> =>
  JSON.parse(/<metadata id="gmemlab-view">([^<]*)<\/metadata>/.exec(svg)![1]!.replace(/&quot;/g, '"'));

describe('chart export', () => {
  it('writes an SVG with one text run per label, a generic font stack, and tens of KB at most', () => {
    const svg = svgOf(sweep, 'cost.overheadPct');
    // 560 high, and 15 more for each caption line past three (here the flags' two lines).
    expect(svg).toMatch(/^<\?xml[^>]*\?>\n<svg [^>]*width="1000" height="590"/);
    expect(svg).toMatch(/font-family="[^"]*sans-serif"/);
    expect(svg).toContain('<title>sweep: vCPU overhead vs S0</title>');
    const words = texts(svg);
    expect(words).toContain('S2 on-demand direct map');
    expect(words).toContain('VM: vCPUs (log scale)');
    // S0 costs nothing and the others span decades: the window's own pick, symlog (zero has its place).
    expect(words).toContain('vCPU overhead vs S0 (%) (symlog scale)');
    expect(metadata(svg)).toMatchObject({ yScale: 'symlog', logY: false });
    expect(
      words.some(
        (w) => w.startsWith('Experiment ') && /model \d+\.\d+\.\d+/.test(w) && w.includes('commit 0123456789ab'),
      ),
    ).toBe(true);
    // One polyline per strategy, not one element per glyph.
    expect(svg.match(/<polyline points="[^"]*" fill="none" stroke="#/g)!.length).toBeGreaterThanOrEqual(
      STRATEGY_IDS.length,
    );
    expect(Buffer.byteLength(svg)).toBeLessThan(40_000);
  });

  it('carries the axis, slice, scales, hidden strategies and theme the view asks for', () => {
    const svg = svgOf(sweep, 'cost.bystanderIpisPerSec', {
      strategies: ['S0', 'S2'],
      logX: false,
      logY: true,
      theme: 'dark',
    });
    expect(metadata(svg)).toMatchObject({
      metric: 'cost.bystanderIpisPerSec',
      x: 'vm.vcpus',
      logX: false,
      logY: true,
      strategies: ['S0', 'S2'],
      hidden: ['S1', 'S3', 'S4', 'S5', 'S6'],
      theme: 'dark',
    });
    const words = texts(svg);
    expect(words).toContain('VM: vCPUs');
    expect(words.some((w) => w.includes('(log scale)') && w.startsWith('shootdown IPIs'))).toBe(true);
    expect(words.join(' ')).toContain('Not drawn: S1, S3, S4, S5, S6.');
    expect(words).not.toContain('S1 mmap everything');
    expect(svg).toContain('fill="#1d1f21"'); // the dark background
  });

  it('draws the y axis the view names, and by default the one the window picks for the figures', () => {
    const figures = sweep.runs.filter((r) => r.status === 'done').map((r) => r.metrics['cost.overheadPct']!.mean);
    const auto = chooseYScale(figures, 'auto');
    expect(auto).toBe('symlog');
    // Symlog: 0 where S0 sits, then the threshold's decades.
    const symlogTicks = texts(svgOf(sweep, 'cost.overheadPct', { yScale: 'symlog' }));
    const c = symlogConstant(figures);
    expect(symlogTicks).toContain('0');
    expect(symlogTicks).toContain(symlogTickLabel(c * 10));
    const linear = svgOf(sweep, 'cost.overheadPct', { yScale: 'linear' });
    expect(texts(linear)).toContain('vCPU overhead vs S0 (%)');
    expect(metadata(linear)).toMatchObject({ yScale: 'linear', logY: false });
    const log = svgOf(sweep, 'cost.overheadPct', { yScale: 'log' });
    expect(texts(log)).toContain('vCPU overhead vs S0 (%) (log scale)');
    expect(texts(log).join(' ')).toContain('On the log y axis, values at or below 0 are not drawn (S0');
    // A view saved before yScale: logY false meant a linear axis, and still does.
    expect(metadata(svgOf(sweep, 'cost.overheadPct', { logY: false }))).toMatchObject({ yScale: 'linear' });
    // Two axes asked at once, or a scale for a state metric (drawn on its three states): refused, naming the field.
    expect(() => svgOf(sweep, 'cost.overheadPct', { logY: true, yScale: 'symlog' })).toThrow(/^view\.yScale: /);
    expect(() => svgOf(sweep, 'exposure.kernel.state', { yScale: 'log' })).toThrow(
      /^view\.yScale: exposure\.kernel\.state is drawn on its three states/,
    );
    expect(metadata(svgOf(sweep, 'exposure.kernel.state'))).toMatchObject({ yScale: 'linear' });
  });

  it('marks the figures the model flagged: a ring and "!" on each, the legend and caption saying which', () => {
    const metric = 'cost.overheadPct';
    const flaggedRuns = sweep.runs.filter((r) => flagsOf(r).length > 0);
    // The preset's host has fewer CPUs than the sweep's largest VM has pinned vCPUs.
    expect(flaggedRuns.some((r) => flagsOf(r).some((f) => f.code === 'infeasible'))).toBe(true);
    const view = resolveView(sweep, metric);
    const spec = chartSpec(sweep, chartSeries(sweep, view), view, BUILD);
    const drawing = layoutChart(spec);
    // 256 is the last of the sweep's values: a lone flagged point on every line but S2's, whose
    // points are all flagged (one band). A ring and a "!" each; the legend's sample is a band.
    const rings = drawing.shapes.filter((s) => s.kind === 'ring');
    expect(rings).toHaveLength(STRATEGY_IDS.length - 1);
    expect(drawing.shapes.filter((s) => s.kind === 'text' && s.text === '!')).toHaveLength(STRATEGY_IDS.length - 1);
    const bands = drawing.shapes.filter((s) => s.kind === 'line' && s.opacity !== undefined);
    expect(bands.map((b) => b.kind === 'line' && b.points.length)).toEqual([VCPUS.length, 2]); // S2's, the legend's
    const svg = chartSvg(spec);
    expect(texts(svg).join(' ')).toContain(flagLegend('unfit', true));
    const caption = texts(svg).join(' ');
    // Each strategy's flags with the stretches of x they cover; strategies alike share a sentence.
    expect(caption).toContain(
      'Flagged by the model (banded, or ringed with "!" where unfit to quote (infeasible, saturated, overloaded), with "?" where asking for care): S0, S1, S3, S4, S5, S6: infeasible at vm.vcpus 256. S2: ',
    );
    const s2 = sweep.runs
      .filter((r) => r.strategy === 'S2')
      .sort((a, b) => Number(a.point['vm.vcpus']) - Number(b.point['vm.vcpus']));
    expect(caption).toContain(`S2: ${flagNames(flagsOf(s2[0]!)).join(', ')} at vm.vcpus 1`);
    expect(caption).toContain(`; ${flagNames(flagsOf(s2.at(-1)!)).join(', ')} at 256.`);
    // A line too long for markers: the same band.
    const points = Array.from({ length: 200 }, (_, i) => ({
      x: i,
      y: i,
      ci95: 0,
      flags: i >= 150 ? ['infeasible'] : [],
      unfit: i >= 150,
    }));
    const long: ChartSeries = { ...chartSeries(sweep, view), series: [{ strategy: 'S2', points }] };
    const dense = layoutChart(chartSpec(sweep, long, view, BUILD));
    const denseBands = dense.shapes.filter((s) => s.kind === 'line' && s.opacity !== undefined);
    expect(denseBands.map((b) => b.kind === 'line' && b.points.length)).toEqual([50, 2]);
    expect(dense.shapes.filter((s) => s.kind === 'ring')).toHaveLength(0);
    expect(texts(chartSvg(chartSpec(sweep, long, view, BUILD))).join(' ')).toContain(
      'S2: infeasible at vm.vcpus 150 to 199.',
    );
    // A flag that asks for care only: "?" in the care colour, and a legend entry of its own.
    const mixed: ChartSeries = {
      ...long,
      series: [
        {
          strategy: 'S2',
          points: [0, 1, 2, 3].map((x) => ({
            x,
            y: 1 + x,
            ci95: 0,
            flags: x === 1 ? ['simulator needed'] : x === 3 ? ['saturated'] : [],
            unfit: x === 3,
          })),
        },
      ],
    };
    const both = layoutChart(chartSpec(sweep, mixed, view, BUILD));
    const glyphs = both.shapes.flatMap((s) => (s.kind === 'text' && (s.text === '!' || s.text === '?') ? [s] : []));
    expect(glyphs.map((g) => g.text)).toEqual(['?', '!']);
    expect(glyphs[0]!.fill).not.toBe(glyphs[1]!.fill);
    const words = texts(chartSvg(chartSpec(sweep, mixed, view, BUILD))).join(' ');
    expect(words).toContain(flagLegend('unfit', true));
    expect(words).toContain(flagLegend('care', true));
    // Named values on x are listed, not spanned.
    const named: ChartSeries = {
      ...long,
      categories: ['immediate', 'deferred', 'none'],
      series: [
        {
          strategy: 'S2',
          points: [0, 1, 2].map((x) => ({ x, y: 1, ci95: 0, flags: x > 0 ? ['saturated'] : [], unfit: x > 0 })),
        },
      ],
    };
    expect(texts(chartSvg(chartSpec(sweep, named, view, BUILD))).join(' ')).toContain(
      'S2: saturated at vm.vcpus deferred, none.',
    );
    // Nothing flagged: no mark, no legend entry, no caption line.
    const clean: ChartSeries = { ...long, series: [{ strategy: 'S2', points: points.slice(0, 150) }] };
    const plain = chartSvg(chartSpec(sweep, clean, view, BUILD));
    expect(texts(plain).join(' ')).not.toContain(flagLegend('unfit', true));
    expect(texts(plain).join(' ')).not.toContain('Flagged by the model');
  });

  it('marks a flagged strategy of a single run with "!" on its bar\'s name', () => {
    const flagged = single.runs.filter((r) => flagsOf(r).length > 0).map((r) => r.strategy);
    const view = resolveView(single, 'cost.overheadPct');
    const spec = chartSpec(single, chartSeries(single, view), view, BUILD);
    expect(spec.x.categories!.filter((c) => c.endsWith(' !'))).toEqual(flagged.map((s) => `${s} !`));
  });

  it("says in the caption when a line was down-sampled, and keeps each stretch's extremes", () => {
    const points = Array.from({ length: 5000 }, (_, i) => ({
      x: i,
      y: i === 2500 ? 1e6 : Math.sin(i),
      ci95: 0,
      flags: [] as string[],
      unfit: false,
    }));
    const kept = downsample(points);
    expect(kept.length).toBeLessThanOrEqual(MAX_DRAWN_POINTS);
    expect(kept[0]).toBe(points[0]);
    expect(kept.at(-1)).toBe(points.at(-1));
    expect(kept.some((p) => p.y === 1e6)).toBe(true);
    // A flagged point dropped from its bucket still marks the bucket's points that are drawn.
    const flaggedAt = points.map((p, i) => (i === 1001 ? { ...p, flags: ['saturated'], unfit: true } : p));
    const keptFlagged = downsample(flaggedAt).filter((p) => p.flags.length > 0);
    expect(keptFlagged.length).toBeGreaterThan(0);
    expect(
      keptFlagged.every((p) => Math.abs(p.x - 1001) <= Math.ceil(5000 / Math.floor((MAX_DRAWN_POINTS - 2) / 2))),
    ).toBe(true);
    const view = resolveView(sweep, 'cost.overheadPct');
    const data: ChartSeries = { ...chartSeries(sweep, view), series: [{ strategy: 'S0', points }] };
    const svg = chartSvg(chartSpec(sweep, data, view, BUILD));
    expect(texts(svg).join(' ')).toContain(`Down-sampled for drawing: ${MAX_DRAWN_POINTS} of 5000 points per line`);
    expect(Buffer.byteLength(svg)).toBeLessThan(40_000);
  });

  it('writes the PNG from the same drawing at the scale asked for', async () => {
    const view = resolveView(sweep, 'cost.bystanderIpisPerSec', { scale: 1.5 });
    const spec = chartSpec(sweep, chartSeries(sweep, view), view, BUILD);
    const png = await chartPng(spec, view.scale);
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    // 1000 x 560 and 15 more for each caption line past three (here the flags' line), at 1.5.
    expect(layoutChart(spec).height).toBe(590);
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([1500, 885]);
  });

  it('charts a single run as bars per strategy', () => {
    const svg = svgOf(single, 'cost.overheadPct');
    expect(metadata(svg)).toMatchObject({ x: null });
    expect(texts(svg)).toContain('strategy');
    expect(svg.match(/<rect /g)!.length).toBeGreaterThan(STRATEGY_IDS.length);
  });

  it('writes a CSV of exactly the charted points', () => {
    const metric = 'exposure.kernel.fraction';
    const data = chartSeries(sweep, resolveView(sweep, metric));
    const [header, ...rows] = chartCsv(data).trimEnd().split('\n');
    expect(header).toBe(`strategy,vm.vcpus,${metric},${metric}.ci95,flags`);
    expect(rows).toHaveLength(data.series.length * VCPUS.length);
    for (const run of sweep.runs)
      expect(rows).toContain(
        `${run.strategy},${run.point['vm.vcpus']},${run.metrics[metric]!.mean},${run.metrics[metric]!.ci95},${flagNames(flagsOf(run)).join('; ')}`,
      );
  });
});

describe('asciiChart', () => {
  const data = (series: ChartSeries['series']): ChartSeries => ({
    metric: 'cost.overheadPct',
    xPath: 'vm.vcpus',
    fixed: {},
    hidden: [],
    series,
  });

  it('draws each line with its digit, identical lines once, and says which lines meet', () => {
    const flat = [1, 10, 100].map((x) => ({ x, y: 0, ci95: 0, flags: [], unfit: false }));
    const chart = asciiChart(
      data([
        { strategy: 'S0', points: flat },
        { strategy: 'S1', points: flat },
        { strategy: 'S2', points: [1, 10, 100].map((x, i) => ({ x, y: i * 50, ci95: 0, flags: [], unfit: false })) },
      ]),
      { width: 40, height: 5, logX: true },
    );
    expect(chart.lines.every((l) => l.length <= 40)).toBe(true);
    const plot = chart.lines.slice(0, 5).map((l) => l.slice(l.indexOf('|') + 1));
    expect(plot[0]!.endsWith('2')).toBe(true); // S2's 100 at the top right
    expect(plot[4]![0]).toBe('*'); // S0 (and S1) meet S2 at 0 on the left
    expect(plot[4]!.endsWith('0')).toBe(true); // S0 and S1 alone at 0 on the right
    expect(chart.key).toEqual([
      { symbol: '0', strategies: ['S0', 'S1'] },
      { symbol: '2', strategies: ['S2'] },
    ]);
    expect(chart.meetings).toEqual(['0 and 2']);
    expect(chart.lines.at(-1)).toContain('vm.vcpus (log scale: x)');
  });

  it('goes logarithmic in y when the values span decades, with zeros on a row of their own', () => {
    const chart = asciiChart(
      data([
        { strategy: 'S0', points: [1, 2, 3].map((x) => ({ x, y: 0, ci95: 0, flags: [], unfit: false })) },
        { strategy: 'S1', points: [1, 2, 3].map((x) => ({ x, y: 0.01, ci95: 0, flags: [], unfit: false })) },
        { strategy: 'S2', points: [1, 2, 3].map((x) => ({ x, y: 100, ci95: 0, flags: [], unfit: false })) },
      ]),
      { width: 40, height: 6, logX: false },
    );
    expect(chart.logY).toBe(true);
    expect(chart.lines[0]).toMatch(/^ *100 \|2+$/);
    expect(chart.lines[4]).toMatch(/^ *0\.01 \|1+$/);
    expect(chart.lines[5]).toMatch(/^ *0 ~0+$/);
    expect(chart.lines.at(-1)).toContain('(log scale: y)');
  });
});
