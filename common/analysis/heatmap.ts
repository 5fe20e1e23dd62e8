// The heatmap of a two-parameter sweep (issue 17, item 3): the grid of one swept parameter
// against the other, either one strategy's metric in every cell, or the best strategy per cell
// under an exposure budget (the cheapest among those exposed at most the budget; never one the
// model flags as unfit to quote, trust.ts: unfitToQuote). Pure and browser-safe, so the window and
// an export compute the same grid.
//
// Exposure is read as the trade-off plane reads it (tradeoff.ts): where the run carries
// exposure.<ctx>.state, state 0 ("never") is no exposure at all and state 2 ("always") exceeds
// any budget, whatever number the figure itself holds.
import { METRIC_CATALOGUE, type Estimate } from '../core/index.ts';
import { formatValue, slowdownOf } from './format.ts';
import { spansDecades, type PointValue } from './overlay.ts';
import { flagNames, flagsOf, isStateMetric, stateWord, unfitToQuote } from './trust.ts';

export interface HeatmapRun {
  strategy: string;
  point: Record<string, PointValue>;
  metrics: Record<string, Estimate | undefined>;
  flags?: unknown;
}

/** One swept parameter as an axis of the grid: its values in order (numbers ascending). */
export interface HeatmapAxis {
  path: string;
  values: PointValue[];
}

/** A metric's figure in one cell; absent where no run of that strategy finished at that point. */
export interface MetricCell {
  value: number;
  ci95: number;
}

/** One strategy's metric over the grid. cells[row][column]: rows follow y, columns follow x. */
export interface MetricHeatmap {
  kind: 'metric';
  strategy: string;
  metric: string;
  x: HeatmapAxis;
  y: HeatmapAxis;
  cells: (MetricCell | null)[][];
  /** Smallest and largest figure in the grid (undefined when it is empty). */
  range?: { min: number; max: number };
  /** Colours follow log10 of the value: the positive figures span two decades or more and none is negative. */
  log: boolean;
}

/** The best strategy at one point, or why there is none. */
export type BestCell = (
  | { strategy: string; cost: number; exposure: number; candidates: number }
  /** Runs finished here, but every one is exposed beyond the budget (or flagged, below). */
  | { strategy: null; reason: 'overBudget'; candidates: 0; leastExposure: number }
  /** Within the budget here are only strategies the model flags as unfit to quote. */
  | { strategy: null; reason: 'unfit'; candidates: 0 }
  /** No finished run at this point. */
  | { strategy: null; reason: 'noRuns'; candidates: 0 }
) & {
  /** Strategies here within the budget but not candidates: the model flags them as unfit to quote. */
  unfit?: string[];
};

/** A best cell in words, as the window, the CSV and the image show it. */
export function bestCellWords(c: BestCell): string {
  if (c.strategy !== null) return c.strategy;
  return c.reason === 'noRuns' ? 'no runs' : c.reason === 'unfit' ? 'none fit to quote' : 'none within budget';
}

export interface BestHeatmap {
  kind: 'best';
  cost: string;
  exposure: string;
  budget: number;
  x: HeatmapAxis;
  y: HeatmapAxis;
  cells: BestCell[][];
}

export type Heatmap = MetricHeatmap | BestHeatmap;

/** The swept paths of the runs (two for a heatmap), in the order they first appear. */
export function sweptPathsOf(runs: readonly HeatmapRun[]): string[] {
  return [...new Set(runs.flatMap((r) => Object.keys(r.point)))];
}

function compareValues(a: PointValue, b: PointValue): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return 0; // enums and booleans keep the order the sweep gave them
}

/** The values `path` takes in the runs, numbers ascending, others as first seen. */
export function heatmapAxis(runs: readonly HeatmapRun[], path: string): HeatmapAxis {
  const seen: PointValue[] = [];
  for (const r of runs) {
    const v = r.point[path];
    if (v !== undefined && !seen.some((s) => s === v)) seen.push(v);
  }
  return { path, values: seen.slice().sort(compareValues) };
}

function grid<T>(runs: readonly HeatmapRun[], x: HeatmapAxis, y: HeatmapAxis, cell: (at: HeatmapRun[]) => T): T[][] {
  const at = new Map<string, HeatmapRun[]>();
  const key = (xv: PointValue, yv: PointValue) => JSON.stringify([xv, yv]);
  for (const r of runs) {
    const k = key(r.point[x.path]!, r.point[y.path]!);
    at.set(k, [...(at.get(k) ?? []), r]);
  }
  return y.values.map((yv) => x.values.map((xv) => cell(at.get(key(xv, yv)) ?? [])));
}

