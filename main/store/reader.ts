// Every read of the history, on a read-only connection of its own. In WAL mode a reader never
// waits for the writer (it sees the last commit), so a window's request does not queue behind a
// sweep being saved. The same class runs in the main thread or in the read worker
// (read-worker.ts), which keeps heavy reads (a 60,000-run experiment) off the main thread; a
// read-only store (list, show, export on a file that cannot be written) reads on its one
// connection. Runs are mapped by runs.ts; nothing read back is trusted (integrity.ts).
import BetterSqlite3 from 'better-sqlite3';
import { sql, type Kysely, type RawBuilder } from 'kysely';
import { GmemlabError, NotFoundError, type CostEntry, type Method, type Scenario } from '../../common/core/index.ts';
import {
  MAX_RUN_IDS,
  type ExperimentDetail,
  type ExperimentPage,
  type ExperimentQuery,
  type ExperimentStatus,
  type ExperimentSummary,
  type RunInContext,
  type RunPage,
  type RunQuery,
  type RunSummary,
  type ScenarioRevision,
  type ScenarioRevisionPage,
  type ShardSet,
  type SweepDefinition,
} from '../../common/contract/index.ts';
import type { Bundle } from '../../common/contract/bundle.ts';
import {
  experimentDetail,
  runsInContext,
  type ExperimentData,
  type RunContext,
  type RunsData,
} from '../../common/contract/run-table.ts';
import { bundleParts, collectBundle, type BundlePart } from './bundle-export.ts';
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
import { damaged, decodedStored, parseStored, verifiedBody } from './integrity.ts';
import { ResultKeys } from './keys.ts';
import { createKysely, openReadOnlyConnection, PAGE_CACHE_KIB } from './open.ts';
import { loadRunChildren, readRunBatches, RUN_COLUMNS, RunMapping, type RunRow } from './runs.ts';
import type { Database } from './schema.ts';
import { enterSnapshot, leaveSnapshot } from './snapshot.ts';

/** SQL function (run id, encoded metrics, key id): the mean the run holds under the key, null when none. */
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
  sweep: string | null;
}

interface SummaryRunRow extends RunRow {
  experiment_id: number;
  experiment_name: string;
  scenario_id: string;
}

/**
 * Readies a read-only connection for the store's reads: the SQL function that reads one value
 * out of a run's encoded metrics (filters and sorts on keys without an index).
 */
export function prepareReadConnection(sqlite: BetterSqlite3.Database): BetterSqlite3.Database {
  sqlite.function(VALUE_FUNCTION, { deterministic: true }, (runId: unknown, blob: unknown, keyId: unknown) =>
    blob instanceof Uint8Array && typeof keyId === 'number'
      ? decodedStored('runs', Number(runId), 'metrics', () => valueOf(blob, keyId))
      : null,
  );
  return sqlite;
}

/** Where a read connection is opened: beside this process's writer, or alone (a read-only store). */
export type ReadBeside = 'writer' | 'alone';

/**
 * Opens a read-only connection of its own on the database (it must exist and be migrated).
 * Beside the writer it reads the file as it is committed; alone, where the file or its folder
 * cannot be written, it reads a snapshot of it instead (openReadOnlyConnection in open.ts).
 */
export function openReadConnection(path: string, beside: ReadBeside): BetterSqlite3.Database {
  const sqlite =
    beside === 'writer'
      ? new BetterSqlite3(path, { readonly: true, fileMustExist: true })
      : openReadOnlyConnection(path);
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma(`cache_size = ${-PAGE_CACHE_KIB}`);
  return prepareReadConnection(sqlite);
}

export class StoreReader {
  private readonly db: Kysely<Database>;
  private readonly sqlite: BetterSqlite3.Database;
  private readonly keys: ResultKeys;
  private readonly runs: RunMapping;
  /** Totals of recent run queries, valid while nothing was committed since (data_version). */
  private readonly totals = new Map<string, { version: number; total: number }>();

  constructor(sqlite: BetterSqlite3.Database) {
    this.sqlite = sqlite;
    this.db = createKysely(sqlite);
    this.keys = new ResultKeys(sqlite);
    this.runs = new RunMapping(this.keys);
  }

  /** Reads on a connection of its own (see openReadConnection). */
  static open(path: string, beside: ReadBeside): StoreReader {
    return new StoreReader(openReadConnection(path, beside));
  }

