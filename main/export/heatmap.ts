// The heatmap of a two-parameter sweep as a file, computed by the window's own functions
// (common/analysis/heatmap.ts): one strategy's metric over the grid, its cells in five shades
// from the lowest to the highest figure (log steps when the figures span decades), or, with an
// exposure budget, the cheapest strategy within the budget in each cell. Every cell carries its
// figure or strategy as text; the CSV is the same grid (heatmapTable), as the window's table, with
// the model's flags on a metric grid's runs in a last column.
import { STRATEGY_IDS, type StrategyId } from '../../common/core/index.ts';
import type { ExperimentDetail } from '../../common/contract/index.ts';
import {
  themeBackground,
  type ChartAxisSpec,
  type ChartSeriesSpec,
  type ChartSpec,
} from '../../common/analysis/chart-draw.ts';
import { formatValue } from '../../common/analysis/format.ts';
import {
  bestCellWords,
  bestHeatmap,
  cellRuns,
  heatmapTable,
  heatShare,
  metricCellText,
  metricHeatmap,
  type Heatmap,
  type HeatmapAxis,
} from '../../common/analysis/heatmap.ts';
import { HEAT_COLOUR, mixHex, strategyColour } from '../../common/analysis/palette.ts';
import { parameterLabel, parameterTitle } from '../../common/analysis/scenarioFields.ts';
import type { BuildInfo } from './build-info.ts';
import { madeBy, shortName, type ViewChart } from './chart.ts';
import { csvText } from '../../common/analysis/csv.ts';
import { ExportError, metricInfo, type ResolvedView } from './view.ts';
import { toAscii } from './wrap.ts';

/** The five fifths of a metric's range, lowest first. */
const FIFTHS = ['lowest', 'second', 'third', 'fourth', 'highest'];
/** How much of HEAT_COLOUR the k-th fifth's markers take (%): 35 for the lowest to 100 for the highest. */
export const exportShadePercent = (k: number): number => Math.round(35 + (65 * k) / (FIFTHS.length - 1));
/** Cells where no strategy is within the budget. */
const NONE = '#9e9e9e';

/** The heatmap the view asks for: best strategy per cell when it names a budget, else one strategy's metric. */
export function heatmapOf(detail: ExperimentDetail, view: ResolvedView): Heatmap {
  if (view.paths.length !== 2)
    throw new ExportError(
      'view.chart',
      `a heatmap needs an experiment that sweeps two parameters; this one sweeps ${view.paths.length === 0 ? 'none' : view.paths.join(' only')}`,
    );
  const xPath = view.xPath ?? view.paths[0]!;
  const yPath = view.paths.find((p) => p !== xPath)!;
  const runs = detail.runs.filter((r) => r.status === 'done');
  if (view.heatmap.budget !== undefined)
    return bestHeatmap(runs, {
      xPath,
      yPath,
      cost: view.plane.cost.key,
      exposure: view.plane.exposure,
      budget: view.heatmap.budget,
      strategies: view.shown,
    });
  const strategy = view.heatmap.strategy;
  return metricHeatmap(runs, { xPath, yPath, strategy, metric: view.metric.key });
}

/** A grid axis: one tick per value, each cell one unit wide. */
const gridAxis = (a: HeatmapAxis): ChartAxisSpec => ({
  label: toAscii(parameterTitle(a.path)),
  log: false,
  min: -0.5,
  max: a.values.length - 0.5,
  ticks: a.values.map((v, i) => ({ at: i, label: String(v) })),
});

