// Every read of the history, on a read-only connection of its own. In WAL mode a reader never
// waits for the writer (it sees the last commit), so a window's request does not queue behind a
// sweep being saved. The same class runs in the main thread or in the read worker
// (read-worker.ts), which keeps heavy reads (a 60,000-run experiment) off the main thread.
import BetterSqlite3 from 'better-sqlite3';
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type {
  CapabilityRow,
  CostEntry,
  LatencyDistribution,
  Method,
  Scenario,
  StrategyId,
} from '../../common/core/index.ts';
import {
  MAX_RUN_IDS,
  type ExperimentDetail,
  type ExperimentPage,
  type ExperimentQuery,
  type ExperimentStatus,
  type ExperimentSummary,
  type RunDetail,
  type RunInContext,
  type RunPage,
  type RunQuery,
  type RunSeries,
  type RunStatus,
  type RunSummary,
  type ScenarioRevision,
  type ScenarioRevisionPage,
  type ShardSet,
  type SweepDefinition,
} from '../../common/contract/index.ts';
import type { Bundle } from '../../common/contract/bundle.ts';
import { exportBundle } from './bundle-io.ts';
import { valueOf } from './codec.ts';
import {
  experimentConditions,
  experimentOrder,
  needsScenario,
  runConditions,
  runOrder,
  whereClause,
  type MetricCondition,
} from './history.ts';
import { decodeBreakdown, decodeMetrics, ResultKeys } from './keys.ts';
import { createKysely } from './open.ts';
import type { Database } from './schema.ts';

/** SQL function: the mean a run's encoded metrics hold under a key id (null when none). */
export const VALUE_FUNCTION = 'gmemlab_value';

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

/** The columns every run read selects (alias r): one row shape, one mapping (toRunDetail). */
const RUN_COLUMNS = sql.raw(
  'r.id, r.strategy, r.point, r.seeds, r.status, r.started_at, r.finished_at, r.model_version, r.error, r.params, r.capability, r.metrics, r.breakdown, r.flags',
);

interface RunRow {
  id: number;
  strategy: string;
  point: string;
  seeds: string;
  status: string;
  started_at: string | null;
  finished_at: string | null;
  model_version: string | null;
  error: string | null;
  params: string;
  capability: string | null;
  metrics: Buffer | null;
  breakdown: Buffer | null;
  flags: string | null;
}

interface SummaryRunRow extends RunRow {
  experiment_id: number;
  experiment_name: string;
  scenario_id: string;
}

type ByRun<T> = Map<number, Record<string, T>>;

