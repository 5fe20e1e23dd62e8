// A run as the store reads it back: one mapping from a `runs` row and its children (latency
// distributions, series) to what callers get, for the history, the experiment view, compare and
// diff, and bundles. Since migration 0005 the row itself holds the run's metrics and cost
// breakdown (encoded by codec.ts, keys from result_keys) and the model's result flags (JSON).
// Nothing read back is trusted: a column that does not parse or decode is reported as damage.
import type BetterSqlite3 from 'better-sqlite3';
import { sql, type Kysely, type Selectable } from 'kysely';
import type { CapabilityRow, Estimate, LatencyDistribution, ResultFlag, StrategyId } from '../../common/core/index.ts';
import type { RunDetail, RunSeries, RunStatus } from '../../common/contract/index.ts';
import type { RunTable } from '../../common/contract/run-table.ts';
import { EncodedBlobs } from './codec.ts';
import { damaged, decodedStored, parseStored } from './integrity.ts';
import { decodeBreakdown, decodeMetrics, type EstimateOf, type ResultKeys } from './keys.ts';
import type { Database, RunsTable } from './schema.ts';

/** What every read of a run selects from its row (the capability text from its capabilities row). */
export type RunRow = { capability: string | null } & Pick<
  Selectable<RunsTable>,
  | 'id'
  | 'strategy'
  | 'point'
  | 'seeds'
  | 'status'
  | 'started_at'
  | 'finished_at'
  | 'model_version'
  | 'error'
  | 'params'
  | 'metrics'
  | 'breakdown'
  | 'flags'
>;

const SHARED_COLUMNS =
  'r.id, r.strategy, r.point, r.seeds, r.status, r.started_at, r.finished_at, r.model_version, r.error, r.params, r.metrics, r.breakdown, r.flags';

/** RunRow's columns, for raw queries on `runs` aliased r. */
export const RUN_COLUMNS = sql.raw(
  `${SHARED_COLUMNS}, (select c.body from capabilities c where c.id = r.capability_id) as capability`,
);

/**
 * What a RunTable is made from: runs in id order (an experiment's, or those asked for), a slice
 * at a time, column by column as one query reads them (readRunBatches). Each run's capability is
 * its row's id, not its text (a sweep's runs share a few ~1.8 KB texts; RunMapping.table reads
 * each once), and its encoded metrics and breakdown are ranges of one byte array for the slice.
 */
export interface RunBatch {
  id: number[];
  strategy: string[];
  status: string[];
  startedAt: (string | null)[];
  finishedAt: (string | null)[];
  modelVersion: (string | null)[];
  error: (string | null)[];
  /** The JSON texts as stored (parsed once per distinct text by RunMapping.table). */
  point: string[];
  seeds: string[];
  params: string[];
  flags: (string | null)[];
  capabilityId: (number | null)[];
  /** Each run's metrics blob length in bytes (null: none), the blobs one after another in `metricBytes`. */
  metricsLength: (number | null)[];
  metricBytes: Uint8Array;
  breakdownLength: (number | null)[];
  breakdownBytes: Uint8Array;
}

/** The storage classes each column RUN_BATCH_SQL reads may hold (the schema's types; null where the column may be null). */
const RUN_BATCH_CLASSES: Record<string, readonly string[]> = {
  strategy: ['text'],
  status: ['text'],
  started_at: ['text', 'null'],
  finished_at: ['text', 'null'],
  model_version: ['text', 'null'],
  error: ['text', 'null'],
  point: ['text'],
  seeds: ['text'],
  params: ['text'],
  flags: ['text', 'null'],
  capability_id: ['integer', 'null'],
  metrics: ['blob', 'null'],
  breakdown: ['blob', 'null'],
};

const wrongClass = (column: string, classes: readonly string[]): string =>
  `typeof(${column}) not in (${classes.map((c) => `'${c}'`).join(', ')})`;

/** The columns a RunBatch takes as JSON arrays after the ids, in its order: all but the blobs. */
const ARRAY_COLUMNS = Object.entries(RUN_BATCH_CLASSES)
  .filter(([, classes]) => !classes.includes('blob'))
  .map(([column]) => column);

