// The presets × strategies matrix (issue 17, item 6): overhead and exposure of every strategy
// across many scenarios on one slide, each figure marked where it rests on a cost entry the
// core classes as an estimate. Pure (the analytic model only), so main computes it for any
// caller and a test can recompute it.
//
// "Rests on" is judged by the one rule the mail's cost section also uses (dependence.ts): the
// entry raised by 10% moves the figure by more than 0.1%.
import {
  METRIC_CATALOGUE,
  runAnalytic,
  type Estimate,
  type Method,
  type Scenario,
  type StrategyId,
} from '../core/index.ts';
import { csvText } from './csv.ts';
import { estimateDependencies, estimatesAtPoint, estimatesNotJudged } from './dependence.ts';
import { ciShown, formatValue, shownEstimate, slowdownWord } from './format.ts';
import { stateKeyOf } from './heatmap.ts';
import type { Point } from './points.ts';
import { alwaysWords, flagsOf, isExposedShare, isStateMetric, stateWord, type Flag } from './trust.ts';

/** One strategy in one row: the figures asked for, the core's flags, and the estimates behind each figure. */
export interface MatrixCell {
  metrics: Record<string, Estimate>;
  flags: Flag[];
  /** Per metric, the keys of the estimate-class cost entries the figure depends on ([] when none). */
  estimates: Record<string, string[]>;
}

export interface MatrixRow {
  /** A preset's id, or `experiment <id>`. */
  id: string;
  label: string;
  kind: 'preset' | 'experiment';
  experimentId?: number;
  /** The sweep point the figures are from ({} for a single run or a preset). */
  point: Point;
  /** An experiment's points with finished runs, to pick another (at most MAX_ROW_POINTS). */
  points?: Point[];
  /** How the figures were computed (a stored simulator run keeps its own figures and CIs). */
  method: Method;
  modelVersion: string | null;
  cells: Partial<Record<StrategyId, MatrixCell>>;
}

export interface Matrix {
  metrics: string[];
  strategies: StrategyId[];
  rows: MatrixRow[];
}

/** A preset's row: every strategy computed with the analytic model. */
export function presetRow(
  preset: { id: string; name: string; scenario: Scenario },
  metrics: readonly string[],
): MatrixRow {
  const out = runAnalytic(preset.scenario, { breakdown: false });
  const estimates = estimateDependencies(preset.scenario, metrics);
  return {
    id: preset.id,
    label: preset.name,
    kind: 'preset',
    point: {},
    method: 'analytic',
    modelVersion: out.modelVersion,
    cells: Object.fromEntries(
      out.strategies.map((r) => [
        r.strategy,
        {
          metrics: pick(r.metrics, metrics),
          flags: flagsOf(r),
          estimates: estimates[r.strategy] ?? {},
        },
      ]),
    ),
  };
}

/** Most points a row lists to pick from. */
export const MAX_ROW_POINTS = 500;

/** A stored experiment's row: its runs at one point as they were saved; estimates judged with the formulas. */
export function experimentRow(
  experiment: { id: number; name: string; method: Method; scenario: Scenario; modelVersion: string | null },
  point: Point,
  runs: readonly { strategy: StrategyId; metrics: Record<string, Estimate>; flags?: unknown }[],
  metrics: readonly string[],
  points: readonly Point[] = [point],
): MatrixRow {
  const estimates = estimatesAtPoint(experiment, point, metrics);
  return {
    id: `experiment ${experiment.id}`,
    label: experiment.name,
    kind: 'experiment',
    experimentId: experiment.id,
    point,
    points: points.slice(0, MAX_ROW_POINTS),
    method: experiment.method,
    modelVersion: experiment.modelVersion,
    cells: Object.fromEntries(
      runs.map((r) => [
        r.strategy,
        { metrics: pick(r.metrics, metrics), flags: flagsOf(r), estimates: estimates[r.strategy] ?? {} },
      ]),
    ),
  };
}

function pick(all: Record<string, Estimate>, keys: readonly string[]): Record<string, Estimate> {
  return Object.fromEntries(keys.flatMap((k) => (all[k] === undefined ? [] : [[k, all[k]]])));
}

/** The strategies of the rows, in the core's order as the rows first name them. */
export function matrixOf(rows: MatrixRow[], metrics: readonly string[], order: readonly StrategyId[]): Matrix {
  const present = new Set(rows.flatMap((r) => Object.keys(r.cells)));
  return { metrics: [...metrics], strategies: order.filter((s) => present.has(s)), rows };
}

/**
 * The matrix as CSV, one line per row and strategy: the row, its point, how it was computed, and
 * the cost and exposure figures with their CIs, whether each rests on an estimated cost entry
 * (which ones), and the core's flags. The window's "Download CSV" writes it.
 */