/** Opens the read-only connection beside the writer's (the database must exist and be migrated). */
export function openReadConnection(path: string): BetterSqlite3.Database {
  const sqlite = new BetterSqlite3(path, { readonly: true, fileMustExist: true });
  sqlite.pragma('busy_timeout = 5000');
  sqlite.function(VALUE_FUNCTION, { deterministic: true }, (blob: unknown, keyId: unknown) =>
    blob instanceof Uint8Array && typeof keyId === 'number' ? valueOf(blob, keyId) : null,
  );
  return sqlite;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

export class StoreReader {
  private readonly db: Kysely<Database>;
  private readonly sqlite: BetterSqlite3.Database;
  private readonly keys: ResultKeys;
  /** Totals of recent run queries, valid while nothing was committed since (data_version). */
  private readonly totals = new Map<string, { version: number; total: number }>();

  constructor(sqlite: BetterSqlite3.Database) {
    this.sqlite = sqlite;
    this.db = createKysely(sqlite);
    this.keys = new ResultKeys(sqlite);
  }

  static open(path: string): StoreReader {
    return new StoreReader(openReadConnection(path));
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }

  /** A metric range as a condition on run r: from run_metrics for indexed keys, else from runs.metrics. */
  private readonly metricCondition: MetricCondition = (m) => {
    const k = this.keys.find(m.key);
    if (k === undefined) return sql`0`; // no run has ever had this key
    const range = (v: RawBuilder<unknown>): RawBuilder<unknown>[] => [
      ...(m.min === undefined ? [] : [sql`${v} >= ${m.min}`]),
      ...(m.max === undefined ? [] : [sql`${v} <= ${m.max}`]),
    ];
    if (k.indexed)
      return sql`r.id in (select run_id from run_metrics where ${sql.join([sql`key_id = ${k.id}`, ...range(sql`mean`)], sql` and `)})`;
    const v = sql`${sql.raw(VALUE_FUNCTION)}(r.metrics, ${k.id})`;
    return sql.join([sql`${v} is not null`, ...range(v)], sql` and `);
  };

  /** One page of experiment history, filtered and sorted (see ExperimentQuery). */
  async listExperiments(query: Partial<ExperimentQuery> & { offset: number; limit: number }): Promise<ExperimentPage> {
    const conditions = [...experimentConditions(query)];
    if (query.statuses !== undefined && query.statuses.length > 0)
      conditions.push(sql`e.status in (${sql.join(query.statuses)})`);
    const runLevel = runConditions(query, this.metricCondition);
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

  /**
   * How many runs match, counted once per filter while nothing is committed: a virtualised
   * table asks for page after page of the same query, and counting a million runs is the slow
   * part of a page.
   */
  private async countRuns(from: RawBuilder<unknown>, where: RawBuilder<unknown>, cacheKey: string): Promise<number> {
    const version = this.sqlite.pragma('data_version', { simple: true }) as number;
    const cached = this.totals.get(cacheKey);
    if (cached !== undefined && cached.version === version) return cached.total;
    const result = await sql<{ total: number }>`select count(*) as total ${from} ${where}`.execute(this.db);
    const total = Number(result.rows[0]?.total ?? 0);
    if (this.totals.size >= 32) this.totals.clear();
    this.totals.set(cacheKey, { version, total });
    return total;
  }

  /** One page of runs across experiments, filtered and sorted (see RunQuery). */
  async listRuns(query: Partial<RunQuery> & { offset: number; limit: number }): Promise<RunPage> {
    const conditions = [...experimentConditions(query), ...runConditions(query, this.metricCondition)];
    if (query.statuses !== undefined && query.statuses.length > 0)
      conditions.push(sql`r.status in (${sql.join(query.statuses)})`);
    if (query.experimentId !== undefined) conditions.push(sql`r.experiment_id = ${query.experimentId}`);
    const join = needsScenario(query) ? sql`join scenario_revisions rs on rs.id = r.scenario_id` : sql``;
    const where = whereClause(conditions);
    const from = sql`from runs r join experiments e on e.id = r.experiment_id ${join}`;
    const { offset, limit, sort, include, ...filters } = query;
    const total = await this.countRuns(from, where, JSON.stringify(filters));
    const select = sql`select ${RUN_COLUMNS}, r.experiment_id, e.name as experiment_name, r.scenario_id`;

    let rows: SummaryRunRow[];
    const sortKey = sort?.by === 'metric' ? this.keys.find(sort.key ?? '') : undefined;
    const dir = sql.raw(sort?.dir === 'asc' ? 'asc' : 'desc');
    if (sort?.by === 'metric' && sortKey?.indexed === true) {
      // Walk run_metrics in the key's order and stop at the page: no sort of all matching runs.
      const withKey = sql`from run_metrics sm cross join runs r on r.id = sm.run_id join experiments e on e.id = r.experiment_id ${join}`;
      const keyed = whereClause([sql`sm.key_id = ${sortKey.id}`, ...conditions]);
      rows = (
        await sql<SummaryRunRow>`${select} ${withKey} ${keyed} order by sm.mean ${dir}, sm.run_id ${dir} limit ${limit} offset ${offset}`.execute(
          this.db,
        )
      ).rows;
      if (rows.length < limit) {
        // Past the runs that have the metric: those without it, last either way.
        const counted = await sql<{ n: number }>`select count(*) as n ${withKey} ${keyed}`.execute(this.db);
        const withCount = Number(counted.rows[0]?.n ?? 0);
        const lacking = whereClause([
          sql`r.id not in (select run_id from run_metrics where key_id = ${sortKey.id})`,
          ...conditions,
        ]);
        const rest = await sql<SummaryRunRow>`${select} ${from} ${lacking} order by r.id ${dir}
          limit ${limit - rows.length} offset ${Math.max(0, offset - withCount)}`.execute(this.db);
        rows = [...rows, ...rest.rows];
      }
    } else if (sort?.by === 'metric' && sortKey !== undefined) {
      const v = sql`${sql.raw(VALUE_FUNCTION)}(r.metrics, ${sortKey.id})`;
      rows = (
        await sql<SummaryRunRow>`${select} ${from} ${where} order by ${v} is null, ${v} ${dir}, r.id ${dir} limit ${limit} offset ${offset}`.execute(
          this.db,
        )
      ).rows;
    } else {
      // Not sorted by a metric, or by one no run has: every run lacks it, so by id.
      const order = sort?.by === 'metric' ? sql`order by r.id ${dir}` : runOrder(sort);
      rows = (
        await sql<SummaryRunRow>`${select} ${from} ${where} ${order} limit ${limit} offset ${offset}`.execute(this.db)
      ).rows;
    }

    const keys = new Set([
      ...(include ?? []),
      ...(query.metrics ?? []).map((m) => m.key),
      ...(sort?.by === 'metric' && sort.key !== undefined ? [sort.key] : []),
    ]);
    const items: RunSummary[] = rows.map((r) => {
      const all = decodeMetrics(this.keys, r.metrics);
      return {
        id: r.id,
        experimentId: r.experiment_id,
        experimentName: r.experiment_name,
        scenarioId: r.scenario_id,
        strategy: r.strategy as StrategyId,
        point: JSON.parse(r.point) as RunSummary['point'],
        status: r.status as RunStatus,
        startedAt: r.started_at,
        finishedAt: r.finished_at,
        modelVersion: r.model_version,
        error: r.error,
        metrics: Object.fromEntries(Object.entries(all).filter(([k]) => keys.has(k))),
      };
    });
    return { total, items };
  }

  /** The experiment with every run, its metrics, distributions and series; undefined when there is none. */
  async getExperiment(experimentId: number): Promise<ExperimentDetail | undefined> {
    const summary = (await this.toSummaries(await this.summaryRows(sql`where e.id = ${experimentId}`)))[0];
    if (summary === undefined) return undefined;
    const row = await this.db
      .selectFrom('experiments as e')
      .innerJoin('scenario_revisions as s', 's.id', 'e.scenario_id')
      .select(['e.sweep', 'e.shards', 's.body'])
      .where('e.id', '=', experimentId)
      .executeTakeFirstOrThrow();
    const runs = (
      await sql<RunRow & { cost_table_id: string | null }>`select ${RUN_COLUMNS}, r.cost_table_id from runs r
        where r.experiment_id = ${experimentId} order by r.id`.execute(this.db)
    ).rows;
    // By experiment, not by a list of run ids: a sweep has more runs than SQLite takes bound parameters.
    const ofRuns = sql`(select id from runs where experiment_id = ${experimentId})`;
    const { distributions, series } = await this.perRunBodies(ofRuns);
    const costTableId = runs.find((r) => r.cost_table_id !== null)?.cost_table_id ?? null;
    const costTable = costTableId === null ? null : await this.costTable(costTableId);
    return {
      ...summary,
      scenario: JSON.parse(row.body) as Scenario,
      sweep: row.sweep === null ? null : (JSON.parse(row.sweep) as SweepDefinition),
      shards: row.shards === null ? null : (JSON.parse(row.shards) as ShardSet),
      costTable,
      runs: runs.map((r) => this.toRunDetail(r, distributions, series)),
    };
  }

  /** The runs asked for, in the order asked, with their experiment; ids that do not exist are left out. */
  async getRuns(runIds: number[]): Promise<RunInContext[]> {
    if (runIds.length > MAX_RUN_IDS)
      throw new RangeError(`at most ${MAX_RUN_IDS} run ids at once, got ${runIds.length}`);
    const ids = JSON.stringify(runIds);
    const rows = (
      await sql<
        RunRow & {
          experiment_id: number;
          experiment_name: string;
          experiment_created_at: string;
          scenario_id: string;
          scenario_name: string;
        }
      >`select ${RUN_COLUMNS}, e.id as experiment_id, e.name as experiment_name, e.created_at as experiment_created_at,
          e.scenario_id, s.name as scenario_name
        from runs r join experiments e on e.id = r.experiment_id join scenario_revisions s on s.id = e.scenario_id
        where r.id in (select value from json_each(${ids}))`.execute(this.db)
    ).rows;
    const { distributions, series } = await this.perRunBodies(sql`(select value from json_each(${ids}))`);
    const byId = new Map(
      rows.map((r): [number, RunInContext] => [
        r.id,
        {
          ...this.toRunDetail(r, distributions, series),
          experimentId: r.experiment_id,
          experimentName: r.experiment_name,
          experimentCreatedAt: r.experiment_created_at,
          scenarioId: r.scenario_id,
          scenarioName: r.scenario_name,
        },
      ]),
    );
    return runIds.map((id) => byId.get(id)).filter((r): r is RunInContext => r !== undefined);
  }

  /** Distributions and series of the runs `ofRuns` (a subquery of run ids) selects, by run. */
  private async perRunBodies(
    ofRuns: RawBuilder<unknown>,
  ): Promise<{ distributions: ByRun<LatencyDistribution>; series: ByRun<RunSeries> }> {
    const collect = async <T>(table: 'distributions' | 'series'): Promise<ByRun<T>> => {
      const map: ByRun<T> = new Map();
      const rows = await sql<{ run_id: number; key: string; body: string }>`select run_id, key, body from ${sql.table(
        table,
      )} where run_id in ${ofRuns}`.execute(this.db);
      for (const r of rows.rows) {
        let m = map.get(r.run_id);
        if (m === undefined) map.set(r.run_id, (m = {}));
        m[r.key] = JSON.parse(r.body) as T;
      }
      return map;
    };
    return { distributions: await collect('distributions'), series: await collect('series') };
  }

  private async costTable(id: string): Promise<CostEntry[]> {
    const row = await this.db.selectFrom('cost_tables').select('body').where('id', '=', id).executeTakeFirstOrThrow();
    return JSON.parse(row.body) as CostEntry[];
  }

  /**
   * JSON text parsed once per distinct text within one read: a sweep's runs share a handful of
   * capability rows, parameter sets and seed lists. The parsed values are shared between runs
   * and answers, so they are frozen: a caller that tried to change one would throw, not corrupt
   * the next answer.
   */
  private readonly parsed = new Map<string, unknown>();
  private parseShared<T>(text: string): T {
    let value = this.parsed.get(text);
    if (value === undefined) {
      if (this.parsed.size >= 4096) this.parsed.clear();
      this.parsed.set(text, (value = deepFreeze(JSON.parse(text) as unknown)));
    }
    return value as T;
  }

  /** The one mapping from a run row to what the contract shows of a run. */
  private toRunDetail(r: RunRow, distributions: ByRun<LatencyDistribution>, series: ByRun<RunSeries>): RunDetail {
    const breakdown = decodeBreakdown(this.keys, r.breakdown);
    return {
      id: r.id,
      strategy: r.strategy as StrategyId,
      point: JSON.parse(r.point) as RunDetail['point'],
      seeds: this.parseShared<number[]>(r.seeds),
      status: r.status as RunStatus,
      startedAt: r.started_at,
      finishedAt: r.finished_at,
      modelVersion: r.model_version,
      error: r.error,
      params: this.parseShared<Record<string, unknown>>(r.params),
      capability: r.capability === null ? null : this.parseShared<CapabilityRow>(r.capability),
      metrics: decodeMetrics(this.keys, r.metrics),
      distributions: distributions.get(r.id) ?? {},
      series: series.get(r.id) ?? {},
      ...(r.flags === null ? {} : { flags: JSON.parse(r.flags) as RunDetail['flags'] }),
      ...(breakdown === undefined ? {} : { breakdown }),
    };
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
      scenario: JSON.parse(row.body) as Scenario,
    };
  }

  async exportBundle(experimentIds: number[]): Promise<Bundle> {
    return exportBundle(this.db, this.keys, experimentIds);
  }
}
