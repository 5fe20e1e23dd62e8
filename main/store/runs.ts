// A run as the store reads it back: one mapping from a `runs` row and its children (latency
// distributions, series) to what callers get, for the history, the experiment view, compare and
// diff, and bundles. Since migration 0005 the row itself holds the run's metrics and cost
// breakdown (encoded by codec.ts, keys from result_keys) and the model's result flags (JSON).
// Nothing read back is trusted: a column that does not parse or decode is reported as damage.
import { sql, type Kysely, type Selectable } from 'kysely';
import type { CapabilityRow, Estimate, LatencyDistribution, ResultFlag, StrategyId } from '../../common/core/index.ts';
import type { RunDetail, RunSeries, RunStatus } from '../../common/contract/index.ts';
import type { RunTable } from '../../common/contract/run-table.ts';
import { decodeValues } from './codec.ts';
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
 * What a RunTable is made from: a run's row with its capability's id, not its text. A sweep's
 * runs share a few capability texts (~1.8 KB each, 7 in a 70,000-run sweep); reading the text
 * with every row made half of what opening the sweep cost. RunMapping.table reads each once.
 */
export type TableRow = Omit<RunRow, 'capability'> & Pick<Selectable<RunsTable>, 'capability_id'>;

/** TableRow's columns, for raw queries on `runs` aliased r. */
export const TABLE_COLUMNS = `${SHARED_COLUMNS}, r.capability_id`;

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
  const ofRuns =
    'runIds' in scope
      ? sql`(select value from json_each(${JSON.stringify(scope.runIds)}))`
      : sql`(select id from runs where experiment_id in (select value from json_each(${JSON.stringify(scope.experimentIds)})))`;
  const collect = async <T>(table: 'distributions' | 'series'): Promise<Map<number, Record<string, T>>> => {
    const map = new Map<number, Record<string, T>>();
    const rows = await sql<{ run_id: number; key: string; body: string }>`select run_id, key, body from ${sql.table(
      table,
    )} where run_id in ${ofRuns}`.execute(db);
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
   * (runDetails) gives what `detail` gives for each row. `rows` are read as they come (up to
   * `expected` of them without growing the columns); `capabilityText` is asked once for each
   * capability row the runs refer to (a missing one is damage).
   */
  table(
    rows: Iterable<TableRow>,
    expected: number,
    capabilityText: (id: number) => string | undefined,
    children: RunChildren,
  ): RunTable {
    const lists = new Map<string, Map<string, number>>();
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
    /** The index of `text`'s value in `list`, parsed and added on its first appearance. */
    const listed = <T>(list: T[], row: number, column: string, text: string): number => {
      let seen = lists.get(column);
      if (seen === undefined) lists.set(column, (seen = new Map()));
      let at = seen.get(text);
      if (at === undefined) {
        at = list.length;
        list.push(this.#shared<T>(row, column, text));
        seen.set(text, at);
      }
      return at;
    };
    const columns = new ValueColumns(Math.max(0, expected));
    // By key id: a lookup in an array per value, not a Map and a record per value.
    const metricColumns: MetricSlots[] = [];
    const breakdownColumns: number[] = [];
    // Keys in the order the runs list them.
    const metricOrder: MetricSlots[] = [];
    const breakdownOrder: { key: string; at: number }[] = [];
    const metricColumn = (keyId: number): MetricSlots => {
      let c = metricColumns[keyId];
      if (c === undefined)
        metricOrder.push((c = metricColumns[keyId] = { key: this.#keys.keyOf(keyId), mean: columns.add(Number.NaN) }));
      return c;
    };
    let i = 0;
    const visitMetric = (keyId: number, mean: number, ci95: number, n: number): void => {
      const c = metricColumn(keyId);
      columns.set(c.mean, i, mean);
      if (ci95 !== 0 || n !== 1) {
        columns.set((c.ci95 ??= columns.add(0)), i, ci95);
        columns.set((c.n ??= columns.add(1)), i, n);
      }
    };
    const visitBreakdown = (keyId: number, mean: number): void => {
      let at = breakdownColumns[keyId];
      if (at === undefined) {
        at = breakdownColumns[keyId] = columns.add(Number.NaN);
        breakdownOrder.push({ key: this.#keys.keyOf(keyId), at });
      }
      columns.set(at, i, mean);
    };
    for (const r of rows) {
      columns.reserve(i + 1);
      t.id.push(r.id);
      t.strategy.push(r.strategy as StrategyId);
      t.status.push(r.status as RunStatus);
      t.startedAt.push(r.started_at);
      t.finishedAt.push(r.finished_at);
      t.modelVersion.push(r.model_version);
      t.error.push(r.error);
      t.point.push(listed(t.points, r.id, 'point', r.point));
      t.seeds.push(listed(t.seedLists, r.id, 'seeds', r.seeds));
      t.params.push(listed(t.paramSets, r.id, 'params', r.params));
      t.capability.push(r.capability_id === null ? -1 : capabilityOf(r.id, r.capability_id));
      t.flags.push(r.flags === null ? -1 : listed(t.flagSets, r.id, 'flags', r.flags));
      if (r.metrics !== null) decodedStored('runs', r.id, 'metrics', () => decodeValues(r.metrics!, visitMetric));
      t.hasBreakdown.push(r.breakdown !== null);
      if (r.breakdown !== null)
        decodedStored('runs', r.id, 'breakdown', () => decodeValues(r.breakdown!, visitBreakdown));
      i++;
    }
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
