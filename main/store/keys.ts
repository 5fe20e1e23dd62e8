// The result_keys dictionary in memory: metric and breakdown keys <-> the small integers the
// encoded columns (codec.ts) and run_metrics use. Keys are only ever added, never renumbered or
// removed, so a reader that meets an id it does not know just reloads.
import type BetterSqlite3 from 'better-sqlite3';
import { METRIC_CATALOGUE, type Estimate } from '../../common/core/index.ts';
import { decodeValues, ValueEncoder } from './codec.ts';
import { visitPacked, type PackedValues } from './packed-values.ts';

export interface ResultKey {
  id: number;
  key: string;
  /** Whether the key's means are also in run_metrics (fixed when the key was first saved). */
  indexed: boolean;
}

/**
 * Which new keys the history can filter and sort on through an index: the catalogue's cost
 * metrics (the headline figures). Other keys are filtered and sorted from the encoded column,
 * correctly but by a scan. Indexing every key would put ~26-50 index rows back on every run;
 * bench/scale.ts measures what this choice costs.
 */
const HISTORY_GROUPS = new Set(['cost']);
const historyKeys = new Set(METRIC_CATALOGUE.filter((m) => HISTORY_GROUPS.has(m.group)).map((m) => m.key));

export function isHistoryKey(key: string): boolean {
  return historyKeys.has(key);
}

export class ResultKeys {
  private readonly byKey = new Map<string, ResultKey>();
  private readonly byId = new Map<number, ResultKey>();
  private readonly sqlite: BetterSqlite3.Database;

  constructor(sqlite: BetterSqlite3.Database) {
    this.sqlite = sqlite;
    this.reload();
  }

  reload(): void {
    const rows = this.sqlite.prepare('select id, key, indexed from result_keys').all() as {
      id: number;
      key: string;
      indexed: number;
    }[];
    for (const r of rows) this.remember({ id: r.id, key: r.key, indexed: r.indexed === 1 });
  }

  private remember(k: ResultKey): ResultKey {
    this.byKey.set(k.key, k);
    this.byId.set(k.id, k);
    return k;
  }

  /** The key's entry, read from the database again if another connection added it since. */
  find(key: string): ResultKey | undefined {
    const known = this.byKey.get(key);
    if (known !== undefined) return known;
    this.reload();
    return this.byKey.get(key);
  }

  keyOf(id: number): string {
    let k = this.byId.get(id);
    if (k === undefined) {
      this.reload();
      k = this.byId.get(id);
    }
    if (k === undefined) throw new Error(`result key ${id} is not in result_keys`);
    return k.key;
  }

  /** The key's entry, added to the dictionary if new (writer connection only, inside its transaction). */
  intern(key: string, insert: BetterSqlite3.Statement<[string, number]>): ResultKey {
    const known = this.byKey.get(key);
    if (known !== undefined) return known;
    const indexed = isHistoryKey(key);
    const id = Number(insert.run(key, indexed ? 1 : 0).lastInsertRowid);
    return this.remember({ id, key, indexed });
  }

  /** Forgets keys added by a transaction that rolled back. */
  forget(ids: number[]): void {
    for (const id of ids) {
      const k = this.byId.get(id);
      if (k === undefined) continue;
      this.byId.delete(id);
      this.byKey.delete(k.key);
    }
  }
}

/** Values encoded for one run: the blob, and the indexed keys' means for run_metrics. */
export interface EncodedRunValues {
  blob: Buffer;
  /** Pairs, flat: key id, mean, key id, mean... (numbers, not an object each: ~8 a run). */
  indexed: number[];
}

/** One encoder for every run this thread saves (encoding is synchronous: no two blobs interleave). */
const encoder = new ValueEncoder();

/**
 * Encodes a run's metrics (or a breakdown: values only) with key ids from `keys`, adding new
 * keys through `insert`; `added` collects the ids added, for `forget` on rollback.
 */
export function encodeRunValues(
  keys: ResultKeys,
  insert: BetterSqlite3.Statement<[string, number]>,
  values: Record<string, { mean: number; ci95: number; n: number } | number>,
  added: number[],
): EncodedRunValues {
  const indexed: number[] = [];
  encoder.start();
  for (const key in values) {
    const v = values[key]!;
    const k = keyFor(keys, insert, key, added);
    const mean = typeof v === 'number' ? v : v.mean;
    if (typeof v === 'number') encoder.add(k.id, v, 0, 1);
    else encoder.add(k.id, mean, v.ci95, v.n);
    if (k.indexed) indexed.push(k.id, mean);
  }
  return { blob: encoder.finish(), indexed };
}

/**
 * encodeRunValues for values as they came packed: the same blob as for the objects they stand
 * for, without making them (a 70,000-run sweep's write worker spent a tenth of its time making
 * them, and more collecting them, only to encode them here; issue 20).
 */
export function encodePackedValues(
  keys: ResultKeys,
  insert: BetterSqlite3.Statement<[string, number]>,
  packed: PackedValues,
  added: number[],
): EncodedRunValues {
  const indexed: number[] = [];
  encoder.start();
  visitPacked(packed, (key, mean, ci95, n) => {
    const k = keyFor(keys, insert, key, added);
    encoder.add(k.id, mean, ci95, n);
    if (k.indexed) indexed.push(k.id, mean);
  });
  return { blob: encoder.finish(), indexed };
}

/** The key's entry, added (its id to `added`) if new. */
function keyFor(
  keys: ResultKeys,
  insert: BetterSqlite3.Statement<[string, number]>,
  key: string,
  added: number[],
): ResultKey {
  const known = keys.find(key);
  if (known !== undefined) return known;
  const k = keys.intern(key, insert);
  added.push(k.id);
  return k;
}

/** Makes the Estimate object for one decoded value (RunMapping shares equal ones). */
export type EstimateOf = (mean: number, ci95: number, n: number) => Estimate;

const freshEstimate: EstimateOf = (mean, ci95, n) => ({ mean, ci95, n });

/** A run's metrics back from runs.metrics. */
export function decodeMetrics(
  keys: ResultKeys,
  blob: Uint8Array | null,
  estimateOf: EstimateOf = freshEstimate,
): Record<string, Estimate> {
  const out: Record<string, Estimate> = {};
  if (blob !== null) decodeValues(blob, (id, mean, ci95, n) => (out[keys.keyOf(id)] = estimateOf(mean, ci95, n)));
  return out;
}

/** A run's cost breakdown back from runs.breakdown; undefined where the model gave none. */
export function decodeBreakdown(keys: ResultKeys, blob: Uint8Array | null): Record<string, number> | undefined {
  if (blob === null) return undefined;
  const out: Record<string, number> = {};
  decodeValues(blob, (id, mean) => (out[keys.keyOf(id)] = mean));
  return out;
}
