// The experiment store: the only code that writes the database. Callers hand it validated
// scenarios and core results; it knows nothing of how they were computed.
import { randomUUID } from 'node:crypto';
import type { Insertable, Kysely, RawBuilder } from 'kysely';
import { sql } from 'kysely';
import type {
  CapabilityRow,
  CostEntry,
  Estimate,
  LatencyDistribution,
  Method,
  Scenario,
  StrategyId,
  StrategyResult,
} from '../../common/core/index.ts';
import type {
  ExperimentDetail,
  ExperimentPage,
  ExperimentQuery,
  ExperimentStatus,
  ExperimentSummary,
  RunDetail,
  RunPage,
  RunQuery,
  RunSeries,
  RunStatus,
  RunSummary,
  ScenarioRevision,
  ScenarioRevisionPage,
  ShardSet,
  SweepDefinition,
} from '../../common/contract/index.ts';
import type { Bundle, ImportSummary } from '../../common/contract/bundle.ts';
import { exportBundle, importBundle } from './bundle-io.ts';
import { StoreNotFoundError } from './errors.ts';
import { currentOwner, ownerAlive } from './owner.ts';
import {
  experimentConditions,
  experimentOrder,
  needsScenario,
  runConditions,
  runOrder,
  whereClause,
} from './history.ts';
import { canonicalJson, contentHash } from './canonical.ts';
import { existsSync } from 'node:fs';
import { openDatabase, openDatabaseReadOnly, type OpenedDatabase } from './open.ts';
import { parseStored, verifiedBody } from './integrity.ts';
import type { Database } from './schema.ts';

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

/** Rows per multi-row INSERT: at five columns, 2,000 bound parameters. */
const INSERT_CHUNK_ROWS = 400;

function* chunks<T>(items: T[], size: number): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}

interface SummaryRow {
  id: number;
  name: string;
  kind: 'single' | 'sweep';
  method: Method;
  scenario_id: string;
  scenario_name: string;
  status: ExperimentStatus;
  created_at: string;
  finished_at: string | null;
  note: string;
  runs_total: number | null;
  runs_done: number | null;
  model_version: string | null;
}

interface RunRow {
  id: number;
  experiment_id: number;
  experiment_name: string;
  scenario_id: string;
  strategy: StrategyId;
  point: string;
  status: RunStatus;
  started_at: string | null;
  finished_at: string | null;
  model_version: string | null;
  error: string | null;
}

export class Store {
  readonly db: Kysely<Database>;
  readonly opened: OpenedDatabase;

  private constructor(opened: OpenedDatabase) {
    this.opened = opened;
    this.db = opened.db;
  }

  /**
   * Opens (creating or migrating) the database and marks runs left executing by a crash. With
   * `readOnly`, opens an existing, current database without writing anything (for list, show and
   * export on a read-only file or a full disk); every write then fails.
   */
  static async open(path: string, options: { readOnly?: boolean } = {}): Promise<Store> {
    // A missing file has nothing to protect: it is created as usual (an empty history).
    if (options.readOnly === true && existsSync(path)) return new Store(openDatabaseReadOnly(path));
    const store = new Store(await openDatabase(path));
    await store.markInterrupted();
    return store;
  }

