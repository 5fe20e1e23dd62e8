// The hot writes, as better-sqlite3 statements prepared once per connection and reused: a
// sweep saves tens of thousands of runs, and building, preparing and awaiting a Kysely query per
// row cost more than computing them (issue 20). Kysely stays for everything else.
import type BetterSqlite3 from 'better-sqlite3';
import type { CostEntry, Estimate, LatencyDistribution, StrategyResult } from '../../common/core/index.ts';
import type { RunSeries } from '../../common/contract/index.ts';
import { canonicalJson, contentHash, textHash } from './canonical.ts';
import { NotFoundError } from '../../common/core/index.ts';
import { IndexedMeans } from './indexed-means.ts';
import { encodePackedValues, encodeRunValues, ResultKeys, type EncodedRunValues } from './keys.ts';
import type { PackedValues } from './packed-values.ts';
import { nameTheFile } from './open.ts';
import { RunCounts } from './run-counts.ts';

/** A run's result as the runner hands it to the store to save. */
export interface FinishedRun extends ComputedRun {
  runId: number;
}

/** A run's result, computed (FinishedRun: of a recorded run; PlannedRun.done: of one not yet recorded). */
export interface ComputedRun {
  /** When a worker started the run (ISO time); the save time where unknown. */
  startedAt?: string | undefined;
  modelVersion: string;
  costTable: CostEntry[];
  result: StrategyResult;
  /** Series beside the result's metrics and distributions (none from the analytic model). */
  series?: Record<string, RunSeries> | undefined;
  /**
   * The result's metrics and breakdown as a simulation worker packed them (runner/wire.ts:
   * packedValuesOf), saved from there, in the write worker or on the main thread;
   * result.metrics and result.breakdown are then empty placeholders.
   */
  packed?: PackedResultValues | undefined;
}

/** A result's metrics and breakdown (undefined: none), packed (keys.ts: PackedValues). */
export interface PackedResultValues {
  metrics: PackedValues;
  breakdown: PackedValues | undefined;
}

/** A run as createExperiment records it (queued). */
export interface QueuedRunRow {
  experimentId: number;
  scenarioId: string;
  strategy: string;
  point: string;
  seeds: string;
}

/** A finished run's columns and values, whether its row is updated (finishRun) or inserted (insertFinishedRun). */
export interface FinishedValues {
  startedAt: string;
  finishedAt: string;
  modelVersion: string;
  costTableId: string;
  params: string;
  /** The run's capabilities row (WriteStatements.capabilityId). */
  capabilityId: number;
  metrics: Record<string, Estimate>;
  breakdown: Record<string, number> | undefined;
  /** The metrics and breakdown packed, when they came so: encoded from here, not from the two above. */
  packed: PackedResultValues | undefined;
  flags: string | null;
  distributions: Record<string, LatencyDistribution>;
  series: Record<string, RunSeries>;
}

/** The columns a finished run fills, in the order of #doneValues: one list for its update and its insert. */
const DONE_COLUMNS = [
  'started_at',
  'finished_at',
  'model_version',
  'cost_table_id',
  'params',
  'capability_id',
  'metrics',
  'breakdown',
  'flags',
] as const;

/** Cost tables remembered by content (JSON text) so a sweep hashes each distinct table once. */
const COST_TABLE_MEMO = 64;
/** Capability texts remembered with their row ids (a sweep has one per strategy). */
const CAPABILITY_MEMO = 256;
/**
 * run_metrics rows per insert statement: a sweep adds ~8 per run, and one statement per row
 * cost more than the rows themselves (issue 20: measured with better-sqlite3 on 70,000 runs).
 */
const MEANS_PER_STATEMENT = 32;

