// The experiment store: the only code that writes the database. Callers hand it validated
// scenarios and core results; it knows nothing of how they were computed.
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { CapabilityRow, CostEntry, Estimate, LatencyDistribution, Method, Scenario, StrategyId, StrategyResult } from '../core/index.ts';
import type { ExperimentDetail, ExperimentPage, ExperimentStatus, ExperimentSummary, RunDetail, RunStatus } from '../contract/index.ts';
import { canonicalJson, contentHash } from './canonical.ts';
import { openDatabase, type OpenedDatabase } from './open.ts';
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
  runs: PlannedRun[];
}

export interface FinishedRun {
  modelVersion: string;
  costTable: CostEntry[];
  result: StrategyResult;
}

const now = (): string => new Date().toISOString();

export class Store {
  readonly db: Kysely<Database>;
  readonly opened: OpenedDatabase;

  private constructor(opened: OpenedDatabase) {
    this.opened = opened;
    this.db = opened.db;
  }

  /** Opens (creating or migrating) the database and marks runs left executing by a crash. */
  static async open(path: string): Promise<Store> {
    const store = new Store(await openDatabase(path));
    await store.markInterrupted();
    return store;
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }

  /** Runs that were queued or running when the process died can never finish: say so. */
  async markInterrupted(): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      const runs = await trx
        .updateTable('runs')
        .set({ status: 'interrupted', finished_at: now(), error: 'gmemlab stopped before this run finished' })
        .where('status', 'in', ['queued', 'running'])
        .executeTakeFirst();
      await trx.updateTable('experiments').set({ status: 'interrupted', finished_at: now() }).where('status', 'in', ['queued', 'running']).execute();
      return Number(runs.numUpdatedRows);
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
        .values({ id: scenarioId, name: spec.scenario.name, parent_id: spec.parentScenarioId ?? null, body: canonicalJson(spec.scenario), created_at: now() })
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
    await this.db.updateTable('experiments').set({ status, finished_at: finished }).where('id', '=', experimentId).execute();
  }

  async markRunsRunning(runIds: number[]): Promise<void> {
    if (runIds.length === 0) return;
    await this.db.updateTable('runs').set({ status: 'running', started_at: now() }).where('id', 'in', runIds).execute();
  }

  /** Saves one finished run with its metrics and distributions, atomically. */
  async saveRunResult(runId: number, finished: FinishedRun): Promise<void> {
    const { result } = finished;
    await this.db.transaction().execute(async (trx) => {
      const costTableId = contentHash(finished.costTable);
      await trx
        .insertInto('cost_tables')
        .values({ id: costTableId, body: canonicalJson(finished.costTable) })
        .onConflict((oc) => oc.column('id').doNothing())
        .execute();
      await trx
        .updateTable('runs')
        .set({
          status: 'done',
          finished_at: now(),
          model_version: finished.modelVersion,
          cost_table_id: costTableId,
          params: JSON.stringify(result.params),
          capability: JSON.stringify(result.capability),
          error: null,
        })
        .where('id', '=', runId)
        .execute();
      const metricRows = Object.entries(result.metrics).map(([key, e]) => ({ run_id: runId, key, mean: e.mean, ci95: e.ci95, n: e.n }));
      if (metricRows.length > 0) await trx.insertInto('metrics').values(metricRows).execute();
      const distributionRows = Object.entries(result.distributions).map(([key, d]) => ({ run_id: runId, key, body: JSON.stringify(d) }));
      if (distributionRows.length > 0) await trx.insertInto('distributions').values(distributionRows).execute();
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

  async listExperiments(query: { offset: number; limit: number; search?: string | undefined }): Promise<ExperimentPage> {
    return this.querySummaries(query);
  }

  private async querySummaries(query: { offset: number; limit: number; search?: string | undefined; id?: number }): Promise<ExperimentPage> {
    let base = this.db.selectFrom('experiments as e').innerJoin('scenario_revisions as s', 's.id', 'e.scenario_id');
    if (query.id !== undefined) base = base.where('e.id', '=', query.id);
    if (query.search !== undefined && query.search.trim() !== '') {
      const like = `%${query.search.trim().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      base = base.where((eb) => eb.or([sql<boolean>`e.name like ${like} escape '\\'`, sql<boolean>`e.note like ${like} escape '\\'`]));
    }
    const totalRow = await base.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
    const rows = await base
      .select([
        'e.id',
        'e.name',
        'e.kind',
        'e.method',
        'e.scenario_id',
        's.name as scenario_name',
        'e.status',
        'e.created_at',
        'e.finished_at',
        'e.note',
      ])
      .select((eb) => [
        eb.selectFrom('runs').select(eb.fn.countAll<number>().as('c')).whereRef('runs.experiment_id', '=', 'e.id').as('runs_total'),
        eb
          .selectFrom('runs')
          .select(eb.fn.countAll<number>().as('c'))
          .whereRef('runs.experiment_id', '=', 'e.id')
          .where('runs.status', '=', 'done')
          .as('runs_done'),
        eb.selectFrom('runs').select('runs.model_version').whereRef('runs.experiment_id', '=', 'e.id').where('runs.model_version', 'is not', null).limit(1).as('model_version'),
      ])
      .orderBy('e.id', 'desc')
      .limit(query.limit)
      .offset(query.offset)
      .execute();
    const tags = await this.tagsFor(rows.map((r) => r.id));
    const items: ExperimentSummary[] = rows.map((r) => ({
      id: r.id,
      name: r.name,
      kind: r.kind,
      method: r.method,
      scenarioId: r.scenario_id,
      scenarioName: r.scenario_name,
      status: r.status as ExperimentStatus,
      runsTotal: Number(r.runs_total ?? 0),
      runsDone: Number(r.runs_done ?? 0),
      modelVersion: r.model_version ?? null,
      createdAt: r.created_at,
      finishedAt: r.finished_at,
      tags: tags.get(r.id) ?? [],
      note: r.note,
    }));
    return { total: Number(totalRow.total), items };
  }

  private async tagsFor(experimentIds: number[]): Promise<Map<number, string[]>> {
    const map = new Map<number, string[]>();
    if (experimentIds.length === 0) return map;
    const rows = await this.db.selectFrom('tags').select(['experiment_id', 'tag']).where('experiment_id', 'in', experimentIds).orderBy('tag').execute();
    for (const r of rows) map.set(r.experiment_id, [...(map.get(r.experiment_id) ?? []), r.tag]);
    return map;
  }

  async getExperiment(experimentId: number): Promise<ExperimentDetail | undefined> {
    const summary = (await this.querySummaries({ offset: 0, limit: 1, id: experimentId })).items[0];
    if (summary === undefined) return undefined;
    const scenarioRow = await this.db.selectFrom('scenario_revisions').select('body').where('id', '=', summary.scenarioId).executeTakeFirstOrThrow();
    const runs = await this.db.selectFrom('runs').selectAll().where('experiment_id', '=', experimentId).orderBy('id').execute();
    const runIds = runs.map((r) => r.id);
    const metrics = runIds.length === 0 ? [] : await this.db.selectFrom('metrics').selectAll().where('run_id', 'in', runIds).execute();
    const distributions = runIds.length === 0 ? [] : await this.db.selectFrom('distributions').selectAll().where('run_id', 'in', runIds).execute();
    const costTableId = runs.find((r) => r.cost_table_id !== null)?.cost_table_id ?? null;
    const costTable =
      costTableId === null
        ? null
        : (JSON.parse((await this.db.selectFrom('cost_tables').select('body').where('id', '=', costTableId).executeTakeFirstOrThrow()).body) as CostEntry[]);
    const runDetails: RunDetail[] = runs.map((r) => {
      const m: Record<string, Estimate> = {};
      for (const row of metrics) if (row.run_id === r.id) m[row.key] = { mean: row.mean, ci95: row.ci95, n: row.n };
      const d: Record<string, LatencyDistribution> = {};
      for (const row of distributions) if (row.run_id === r.id) d[row.key] = JSON.parse(row.body) as LatencyDistribution;
      return {
        id: r.id,
        strategy: r.strategy as StrategyId,
        point: JSON.parse(r.point) as RunDetail['point'],
        seeds: JSON.parse(r.seeds) as number[],
        status: r.status as RunStatus,
        startedAt: r.started_at,
        finishedAt: r.finished_at,
        modelVersion: r.model_version,
        error: r.error,
        params: JSON.parse(r.params) as Record<string, unknown>,
        capability: r.capability === null ? null : (JSON.parse(r.capability) as CapabilityRow),
        metrics: m,
        distributions: d,
      };
    });
    return { ...summary, scenario: JSON.parse(scenarioRow.body) as Scenario, costTable, runs: runDetails };
  }
}
