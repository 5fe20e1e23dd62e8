// Runs as columns (issue 20): what getExperiment and getRuns carry. A 70,000-run sweep as
// 70,000 run objects of ~30 metric objects each took seconds to build, to copy from the read
// worker and to send as JSON; as one array per field and per metric key it is a few dozen arrays
// of numbers, and JSON objects that runs share (points, parameter sets, capability rows, flags)
// are sent once. `experimentDetail` turns it back into the run objects (RunDetail) the views,
// exports and the CLI use, on the side that needs them.
//
// Plain TypeScript: shared by main, the CLI and the renderer.
import type { CapabilityRow, Estimate, LatencyDistribution, ResultFlag, StrategyId } from '../core/index.ts';
import type { ExperimentDetail, RunDetail, RunInContext, RunSeries, RunStatus } from './index.ts';

/**
 * Values of one key, one entry per run, NaN where the run has no value under the key: a
 * Float64Array as the store makes it (moved from the read worker without a copy, and cloned as
 * one block over IPC), an array where it came as JSON (`columnsAsJson`), NaN then null.
 */
export type ValueColumn = Float64Array | (number | null)[];

/** One metric key's values: the means, and where any run's estimate is not a single value (ci95 0, n 1), its ci95 and n. */
export interface MetricColumn {
  mean: ValueColumn;
  ci95?: ValueColumn;
  n?: ValueColumn;
}

/** A run's distributions or series, by its position in the table. */
export interface RunExtra<T> {
  run: number;
  values: Record<string, T>;
}

/**
 * An experiment's runs, in id order, one array entry per run. JSON values that runs share are
 * listed once (`points`, `seedLists`, `paramSets`, `capabilities`, `flagSets`) and the runs hold
 * their index there (-1: none).
 */
export interface RunTable {
  id: number[];
  strategy: StrategyId[];
  status: RunStatus[];
  startedAt: (string | null)[];
  finishedAt: (string | null)[];
  modelVersion: (string | null)[];
  error: (string | null)[];
  point: number[];
  points: RunDetail['point'][];
  seeds: number[];
  seedLists: number[][];
  params: number[];
  paramSets: Record<string, unknown>[];
  capability: number[];
  capabilities: CapabilityRow[];
  /** -1 for a run saved before model 2.0 (no flags recorded). */
  flags: number[];
  flagSets: ResultFlag[][];
  /** By metric key, in the order the runs list them. */
  metrics: Record<string, MetricColumn>;
  /** Whether each run recorded a cost breakdown (model 2.0); its terms are in `breakdown`. */
  hasBreakdown: boolean[];
  breakdown: Record<string, ValueColumn>;
  /** Only the runs that have any (simulated runs). */
  distributions: RunExtra<LatencyDistribution>[];
  series: RunExtra<RunSeries>[];
}

/** getExperiment's answer: the experiment, its runs as a RunTable. */
export type ExperimentData = Omit<ExperimentDetail, 'runs'> & { runTable: RunTable };

const isValue = (v: number | null | undefined): v is number => typeof v === 'number' && !Number.isNaN(v);

/** JSON.stringify's replacer for answers that hold a RunTable: its Float64Arrays as arrays (NaN becomes null). */
export function columnsAsJson(_key: string, value: unknown): unknown {
  return value instanceof Float64Array ? Array.from(value) : value;
}

/** The Float64Arrays' buffers in a table: what the read worker hands over instead of copying. */
export function columnBuffers(t: RunTable): ArrayBuffer[] {
  const columns = [...Object.values(t.metrics).flatMap((c) => [c.mean, c.ci95, c.n]), ...Object.values(t.breakdown)];
  return columns.flatMap((c) => (c instanceof Float64Array && c.buffer instanceof ArrayBuffer ? [c.buffer] : []));
}

/**
 * The table's runs (those at positions from..to-1, or all) as RunDetail objects, the same as the
 * store's own reading of them. Single values (ci95 0, n 1) that are equal share one Estimate
 * object: read-only by convention, not frozen (the window's reactive state cannot wrap frozen
 * objects).
 */
export function runDetails(t: RunTable, from = 0, to = t.id.length): RunDetail[] {
  const shared = new Map<number, Estimate>();
  const estimate = (mean: number): Estimate => {
    let e = shared.get(mean);
    if (e === undefined) shared.set(mean, (e = { mean, ci95: 0, n: 1 }));
    return e;
  };
  const metricKeys = Object.keys(t.metrics);
  const breakdownKeys = Object.keys(t.breakdown);
  const distributions = new Map(t.distributions.map((d) => [d.run, d.values]));
  const series = new Map(t.series.map((s) => [s.run, s.values]));
  const out: RunDetail[] = [];
  for (let i = Math.max(0, from); i < Math.min(to, t.id.length); i++) {
    const metrics: Record<string, Estimate> = {};
    for (const key of metricKeys) {
      const c = t.metrics[key]!;
      const mean = c.mean[i];
      if (!isValue(mean)) continue;
      const ci95 = c.ci95?.[i] ?? 0;
      const n = c.n?.[i] ?? 1;
      metrics[key] = ci95 === 0 && n === 1 && !Object.is(mean, -0) ? estimate(mean) : { mean, ci95, n };
    }
    const run: RunDetail = {
      id: t.id[i]!,
      strategy: t.strategy[i]!,
      point: t.points[t.point[i]!]!,
      status: t.status[i]!,
      startedAt: t.startedAt[i]!,
      finishedAt: t.finishedAt[i]!,
      modelVersion: t.modelVersion[i]!,
      error: t.error[i]!,
      seeds: t.seedLists[t.seeds[i]!]!,
      params: t.paramSets[t.params[i]!]!,
      capability: t.capability[i]! < 0 ? null : t.capabilities[t.capability[i]!]!,
      metrics,
      distributions: distributions.get(i) ?? {},
      series: series.get(i) ?? {},
    };
    if (t.flags[i]! >= 0) run.flags = t.flagSets[t.flags[i]!]!;
    if (t.hasBreakdown[i]) {
      const breakdown: Record<string, number> = {};
      for (const key of breakdownKeys) {
        const v = t.breakdown[key]![i];
        if (isValue(v)) breakdown[key] = v;
      }
      run.breakdown = breakdown;
    }
    out.push(run);
  }
  return out;
}

/** getExperiment's answer as the ExperimentDetail the views, exports and the CLI read. */
export function experimentDetail(data: ExperimentData): ExperimentDetail {
  const { runTable, ...experiment } = data;
  return { ...experiment, runs: runDetails(runTable) };
}

/** What getRuns shows of a run's experiment. */
export type RunContext = Omit<RunInContext, keyof RunDetail>;

/**
 * getRuns' answer: the runs asked for as a RunTable (each once, in id order) with each one's
 * experiment, and the order they were asked in. `runsInContext` makes the RunInContext objects.
 */
export interface RunsData {
  runTable: RunTable;
  /** Each of the table's runs' experiment, as its index in `experiments`. */
  experimentOf: number[];
  experiments: RunContext[];
  /** The runs as asked (an id asked twice is there twice): their positions in the table. */
  asked: number[];
}

/** getRuns' answer as the RunInContext objects compare, diff and sensitivity read, in the order asked. */
export function runsInContext(data: RunsData): RunInContext[] {
  const runs = runDetails(data.runTable);
  return data.asked.map((at) => ({ ...runs[at]!, ...data.experiments[data.experimentOf[at]!]! }));
}

/** The ids of the runs that finished, without building run objects (compare's picks). */
export function doneRunIds(t: RunTable): number[] {
  return t.id.filter((_, i) => t.status[i] === 'done');
}