export class WriteStatements {
  readonly keys: ResultKeys;
  /** The experiments' run counts, kept with the runs (run-counts.ts). */
  readonly counts: RunCounts;
  private readonly insertKey: BetterSqlite3.Statement<[string, number]>;
  private readonly insertRunStmt: BetterSqlite3.Statement<[number, string, string, string, string]>;
  private readonly finishRunStmt: BetterSqlite3.Statement<unknown[]>;
  private readonly insertFinishedRunStmt: BetterSqlite3.Statement<unknown[]>;
  private readonly insertFailedRunStmt: BetterSqlite3.Statement<
    [number, string, string, string, string, string, string]
  >;
  private readonly setValuesStmt: BetterSqlite3.Statement<[Buffer, Buffer | null, number]>;
  private readonly insertRunMetric: BetterSqlite3.Statement<[number, number, number]>;
  private readonly insertRunMetrics: BetterSqlite3.Statement<number[]>;
  private readonly insertDistribution: BetterSqlite3.Statement<[number, string, string]>;
  private readonly insertSeries: BetterSqlite3.Statement<[number, string, string]>;
  private readonly insertCostTable: BetterSqlite3.Statement<[string, string]>;
  private readonly insertCapability: BetterSqlite3.Statement<[string, string]>;
  private readonly capabilityByHash: BetterSqlite3.Statement<[string], { id: number }>;
  private readonly costTableIds = new Map<string, string>();
  private readonly capabilityIds = new Map<string, number>();
  private readonly savedCostTables = new Set<string>();

  constructor(sqlite: BetterSqlite3.Database) {
    this.keys = new ResultKeys(sqlite);
    this.counts = new RunCounts(sqlite);
    this.insertKey = sqlite.prepare('insert into result_keys (key, indexed) values (?, ?)');
    this.insertRunStmt = sqlite.prepare(
      `insert into runs (experiment_id, scenario_id, strategy, point, seeds, status) values (?, ?, ?, ?, ?, 'queued')`,
    );
    this.finishRunStmt = sqlite.prepare(
      `update runs set status = 'done', ${DONE_COLUMNS.map((c) => `${c} = ?`).join(', ')}, error = null where id = ?`,
    );
    this.insertFinishedRunStmt = sqlite.prepare(
      `insert into runs (experiment_id, scenario_id, strategy, point, seeds, status, ${DONE_COLUMNS.join(', ')})
       values (?, ?, ?, ?, ?, 'done', ${DONE_COLUMNS.map(() => '?').join(', ')})`,
    );
    this.insertFailedRunStmt = sqlite.prepare(
      `insert into runs (experiment_id, scenario_id, strategy, point, seeds, status, error, finished_at)
       values (?, ?, ?, ?, ?, 'failed', ?, ?)`,
    );
    this.setValuesStmt = sqlite.prepare('update runs set metrics = ?, breakdown = ? where id = ?');
    this.insertRunMetric = sqlite.prepare('insert into run_metrics (key_id, mean, run_id) values (?, ?, ?)');
    this.insertRunMetrics = sqlite.prepare(
      `insert into run_metrics (key_id, mean, run_id) values ${Array.from({ length: MEANS_PER_STATEMENT }, () => '(?, ?, ?)').join(', ')}`,
    );
    this.insertDistribution = sqlite.prepare('insert into distributions (run_id, key, body) values (?, ?, ?)');
    this.insertSeries = sqlite.prepare('insert into series (run_id, key, body) values (?, ?, ?)');
    this.insertCostTable = sqlite.prepare('insert or ignore into cost_tables (id, body) values (?, ?)');
    this.insertCapability = sqlite.prepare('insert or ignore into capabilities (hash, body) values (?, ?)');
    this.capabilityByHash = sqlite.prepare('select id from capabilities where hash = ?');
  }

  insertRun(r: QueuedRunRow): number {
    return Number(this.insertRunStmt.run(r.experimentId, r.scenarioId, r.strategy, r.point, r.seeds).lastInsertRowid);
  }

  /**
   * The cost table's content hash, saving the table if this connection has not yet. A sweep's
   * runs carry equal tables (one per worker result): each distinct one is hashed once.
   */
  costTableId(table: CostEntry[]): string {
    const text = JSON.stringify(table);
    let id = this.costTableIds.get(text);
    if (id === undefined) {
      id = contentHash(table);
      if (this.costTableIds.size >= COST_TABLE_MEMO) this.costTableIds.clear();
      this.costTableIds.set(text, id);
    }
    if (!this.savedCostTables.has(id)) {
      this.insertCostTable.run(id, canonicalJson(table));
      this.savedCostTables.add(id);
    }
    return id;
  }

