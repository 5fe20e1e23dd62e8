// A job's outcomes as they cross from a simulation worker to the main thread or the write
// worker. Sent as objects, 7,000 analytic runs made a 12.5 MB message (every metric key written
// again for every run, and three named fields per metric) that took the main thread ~120 ms to
// read, the worker ~100 ms to write (issue 20). Packed, each distinct list of metric (or
// breakdown) keys goes once and the numbers go as one Float64Array, handed over without a copy.
// The receiver saves the numbers from there (packedValuesOf); whoever needs the objects gets
// the same ones again, key for key and number for number (unpackResults).
import type { Estimate, StrategyResult } from '../../common/core/index.ts';
import { visitPacked } from '../store/packed-values.ts';
import type { PackedResultValues, PackedValues } from '../store/store.ts';
import type { ScenarioOutcome } from './protocol.ts';

/** Outcomes with their results' metrics and breakdowns moved into `values` (see packOutcomes). */
export interface PackedOutcomes {
  /** The outcomes; a packed result's metrics (and breakdown) are {} until unpacked. */
  outcomes: ScenarioOutcome[];
  /** Each distinct list of keys once: a result's metric keys, or its breakdown's. */
  keyLists: string[][];
  /**
   * Two entries per result of the ok outcomes, in order: the index in keyLists of its metric
   * keys (-1: not packed, sent as it is) and of its breakdown's (-1: none).
   */
  lists: Int32Array;
  /** mean, ci95, n of each metric, then each breakdown term, result after result. */
  values: Float64Array<ArrayBuffer>;
}

/** Key lists compared with a result's, at most (the most recent first): a job has one per strategy or a few. */
const LIST_CANDIDATES = 16;

/**
 * Packs the outcomes' metrics and breakdowns (the objects are changed: send them and drop
 * them). A result whose metrics are not all plain { mean, ci95, n } of numbers stays as it is.
 */
export function packOutcomes(outcomes: ScenarioOutcome[]): PackedOutcomes {
  const keyLists: string[][] = [];
  const listOf = (keys: string[]): number => {
    for (let i = keyLists.length - 1; i >= Math.max(0, keyLists.length - LIST_CANDIDATES); i--)
      if (sameKeys(keyLists[i]!, keys)) return i;
    return keyLists.push(keys) - 1;
  };
  let results = 0;
  let numbers = 0;
  for (const outcome of outcomes)
    if (outcome.ok)
      for (const r of outcome.output.strategies) {
        results++;
        numbers +=
          3 * Object.keys(r.metrics).length + (r.breakdown === undefined ? 0 : Object.keys(r.breakdown).length);
      }
  const lists = new Int32Array(2 * results);
  const values = new Float64Array(numbers);
  let l = 0;
  let v = 0;
  for (const outcome of outcomes) {
    if (!outcome.ok) continue;
    for (const r of outcome.output.strategies) {
      if (!packable(r)) {
        lists[l++] = -1;
        lists[l++] = -1;
        continue;
      }
      const keys = Object.keys(r.metrics);
      lists[l++] = listOf(keys);
      for (const key of keys) {
        const e = r.metrics[key]!;
        values[v++] = e.mean;
        values[v++] = e.ci95;
        values[v++] = e.n;
      }
      r.metrics = {};
      if (r.breakdown === undefined) lists[l++] = -1;
      else {
        const terms = Object.keys(r.breakdown);
        lists[l++] = listOf(terms);
        for (const term of terms) values[v++] = r.breakdown[term]!;
        r.breakdown = {}; // a placeholder, so the result's fields keep their order
      }
    }
  }
  return { outcomes, keyLists, lists, values: values.subarray(0, v) };
}

/**
 * Where each packed result's metrics and breakdown are in the packed numbers, by result: the
 * store saves them from there, without making their objects (store: ComputedRun.packed). A
 * result packOutcomes left as it was is not in the map.
 */
export function packedValuesOf(packed: PackedOutcomes): Map<StrategyResult, PackedResultValues> {
  const byResult = new Map<StrategyResult, PackedResultValues>();
  forEachPacked(packed, (r, values) => byResult.set(r, values));
  return byResult;
}

/** Gives each result its metrics and breakdown objects again, made from its packed numbers. */
export function unpackResults(packedValues: Map<StrategyResult, PackedResultValues>): void {
  for (const [r, { metrics: m, breakdown: b }] of packedValues) {
    const metrics: Record<string, Estimate> = {};
    visitPacked(m, (key, mean, ci95, n) => {
      metrics[key] = { mean, ci95, n };
    });
    r.metrics = metrics;
    if (b === undefined) continue;
    const breakdown: Record<string, number> = {};
    visitPacked(b, (term, value) => {
      breakdown[term] = value;
    });
    r.breakdown = breakdown;
  }
}

/** Calls `visit` for each packed result of the outcomes, in order, with where its numbers are. */
function forEachPacked(packed: PackedOutcomes, visit: (r: StrategyResult, values: PackedResultValues) => void): void {
  const { outcomes, keyLists, lists, values } = packed;
  let l = 0;
  let v = 0;
  for (const outcome of outcomes) {
    if (!outcome.ok) continue;
    for (const r of outcome.output.strategies) {
      const metricList = lists[l++]!;
      const breakdownList = lists[l++]!;
      if (metricList < 0) continue;
      const metrics: PackedValues = { keys: keyLists[metricList]!, values, at: v, perKey: 3 };
      v += 3 * metrics.keys.length;
      let breakdown: PackedValues | undefined;
      if (breakdownList >= 0) {
        breakdown = { keys: keyLists[breakdownList]!, values, at: v, perKey: 1 };
        v += breakdown.keys.length;
      }
      visit(r, { metrics, breakdown });
    }
  }
}

/** Whether every metric is exactly { mean, ci95, n } of numbers and every breakdown term a number: nothing else would survive packing. */
function packable(r: StrategyResult): boolean {
  for (const key in r.metrics) {
    const e = r.metrics[key]!;
    if (key === '__proto__' || typeof e.mean !== 'number' || typeof e.ci95 !== 'number' || typeof e.n !== 'number')
      return false;
    if (Object.keys(e).length !== 3 || Object.getPrototypeOf(e) !== Object.prototype) return false;
  }
  if (r.breakdown !== undefined)
    for (const term in r.breakdown) if (term === '__proto__' || typeof r.breakdown[term] !== 'number') return false;
  return true;
}

function sameKeys(a: string[], b: string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
