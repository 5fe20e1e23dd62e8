// The experiment store: the only code that writes the database. Callers hand it validated
// scenarios and core results; it knows nothing of how they were computed. Writes go through the
// writer connection (hot inserts as reused prepared statements: write-statements.ts); reads
// through a read-only connection of their own (reader.ts), so they never wait for a write.
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Kysely } from 'kysely';
import {
  NotFoundError,
  type CostEntry,
  type HostProfile,
  type Point,
  type Method,
  type Scenario,
  type StrategyId,
} from '../../common/core/index.ts';
import type {
  ExperimentDetail,
  ExperimentPage,
  ExperimentQuery,
  ExperimentStatus,
  HostProfileSummary,
  RunInContext,
  RunPage,
  RunQuery,
  RunStatus,
  ScenarioRevision,
  ScenarioRevisionPage,
  ShardSet,
} from '../../common/contract/index.ts';
import type { Bundle, ImportSummary } from '../../common/contract/bundle.ts';
import type { BundlePart } from './bundle-export.ts';
import type { ExperimentData, RunsData } from '../../common/contract/run-table.ts';
import { importBundle } from './bundle-io.ts';
import { readBundle, type BundleMessage, type BundleOrigin } from './bundle-read.ts';
import { currentOwner, ownerAlive } from './owner.ts';
import {
  checkDatabasePath,
  nameTheFile,
  openDatabase,
  openDatabaseReadOnly,
  StoreOpenError,
  type OpenedDatabase,
} from './open.ts';
import { parseStored, verifiedBody } from './integrity.ts';
import { insertRevision } from './revisions.ts';
import { getHostProfile, listHostProfiles, saveHostProfile } from './profiles.ts';
import { ReadWorkerClient, type Reads } from './read-client.ts';
import { StoreReader, type ReadBeside } from './reader.ts';
import type { Database } from './schema.ts';
import {
  finishedValuesMaker,
  saveFinishedRuns,
  WriteStatements,
  type ComputedRun,
  type FinishedRun,
} from './write-statements.ts';
import { IndexedMeans } from './indexed-means.ts';

export interface PlannedRun {
  strategy: StrategyId;
  point: Point;
  seeds: number[];
  /** Its result, when it was computed before it was recorded: the run is recorded done. */
  done?: ComputedRun | undefined;
  /** Why it failed, when it failed before it was recorded: the run is recorded failed. */
  failed?: string | undefined;
  /** When a run that comes done or failed finished (ISO time); the experiment's creation time where not given. */
  finishedAt?: string | undefined;
}

export interface NewExperiment {
  name: string;
  kind: 'single' | 'sweep';
  method: Method;
  scenario: Scenario;
  parentScenarioId?: string | null;
  sweep?: unknown;
  /** The shards of a split sweep this experiment holds (its runs are those shards' points only). */
  shards?: ShardSet | undefined;
  /** Its runs, in run id order: recorded as they are yielded (a computed sweep's are computed then). */
  runs: Iterable<PlannedRun>;
}

/** A run to be run again: its strategy and sweep point. */
export interface UnfinishedRun {
  id: number;
  strategy: StrategyId;
  point: Point;
}

export type { ComputedRun, FinishedRun, PackedResultValues } from './write-statements.ts';
export type { PackedValues } from './packed-values.ts';

const now = (): string => new Date().toISOString();

/**
 * How long createExperiment inserts queued runs before the event loop gets a turn. By time, not
 * by a count of runs: 5,000 runs a turn held the loop 65 ms at idle and 300+ ms under load, and
 * every request of the window waited behind it (issue 20: no request waits over 100 ms).
 */
const INSERT_SLICE_MS = 8;
/** Runs inserted between two looks at the clock (~20 us each). */
const RUNS_PER_CLOCK_CHECK = 64;

export class Store {
  /** The one handle on the tables: only the store's own code queries them. */
  readonly #db: Kysely<Database>;
  /** The file as opened: the raw connection (pragmas, checkpoints, integrity checks) and the backup made before a migration. */
  readonly opened: Omit<OpenedDatabase, 'db'>;
  /** Every read of the history: on a read-only connection of its own, here or in the read worker. */
  readonly #reader: Reads;
  /** The hot writes as prepared statements on the writer connection. */
  readonly #statements: WriteStatements;

