// Chart files drawn in Node: SVG with real text (legend, title, axis titles with units), PNG of
// the stated size, and the CSV of exactly the points charted.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { METRIC_CATALOGUE, PRESETS, STRATEGY_NAMES } from '../../common/core/index.ts';
import type { ExperimentDetail } from '../../common/contract/index.ts';
import { Store } from '../store/store.ts';
import { recordExperiment, tempDir } from '../store/testing.ts';
import { asciiChart } from './ascii-chart.ts';
import { chartPng, chartSvg } from './chart.ts';
import { chartCsv } from './csv.ts';
import { chartSeries, type ChartSeries } from './series.ts';

let dir: ReturnType<typeof tempDir>;
let store: Store;
let sweep: ExperimentDetail;
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
});
afterAll(async () => {
  await store.close();
  dir.cleanup();
});

/** The words of every <text> element in document order (Skia writes one element per word). */
const svgWords = (svg: string): string => [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]).join(' ');

describe('chart export', () => {
  it('writes an SVG whose legend, title and axis titles are text, with the metric unit', () => {
    const data = chartSeries(sweep, 'cost.overheadPct');
    const svg = chartSvg(data, 'sweep: vCPU overhead');
    expect(svg).toMatch(/^<\?xml[^>]*\?><svg [^>]*width="900" height="500"/);
    expect(svg).toContain('<title>sweep: vCPU overhead</title>');
    const words = svgWords(svg);
    for (const s of data.series) expect(words).toContain(`${s.strategy} ${STRATEGY_NAMES[s.strategy]}`);
    expect(words).toContain('vm.vcpus');
    expect(words).toContain('vCPU overhead vs S0 (%)');
    // What strict SVG readers refuse: empty coordinate lists and trailing commas in them.
    expect(svg).not.toMatch(/ [xy]="[^"]*,\s*"/);
    expect(svg).not.toMatch(/ [xy]=""/);
    expect(svg.match(/<svg/g)).toHaveLength(1);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
  });

  it('writes a PNG of 900 x 500 pixels', async () => {
    const png = await chartPng(chartSeries(sweep, 'cost.bystanderIpisPerSec'), 'IPIs');
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([900, 500]);
  });

  it('writes a CSV of exactly the charted points', () => {
    const metric = 'exposure.kernel.fraction';
    const data = chartSeries(sweep, metric);
    const [header, ...rows] = chartCsv(data).trimEnd().split('\n');
    expect(header).toBe(`strategy,vm.vcpus,${metric},${metric}.ci95`);
    expect(rows).toHaveLength(data.series.length * VCPUS.length);
    for (const run of sweep.runs)
      expect(rows).toContain(
        `${run.strategy},${run.point['vm.vcpus']},${run.metrics[metric]!.mean},${run.metrics[metric]!.ci95}`,
      );
  });

  it('charts a single run as bars per strategy', () => {
    const data: ChartSeries = { ...chartSeries(sweep, 'cost.overheadPct'), xPath: undefined };
    const words = svgWords(chartSvg(data, 'single'));
    expect(words).toContain('strategy');
    expect(METRIC_CATALOGUE.some((m) => words.includes(m.label))).toBe(true);
  });
});

describe('asciiChart', () => {
  it('draws each strategy as its digit where its values are, on a log axis for a wide sweep', () => {
    const data: ChartSeries = {
      metric: 'cost.overheadPct',
      xPath: 'vm.vcpus',
      fixed: {},
      series: [
        { strategy: 'S1', points: [1, 10, 100].map((x) => ({ x, y: 0, ci95: 0 })) },
        { strategy: 'S2', points: [1, 10, 100].map((x, i) => ({ x, y: i * 50, ci95: 0 })) },
      ],
    };
    const lines = asciiChart(data, { width: 40, height: 5 });
    expect(lines.every((l) => l.length <= 40)).toBe(true);
    const plot = lines.slice(0, 5).map((l) => l.slice(l.indexOf('|') + 1));
    expect(plot[0]!.endsWith('2')).toBe(true); // S2's 100 at the top right
    expect(plot[4]![0]).toBe('#'); // S1 and S2 both at 0 on the left
    expect(plot[4]!.endsWith('1')).toBe(true); // S1 alone at 0 on the right
    expect(lines[0]!.startsWith('100 |')).toBe(true);
    expect(lines.at(-1)).toContain('vm.vcpus (log scale)');
  });
});