  /**
   * The id of the capabilities row holding this text, saving it if there is none (call inside
   * a transaction). Each distinct text is hashed and looked up once per connection.
   */
  capabilityId(text: string): number {
    let id = this.capabilityIds.get(text);
    if (id === undefined) {
      const hash = textHash(text);
      this.insertCapability.run(hash, text);
      id = this.capabilityByHash.get(hash)!.id;
      if (this.capabilityIds.size >= CAPABILITY_MEMO) this.capabilityIds.clear();
      this.capabilityIds.set(text, id);
    }
    return id;
  }

  /** Forgets what a rolled-back transaction wrote (keys added, cost tables and capabilities saved). */
  rollback(addedKeys: number[]): void {
    this.keys.forget(addedKeys);
    this.savedCostTables.clear();
    this.capabilityIds.clear();
  }

  /**
   * Marks a run done with its values (call inside a transaction). Its indexed means go to
   * `means`, for saveIndexedMeans once the batch's runs are all marked.
   */
  finishRun(runId: number, r: FinishedValues, added: number[], means: IndexedMeans): void {
    const { values, indexed } = this.#doneValues(r, added);
    const { changes } = this.finishRunStmt.run(...values, runId);
    if (changes !== 1) throw new NotFoundError(`run ${runId} does not exist`);
    this.#afterRow(runId, r, indexed, means);
  }

  /**
   * Records a run done with its values in one insert (call inside a transaction): a run computed
   * before it was recorded (createExperiment). Returns its id; its indexed means go to `means`.
   */
  insertFinishedRun(q: QueuedRunRow, r: FinishedValues, added: number[], means: IndexedMeans): number {
    const { values, indexed } = this.#doneValues(r, added);
    const runId = Number(
      this.insertFinishedRunStmt.run(q.experimentId, q.scenarioId, q.strategy, q.point, q.seeds, ...values)
        .lastInsertRowid,
    );
    this.#afterRow(runId, r, indexed, means);
    return runId;
  }

  /** Records a run that failed before it was recorded, with why (call inside a transaction). Returns its id. */
  insertFailedRun(q: QueuedRunRow, error: string, finishedAt: string): number {
    return Number(
      this.insertFailedRunStmt.run(q.experimentId, q.scenarioId, q.strategy, q.point, q.seeds, error, finishedAt)
        .lastInsertRowid,
    );
  }

  /** A finished run's DONE_COLUMNS values, in their order (metrics and breakdown encoded), and its indexed means. */
  #doneValues(r: FinishedValues, added: number[]): { values: unknown[]; indexed: EncodedRunValues['indexed'] } {
    const { keys, insertKey } = this;
    const { packed } = r;
    const metrics =
      packed === undefined
        ? encodeRunValues(keys, insertKey, r.metrics, added)
        : encodePackedValues(keys, insertKey, packed.metrics, added);
    const breakdown =
      packed === undefined
        ? r.breakdown && encodeRunValues(keys, insertKey, r.breakdown, added)
        : packed.breakdown && encodePackedValues(keys, insertKey, packed.breakdown, added);
    const values = [
      r.startedAt,
      r.finishedAt,
      r.modelVersion,
      r.costTableId,
      r.params,
      r.capabilityId,
      metrics.blob,
      breakdown?.blob ?? null,
      r.flags,
    ];
    return { values, indexed: metrics.indexed };
  }

  /** What goes beside a finished run's row: its indexed means (to `means`), distributions and series. */
  #afterRow(runId: number, r: FinishedValues, indexed: EncodedRunValues['indexed'], means: IndexedMeans): void {
    for (let i = 0; i < indexed.length; i += 2) means.add(indexed[i]!, indexed[i + 1]!, runId);
    // for-in, not Object.entries: an analytic run has neither, and this runs for every run saved.
    for (const key in r.distributions) this.insertDistribution.run(runId, key, JSON.stringify(r.distributions[key]));
    for (const key in r.series) this.insertSeries.run(runId, key, JSON.stringify(r.series[key]));
  }

  /**
   * Adds run_metrics rows (call inside a transaction), in index order: neighbouring rows land
   * on the same pages, and many rows go in per statement.
   */
  saveIndexedMeans(means: IndexedMeans): void {
    // Full statements first; the rows short of one at the end go one at a time.
    const batched = means.size - (means.size % MEANS_PER_STATEMENT);
    const args: number[] = [];
    let i = 0;
    means.inIndexOrder((keyId, mean, runId) => {
      if (i++ >= batched) this.insertRunMetric.run(keyId, mean, runId);
      else if (args.push(keyId, mean, runId) === 3 * MEANS_PER_STATEMENT) {
        this.insertRunMetrics.run(...args);
        args.length = 0;
      }
    });
  }

  /** Sets a run's metrics and breakdown (bundle import: the run row is written by the caller). */
  saveValues(
    runId: number,
    metrics: Record<string, Estimate>,
    breakdown: Record<string, number> | undefined,
    added: number[],
  ): void {
    const m = encodeRunValues(this.keys, this.insertKey, metrics, added);
    const b = breakdown === undefined ? null : encodeRunValues(this.keys, this.insertKey, breakdown, added);
    this.setValuesStmt.run(m.blob, b?.blob ?? null, runId);
    for (let i = 0; i < m.indexed.length; i += 2) this.insertRunMetric.run(m.indexed[i]!, m.indexed[i + 1]!, runId);
  }
}