  private constructor({ db, ...opened }: OpenedDatabase, reader: Reads) {
    this.opened = opened;
    this.#db = db;
    this.#reader = reader;
    this.#statements = new WriteStatements(opened.sqlite);
  }

  /**
   * Opens (creating or migrating) the database and marks runs left executing by a crash. With
   * `readOnly`, opens an existing, current database without writing anything (for list, show and
   * export on a read-only file or a full disk); every write then fails. Reads run on a read-only
   * connection: in a worker thread when `readWorker` says where its entry file is (true:
   * read-worker.ts beside this file, source mode), else on this thread. With `existing`, a
   * missing file is refused (StoreOpenError) rather than made: a path the user named to read.
   */
  static async open(
    path: string,
    options: {
      readOnly?: boolean | undefined;
      readWorker?: URL | string | boolean | undefined;
      existing?: boolean | undefined;
    } = {},
  ): Promise<Store> {
    const { readWorker = false } = options;
    if (options.existing === true && !existsSync(path)) {
      checkDatabasePath(path); // an empty path or an in-memory name is refused as such first
      throw new StoreOpenError(`there is no database at ${path}`);
    }
    const workerFile = typeof readWorker === 'boolean' ? undefined : readWorker;
    const inWorker = (beside: ReadBeside): Reads => new ReadWorkerClient(path, beside, workerFile);
    // A missing file has nothing to protect: it is created as usual (an empty history).
    if (options.readOnly === true && existsSync(path)) {
      const opened = openDatabaseReadOnly(path);
      // Without a worker, the read-only connection is the reader's too: nothing else is opened.
      return new Store(opened, readWorker === false ? StoreReader.on(opened.sqlite) : inWorker('alone'));
    }
    const opened = await openDatabase(path);
    let reader: Reads;
    try {
      reader = readWorker === false ? StoreReader.open(path, 'writer') : inWorker('writer');
    } catch (err) {
      await opened.db.destroy();
      throw err;
    }
    const store = new Store(opened, reader);
    await store.markInterrupted();
    return store;
  }

  async close(): Promise<void> {
    await this.#reader.close();
    // Lets SQLite refresh its planner statistics where they have drifted (cheap, documented practice).
    if (this.opened.readOnly !== true) this.opened.sqlite.pragma('optimize');
    await this.#db.destroy();
    if (this.opened.sqlite.open) this.opened.sqlite.close();
  }