export function matrixCsv(matrix: Matrix, cost: string, exposure: string): string {
  const header = [
    'row',
    'point',
    'method',
    'model',
    'strategy',
    cost,
    `${cost}.ci95`,
    `${cost}.estimates`,
    exposure,
    `${exposure}.ci95`,
    `${exposure}.estimates`,
    'flags',
  ];
  const rows: (string | number)[][] = [];
  for (const r of matrix.rows)
    for (const s of matrix.strategies) {
      const c = r.cells[s];
      if (c === undefined) continue;
      const figure = (key: string): (string | number)[] => {
        const e = c.metrics[key];
        return e === undefined ? ['', '', ''] : [e.mean, e.ci95, (c.estimates[key] ?? []).join(' ')];
      };
      const point = Object.entries(r.point)
        .map(([p, v]) => `${p}=${String(v)}`)
        .join(' ');
      rows.push([
        r.label,
        point,
        r.method,
        r.modelVersion ?? '',
        s,
        ...figure(cost),
        ...figure(exposure),
        c.flags.map((f) => f.code).join(' '),
      ]);
    }
  return csvText(header, rows);
}

/** The figures a matrix of `cost` over `exposure` asks main for: both, the exposure's state ("never" / "always") and the slowdown factor. */
export function matrixMetrics(cost: string, exposure: string): string[] {
  const stateKey = stateKeyOf(exposure);
  return [cost, exposure, ...(stateKey === undefined ? [] : [stateKey]), 'cost.slowdownFactor'].filter(
    (k, i, all) => all.indexOf(k) === i && METRIC_CATALOGUE.some((m) => m.key === k),
  );
}

/** One cell as the window and every export write it. */
export interface MatrixCellWords {
  /** "12.5%", "×3.2 slower" past 100% vCPU overhead, "4.1e+9 cycles/s"; "± CI" where it has one. */
  cost: string;
  /**
   * "never" / "always" where the state says so (a fraction beside "always": "always (0.14)"),
   * else the figure with its unit and CI.
   */
  exposure: string;
  /** Estimate-class cost entries each figure rests on ([] for "never", and "always" without a fraction: no cost moves them). */
  costEstimates: string[];
  exposureEstimates: string[];
}

const unitOf = (key: string): string =>
  isStateMetric(key) ? '' : (METRIC_CATALOGUE.find((m) => m.key === key)?.unit ?? '');
const withUnit = (key: string, v: number): string => {
  const unit = unitOf(key);
  return `${formatValue(v)}${unit === '' ? '' : unit === '%' ? '%' : ` ${unit}`}`;
};

/** The words of a cell showing `cost` over `exposure` (its metrics as matrixMetrics asked). */
export function matrixCellWords(c: MatrixCell, cost: string, exposure: string): MatrixCellWords {
  const stateKey = stateKeyOf(exposure);
  const state = stateKey === undefined ? undefined : c.metrics[stateKey]?.mean;
  // "never", and "always" without a fraction beside it, are words no cost entry moves.
  const fractionBesideAlways = isExposedShare(exposure);
  const wordOnly = state === 0 || (state === 2 && !fractionBesideAlways);
  const ci = (e: Estimate): string => (ciShown(e) ? ` ± ${formatValue(e.ci95)}` : '');
  // Past 100% overhead the slowdown factor, with its own CI.
  const { estimate: e, slowdown } = shownEstimate(c.metrics, cost);
  const costText = e === undefined ? '–' : `${slowdown ? slowdownWord(e.mean) : withUnit(cost, e.mean)}${ci(e)}`;
  const x = c.metrics[exposure];
  const exposureText =
    state === 0
      ? stateWord(state)
      : state === 2
        ? alwaysWords(fractionBesideAlways ? x?.mean : undefined)
        : x === undefined
          ? '–'
          : `${withUnit(exposure, x.mean)}${ci(x)}`;
  return {
    cost: costText,
    exposure: exposureText,
    costEstimates: c.estimates[cost] ?? [],
    exposureEstimates: wordOnly ? [] : (c.estimates[exposure] ?? []),
  };
}

/** What a row is, in a few words: "preset, formulas" or "experiment 12, simulator, model 2.1.0". */
export function matrixRowNote(r: MatrixRow): string {
  return r.kind === 'preset'
    ? 'preset · formulas'
    : `#${r.experimentId} · ${r.method === 'des' ? 'simulator (± 95% CI)' : 'formulas'}${r.modelVersion === null ? '' : ` · model ${r.modelVersion}`}${estimatesNotJudged(r.modelVersion) === undefined ? '' : " · ~ not judged (another model than today's)"}`;
}