/**
 * Saves finished runs with their values, distributions and series in one transaction on
 * `sqlite` (all or none), through `w`, its prepared statements: the store's own connection, or
 * the write worker's (write-worker.ts). A disk or file error is a StorageError naming `path`.
 * IMMEDIATE: with the write worker, two connections write the file, and a transaction that read
 * before taking the write lock could not take it once the other had committed (SQLITE_BUSY).
 */
export function saveFinishedRuns(
  sqlite: BetterSqlite3.Database,
  w: WriteStatements,
  path: string,
  finished: FinishedRun[],
): void {
  if (finished.length === 0) return;
  const added: number[] = [];
  try {
    sqlite
      .transaction(() => {
        const runIds = finished.map((f) => f.runId);
        w.counts.statusWillBe(runIds, 'done');
        const valuesOf = finishedValuesMaker(w, new Date().toISOString());
        const means = new IndexedMeans();
        for (const f of finished) w.finishRun(f.runId, valuesOf(f), added, means);
        w.saveIndexedMeans(means);
        w.counts.saved(runIds);
      })
      .immediate();
  } catch (err) {
    w.rollback(added);
    throw nameTheFile(path, err);
  }
}

/**
 * Makes the columns of computed runs saved in one transaction (call inside it): each distinct
 * cost table and capability row is looked up, or saved, once. A run the caller gives no finish
 * time finished at `savedAt` (the transaction's time); with no start time, it started then.
 */
export function finishedValuesMaker(
  w: WriteStatements,
  savedAt: string,
): (run: ComputedRun, finishedAt?: string) => FinishedValues {
  const costIds = new Map<CostEntry[], string>();
  // Runs of a batch from one worker job share their capability objects (runner/worker.ts), and
  // a sweep's analytic runs of one strategy their params object (analytic.ts: planOf).
  const capabilityIds = new Map<object, number>();
  const paramsTexts = new Map<object, string>();
  return (run, finishedAt = savedAt) => {
    const { result } = run;
    let costTableId = costIds.get(run.costTable);
    if (costTableId === undefined) costIds.set(run.costTable, (costTableId = w.costTableId(run.costTable)));
    let capabilityId = capabilityIds.get(result.capability);
    if (capabilityId === undefined)
      capabilityIds.set(result.capability, (capabilityId = w.capabilityId(JSON.stringify(result.capability))));
    let paramsText = paramsTexts.get(result.params);
    if (paramsText === undefined) paramsTexts.set(result.params, (paramsText = JSON.stringify(result.params)));
    return {
      startedAt: run.startedAt ?? finishedAt,
      finishedAt,
      modelVersion: run.modelVersion,
      costTableId,
      params: paramsText,
      capabilityId,
      metrics: result.metrics,
      breakdown: result.breakdown,
      packed: run.packed,
      flags: result.flags.length === 0 ? '[]' : JSON.stringify(result.flags),
      distributions: result.distributions,
      series: run.series ?? {},
    };
  };
}