/**
 * A slice of runs (an experiment's with ids in a range, or ids asked for), as one row of JSON
 * arrays and concatenated blobs:
 * better-sqlite3 makes a JS object per row and a Buffer with a backing store of its own per blob
 * (~3 us each), which made reading a 70,000-run experiment's rows ~0.6 s of CPU; a few dozen long
 * values per slice take about a third. Every aggregate steps through the same rows, in the order
 * of the index (experiment_id, id) or of the table's ids, whichever SQLite walks; for ids asked
 * for, of their sorted list or of the table: id order either way (readRunBatches checks it).
 * group_concat appends each blob's bytes as they are (in a UTF-8 database, which is what the store
 * creates; hex() and unhex() cost twice as much) and the cast gives them back as one blob.
 * A blob in a text column makes json_group_array fail: readRunBatches then names the run and
 * the column (wrongClassDamage). One that SQLite reads as valid JSONB goes in as its JSON, and is
 * then checked as any stored JSON is. Checking each value's class in this query cost 35-170 ms
 * more at 70,000 runs.
 */
const runBatchSql = (where: string): string => `select max(id),
    json_group_array(id), ${ARRAY_COLUMNS.map((c) => `json_group_array(${c})`).join(', ')},
    json_group_array(octet_length(metrics)), cast(group_concat(metrics, '') as blob),
    json_group_array(octet_length(breakdown)), cast(group_concat(breakdown, '') as blob)
  from runs where ${where}`;

/** A slice of an experiment's runs: its experiment id, then the range of ids (after, upTo]. */
const IN_RANGE = 'experiment_id = ? and id > ? and id <= ?';
/** A slice of the runs asked for: their ids as one JSON array. */
const IN_LIST = 'id in (select value from json_each(?))';

/** Run ids per RunBatch: enough that the per-query cost vanishes, few enough to keep each slice's texts small. */
const RUN_BATCH_IDS = 2048;

const NO_BYTES = new Uint8Array(0);

const total = (lengths: (number | null)[]): number => lengths.reduce<number>((sum, n) => sum + (n ?? 0), 0);

/** Which runs readRunBatches reads: an experiment's, or those with the ids given (in any order, repeats allowed). */
export type RunScope = { experimentId: number } | { runIds: readonly number[] };

/**
 * The runs in scope in id order, RunBatch by RunBatch, each read when the previous one has been
 * used: an experiment's a range of ids at a time (its runs are mostly consecutive), ids asked for
 * `ids` at a time. Call it inside a read transaction for one snapshot of the runs.
 */
export function* readRunBatches(
  sqlite: BetterSqlite3.Database,
  scope: RunScope,
  ids = RUN_BATCH_IDS,
): Generator<RunBatch> {
  const where = 'runIds' in scope ? IN_LIST : IN_RANGE;
  const whose = 'runIds' in scope ? 'the runs asked for' : `the runs of experiment ${scope.experimentId}`;
  const statement = sqlite.prepare(runBatchSql(where)).raw(true);
  let last = Number.NEGATIVE_INFINITY;
  for (const args of 'runIds' in scope ? listSlices(scope.runIds, ids) : rangeSlices(sqlite, scope.experimentId, ids)) {
    let r: unknown[];
    try {
      r = statement.get(...args) as unknown[];
    } catch (err) {
      throw wrongClassDamage(sqlite, where, args) ?? err;
    }
    if (r[0] === null) continue; // none of these ids is a run
    const array = <T>(at: number): T[] => JSON.parse(r[at] as string) as T[];
    const batch: RunBatch = {
      id: array(1),
      strategy: array(2),
      status: array(3),
      startedAt: array(4),
      finishedAt: array(5),
      modelVersion: array(6),
      error: array(7),
      point: array(8),
      seeds: array(9),
      params: array(10),
      flags: array(11),
      capabilityId: array(12),
      metricsLength: array(13),
      metricBytes: (r[14] as Uint8Array | null) ?? NO_BYTES,
      breakdownLength: array(15),
      breakdownBytes: (r[16] as Uint8Array | null) ?? NO_BYTES,
    };
    // The ids say whether the order held (a plan that walked another index would not keep it),
    // the lengths whether the blobs came back byte for byte.
    for (const id of batch.id) {
      if (!(id > last)) throw new Error(`${whose} were not read in id order`);
      last = id;
    }
    if (
      total(batch.metricsLength) !== batch.metricBytes.length ||
      total(batch.breakdownLength) !== batch.breakdownBytes.length
    )
      throw new Error(`the encoded values of ${whose} were not read byte for byte`);
    yield batch;
  }
}

