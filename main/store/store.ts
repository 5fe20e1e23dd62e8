// The experiment store: the only code that writes the database. Callers hand it validated
// scenarios and core results; it knows nothing of how they were computed. Writes go through the
// writer connection (hot inserts as reused prepared statements: write-statements.ts); reads
// through a read-only connection of their own (reader.ts), so they never wait for a write.
import { randomUUID } from 'node:crypto';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Kysely } from 'kysely';
import type { CostEntry, Method, Scenario, StrategyId, StrategyResult } from '../../common/core/index.ts';
import type {
  ExperimentDetail,
  ExperimentPage,
  ExperimentQuery,
  ExperimentStatus,
  RunInContext,
  RunPage,
  RunQuery,
  RunSeries,
  RunStatus,
  ScenarioRevision,
  ScenarioRevisionPage,
  ShardSet,
} from '../../common/contract/index.ts';
import type { Bundle, ImportSummary } from '../../common/contract/bundle.ts';
import { importBundle } from './bundle-io.ts';
import { StoreNotFoundError } from './errors.ts';
import { currentOwner, ownerAlive } from './owner.ts';
import { canonicalJson, contentHash } from './canonical.ts';
import { openDatabase, type OpenedDatabase } from './open.ts';
import { ReadWorkerClient, type Reads } from './read-client.ts';
import { StoreReader } from './reader.ts';
import type { Database } from './schema.ts';
import { WriteStatements } from './write-statements.ts';

export interface PlannedRun {
  strategy: StrategyId;
  point: Record<string, number | string | boolean>;
  seeds: number[];
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
  runs: PlannedRun[];
}

/** A run to be run again: its strategy and sweep point. */
export interface UnfinishedRun {
  id: number;
  strategy: StrategyId;
  point: Record<string, number | string | boolean>;
}

export interface FinishedRun {
  runId: number;
  /** When a worker started the run (ISO time); the save time where unknown. */
  startedAt?: string | undefined;
  modelVersion: string;
  costTable: CostEntry[];
  result: StrategyResult;
  /** Series beside the result's metrics and distributions (none from the analytic model). */
  series?: Record<string, RunSeries> | undefined;
}

const now = (): string => new Date().toISOString();

export class Store {
  readonly db: Kysely<Database>;
  readonly opened: OpenedDatabase;
  private readonly reader: Reads;
  private readonly statements: WriteStatements;

  private constructor(opened: OpenedDatabase, reader: Reads) {
    this.opened = opened;
    this.db = opened.db;
    this.reader = reader;
    this.statements = new WriteStatements(opened.sqlite);
  }

  /**
   * Opens (creating or migrating) the database and marks runs left executing by a crash. Reads
   * run on a read-only connection: in a worker thread when `readWorker` says where its entry
   * file is (true: read-worker.ts beside this file, source mode), else on this thread.
   */
  static async open(path: string, options: { readWorker?: URL | string | boolean } = {}): Promise<Store> {
    const opened = await openDatabase(path);
    const { readWorker = false } = options;
    const reader =
      readWorker === false
        ? StoreReader.open(path)
        : new ReadWorkerClient(path, readWorker === true ? undefined : readWorker);
    const store = new Store(opened, reader);
    await store.markInterrupted();
    return store;
  }

  async close(): Promise<void> {
    await this.reader.close();
    // Lets SQLite refresh its planner statistics where they have drifted (cheap, documented practice).
    this.opened.sqlite.pragma('optimize');
    await this.db.destroy();
  }

  /**
   * Waits while a Kysely transaction on the writer connection is open between two of its awaits:
   * a better-sqlite3 transaction started then would nest inside it (a savepoint) and share its fate.
   */
  private async writerIdle(): Promise<void> {
    while (this.opened.sqlite.inTransaction) await nextTurn();
  }