/**
 * One strategy's `metric` over the grid of `xPath` (columns) against `yPath` (rows). Runs of
 * other strategies, and runs without the metric, leave their cells empty (null).
 */
export function metricHeatmap(
  runs: readonly HeatmapRun[],
  options: { xPath: string; yPath: string; strategy: string; metric: string },
): MetricHeatmap {
  const { xPath, yPath, strategy, metric } = options;
  const mine = runs.filter(
    (r) => r.strategy === strategy && r.point[xPath] !== undefined && r.point[yPath] !== undefined,
  );
  const x = heatmapAxis(runs, xPath);
  const y = heatmapAxis(runs, yPath);
  const cells = grid(mine, x, y, (here): MetricCell | null => {
    const e = here.map((r) => r.metrics[metric]).find((m) => m !== undefined && Number.isFinite(m.mean));
    return e === undefined ? null : { value: e.mean, ci95: e.ci95 };
  });
  const values = cells.flat().flatMap((c) => (c === null ? [] : [c.value]));
  const range = values.length === 0 ? undefined : { min: Math.min(...values), max: Math.max(...values) };
  const log = range !== undefined && range.min >= 0 && spansDecades(values);
  return { kind: 'metric', strategy, metric, x, y, cells, ...(range === undefined ? {} : { range }), log };
}

/**
 * exposure.<ctx>.state for the measures it is the state of, exposure.<ctx>.fraction and
 * .longestWindowUs; undefined for other keys. Not for the share reachable through stale TLB
 * entries or the IRQs that find guest memory mapped: "always" there said the kernel's mapping
 * where the figure was another (S0's stale share is 0, its state "always").
 */
export function stateKeyOf(exposureMetric: string): string | undefined {
  const m = /^exposure\.([^.]+)\.(?:fraction|longestWindowUs)$/.exec(exposureMetric);
  return m === null ? undefined : `exposure.${m[1]}.state`;
}

/**
 * A run's exposure as a budget sees it: 0 when its state is "never", Infinity when "always",
 * the metric's figure otherwise; undefined when the run has neither.
 */
export function exposureOf(run: HeatmapRun, exposureMetric: string): number | undefined {
  const stateKey = stateKeyOf(exposureMetric);
  const state = stateKey === undefined ? undefined : run.metrics[stateKey]?.mean;
  if (state === 0) return 0;
  if (state === 2) return Number.POSITIVE_INFINITY;
  const v = run.metrics[exposureMetric]?.mean;
  return v === undefined || Number.isNaN(v) ? undefined : v;
}

/**
 * The best strategy in every cell: among the runs at that point whose exposure (exposureOf) is
 * at most `budget`, the one with the lowest `cost` metric (ties: the first in `strategies`
 * order, or by id). Strategies not listed in `strategies` (when given) are not candidates.
 */
export function bestHeatmap(
  runs: readonly HeatmapRun[],
  options: { xPath: string; yPath: string; cost: string; exposure: string; budget: number; strategies?: string[] },
): BestHeatmap {
  const { xPath, yPath, cost, exposure, budget, strategies } = options;
  const x = heatmapAxis(runs, xPath);
  const y = heatmapAxis(runs, yPath);
  const order = (s: string) => (strategies === undefined ? 0 : strategies.indexOf(s));
  const pool = runs.filter(
    (r) =>
      r.point[xPath] !== undefined &&
      r.point[yPath] !== undefined &&
      (strategies === undefined || strategies.includes(r.strategy)),
  );
  const cells = grid(pool, x, y, (here): BestCell => {
    const all = here.flatMap((r) => {
      const c = r.metrics[cost]?.mean;
      const e = exposureOf(r, exposure);
      return c === undefined || Number.isNaN(c) || e === undefined
        ? []
        : [{ strategy: r.strategy, cost: c, exposure: e, unfit: unfitToQuote(r) }];
    });
    if (all.length === 0) return { strategy: null, reason: 'noRuns', candidates: 0 };
    // Those that would have been candidates: within the budget, kept out by their flags.
    const unfit = [...new Set(all.filter((j) => j.unfit && j.exposure <= budget).map((j) => j.strategy))];
    const left = unfit.length === 0 ? {} : { unfit };
    const within = all.filter((j) => !j.unfit && j.exposure <= budget);
    if (within.length === 0)
      return unfit.length > 0
        ? { strategy: null, reason: 'unfit', candidates: 0, ...left }
        : {
            strategy: null,
            reason: 'overBudget',
            candidates: 0,
            leastExposure: Math.min(...all.map((j) => j.exposure)),
            ...left,
          };
    within.sort(
      (a, b) => a.cost - b.cost || order(a.strategy) - order(b.strategy) || a.strategy.localeCompare(b.strategy),
    );
    const best = within[0]!;
    return { strategy: best.strategy, cost: best.cost, exposure: best.exposure, candidates: within.length, ...left };
  });
  return { kind: 'best', cost, exposure, budget, x, y, cells };
}