export function heatmapChart(detail: ExperimentDetail, view: ResolvedView, build: BuildInfo): ViewChart {
  const map = heatmapOf(detail, view);
  const runAt = cellRuns(
    detail.runs.filter((r) => r.status === 'done'),
    map,
  );
  const series: ChartSeriesSpec[] = [];
  const caption: string[] = [];
  let title: string;
  if (map.kind === 'metric') {
    const unit = view.metric.unit;
    title = `${detail.name}: ${view.metric.label} of ${shortName(map.strategy as StrategyId)} over ${parameterLabel(map.x.path)} and ${parameterLabel(map.y.path)}`;
    // The window's hue, the more of it the higher the figure (Heatmap.svelte); stronger than the
    // window's cells, which sit behind their text: a marker stands alone and must show on paper.
    const bins: ChartSeriesSpec[] = FIFTHS.map((name, k) => ({
      label: `${name} fifth`,
      colour: mixHex(HEAT_COLOUR, themeBackground(view.theme), exportShadePercent(k)),
      points: [],
    }));
    map.cells.forEach((row, i) =>
      row.forEach((cell, j) => {
        if (cell === null) return;
        const k = Math.min(FIFTHS.length - 1, Math.floor(heatShare(map, cell.value) * FIFTHS.length));
        // The window's cell text: a state in words, the slowdown past 100% overhead, "!" where flagged.
        const label = metricCellText(view.metric.key, cell.value, runAt(map.strategy, i, j));
        bins[k]!.points.push({ x: j, y: i, large: true, label });
      }),
    );
    series.push(...bins.filter((b) => b.points.length > 0));
    caption.push(
      `Each cell: ${view.metric.label} (${unit}) of ${map.strategy}; shades in fifths of the range${map.range === undefined ? '' : ` ${formatValue(map.range.min)} to ${formatValue(map.range.max)} ${unit}`}${map.log ? ' (log steps)' : ''}. Empty cells: no finished run.`,
    );
  } else {
    const [costLabel, exposureLabel] = [metricInfo(map.cost).label, metricInfo(map.exposure).label];
    title = `${detail.name}: the cheapest strategy with ${exposureLabel} <= ${formatValue(map.budget)}`;
    const order = (s: string): number => STRATEGY_IDS.indexOf(s as StrategyId);
    const winners = [...new Set(map.cells.flat().flatMap((c) => (c.strategy === null ? [] : [c.strategy])))].sort(
      (a, b) => order(a) - order(b),
    );
    for (const s of winners)
      series.push({
        label: shortName(s as StrategyId),
        colour: strategyColour(s as StrategyId),
        points: map.cells.flatMap((row, i) =>
          row.flatMap((c, j) =>
            // The cost as a metric cell writes it: its unit, or the slowdown past 100% overhead.
            c.strategy === s
              ? [{ x: j, y: i, large: true, label: `${s} ${metricCellText(map.cost, c.cost, runAt(s, i, j))}` }]
              : [],
          ),
        ),
      });
    const none = map.cells.flatMap((row, i) =>
      row.flatMap((c, j) => (c.strategy === null ? [{ x: j, y: i, large: true, label: bestCellWords(c) }] : [])),
    );
    if (none.length > 0) series.push({ label: 'none picked', colour: NONE, points: none });
    const unfit = [...new Set(map.cells.flat().flatMap((c) => c.unfit ?? []))].sort((a, b) => order(a) - order(b));
    caption.push(
      `Each cell: the strategy with the lowest ${costLabel} (${map.cost}) among those whose ${exposureLabel} (${map.exposure}) is at most ${formatValue(map.budget)} ("never" counts as 0, "always" is over any budget), with its cost.${view.hidden.length > 0 ? ` Not candidates: ${view.hidden.join(', ')}.` : ''} Never a candidate: a strategy the model flags as unfit to quote (infeasible, saturated, overloaded)${unfit.length > 0 ? `; so left out in some cells: ${unfit.join(', ')}; "none fit to quote": only such within the budget` : ''}.`,
    );
  }
  caption.push(madeBy(detail, build));
  const spec: ChartSpec = {
    kind: 'scatter',
    title: toAscii(title),
    caption,
    x: gridAxis(map.x),
    y: gridAxis(map.y),
    series,
    theme: view.theme,
    metadata: {
      experiment: detail.id,
      chart: 'heatmap',
      mode: map.kind,
      x: map.x.path,
      y: map.y.path,
      ...(map.kind === 'metric'
        ? { metric: map.metric, strategy: map.strategy }
        : { cost: map.cost, exposure: map.exposure, budget: map.budget, hidden: view.hidden }),
      theme: view.theme,
      modelVersion: detail.modelVersion,
    },
  };
  const [header, ...rows] = heatmapTable(map, runAt);
  return { spec, csv: csvText(header!, rows) };
}