  /**
   * Runs that were queued or running when their process died can never finish: say so. Runs of
   * an experiment whose process is still alive (another gmemlab on this database) are left alone.
   */
  async markInterrupted(): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
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
    return this.db.transaction().execute(async (trx) => {
      if (
        parentId !== null &&
        (await trx.selectFrom('scenario_revisions').select('id').where('id', '=', parentId).executeTakeFirst()) ===
          undefined
      ) {
        throw new StoreNotFoundError(`parent scenario revision ${parentId} does not exist`);
      }
      const id = contentHash(scenario);
      const result = await trx
        .insertInto('scenario_revisions')
        .values({ id, name: scenario.name, parent_id: parentId, body: canonicalJson(scenario), created_at: now() })
        .onConflict((oc) => oc.column('id').doNothing())
        .executeTakeFirst();
      return { id, created: Number(result.numInsertedOrUpdatedRows ?? 0n) > 0 };
    });
  }

  async saveScenario(scenario: Scenario, parentId: string | null = null): Promise<string> {
    const id = contentHash(scenario);
    await this.db
      .insertInto('scenario_revisions')
      .values({ id, name: scenario.name, parent_id: parentId, body: canonicalJson(scenario), created_at: now() })
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
    return id;
  }

  /** Creates the experiment and all its runs (queued) in one transaction; run ids follow spec.runs. */
  async createExperiment(spec: NewExperiment): Promise<{ experimentId: number; runIds: number[] }> {
    await this.writerIdle();
    const sqlite = this.opened.sqlite;
    const scenarioId = contentHash(spec.scenario);
    return sqlite.transaction(() => {
      const at = now();
      sqlite
        .prepare(
          'insert into scenario_revisions (id, name, parent_id, body, created_at) values (?, ?, ?, ?, ?) on conflict (id) do nothing',
        )
        .run(scenarioId, spec.scenario.name, spec.parentScenarioId ?? null, canonicalJson(spec.scenario), at);
      const experimentId = Number(
        sqlite
          .prepare(
            `insert into experiments (name, kind, method, scenario_id, sweep, status, created_at, finished_at, uid, owner, shards)
             values (?, ?, ?, ?, ?, 'queued', ?, null, ?, ?, ?)`,
          )
          .run(
            spec.name,
            spec.kind,
            spec.method,
            scenarioId,
            spec.sweep === undefined ? null : JSON.stringify(spec.sweep),
            at,
            randomUUID(),
            currentOwner(),
            spec.shards === undefined ? null : JSON.stringify(spec.shards),
          ).lastInsertRowid,
      );
      const runIds = spec.runs.map((run) =>
        this.statements.insertRun({
          experimentId,
          scenarioId,
          strategy: run.strategy,
          point: JSON.stringify(run.point),
          seeds: JSON.stringify(run.seeds),
        }),
      );
      return { experimentId, runIds };
    })();
  }

  async setExperimentStatus(experimentId: number, status: ExperimentStatus): Promise<void> {
    const finished = status === 'running' || status === 'queued' ? null : now();
    await this.db
      .updateTable('experiments')
      .set({ status, finished_at: finished })
      .where('id', '=', experimentId)
      .execute();
  }

  async markRunsRunning(runIds: number[]): Promise<void> {
    if (runIds.length === 0) return;
    await this.db.updateTable('runs').set({ status: 'running', started_at: now() }).where('id', 'in', runIds).execute();
  }

  /**
   * Saves finished runs with their values, distributions and series in one transaction: all or
   * none. The runner hands over every result that arrived while the previous batch was being
   * written, so a fast sweep costs one commit per batch, not one per run.
   */
  async saveRunResults(finished: FinishedRun[]): Promise<void> {
    if (finished.length === 0) return;
    await this.writerIdle();
    const w = this.statements;
    const added: number[] = [];
    try {
      this.opened.sqlite.transaction(() => {
        const finishedAt = now();
        const costIds = new Map<CostEntry[], string>();
        for (const f of finished) {
          const { result } = f;
          let costTableId = costIds.get(f.costTable);
          if (costTableId === undefined) costIds.set(f.costTable, (costTableId = w.costTableId(f.costTable)));
          w.finishRun(
            {
              runId: f.runId,
              startedAt: f.startedAt ?? finishedAt,
              finishedAt,
              modelVersion: f.modelVersion,
              costTableId,
              params: JSON.stringify(result.params),
              capability: JSON.stringify(result.capability),
              metrics: result.metrics,
              breakdown: result.breakdown,
              flags: JSON.stringify(result.flags),
              distributions: result.distributions,
              series: f.series ?? {},
            },
            added,
          );
        }
      })();
    } catch (err) {
      w.rollback(added);
      throw err;
    }
  }

  async setRunsStatus(runIds: number[], status: RunStatus, error: string | null = null): Promise<void> {
    if (runIds.length === 0) return;
    await this.db.updateTable('runs').set({ status, error, finished_at: now() }).where('id', 'in', runIds).execute();
  }

  /** Marks the experiment's runs that have not finished as cancelled. */
  async cancelUnfinishedRuns(experimentId: number): Promise<void> {
    await this.db
      .updateTable('runs')
      .set({ status: 'cancelled', finished_at: now() })
      .where('experiment_id', '=', experimentId)
      .where('status', 'in', ['queued', 'running'])
      .execute();
  }

  /** Replaces the experiment's tags (trimmed, deduplicated, sorted); returns them. */
  async setTags(experimentId: number, tags: string[]): Promise<string[]> {
    const clean = [...new Set(tags.map((t) => t.trim()).filter((t) => t !== ''))].sort();
    await this.db.transaction().execute(async (trx) => {
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
    const result = await this.db
      .updateTable('experiments')
      .set({ note })
      .where('id', '=', experimentId)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) throw new StoreNotFoundError(`experiment ${experimentId} does not exist`);
    return note;
  }

  /** Deletes the experiment with its runs, metrics, distributions and tags (one transaction, by cascade). Scenario revisions stay: they are history. */
  async deleteExperiment(experimentId: number): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
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
    return this.db.transaction().execute(async (trx) => {
      await this.requireExperiment(trx, experimentId);
      const experiment = await trx
        .selectFrom('experiments as e')
        .innerJoin('scenario_revisions as s', 's.id', 'e.scenario_id')
        .select(['s.body'])
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
        JSON.parse(experiment.body) as Scenario,
        runs.map((r) => ({
          id: r.id,
          strategy: r.strategy as StrategyId,
          point: JSON.parse(r.point) as Record<string, number | string | boolean>,
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
  listExperiments(query: Partial<ExperimentQuery> & { offset: number; limit: number }): Promise<ExperimentPage> {
    return this.reader.listExperiments(query);
  }

  listRuns(query: Partial<RunQuery> & { offset: number; limit: number }): Promise<RunPage> {
    return this.reader.listRuns(query);
  }

  getExperiment(experimentId: number): Promise<ExperimentDetail | undefined> {
    return this.reader.getExperiment(experimentId);
  }

  /** The runs asked for (at most MAX_RUN_IDS), in the order asked; ids that do not exist are left out. */
  getRuns(runIds: number[]): Promise<RunInContext[]> {
    return this.reader.getRuns(runIds);
  }

  listScenarioRevisions(query: {
    offset: number;
    limit: number;
    name?: string | undefined;
  }): Promise<ScenarioRevisionPage> {
    return this.reader.listScenarioRevisions(query);
  }

  getScenarioRevision(id: string): Promise<ScenarioRevision | undefined> {
    return this.reader.getScenarioRevision(id);
  }

  exportBundle(experimentIds: number[]): Promise<Bundle> {
    return this.reader.exportBundle(experimentIds);
  }

  /** Validates the whole bundle, then imports it all-or-nothing; throws BundleError before writing anything. */
  async importBundle(raw: unknown): Promise<ImportSummary> {
    await this.writerIdle();
    return importBundle(this.db, this.statements, raw);
  }

  private async requireExperiment(trx: Kysely<Database>, experimentId: number): Promise<void> {
    const row = await trx.selectFrom('experiments').select('id').where('id', '=', experimentId).executeTakeFirst();
    if (row === undefined) throw new StoreNotFoundError(`experiment ${experimentId} does not exist`);
  }
}