/**
 * Where a value sits between the grid's smallest and largest figure, 0..1 (log10 when the map
 * is log; 0 for a flat grid), for a cell's colour.
 */
export function heatShare(map: MetricHeatmap, value: number): number {
  if (map.range === undefined) return 0;
  const { min, max } = map.range;
  if (map.log) {
    const positive = map.cells.flat().flatMap((c) => (c !== null && c.value > 0 ? [c.value] : []));
    const lo = Math.log10(Math.min(...positive));
    const hi = Math.log10(Math.max(...positive));
    if (value <= 0) return 0;
    return hi > lo ? (Math.log10(value) - lo) / (hi - lo) : 0;
  }
  return max > min ? (value - min) / (max - min) : 0;
}

/**
 * The grid as a table of text for CSV and the mail: a header row (the y parameter's path over
 * the x parameter's path, then the x values), then one row per y value. Metric cells hold the
 * figure (empty where no run finished); best cells hold the strategy, or "none within budget" /
 * "no runs". Given the cells' runs (cellRuns), a metric grid ends each row with its runs' flags.
 */
export function heatmapTable(
  map: Heatmap,
  runAt?: (strategy: string, i: number, j: number) => HeatmapRun | undefined,
): string[][] {
  // A metric grid keeps its cells numbers: the model's flags on a row's runs go in a last column,
  // each named with its cell's x ("vm.vcpus=128: overloaded") and, as in the other CSVs' flags
  // column, "; " between them (no commas: the cell needs no quotes).
  const flagged = map.kind === 'metric' && runAt !== undefined;
  const header = [`${map.y.path} \\ ${map.x.path}`, ...map.x.values.map(String), ...(flagged ? ['flags'] : [])];
  const rows = map.y.values.map((yv, i) => [
    String(yv),
    ...map.x.values.map((_, j) => {
      if (map.kind === 'metric') {
        const c = map.cells[i]![j]!;
        return c === null ? '' : String(c.value);
      }
      return bestCellWords(map.cells[i]![j]!);
    }),
    ...(flagged
      ? [
          map.x.values
            .flatMap((xv, j) => {
              const names = map.cells[i]![j] === null ? [] : flagNames(flagsOf(runAt(map.strategy, i, j)));
              return names.map((name) => `${map.x.path}=${String(xv)}: ${name}`);
            })
            .join('; '),
        ]
      : []),
  ]);
  return [header, ...rows];
}

/**
 * The runs behind the grid's cells, looked up by strategy and cell (row i: y's i-th value, column
 * j: x's j-th). Indexed once: a cell's text, title and flags each ask, and a grid of 100 x 100
 * points holds 70,000 runs, which a search per question would walk every time.
 */
export function cellRuns<R extends HeatmapRun>(
  runs: readonly R[],
  map: Heatmap,
): (strategy: string, i: number, j: number) => R | undefined {
  const key = (strategy: string, x: unknown, y: unknown): string => JSON.stringify([strategy, x, y]);
  const byCell = new Map<string, R>();
  for (const r of runs) {
    const k = key(r.strategy, r.point[map.x.path], r.point[map.y.path]);
    if (!byCell.has(k)) byCell.set(k, r); // the first, as a search in run order finds it
  }
  return (strategy, i, j) => byCell.get(key(strategy, map.x.values[j], map.y.values[i]));
}

/**
 * A metric cell's text, as the window's grid and an exported heatmap write it: a state in words,
 * past 100% vCPU overhead the slowdown ("×3.325 slower"), any other figure with its unit; " !"
 * where the model flagged the run (as `gmemlab show` marks it).
 */
export function metricCellText(metric: string, value: number, run: HeatmapRun | undefined): string {
  const withUnit = `${formatValue(value)} ${METRIC_CATALOGUE.find((m) => m.key === metric)?.unit ?? ''}`.trimEnd();
  const text = isStateMetric(metric)
    ? stateWord(value)
    : ((metric === 'cost.overheadPct' ? slowdownOf(value, run?.metrics['cost.slowdownFactor']?.mean) : undefined) ??
      withUnit);
  return flagsOf(run).length > 0 ? `${text} !` : text;
}