  /** Reads on a connection opened read-only by the caller (a read-only store's only connection). */
  static on(sqlite: BetterSqlite3.Database): StoreReader {
    return new StoreReader(prepareReadConnection(sqlite));
  }

  async close(): Promise<void> {
    await this.db.destroy();
    // Kysely closes only a connection it has used: a reader that read through prepared
    // statements alone kept the file open, so the writer's close could never checkpoint it.
    if (this.sqlite.open) this.sqlite.close();
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
    const v = sql`${sql.raw(VALUE_FUNCTION)}(r.id, r.metrics, ${k.id})`;
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
        e.runs_total, e.runs_done, e.model_version, e.sweep
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
      swept: sweptOf(r.sweep),
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
    // Unfiltered, every run counts: the experiments' own counts (migration 0008) sum them without
    // reading the history's runs, which a sweep's every commit made the page do again.
    const total =
      conditions.length === 0
        ? Number(
            (
              await sql<{ total: number }>`select coalesce(sum(runs_total), 0) as total from experiments`.execute(
                this.db,
              )
            ).rows[0]?.total ?? 0,
          )
        : await this.countRuns(from, where, JSON.stringify(filters));
    // The page is found by id alone, then its rows are read: sorting whole rows (a capability
    // text of ~2 KB each) of a 70,000-run experiment made a page wait most of a second.
    const select = sql`select r.id`;

    let rows: { id: number }[];
    const sortKey = sort?.by === 'metric' ? this.keys.find(sort.key ?? '') : undefined;
    const dir = sql.raw(sort?.dir === 'asc' ? 'asc' : 'desc');
    if (sort?.by === 'metric' && sortKey?.indexed === true) {
      // Walk run_metrics in the key's order and stop at the page: no sort of all matching runs.
      const withKey = sql`from run_metrics sm cross join runs r on r.id = sm.run_id join experiments e on e.id = r.experiment_id ${join}`;
      const keyed = whereClause([sql`sm.key_id = ${sortKey.id}`, ...conditions]);
      rows = (
        await sql<{
          id: number;
        }>`${select} ${withKey} ${keyed} order by sm.mean ${dir}, sm.run_id ${dir} limit ${limit} offset ${offset}`.execute(
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
        const rest = await sql<{ id: number }>`${select} ${from} ${lacking} order by r.id ${dir}
          limit ${limit - rows.length} offset ${Math.max(0, offset - withCount)}`.execute(this.db);
        rows = [...rows, ...rest.rows];
      }
    } else if (sort?.by === 'metric' && sortKey !== undefined) {
      const v = sql`${sql.raw(VALUE_FUNCTION)}(r.id, r.metrics, ${sortKey.id})`;
      rows = (
        await sql<{
          id: number;
        }>`${select} ${from} ${where} order by ${v} is null, ${v} ${dir}, r.id ${dir} limit ${limit} offset ${offset}`.execute(
          this.db,
        )
      ).rows;
    } else {
      // Not sorted by a metric, or by one no run has: every run lacks it, so by id.
      const order = sort?.by === 'metric' ? sql`order by r.id ${dir}` : runOrder(sort);
      rows = (
        await sql<{ id: number }>`${select} ${from} ${where} ${order} limit ${limit} offset ${offset}`.execute(this.db)
      ).rows;
    }

    const keys = new Set([
      ...(include ?? []),
      ...(query.metrics ?? []).map((m) => m.key),
      ...(sort?.by === 'metric' && sort.key !== undefined ? [sort.key] : []),
    ]);
    const ids = rows.map((r) => r.id);
    const found = (
      await sql<SummaryRunRow>`select ${RUN_COLUMNS}, r.experiment_id, e.name as experiment_name, r.scenario_id
        from runs r join experiments e on e.id = r.experiment_id
        where r.id in (select value from json_each(${JSON.stringify(ids)}))`.execute(this.db)
    ).rows;
    const byId = new Map(found.map((r) => [r.id, r]));
    // A run deleted between the two reads is left out.
    const items: RunSummary[] = ids
      .flatMap((id) => byId.get(id) ?? [])
      .map((r) => ({
        id: r.id,
        experimentId: r.experiment_id,
        experimentName: r.experiment_name,
        scenarioId: r.scenario_id,
        ...this.runs.fields(r),
        metrics: Object.fromEntries(Object.entries(this.runs.metrics(r)).filter(([k]) => keys.has(k))),
      }));
    return { total, items };
  }

  /**
   * The experiment with every run, its metrics, distributions and series, the runs as one
   * RunTable (columns: cheap to build, to copy from the read worker and to send); undefined when
   * there is none. Read in one snapshot (snapshot.ts): its counts, its runs and their
   * distributions all from the same commit, however many runs a sweep saves meanwhile.
   */
  async getExperimentData(experimentId: number): Promise<ExperimentData | undefined> {
    // this.db and this.sqlite are the same connection: the snapshot covers the reads of both.
    enterSnapshot(this.sqlite);
    try {
      const summary = (await this.toSummaries(await this.summaryRows(sql`where e.id = ${experimentId}`)))[0];
      if (summary === undefined) return undefined;
      const row = await this.db
        .selectFrom('experiments as e')
        .innerJoin('scenario_revisions as s', 's.id', 'e.scenario_id')
        .select(['e.sweep', 'e.shards', 's.body'])
        .where('e.id', '=', experimentId)
        .executeTakeFirstOrThrow();
      const children = await loadRunChildren(this.db, { experimentIds: [experimentId] });
      // The cost table of the first run that recorded one (runs_experiment_id walks them in id order).
      const costTableId =
        (
          this.sqlite
            .prepare(
              'select cost_table_id from runs where experiment_id = ? and cost_table_id is not null order by id limit 1',
            )
            .get(experimentId) as { cost_table_id: string } | undefined
        )?.cost_table_id ?? null;
      // The runs are read a slice at a time into the table (readRunBatches).
      const runTable = this.runs.table(
        readRunBatches(this.sqlite, { experimentId }),
        summary.runsTotal,
        (id) => this.#capabilityText(id),
        children,
      );
      return {
        ...summary,
        scenario: verifiedBody<Scenario>('scenario_revisions', summary.scenarioId, row.body),
        sweep:
          row.sweep === null ? null : parseStored<SweepDefinition>('experiments', experimentId, 'sweep', row.sweep),
        shards: row.shards === null ? null : parseStored<ShardSet>('experiments', experimentId, 'shards', row.shards),
        costTable: costTableId === null ? null : await this.costTable(costTableId),
        runTable,
      };
    } finally {
      leaveSnapshot(this.sqlite);
    }
  }

  /** The experiment with every run as a RunDetail (built on this thread); undefined when there is none. */
  async getExperiment(experimentId: number): Promise<ExperimentDetail | undefined> {
    const data = await this.getExperimentData(experimentId);
    return data === undefined ? undefined : experimentDetail(data);
  }

  /**
   * The runs asked for (at most MAX_RUN_IDS), in the order asked, each with its experiment's name
   * and scenario; only these runs are read. Throws NotFoundError naming the ids that do not exist.
   */
  async getRuns(runIds: number[]): Promise<RunInContext[]> {
    return runsInContext(await this.getRunsData(runIds));
  }

  /**
   * getRuns' answer as columns, read in one snapshot: the contract's form, and what the read
   * worker sends (compare's 10,000 runs as objects were a 16 MB copy between threads and 45 MB of
   * JSON to the window). Throws as getRuns does; a run whose experiment is gone is damage.
   */
  async getRunsData(runIds: number[]): Promise<RunsData> {
    if (runIds.length > MAX_RUN_IDS)
      throw new GmemlabError('invalid_input', `at most ${MAX_RUN_IDS} run ids at once, got ${runIds.length}`, [
        { path: 'runIds', message: `has ${runIds.length} ids; at most ${MAX_RUN_IDS} are read at once` },
      ]);
    enterSnapshot(this.sqlite);
    try {
      // Which runs exist and their experiments first: a missing id is named before any run is decoded.
      const [ids, experimentIds] = (
        this.sqlite
          .prepare(
            'select json_group_array(id), json_group_array(experiment_id) from runs where id in (select value from json_each(?))',
          )
          .raw(true)
          .get(JSON.stringify(runIds)) as [string, string]
      ).map((text) => JSON.parse(text) as number[]) as [number[], number[]];
      const experimentOfId = new Map(ids.map((id, i) => [id, experimentIds[i]!]));
      const missing = [...new Set(runIds.filter((id) => !experimentOfId.has(id)))];
      if (missing.length > 0) throw new NotFoundError(`run ${missing.slice(0, 5).join(', ')} does not exist`);
      const children = await loadRunChildren(this.db, { runIds: ids });
      const runTable = this.runs.table(
        readRunBatches(this.sqlite, { runIds: ids }),
        ids.length,
        (id) => this.#capabilityText(id),
        children,
      );
      // What the answer shows of each experiment, once.
      const experimentOf: number[] = [];
      const experimentAt = new Map<number, number>();
      for (const id of runTable.id) {
        const experimentId = experimentOfId.get(id)!;
        let k = experimentAt.get(experimentId);
        if (k === undefined) experimentAt.set(experimentId, (k = experimentAt.size));
        experimentOf.push(k);
      }
      const rows = this.sqlite
        .prepare(
          `select e.id, e.name, e.created_at, e.scenario_id, s.name as scenario_name
            from experiments e join scenario_revisions s on s.id = e.scenario_id
            where e.id in (select value from json_each(?))`,
        )
        .all(JSON.stringify([...experimentAt.keys()])) as {
        id: number;
        name: string;
        created_at: string;
        scenario_id: string;
        scenario_name: string;
      }[];
      const experiments: RunContext[] = [];
      for (const r of rows)
        experiments[experimentAt.get(r.id)!] = {
          experimentId: r.id,
          experimentName: r.name,
          experimentCreatedAt: r.created_at,
          scenarioId: r.scenario_id,
          scenarioName: r.scenario_name,
        };
      for (const [experimentId, k] of experimentAt)
        if (experiments[k] === undefined) {
          const run = runTable.id[experimentOf.indexOf(k)]!;
          throw damaged(
            'runs',
            run,
            `column experiment_id names experiment ${experimentId}, which does not exist or has no scenario`,
          );
        }
      const at = new Map(runTable.id.map((id, i) => [id, i]));
      return { runTable, experimentOf, experiments, asked: runIds.map((id) => at.get(id)!) };
    } finally {
      leaveSnapshot(this.sqlite);
    }
  }

  /** A capabilities row's text (undefined: there is none). */
  #capabilityText(id: number): string | undefined {
    return (this.sqlite.prepare('select body from capabilities where id = ?').get(id) as { body: string } | undefined)
      ?.body;
  }

