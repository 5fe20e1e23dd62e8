import { parseStored } from './integrity.ts';
// A run as the store reads it back: one mapping from a `runs` row and its children (metrics,
// latency distributions, series) to what callers get, for the history, the experiment view,
// compare and diff, and bundles.
import type { Kysely, Selectable } from 'kysely';
import type { CapabilityRow, Estimate, LatencyDistribution, StrategyId } from '../../common/core/index.ts';
import type { RunDetail, RunSeries, RunStatus } from '../../common/contract/index.ts';
import type { Database, RunsTable } from './schema.ts';

type RunRow = Selectable<RunsTable>;

/** Ids per statement: SQLite limits the bound parameters of one statement. */
const IDS_PER_QUERY = 500;

function* chunks<T>(items: T[], size: number): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}

/** What runs hold beside their rows, by run id. */
export interface RunChildren {
  metrics: Map<number, Record<string, Estimate>>;
  distributions: Map<number, Record<string, LatencyDistribution>>;
  series: Map<number, Record<string, RunSeries>>;
}

/**
 * The metrics, distributions and series of the runs asked for: by run id, or every run of the
 * experiments given (a 10,000-point sweep has more runs than a statement takes parameters).
 */
export async function loadRunChildren(
  db: Kysely<Database>,
  scope: { runIds: number[] } | { experimentIds: number[] },
): Promise<RunChildren> {
  const children: RunChildren = { metrics: new Map(), distributions: new Map(), series: new Map() };
  const add = <T>(map: Map<number, Record<string, T>>, runId: number, key: string, value: T): void => {
    const record = map.get(runId);
    if (record === undefined) map.set(runId, { [key]: value });
    else record[key] = value;
  };
  const ids = 'runIds' in scope ? scope.runIds : scope.experimentIds;
  for (const chunk of chunks(ids, IDS_PER_QUERY)) {
    const runIds =
      'runIds' in scope ? chunk : db.selectFrom('runs').select('runs.id').where('runs.experiment_id', 'in', chunk);
    for (const m of await db.selectFrom('metrics').selectAll().where('run_id', 'in', runIds).execute())
      add(children.metrics, m.run_id, m.key, { mean: m.mean, ci95: m.ci95, n: m.n });
    for (const d of await db.selectFrom('distributions').selectAll().where('run_id', 'in', runIds).execute())
      add(
        children.distributions,
        d.run_id,
        d.key,
        parseStored<LatencyDistribution>('distributions', `${d.run_id}/${d.key}`, 'body', d.body),
      );
    for (const s of await db.selectFrom('series').selectAll().where('run_id', 'in', runIds).execute())
      add(children.series, s.run_id, s.key, parseStored<RunSeries>('series', `${s.run_id}/${s.key}`, 'body', s.body));
  }
  return children;
}

/** The columns every view of a run shares (history rows, details, bundles), from its row. */
export function runFields(
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

/** A run in full, from its row and its children. */
export function runDetail(r: RunRow, children: RunChildren): RunDetail {
  return {
    id: r.id,
    ...runFields(r),
    seeds: parseStored<number[]>('runs', r.id, 'seeds', r.seeds),
    params: parseStored<Record<string, unknown>>('runs', r.id, 'params', r.params),
    capability: r.capability === null ? null : parseStored<CapabilityRow>('runs', r.id, 'capability', r.capability),
    metrics: children.metrics.get(r.id) ?? {},
    distributions: children.distributions.get(r.id) ?? {},
    series: children.series.get(r.id) ?? {},
  };
}
