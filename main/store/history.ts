// History queries: the filters of the history view turned into SQL conditions. Every value from
// the caller is a bound parameter; the only SQL text chosen by input comes from fixed maps.
import { sql, type RawBuilder } from 'kysely';
import type { ExperimentQuery, RunQuery } from '../../common/contract/index.ts';
import { dottedPathProblem } from '../../common/core/index.ts';

type Condition = RawBuilder<unknown>;
type Filters = Omit<ExperimentQuery, 'offset' | 'limit' | 'sort'>;

/** Turns free text into an FTS5 query: every word must match as a prefix; no FTS syntax passes. */
export function ftsQuery(text: string): string | undefined {
  const words = text.normalize('NFKC').match(/[\p{L}\p{N}]+/gu);
  if (words === null) return undefined;
  return words
    .slice(0, 20)
    .map((w) => `"${w}"*`)
    .join(' ');
}

/** 'vm.vcpus' -> '$.vm.vcpus'; numeric segments index arrays ('a.0.b' -> '$.a[0].b'). */
export function scenarioJsonPath(path: string): string {
  if (dottedPathProblem(path) !== undefined) throw new Error(`invalid parameter path "${path}"`);
  return (
    '$' +
    path
      .split('.')
      .map((s) => (/^\d+$/.test(s) ? `[${s}]` : `.${s}`))
      .join('')
  );
}

/** Swept values are stored by their dotted path as one key: {"vm.vcpus": 8}. */
function pointJsonPath(path: string): string {
  scenarioJsonPath(path); // validates
  return `$."${path}"`;
}

function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** The exclusive upper bound for a createdTo value: a bare date covers its whole day. */
function upperBound(to: string): { value: string; inclusive: boolean } {
  if (/^\d{4}-\d{2}-\d{2}$/.test(to)) {
    const next = new Date(`${to}T00:00:00Z`);
    next.setUTCDate(next.getUTCDate() + 1);
    return { value: next.toISOString(), inclusive: false };
  }
  return { value: to, inclusive: true };
}

/** Conditions on the experiment (alias e); statuses are left to the caller (experiment or run). */
export function experimentConditions(f: Filters): Condition[] {
  const out: Condition[] = [];
  const fts = f.search === undefined ? undefined : ftsQuery(f.search);
  if (fts !== undefined) out.push(sql`e.id in (select rowid from experiments_fts where experiments_fts match ${fts})`);
  if (f.name !== undefined && f.name.trim() !== '')
    out.push(sql`e.name like ${likePattern(f.name.trim())} escape '\\'`);
  for (const tag of f.tags ?? [])
    out.push(sql`exists (select 1 from tags t where t.experiment_id = e.id and t.tag = ${tag})`);
  if (f.createdFrom !== undefined) out.push(sql`e.created_at >= ${f.createdFrom}`);
  if (f.createdTo !== undefined) {
    const { value, inclusive } = upperBound(f.createdTo);
    out.push(inclusive ? sql`e.created_at <= ${value}` : sql`e.created_at < ${value}`);
  }
  return out;
}

/** Whether the run-level conditions need the run's scenario revision (alias rs). */
export function needsScenario(f: Filters): boolean {
  return (f.parameters ?? []).length > 0;
}

/** A metric range filter as a condition on run r (the store knows where each key's values are). */
export type MetricCondition = (filter: {
  key: string;
  min?: number | undefined;
  max?: number | undefined;
}) => Condition;

/** Conditions on one run (alias r, its scenario revision rs). */
export function runConditions(f: Filters, metricCondition: MetricCondition): Condition[] {
  const out: Condition[] = [];
  if (f.strategies !== undefined && f.strategies.length > 0) out.push(sql`r.strategy in (${sql.join(f.strategies)})`);
  for (const p of f.parameters ?? []) {
    // A swept value wins over the base scenario's value at the same path.
    const value = sql`coalesce(json_extract(r.point, ${pointJsonPath(p.path)}), json_extract(rs.body, ${scenarioJsonPath(p.path)}))`;
    if (p.min !== undefined) out.push(sql`${value} >= ${p.min}`);
    if (p.max !== undefined) out.push(sql`${value} <= ${p.max}`);
    if (p.equals !== undefined)
      out.push(sql`${value} = ${typeof p.equals === 'boolean' ? Number(p.equals) : p.equals}`);
  }
  for (const m of f.metrics ?? []) out.push(metricCondition(m));
  return out;
}

export function whereClause(conditions: Condition[]): Condition {
  return conditions.length === 0 ? sql`` : sql`where ${sql.join(conditions, sql` and `)}`;
}

const EXPERIMENT_ORDER: Record<NonNullable<ExperimentQuery['sort']>['by'], string> = {
  createdAt: 'e.created_at',
  // An experiment not finished (yet) finishes after every finished one: first newest first,
  // last oldest first (SQLite puts NULL below every value).
  finishedAt: 'e.finished_at is null {dir}, e.finished_at',
  name: 'e.name collate nocase',
  status: 'e.status',
  runsTotal: 'e.runs_total',
};

export function experimentOrder(sort: ExperimentQuery['sort']): Condition {
  const dir = sort?.dir === 'asc' ? 'asc' : 'desc';
  const column = EXPERIMENT_ORDER[sort?.by ?? 'createdAt'].replace('{dir}', dir);
  return sql.raw(`order by ${column} ${dir}, e.id ${dir}`);
}

const RUN_ORDER: Record<Exclude<NonNullable<RunQuery['sort']>['by'], 'metric'>, string> = {
  // Experiment by experiment (created_at, then id), each in run order: SQLite walks
  // experiments_created_at and runs_experiment_id (0007) and stops at the page, where
  // "created_at, r.id" made it sort every run of the newest experiments.
  createdAt: 'e.created_at {dir}, e.id',
  finishedAt: 'r.finished_at',
  strategy: 'r.strategy',
  status: 'r.status',
  experiment: 'e.name collate nocase',
};

/** The order of a runs page by a column; a metric sort is the store's (see StoreReader.listRuns). */
export function runOrder(sort: RunQuery['sort']): Condition {
  const dir = sort?.dir === 'asc' ? 'asc' : 'desc';
  const column = RUN_ORDER[sort === undefined || sort.by === 'metric' ? 'createdAt' : sort.by].replace('{dir}', dir);
  return sql.raw(`order by ${column} ${dir}, r.id ${dir}`);
}