  /** A cost table by its id, checked against its hash. */
  private async costTable(id: string): Promise<CostEntry[]> {
    const row = await this.db.selectFrom('cost_tables').select('body').where('id', '=', id).executeTakeFirstOrThrow();
    return verifiedBody<CostEntry[]>('cost_tables', id, row.body);
  }

  /** The cost table a run recorded (null for a run that never finished), checked against its hash. */
  async runCostTable(runId: number): Promise<CostEntry[] | null> {
    const row = await this.db
      .selectFrom('runs')
      .innerJoin('cost_tables', 'cost_tables.id', 'runs.cost_table_id')
      .select(['cost_tables.id', 'cost_tables.body'])
      .where('runs.id', '=', runId)
      .executeTakeFirst();
    return row === undefined ? null : verifiedBody<CostEntry[]>('cost_tables', row.id, row.body);
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

  /** The experiments as a bundle's parts, read a page at a time on this connection (bundle-export.ts). */
  bundleParts(experimentIds: number[]): AsyncGenerator<BundlePart> {
    return bundleParts({ db: this.db, sqlite: this.sqlite, runs: this.runs }, experimentIds);
  }

  /** The experiments as one bundle value: for tests and tools (the handlers and the CLI write bundles as a stream). */
  async exportBundle(experimentIds: number[]): Promise<Bundle> {
    return collectBundle(this.bundleParts(experimentIds));
  }
}

/**
 * A sweep's parameters and their number of values, for a history row. Lenient: a sweep text that
 * does not read as one (getExperiment names such damage) leaves the row without it rather than
 * failing the page.
 */
function sweptOf(text: string | null): ExperimentSummary['swept'] {
  if (text === null) return [];
  try {
    const parameters = (JSON.parse(text) as { parameters?: unknown }).parameters;
    if (!Array.isArray(parameters)) return [];
    return parameters.flatMap((p: { path?: unknown; values?: unknown }) =>
      typeof p?.path === 'string' && Array.isArray(p.values) ? [{ path: p.path, count: p.values.length }] : [],
    );
  } catch {
    return [];
  }
}