/** IN_RANGE's arguments: ranges of `ids` ids, each from the experiment's next run on. */
function* rangeSlices(sqlite: BetterSqlite3.Database, experimentId: number, ids: number): Generator<unknown[]> {
  const nextId = sqlite.prepare('select min(id) from runs where experiment_id = ? and id > ?').pluck();
  let after = 0;
  for (;;) {
    const next = nextId.get(experimentId, after) as number | null;
    if (next === null) return;
    yield [experimentId, next - 1, next - 1 + ids];
    after = next - 1 + ids;
  }
}

/** IN_LIST's arguments: the ids in ascending order, each once, `ids` at a time. */
function* listSlices(runIds: readonly number[], ids: number): Generator<unknown[]> {
  const sorted = [...new Set(runIds)].sort((a, b) => a - b);
  for (let k = 0; k < sorted.length; k += ids) yield [JSON.stringify(sorted.slice(k, k + ids))];
}

/**
 * The damage that made a RunBatch's query fail, if that is what it was: the first run of the
 * slice (`where` with `args`) whose row holds a value of another storage class than its
 * column's, named with the column.
 */
function wrongClassDamage(sqlite: BetterSqlite3.Database, where: string, args: unknown[]): Error | undefined {
  const columns = Object.entries(RUN_BATCH_CLASSES);
  const found = sqlite
    .prepare(
      `select id, ${columns.map(([c]) => `typeof(${c})`).join(', ')} from runs
        where ${where} and (${columns.map(([c, k]) => wrongClass(c, k)).join(' or ')})
        order by id limit 1`,
    )
    .raw(true)
    .get(...args) as [number, ...string[]] | undefined;
  if (found === undefined) return undefined;
  const [id, ...classes] = found;
  const at = columns.findIndex(([, allowed], i) => !allowed.includes(classes[i]!));
  const [column, allowed] = columns[at]!;
  return damaged('runs', id, `column ${column} holds a ${classes[at]}, not ${allowed.join(' or ')}`);
}

/** What runs hold beside their rows, by run id. */
export interface RunChildren {
  distributions: Map<number, Record<string, LatencyDistribution>>;
  series: Map<number, Record<string, RunSeries>>;
}

/**
 * The distributions and series of the runs asked for: by run id, or every run of the
 * experiments given. The ids go in as one JSON array (json_each), so a 60,000-run sweep is one
 * statement per table, not one per 500 ids.
 */