  async close(): Promise<void> {
    // Lets SQLite refresh its planner statistics where they have drifted (cheap, documented practice).
    if (this.opened.readOnly !== true) this.opened.sqlite.pragma('optimize');
    await this.db.destroy();
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

  /** Creates the experiment and all its runs (queued) in one transaction. */
  async createExperiment(spec: NewExperiment): Promise<{ experimentId: number; runIds: number[] }> {
    return this.db.transaction().execute(async (trx) => {
      const scenarioId = contentHash(spec.scenario);
      await trx
        .insertInto('scenario_revisions')
        .values({
          id: scenarioId,
          name: spec.scenario.name,
          parent_id: spec.parentScenarioId ?? null,
          body: canonicalJson(spec.scenario),
          created_at: now(),
        })
        .onConflict((oc) => oc.column('id').doNothing())
        .execute();
      const experiment = await trx
        .insertInto('experiments')
        .values({
          name: spec.name,
          kind: spec.kind,
          method: spec.method,
          scenario_id: scenarioId,
          sweep: spec.sweep === undefined ? null : JSON.stringify(spec.sweep),
          status: 'queued',
          created_at: now(),
          finished_at: null,
          uid: randomUUID(),
          owner: currentOwner(),
          shards: spec.shards === undefined ? null : JSON.stringify(spec.shards),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const runIds: number[] = [];
      for (const run of spec.runs) {
        const row = await trx
          .insertInto('runs')
          .values({
            experiment_id: experiment.id,
            scenario_id: scenarioId,
            strategy: run.strategy,
            point: JSON.stringify(run.point),
            seeds: JSON.stringify(run.seeds),
            status: 'queued',
            started_at: null,
            finished_at: null,
            model_version: null,
            cost_table_id: null,
            capability: null,
            error: null,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        runIds.push(row.id);
      }
      return { experimentId: experiment.id, runIds };
    });
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
   * Saves finished runs with their metrics and distributions in one transaction: all or none.
   * The runner hands over every result that arrived while the previous batch was being written,
   * so a fast sweep costs one commit per batch, not one per run.
   */
  async saveRunResults(finished: FinishedRun[]): Promise<void> {
    if (finished.length === 0) return;
    await this.db.transaction().execute(async (trx) => {
      const costTables = new Map(finished.map((f) => [contentHash(f.costTable), f.costTable]));
      await trx
        .insertInto('cost_tables')
        .values([...costTables].map(([id, table]) => ({ id, body: canonicalJson(table) })))
        .onConflict((oc) => oc.column('id').doNothing())
        .execute();
      const finishedAt = now();
      const metrics: Insertable<Database['metrics']>[] = [];
      const distributions: Insertable<Database['distributions']>[] = [];
      const series: Insertable<Database['series']>[] = [];
      for (const f of finished) {
        const { result } = f;
        await trx
          .updateTable('runs')
          .set({
            status: 'done',
            started_at: f.startedAt ?? finishedAt,
            finished_at: finishedAt,
            model_version: f.modelVersion,
            cost_table_id: contentHash(f.costTable),
            params: JSON.stringify(result.params),
            capability: JSON.stringify(result.capability),
            error: null,
          })
          .where('id', '=', f.runId)
          .execute();
        for (const [key, e] of Object.entries(result.metrics))
          metrics.push({ run_id: f.runId, key, mean: e.mean, ci95: e.ci95, n: e.n });
        for (const [key, d] of Object.entries(result.distributions))
          distributions.push({ run_id: f.runId, key, body: JSON.stringify(d) });
        for (const [key, s] of Object.entries(f.series ?? {}))
          series.push({ run_id: f.runId, key, body: JSON.stringify(s) });
      }
      // Multi-row inserts in chunks that stay well under SQLite's limit on bound parameters.
      for (const rows of chunks(metrics, INSERT_CHUNK_ROWS)) await trx.insertInto('metrics').values(rows).execute();
      for (const rows of chunks(distributions, INSERT_CHUNK_ROWS))
        await trx.insertInto('distributions').values(rows).execute();
      for (const rows of chunks(series, INSERT_CHUNK_ROWS)) await trx.insertInto('series').values(rows).execute();
    });
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

  /** One page of experiment history, filtered and sorted (see ExperimentQuery). */
  async listExperiments(query: Partial<ExperimentQuery> & { offset: number; limit: number }): Promise<ExperimentPage> {
    const conditions = [...experimentConditions(query)];
    if (query.statuses !== undefined && query.statuses.length > 0)
      conditions.push(sql`e.status in (${sql.join(query.statuses)})`);
    const runLevel = runConditions(query);
    if (runLevel.length > 0) {
      const join = needsScenario(query) ? sql`join scenario_revisions rs on rs.id = r.scenario_id` : sql``;
      conditions.push(
        sql`exists (select 1 from runs r ${join} where r.experiment_id = e.id and ${sql.join(runLevel, sql` and `)})`,
      );
    }
    const where = whereClause(conditions);
    const total = await sql<{ total: number }>`select count(*) as total from experiments e ${where}`.execute(this.db);
    const rows = await this.summaryRows(
      sql`${where} ${experimentOrder(query.sort)} limit ${query.limit} offset ${query.offset}`,
    );
    return { total: Number(total.rows[0]?.total ?? 0), items: await this.toSummaries(rows) };
  }

  private async summaryRows(tail: RawBuilder<unknown>): Promise<SummaryRow[]> {
    const result = await sql<SummaryRow>`
      select e.id, e.name, e.kind, e.method, e.scenario_id, s.name as scenario_name, e.status, e.created_at, e.finished_at, e.note,
        (select count(*) from runs where runs.experiment_id = e.id) as runs_total,
        (select count(*) from runs where runs.experiment_id = e.id and runs.status = 'done') as runs_done,
        (select model_version from runs where runs.experiment_id = e.id and model_version is not null limit 1) as model_version
      from experiments e join scenario_revisions s on s.id = e.scenario_id
      ${tail}`.execute(this.db);
    return result.rows;
  }

  private async toSummaries(rows: SummaryRow[]): Promise<ExperimentSummary[]> {
    const tags = await this.tagsFor(rows.map((r) => r.id));
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      kind: r.kind,
      method: r.method,
      scenarioId: r.scenario_id,
      scenarioName: r.scenario_name,
      status: r.status,
      runsTotal: Number(r.runs_total ?? 0),
      runsDone: Number(r.runs_done ?? 0),
      modelVersion: r.model_version ?? null,
      createdAt: r.created_at,
      finishedAt: r.finished_at,
      tags: tags.get(r.id) ?? [],
      note: r.note,
    }));
  }

  /** One page of runs across experiments, filtered and sorted (see RunQuery). */
  async listRuns(query: Partial<RunQuery> & { offset: number; limit: number }): Promise<RunPage> {
    const conditions = [...experimentConditions(query), ...runConditions(query)];
    if (query.statuses !== undefined && query.statuses.length > 0)
      conditions.push(sql`r.status in (${sql.join(query.statuses)})`);
    if (query.experimentId !== undefined) conditions.push(sql`r.experiment_id = ${query.experimentId}`);
    const join = needsScenario(query) ? sql`join scenario_revisions rs on rs.id = r.scenario_id` : sql``;
    const where = whereClause(conditions);
    const total = await sql<{
      total: number;
    }>`select count(*) as total from runs r join experiments e on e.id = r.experiment_id ${join} ${where}`.execute(
      this.db,
    );
    const sortKey = query.sort?.by === 'metric' ? (query.sort.key ?? '') : null;
    const sortJoin = sortKey === null ? sql`` : sql`left join metrics sm on sm.run_id = r.id and sm.key = ${sortKey}`;
    const rows = await sql<RunRow>`
      select r.id, r.experiment_id, e.name as experiment_name, r.scenario_id, r.strategy, r.point, r.status,
        r.started_at, r.finished_at, r.model_version, r.error
      from runs r join experiments e on e.id = r.experiment_id ${join} ${sortJoin}
      ${where} ${runOrder(query.sort)} limit ${query.limit} offset ${query.offset}`.execute(this.db);
    const keys = [
      ...new Set([
        ...(query.include ?? []),
        ...(query.metrics ?? []).map((m) => m.key),
        ...(sortKey === null ? [] : [sortKey]),
      ]),
    ];
    const ids = rows.rows.map((r) => r.id);
    const metricRows =
      keys.length === 0 || ids.length === 0
        ? []
        : await this.db.selectFrom('metrics').selectAll().where('run_id', 'in', ids).where('key', 'in', keys).execute();
    const items: RunSummary[] = rows.rows.map((r) => {
      const metrics: Record<string, Estimate> = {};
      for (const m of metricRows) if (m.run_id === r.id) metrics[m.key] = { mean: m.mean, ci95: m.ci95, n: m.n };
      return {
        id: r.id,
        experimentId: r.experiment_id,
        experimentName: r.experiment_name,
        scenarioId: r.scenario_id,
        strategy: r.strategy,
        point: parseStored<RunSummary['point']>('runs', r.id, 'point', r.point),
        status: r.status,
        startedAt: r.started_at,
        finishedAt: r.finished_at,
        modelVersion: r.model_version,
        error: r.error,
        metrics,
      };
    });
    return { total: Number(total.rows[0]?.total ?? 0), items };
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
      await trx.deleteFrom('metrics').where('run_id', 'in', runIds).execute();
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
          point: parseStored<Record<string, number | string | boolean>>('runs', r.id, 'point', r.point),
        })),
      );
      const ids = runs.map((r) => r.id);
      if (ids.length > 0) {
        await trx.deleteFrom('metrics').where('run_id', 'in', ids).execute();
        await trx.deleteFrom('distributions').where('run_id', 'in', ids).execute();
        await trx.deleteFrom('series').where('run_id', 'in', ids).execute();
        await trx
          .updateTable('runs')
          .set({ status: 'queued', started_at: null, finished_at: null, error: null })
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

  async listScenarioRevisions(query: {
    offset: number;
    limit: number;
    name?: string | undefined;
  }): Promise<ScenarioRevisionPage> {
    let base = this.db.selectFrom('scenario_revisions as s');
    if (query.name !== undefined && query.name.trim() !== '') {
      const like = `%${query.name.trim().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      base = base.where(sql<boolean>`s.name like ${like} escape '\\'`);
    }
    const total = await base.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
    const rows = await base
      .select(['s.id', 's.name', 's.parent_id', 's.created_at'])
      .select((eb) =>
        eb
          .selectFrom('experiments')
          .select(eb.fn.countAll<number>().as('c'))
          .whereRef('experiments.scenario_id', '=', 's.id')
          .as('experiments'),
      )
      .orderBy('s.created_at', 'desc')
      .orderBy('s.id')
      .limit(query.limit)
      .offset(query.offset)
      .execute();
    return {
      total: Number(total.total),
      items: rows.map((r) => ({
        id: r.id,
        name: r.name,
        parentId: r.parent_id,
        createdAt: r.created_at,
        experiments: Number(r.experiments ?? 0),
      })),
    };
  }

  async getScenarioRevision(id: string): Promise<ScenarioRevision | undefined> {
    const row = await this.db
      .selectFrom('scenario_revisions as s')
      .selectAll('s')
      .select((eb) =>
        eb
          .selectFrom('experiments')
          .select(eb.fn.countAll<number>().as('c'))
          .whereRef('experiments.scenario_id', '=', 's.id')
          .as('experiments'),
      )
      .where('s.id', '=', id)
      .executeTakeFirst();
    if (row === undefined) return undefined;
    return {
      id: row.id,
      name: row.name,
      parentId: row.parent_id,
      createdAt: row.created_at,
      experiments: Number(row.experiments ?? 0),
      scenario: verifiedBody<Scenario>('scenario_revisions', row.id, row.body),
    };
  }

  async exportBundle(experimentIds: number[]): Promise<Bundle> {
    return exportBundle(this.db, experimentIds);
  }

  /** Validates the whole bundle, then imports it all-or-nothing; throws BundleError before writing anything. */
  async importBundle(raw: unknown): Promise<ImportSummary> {
    return importBundle(this.db, raw);
  }

  private async requireExperiment(trx: Kysely<Database>, experimentId: number): Promise<void> {
    const row = await trx.selectFrom('experiments').select('id').where('id', '=', experimentId).executeTakeFirst();
    if (row === undefined) throw new StoreNotFoundError(`experiment ${experimentId} does not exist`);
  }

  private async tagsFor(experimentIds: number[]): Promise<Map<number, string[]>> {
    const map = new Map<number, string[]>();
    if (experimentIds.length === 0) return map;
    const rows = await this.db
      .selectFrom('tags')
      .select(['experiment_id', 'tag'])
      .where('experiment_id', 'in', experimentIds)
      .orderBy('tag')
      .execute();
    for (const r of rows) map.set(r.experiment_id, [...(map.get(r.experiment_id) ?? []), r.tag]);
    return map;
  }

  async getExperiment(experimentId: number): Promise<ExperimentDetail | undefined> {
    const summary = (await this.toSummaries(await this.summaryRows(sql`where e.id = ${experimentId}`)))[0];
    if (summary === undefined) return undefined;
    const scenarioRow = await this.db
      .selectFrom('scenario_revisions')
      .select('body')
      .where('id', '=', summary.scenarioId)
      .executeTakeFirstOrThrow();
    const runs = await this.db
      .selectFrom('runs')
      .selectAll()
      .where('experiment_id', '=', experimentId)
      .orderBy('id')
      .execute();
    // By experiment, not by a list of run ids: a 10,000-point sweep has more runs than SQLite
    // takes bound parameters. Grouped by run in one pass (a sweep's metrics are ~10^5 rows).
    const ofExperiment = sql<boolean>`run_id in (select id from runs where experiment_id = ${experimentId})`;
    const byRun = <T extends { run_id: number }>(rows: T[]): Map<number, T[]> => {
      const map = new Map<number, T[]>();
      for (const row of rows) {
        const list = map.get(row.run_id);
        if (list === undefined) map.set(row.run_id, [row]);
        else list.push(row);
      }
      return map;
    };
    const metrics = byRun(await this.db.selectFrom('metrics').selectAll().where(ofExperiment).execute());
    const distributions = byRun(await this.db.selectFrom('distributions').selectAll().where(ofExperiment).execute());
    const series = byRun(await this.db.selectFrom('series').selectAll().where(ofExperiment).execute());
    const costTableId = runs.find((r) => r.cost_table_id !== null)?.cost_table_id ?? null;
    const costTable =
      costTableId === null
        ? null
        : verifiedBody<CostEntry[]>(
            'cost_tables',
            costTableId,
            (
              await this.db
                .selectFrom('cost_tables')
                .select('body')
                .where('id', '=', costTableId)
                .executeTakeFirstOrThrow()
            ).body,
          );
    const runDetails: RunDetail[] = runs.map((r) => {
      const m: Record<string, Estimate> = {};
      for (const row of metrics.get(r.id) ?? []) m[row.key] = { mean: row.mean, ci95: row.ci95, n: row.n };
      const d: Record<string, LatencyDistribution> = {};
      for (const row of distributions.get(r.id) ?? [])
        d[row.key] = parseStored<LatencyDistribution>('distributions', `${r.id}/${row.key}`, 'body', row.body);
      const sr: Record<string, RunSeries> = {};
      for (const row of series.get(r.id) ?? [])
        sr[row.key] = parseStored<RunSeries>('series', `${r.id}/${row.key}`, 'body', row.body);
      return {
        id: r.id,
        strategy: r.strategy as StrategyId,
        point: parseStored<RunDetail['point']>('runs', r.id, 'point', r.point),
        seeds: parseStored<number[]>('runs', r.id, 'seeds', r.seeds),
        status: r.status as RunStatus,
        startedAt: r.started_at,
        finishedAt: r.finished_at,
        modelVersion: r.model_version,
        error: r.error,
        params: parseStored<Record<string, unknown>>('runs', r.id, 'params', r.params),
        capability: r.capability === null ? null : parseStored<CapabilityRow>('runs', r.id, 'capability', r.capability),
        metrics: m,
        distributions: d,
        series: sr,
      };
    });
    const row = await this.db
      .selectFrom('experiments')
      .select(['sweep', 'shards'])
      .where('id', '=', experimentId)
      .executeTakeFirstOrThrow();
    const sweep =
      row.sweep === null ? null : parseStored<SweepDefinition>('experiments', experimentId, 'sweep', row.sweep);
    const shards =
      row.shards === null ? null : parseStored<ShardSet>('experiments', experimentId, 'shards', row.shards);
    return {
      ...summary,
      scenario: verifiedBody<Scenario>('scenario_revisions', summary.scenarioId, scenarioRow.body),
      sweep,
      shards,
      costTable,
      runs: runDetails,
    };
  }
}