  /**
   * Waits while a Kysely transaction on the writer connection is open between two of its awaits:
   * a better-sqlite3 transaction started then would nest inside it (a savepoint) and share its fate.
   */
  async #writerIdle(): Promise<void> {
    while (this.opened.sqlite.inTransaction) await nextTurn();
  }

  /**
   * Runs that were queued or running when their process died can never finish: say so. Runs of
   * an experiment whose process is still alive (another gmemlab on this database) are left alone.
   */
  async markInterrupted(): Promise<number> {
    return this.#db.transaction().execute(async (trx) => {
      const unfinished = await trx
        .selectFrom('experiments')
        .select(['id', 'owner'])
        .where((eb) =>
          eb.or([
            eb('status', 'in', ['queued', 'running']),
            eb.exists(
              eb
                .selectFrom('runs')
                .select('runs.id')
                .whereRef('runs.experiment_id', '=', 'experiments.id')
                .where('runs.status', 'in', ['queued', 'running']),
            ),
          ]),
        )
        .execute();
      const orphaned = unfinished.filter((e) => !ownerAlive(e.owner)).map((e) => e.id);
      if (orphaned.length === 0) return 0;
      const runs = await trx
        .updateTable('runs')
        .set({ status: 'interrupted', finished_at: now(), error: 'gmemlab stopped before this run finished' })
        .where('status', 'in', ['queued', 'running'])
        .where('experiment_id', 'in', orphaned)
        .executeTakeFirst();
      await trx
        .updateTable('experiments')
        .set({ status: 'interrupted', finished_at: now() })
        .where('status', 'in', ['queued', 'running'])
        .where('id', 'in', orphaned)
        .execute();
      return Number(runs.numUpdatedRows);
    });
  }

  /** Like saveScenario, for callers that name a parent which must exist; says whether the revision is new. */
  async saveScenarioRevision(scenario: Scenario, parentId: string | null): Promise<{ id: string; created: boolean }> {
    return this.#db.transaction().execute(async (trx) => {
      if (
        parentId !== null &&
        (await trx.selectFrom('scenario_revisions').select('id').where('id', '=', parentId).executeTakeFirst()) ===
          undefined
      ) {
        throw new NotFoundError(`parent scenario revision ${parentId} does not exist`);
      }
      return insertRevision(trx, { body: scenario, name: scenario.name, parentId });
    });
  }

  async saveScenario(scenario: Scenario, parentId: string | null = null): Promise<string> {
    return (await insertRevision(this.#db, { body: scenario, name: scenario.name, parentId })).id;
  }

  /**
   * Creates the experiment and all its runs in one transaction; run ids follow spec.runs. A run
   * is recorded queued, or done or failed when it comes computed (PlannedRun's `done`, `failed`:
   * a sweep computed on the runner's own thread as it is recorded, in one write per run instead
   * of an insert and an update, issue 20); an experiment with runs that all come finished is
   * recorded finished, and `status` says which status it was recorded with. The runs go in
   * through prepared statements (a sweep plans tens of thousands), as `spec.runs` yields them.
   * `confirm`, when given, is awaited before the commit (the runner checks the sweep's points in
   * a worker meanwhile): if it throws, nothing is kept and its error is thrown.
   */
  async createExperiment(
    spec: NewExperiment,
    confirm?: () => Promise<void>,
  ): Promise<{ experimentId: number; runIds: number[]; status: ExperimentStatus }> {
    await this.#writerIdle();
    const added: number[] = []; // result keys this transaction adds (forgotten if it rolls back)
    try {
      return await this.#db.transaction().execute(async (trx) => {
        const { id: scenarioId } = await insertRevision(trx, {
          body: spec.scenario,
          name: spec.scenario.name,
          parentId: spec.parentScenarioId ?? null,
        });
        const created = now();
        const experiment = await trx
          .insertInto('experiments')
          .values({
            name: spec.name,
            kind: spec.kind,
            method: spec.method,
            scenario_id: scenarioId,
            sweep: spec.sweep === undefined ? null : JSON.stringify(spec.sweep),
            status: 'queued',
            created_at: created,
            finished_at: null,
            uid: randomUUID(),
            owner: currentOwner(),
            shards: spec.shards === undefined ? null : JSON.stringify(spec.shards),
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        // Same connection, inside the transaction Kysely holds open: all or none with the rest.
        const w = this.#statements;
        const runIds: number[] = [];
        let done = 0;
        let firstDoneId: number | undefined; // the lowest: its model version is the experiment's
        let failed = 0;
        const means = new IndexedMeans();
        const valuesOf = finishedValuesMaker(w, created);
        const seeds = new Map<number[], string>(); // a sweep's runs share one seeds array
        let point: { of: Point; text: string } | undefined; // a point's runs come one after another
        let sliceStart = performance.now();
        for (const run of spec.runs) {
          // The event loop gets a turn between slices: 70,000 rows at once held it ~1 s. Reads
          // are on their own connection; other writes wait for this transaction as for any other.
          if (runIds.length % RUNS_PER_CLOCK_CHECK === 0 && performance.now() - sliceStart > INSERT_SLICE_MS) {
            await nextTurn();
            sliceStart = performance.now();
          }
          let seedsText = seeds.get(run.seeds);
          if (seedsText === undefined) seeds.set(run.seeds, (seedsText = JSON.stringify(run.seeds)));
          if (point?.of !== run.point) point = { of: run.point, text: JSON.stringify(run.point) };
          const row = {
            experimentId: experiment.id,
            scenarioId,
            strategy: run.strategy,
            point: point.text,
            seeds: seedsText,
          };
          if (run.done !== undefined) {
            const id = w.insertFinishedRun(row, valuesOf(run.done, run.finishedAt), added, means);
            runIds.push(id);
            firstDoneId ??= id;
            done++;
          } else if (run.failed !== undefined) {
            runIds.push(w.insertFailedRun(row, run.failed, run.finishedAt ?? created));
            failed++;
          } else runIds.push(w.insertRun(row));
        }
        w.saveIndexedMeans(means);
        w.counts.added(experiment.id, runIds.length, done);
        if (firstDoneId !== undefined) w.counts.saved([firstDoneId]);
        let status: ExperimentStatus = 'queued';
        if (runIds.length > 0 && done + failed === runIds.length) {
          status = failed > 0 ? 'failed' : 'done';
          await trx
            .updateTable('experiments')
            .set({ status, finished_at: now() })
            .where('id', '=', experiment.id)
            .execute();
        }
        await confirm?.();
        return { experimentId: experiment.id, runIds, status };
      });
    } catch (err) {
      this.#statements.rollback(added);
      throw nameTheFile(this.opened.path, err);
    }
  }

  async setExperimentStatus(experimentId: number, status: ExperimentStatus): Promise<void> {
    const finished = status === 'running' || status === 'queued' ? null : now();
    await this.#db
      .updateTable('experiments')
      .set({ status, finished_at: finished })
      .where('id', '=', experimentId)
      .execute();
  }

  /**
   * Marks the runs that are still queued as running; a run in any other status keeps it. A job's
   * progress can arrive after some of its runs were saved (the write worker saves them beside
   * this thread): those stay done. Queued and running runs are not done, so no count changes.
   */
  async markRunsRunning(runIds: number[]): Promise<void> {
    if (runIds.length === 0) return;
    await this.#writerIdle();
    try {
      this.opened.sqlite
        .prepare(
          `update runs set status = 'running', started_at = ? where id in (select value from json_each(?)) and status = 'queued'`,
        )
        .run(now(), JSON.stringify(runIds));
    } catch (err) {
      throw nameTheFile(this.opened.path, err);
    }
  }

  /**
   * Saves finished runs with their values, distributions and series in one transaction: all or
   * none. The runner hands over every result that arrived while the previous batch was being
   * written, so a fast sweep costs one commit per batch, not one per run.
   */
  async saveRunResults(finished: FinishedRun[]): Promise<void> {
    if (finished.length === 0) return;
    await this.#writerIdle();
    saveFinishedRuns(this.opened.sqlite, this.#statements, this.opened.path, finished);
  }

  /**
   * Sets the runs' status, error and finish time, and their experiments' done counts, in one
   * transaction (IMMEDIATE: it reads the runs before it writes, beside the write worker).
   */
  async setRunsStatus(runIds: number[], status: RunStatus, error: string | null = null): Promise<void> {
    if (runIds.length === 0) return;
    const finishedAt = now();
    await this.#writerIdle();
    const update = this.opened.sqlite.prepare(
      'update runs set status = ?, error = ?, finished_at = ? where id in (select value from json_each(?))',
    );
    try {
      this.opened.sqlite
        .transaction(() => {
          this.#statements.counts.statusWillBe(runIds, status);
          update.run(status, error, finishedAt, JSON.stringify(runIds));
        })
        .immediate();
    } catch (err) {
      throw nameTheFile(this.opened.path, err);
    }
  }

  /** Marks the experiment's runs that have not finished as cancelled. */
  async cancelUnfinishedRuns(experimentId: number): Promise<void> {
    await this.#db
      .updateTable('runs')
      .set({ status: 'cancelled', finished_at: now() })
      .where('experiment_id', '=', experimentId)
      .where('status', 'in', ['queued', 'running'])
      .execute();
  }

  /** Replaces the experiment's tags (trimmed, deduplicated, sorted); returns them. */
  async setTags(experimentId: number, tags: string[]): Promise<string[]> {
    const clean = [...new Set(tags.map((t) => t.trim()).filter((t) => t !== ''))].sort();
    await this.#db.transaction().execute(async (trx) => {
      await this.requireExperiment(trx, experimentId);
      await trx.deleteFrom('tags').where('experiment_id', '=', experimentId).execute();
      if (clean.length > 0)
        await trx
          .insertInto('tags')
          .values(clean.map((tag) => ({ experiment_id: experimentId, tag })))
          .execute();
    });
    return clean;
  }

  async setNote(experimentId: number, note: string): Promise<string> {
    const result = await this.#db
      .updateTable('experiments')
      .set({ note })
      .where('id', '=', experimentId)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) throw new NotFoundError(`experiment ${experimentId} does not exist`);
    return note;
  }

  /** Deletes the experiment with its runs, metrics, distributions and tags (one transaction, by cascade). Scenario revisions stay: they are history. */
  async deleteExperiment(experimentId: number): Promise<boolean> {
    return this.#db.transaction().execute(async (trx) => {
      const runIds = trx.selectFrom('runs').select('id').where('experiment_id', '=', experimentId);
      // Explicit rather than relying on foreign_keys being on for every connection.
      await trx.deleteFrom('run_metrics').where('run_id', 'in', runIds).execute();
      await trx.deleteFrom('distributions').where('run_id', 'in', runIds).execute();
      await trx.deleteFrom('series').where('run_id', 'in', runIds).execute();
      await trx.deleteFrom('runs').where('experiment_id', '=', experimentId).execute();
      await trx.deleteFrom('tags').where('experiment_id', '=', experimentId).execute();
      const result = await trx.deleteFrom('experiments').where('id', '=', experimentId).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    });
  }

  /**
   * Queues an experiment's interrupted, failed and cancelled runs again, clearing their results,
   * and returns what `plan` makes of them. `plan` sees the runs before anything changes: if it
   * throws, nothing is changed.
   */
  async requeueUnfinished<T>(experimentId: number, plan: (scenario: Scenario, runs: UnfinishedRun[]) => T): Promise<T> {
    return this.#db.transaction().execute(async (trx) => {
      await this.requireExperiment(trx, experimentId);
      const experiment = await trx
        .selectFrom('experiments as e')
        .innerJoin('scenario_revisions as s', 's.id', 'e.scenario_id')
        .select(['s.id', 's.body'])
        .where('e.id', '=', experimentId)
        .executeTakeFirstOrThrow();
      const runs = await trx
        .selectFrom('runs')
        .select(['id', 'strategy', 'point'])
        .where('experiment_id', '=', experimentId)
        .where('status', 'in', ['interrupted', 'failed', 'cancelled'])
        .orderBy('id')
        .execute();
      const planned = plan(
        verifiedBody<Scenario>('scenario_revisions', experiment.id, experiment.body),
        runs.map((r) => ({
          id: r.id,
          strategy: r.strategy as StrategyId,
          point: parseStored<Point>('runs', r.id, 'point', r.point),
        })),
      );
      const ids = runs.map((r) => r.id);
      if (ids.length > 0) {
        await trx.deleteFrom('run_metrics').where('run_id', 'in', ids).execute();
        await trx.deleteFrom('distributions').where('run_id', 'in', ids).execute();
        await trx.deleteFrom('series').where('run_id', 'in', ids).execute();
        await trx
          .updateTable('runs')
          .set({
            status: 'queued',
            started_at: null,
            finished_at: null,
            error: null,
            metrics: null,
            breakdown: null,
            flags: null,
          })
          .where('id', 'in', ids)
          .execute();
        await trx
          .updateTable('experiments')
          .set({ status: 'queued', finished_at: null, owner: currentOwner() })
          .where('id', '=', experimentId)
          .execute();
      }
      return planned;
    });
  }

  // Reads: on the read-only connection (reader.ts), never behind a write.

  /** One page of experiment history, filtered and sorted (see ExperimentQuery). */
  listExperiments(query: Partial<ExperimentQuery> & { offset: number; limit: number }): Promise<ExperimentPage> {
    return this.#reader.listExperiments(query);
  }

  /** One page of runs across experiments, filtered and sorted (see RunQuery). */
  listRuns(query: Partial<RunQuery> & { offset: number; limit: number }): Promise<RunPage> {
    return this.#reader.listRuns(query);
  }

  /** The experiment with every run; undefined when there is none. */
  getExperiment(experimentId: number): Promise<ExperimentDetail | undefined> {
    return this.#reader.getExperiment(experimentId);
  }

  /** The experiment with its runs as columns (getExperiment's contract form); undefined when there is none. */
  getExperimentData(experimentId: number): Promise<ExperimentData | undefined> {
    return this.#reader.getExperimentData(experimentId);
  }

  /**
   * The runs asked for (at most MAX_RUN_IDS), in the order asked, each with its experiment's name
   * and scenario; only these runs are read. Throws NotFoundError naming the ids that do not exist.
   */
  getRuns(runIds: number[]): Promise<RunInContext[]> {
    return this.#reader.getRuns(runIds);
  }

  /** The same runs as columns (getRuns' contract form). */
  getRunsData(runIds: number[]): Promise<RunsData> {
    return this.#reader.getRunsData(runIds);
  }

  /** The cost table a run recorded (null for a run that never finished), checked against its hash. */
  runCostTable(runId: number): Promise<CostEntry[] | null> {
    return this.#reader.runCostTable(runId);
  }

  listScenarioRevisions(query: {
    offset: number;
    limit: number;
    name?: string | undefined;
  }): Promise<ScenarioRevisionPage> {
    return this.#reader.listScenarioRevisions(query);
  }

  getScenarioRevision(id: string): Promise<ScenarioRevision | undefined> {
    return this.#reader.getScenarioRevision(id);
  }

  /** The experiments as one bundle value: for tests and tools (the handlers and the CLI write bundles as a stream). */
  exportBundle(experimentIds: number[]): Promise<Bundle> {
    return this.#reader.exportBundle(experimentIds);
  }

  /**
   * The experiments as a bundle's parts, a page of runs at a time (bundle-export.ts), read on this
   * thread: on the reader's connection, or on one opened for the export when reads are in the
   * read worker (parts do not cross threads).
   */
  async *bundleParts(experimentIds: number[]): AsyncGenerator<BundlePart> {
    if (this.#reader instanceof StoreReader) return yield* this.#reader.bundleParts(experimentIds);
    const reader = StoreReader.open(this.opened.path, this.opened.readOnly === true ? 'alone' : 'writer');
    try {
      yield* reader.bundleParts(experimentIds);
    } finally {
      await reader.close();
    }
  }

  /**
   * Checks an untrusted bundle value on this thread, then imports it all-or-nothing; throws
   * BundleError, writing nothing, when it is refused. The handlers read bundles (values and
   * files) in the compute worker instead and hand the messages to importBundleFrom.
   */
  importBundle(raw: unknown, origin: BundleOrigin = {}): Promise<ImportSummary> {
    return this.importBundleFrom(
      (async function* () {
        yield* readBundle({ bundle: raw }, origin);
      })(),
    );
  }

  /** Imports a bundle from a bundle reader's messages (bundle-read.ts), wherever it runs, in one transaction. */
  importBundleFrom(messages: AsyncIterable<BundleMessage>): Promise<ImportSummary> {
    return importBundle(this.#db, this.opened.sqlite, this.#statements, messages, () => this.#writerIdle());
  }

  private async requireExperiment(trx: Kysely<Database>, experimentId: number): Promise<void> {
    const row = await trx.selectFrom('experiments').select('id').where('id', '=', experimentId).executeTakeFirst();
    if (row === undefined) throw new NotFoundError(`experiment ${experimentId} does not exist`);
  }

  /** Saves a host profile (gmemlab calibrate); the same profile twice is one row. */
  saveHostProfile(profile: HostProfile): Promise<{ id: string; created: boolean }> {
    return saveHostProfile(this.#db, profile);
  }

  listHostProfiles(): Promise<HostProfileSummary[]> {
    return listHostProfiles(this.#db);
  }

  /** One saved profile; NotFoundError when there is none with that id. */
  getHostProfile(id: string): Promise<HostProfile & { id: string }> {
    return getHostProfile(this.#db, id);
  }
}