export async function loadRunChildren(
  db: Kysely<Database>,
  scope: { runIds: number[] } | { experimentIds: number[] },
): Promise<RunChildren> {
  // By experiment a join, which walks the experiments' runs once by index: `run_id in (select id
  // from runs ...)` probed the child table once per run and took 4x as long (70,000 runs: 22 ms a table).
  const where =
    'runIds' in scope
      ? sql`where c.run_id in (select value from json_each(${JSON.stringify(scope.runIds)}))`
      : sql`join runs r on r.id = c.run_id where r.experiment_id in (select value from json_each(${JSON.stringify(scope.experimentIds)}))`;
  const collect = async <T>(table: 'distributions' | 'series'): Promise<Map<number, Record<string, T>>> => {
    const map = new Map<number, Record<string, T>>();
    const rows = await sql<{
      run_id: number;
      key: string;
      body: string;
    }>`select c.run_id, c.key, c.body from ${sql.table(table)} c ${where}`.execute(db);
    for (const r of rows.rows) {
      let record = map.get(r.run_id);
      if (record === undefined) map.set(r.run_id, (record = {}));
      record[r.key] = parseStored<T>(table, `${r.run_id}/${r.key}`, 'body', r.body);
    }
    return map;
  };
  return { distributions: await collect('distributions'), series: await collect('series') };
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** Where one metric key's columns are in a ValueColumns. */
interface MetricSlots {
  key: string;
  mean: number;
  ci95?: number;
  n?: number;
}

/**
 * Float64Array columns with one entry per run, each filled with its own default (NaN: no value),
 * that grow when more runs come than were expected (runs added between counting and reading).
 */
class ValueColumns {
  #capacity: number;
  readonly #columns: Float64Array[] = [];
  readonly #fills: number[] = [];

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  /** A new column, every entry `fill`; its index. */
  add(fill: number): number {
    this.#columns.push(new Float64Array(this.#capacity).fill(fill));
    this.#fills.push(fill);
    return this.#columns.length - 1;
  }

  /** Makes room for `size` entries in every column. */
  reserve(size: number): void {
    if (size <= this.#capacity) return;
    this.#capacity = Math.max(size, this.#capacity * 2, 64);
    this.#columns.forEach((old, at) => {
      const grown = new Float64Array(this.#capacity).fill(this.#fills[at]!);
      grown.set(old);
      this.#columns[at] = grown;
    });
  }

  set(column: number, entry: number, value: number): void {
    this.#columns[column]![entry] = value;
  }

  /** The columns, each `size` entries long. */
  finish(size: number): Float64Array[] {
    return this.#columns.map((c) => (c.length === size ? c : c.slice(0, size)));
  }
}

/** Distinct JSON texts remembered by one RunMapping before it starts again. */
const SHARED_TEXTS = 4096;

/** Distinct single-value estimates remembered by one RunMapping before it starts again. */
const SHARED_ESTIMATES = 1 << 18;

/** RunBatch columns that are RunTable columns as they are (strategies and statuses as stored, like every read of a run). */
const TAKEN_COLUMNS = ['id', 'strategy', 'status', 'startedAt', 'finishedAt', 'modelVersion', 'error'] as const;

/** The one mapping from run rows to what the contract shows of a run (RunDetail, a history row's fields). */
export class RunMapping {
  readonly #keys: ResultKeys;
  readonly #parsed = new Map<string, unknown>();
  readonly #estimates = new Map<number, Estimate>();

  /** @param keys the result_keys dictionary of the connection the rows were read on */
  constructor(keys: ResultKeys) {
    this.#keys = keys;
  }

  /**
   * JSON that a sweep's runs share (capability rows, parameter sets, seed lists), parsed once per
   * distinct text. The values are shared between runs and answers, so they are frozen: a caller
   * that tried to change one would throw, not corrupt the next answer.
   */
  #shared<T>(row: number, column: string, text: string): T {
    let value = this.#parsed.get(text);
    if (value === undefined) {
      value = deepFreeze(parseStored<unknown>('runs', row, column, text));
      if (this.#parsed.size >= SHARED_TEXTS) this.#parsed.clear();
      this.#parsed.set(text, value);
    }
    return value as T;
  }

  /**
   * An analytic value's Estimate ({ mean, ci95: 0, n: 1 }), one frozen object per distinct mean:
   * a 14,000-run sweep holds ~456,000 metric values but ~66,000 distinct ones, and building (and,
   * from the read worker, copying: structured clone keeps shared objects shared) one object per
   * value was most of what opening a big experiment cost. Other estimates are built fresh.
   */
  readonly #estimateOf: EstimateOf = (mean, ci95, n) => {
    if (ci95 !== 0 || n !== 1 || Object.is(mean, -0)) return { mean, ci95, n };
    let e = this.#estimates.get(mean);
    if (e === undefined) {
      if (this.#estimates.size >= SHARED_ESTIMATES) this.#estimates.clear();
      this.#estimates.set(mean, (e = Object.freeze({ mean, ci95: 0, n: 1 })));
    }
    return e;
  };

  /** The columns every view of a run shares (history rows, details, bundles). */
  fields(
    r: Pick<RunRow, 'id' | 'strategy' | 'point' | 'status' | 'started_at' | 'finished_at' | 'model_version' | 'error'>,
  ): {
    strategy: StrategyId;
    point: RunDetail['point'];
    status: RunStatus;
    startedAt: string | null;
    finishedAt: string | null;
    modelVersion: string | null;
    error: string | null;
  } {
    return {
      strategy: r.strategy as StrategyId,
      point: parseStored<RunDetail['point']>('runs', r.id, 'point', r.point),
      status: r.status as RunStatus,
      startedAt: r.started_at,
      finishedAt: r.finished_at,
      modelVersion: r.model_version,
      error: r.error,
    };
  }

  /** Every metric the run saved ({} before it finished). */
  metrics(r: Pick<RunRow, 'id' | 'metrics'>): Record<string, Estimate> {
    return decodedStored('runs', r.id, 'metrics', () => decodeMetrics(this.#keys, r.metrics, this.#estimateOf));
  }

  /**
   * Runs as one RunTable (common/contract/run-table.ts): values decoded straight into one column
   * per key, shared JSON listed once; no object per run or per value is built. Its expansion
   * (runDetails) gives what `detail` gives for each row. `batches` are read as they come (up to
   * `expected` runs without growing the columns); `capabilityText` is asked once for each
   * capability row the runs refer to (a missing one is damage).
   */
  table(
    batches: Iterable<RunBatch>,
    expected: number,
    capabilityText: (id: number) => string | undefined,
    children: RunChildren,
  ): RunTable {
    const t: RunTable = {
      id: [],
      strategy: [],
      status: [],
      startedAt: [],
      finishedAt: [],
      modelVersion: [],
      error: [],
      point: [],
      points: [],
      seeds: [],
      seedLists: [],
      params: [],
      paramSets: [],
      capability: [],
      capabilities: [],
      flags: [],
      flagSets: [],
      metrics: {},
      hasBreakdown: [],
      breakdown: {},
      distributions: [],
      series: [],
    };
    /** Capability row id -> its index in t.capabilities. */
    const capabilityAt = new Map<number, number>();
    const capabilityOf = (row: number, id: number): number => {
      let at = capabilityAt.get(id);
      if (at === undefined) {
        const text = capabilityText(id);
        if (text === undefined)
          throw damaged('runs', row, `column capability_id names capabilities row ${id}, which does not exist`);
        at = t.capabilities.length;
        t.capabilities.push(this.#shared<CapabilityRow>(row, 'capability', text));
        capabilityAt.set(id, at);
      }
      return at;
    };
    /**
     * The index in `list` of a run's value under `column`, parsed and added on its first
     * appearance. Runs in id order often repeat the run before them (a sweep point's strategies,
     * the seeds): that is checked before the map.
     */
    const listing = <T>(list: T[], column: string): ((row: number, text: string) => number) => {
      const seen = new Map<string, number>();
      let last: string | undefined;
      let lastAt = -1;
      return (row, text) => {
        if (text === last) return lastAt;
        let at = seen.get(text);
        if (at === undefined) {
          at = list.length;
          list.push(this.#shared<T>(row, column, text));
          seen.set(text, at);
        }
        last = text;
        lastAt = at;
        return at;
      };
    };
    const pointAt = listing(t.points, 'point');
    const seedsAt = listing(t.seedLists, 'seeds');
    const paramsAt = listing(t.paramSets, 'params');
    const flagsAt = listing(t.flagSets, 'flags');
    const columns = new ValueColumns(Math.max(0, expected));
    // By key id: a lookup in an array per value, not a Map and a record per value.
    const metricColumns: MetricSlots[] = [];
    const breakdownColumns: { key: string; at: number }[] = [];
    // Keys in the order the runs list them (runDetails lists a run's keys in this order). A key
    // first met in a later run goes right after the key that run lists before it: runs of one
    // model list their keys in one order, whichever keys each one has.
    const metricOrder: MetricSlots[] = [];
    const breakdownOrder: { key: string; at: number }[] = [];
    let lastMetric: MetricSlots | undefined; // the key the run being read listed last
    let lastTerm: { key: string; at: number } | undefined;
    /** The key's entry in `byKey`, made on first use and put in `order` after `last`. */
    const entry = <T>(byKey: T[], order: T[], keyId: number, last: T | undefined, make: (key: string) => T): T => {
      let e = byKey[keyId];
      if (e === undefined) {
        e = byKey[keyId] = make(this.#keys.keyOf(keyId));
        order.splice(last === undefined ? 0 : order.indexOf(last) + 1, 0, e);
      }
      return e;
    };
    const newMetric = (key: string): MetricSlots => ({ key, mean: columns.add(Number.NaN) });
    const newTerm = (key: string): { key: string; at: number } => ({ key, at: columns.add(Number.NaN) });
    let i = 0;
    const visitMetric = (keyId: number, mean: number, ci95: number, n: number): void => {
      const c = (lastMetric = entry(metricColumns, metricOrder, keyId, lastMetric, newMetric));
      columns.set(c.mean, i, mean);
      if (ci95 !== 0 || n !== 1) {
        columns.set((c.ci95 ??= columns.add(0)), i, ci95);
        columns.set((c.n ??= columns.add(1)), i, n);
      }
    };
    const visitBreakdown = (keyId: number, mean: number): void => {
      const term = (lastTerm = entry(breakdownColumns, breakdownOrder, keyId, lastTerm, newTerm));
      columns.set(term.at, i, mean);
    };
    // Columns the batches hold as the table does, joined at the end (not pushed run by run).
    const taken: Pick<RunTable, (typeof TAKEN_COLUMNS)[number]>[] = [];
    for (const b of batches) {
      taken.push(b as Pick<RunTable, (typeof TAKEN_COLUMNS)[number]>);
      columns.reserve(i + b.id.length);
      const metricBlobs = new EncodedBlobs(b.metricBytes);
      const breakdownBlobs = new EncodedBlobs(b.breakdownBytes);
      let metricsAt = 0;
      let breakdownAt = 0;
      for (let j = 0; j < b.id.length; j++, i++) {
        const id = b.id[j]!;
        t.point.push(pointAt(id, b.point[j]!));
        t.seeds.push(seedsAt(id, b.seeds[j]!));
        t.params.push(paramsAt(id, b.params[j]!));
        const capabilityId = b.capabilityId[j]!;
        t.capability.push(capabilityId === null ? -1 : capabilityOf(id, capabilityId));
        const flags = b.flags[j]!;
        t.flags.push(flags === null ? -1 : flagsAt(id, flags));
        lastMetric = lastTerm = undefined;
        const metrics = b.metricsLength[j]!;
        if (metrics !== null) {
          const from = metricsAt;
          decodedStored('runs', id, 'metrics', () => metricBlobs.decode(from, from + metrics, visitMetric));
          metricsAt += metrics;
        }
        const breakdown = b.breakdownLength[j]!;
        t.hasBreakdown.push(breakdown !== null);
        if (breakdown !== null) {
          const from = breakdownAt;
          decodedStored('runs', id, 'breakdown', () => breakdownBlobs.decode(from, from + breakdown, visitBreakdown));
          breakdownAt += breakdown;
        }
      }
    }
    for (const column of TAKEN_COLUMNS)
      (t[column] as unknown[]) = ([] as unknown[]).concat(...taken.map((b) => b[column]));
    const values = columns.finish(i);
    for (const c of metricOrder)
      t.metrics[c.key] = {
        mean: values[c.mean]!,
        ...(c.ci95 === undefined ? {} : { ci95: values[c.ci95]! }),
        ...(c.n === undefined ? {} : { n: values[c.n]! }),
      };
    for (const { key, at } of breakdownOrder) t.breakdown[key] = values[at]!;
    const indexOf = (id: number): number | undefined => {
      // t.id is in ascending order (the rows are read ordered by id).
      let lo = 0;
      let hi = t.id.length - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        const v = t.id[mid]!;
        if (v === id) return mid;
        if (v < id) lo = mid + 1;
        else hi = mid - 1;
      }
      return undefined;
    };
    for (const [id, values] of children.distributions) {
      const run = indexOf(id);
      if (run !== undefined) t.distributions.push({ run, values });
    }
    for (const [id, values] of children.series) {
      const run = indexOf(id);
      if (run !== undefined) t.series.push({ run, values });
    }
    return t;
  }

  /** A run in full, from its row and its children; flags and breakdown only where the model gave them. */
  detail(r: RunRow, children: RunChildren): RunDetail {
    const breakdown = decodedStored('runs', r.id, 'breakdown', () => decodeBreakdown(this.#keys, r.breakdown));
    return {
      id: r.id,
      ...this.fields(r),
      seeds: this.#shared<number[]>(r.id, 'seeds', r.seeds),
      params: this.#shared<Record<string, unknown>>(r.id, 'params', r.params),
      capability: r.capability === null ? null : this.#shared<CapabilityRow>(r.id, 'capability', r.capability),
      metrics: this.metrics(r),
      distributions: children.distributions.get(r.id) ?? {},
      series: children.series.get(r.id) ?? {},
      ...(r.flags === null ? {} : { flags: this.#shared<ResultFlag[]>(r.id, 'flags', r.flags) }),
      ...(breakdown === undefined ? {} : { breakdown }),
    };
  }
}
