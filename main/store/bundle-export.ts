// Export of bundles, read from the store in pages: the head (scenarios, cost tables, model
// versions) and each experiment's fields first, then its runs a page at a time, with their
// distributions and series. bundle-write.ts writes them as the file's text as they come, so an
// export's memory is bounded by a page whatever the run count (built whole, a 70,000-run export
// peaked at 665 MiB); collectBundle assembles the value (tests and tools, small bundles only).
import type BetterSqlite3 from 'better-sqlite3';
import type { Kysely, Selectable } from 'kysely';
import { BUNDLE_FORMAT, type Bundle, type BundleExperiment, type BundleRun } from '../../common/contract/bundle.ts';
import type { ShardSet } from '../../common/contract/index.ts';
import { NotFoundError } from '../../common/core/index.ts';
import { parseStored, verifiedBody } from './integrity.ts';
import { loadRunChildren, type RunMapping } from './runs.ts';
import type { Database } from './schema.ts';
import { enterSnapshot, leaveSnapshot } from './snapshot.ts';

/**
 * Runs read (and held) at a time. 100 rather than more: a page lives across awaits, so V8 promotes
 * it to the old generation; pages of 500 made a 70,000-run export spend most of its time in GC.
 */
export const BUNDLE_PAGE_RUNS = 100;

/** A bundle without its experiments: what its file says before them. */
export type BundleHead = Omit<Bundle, 'experiments'>;

/** An experiment of the bundle without its runs. */
export type BundleExperimentHead = Omit<BundleExperiment, 'runs'>;

/**
 * A piece of a bundle, in the order of its file: the head (with what the bundle holds, counted
 * before its runs are read), then each experiment and its runs a page at a time.
 */
export type BundlePart =
  | { kind: 'head'; head: BundleHead; summary: BundleSummary }
  | { kind: 'experiment'; experiment: BundleExperimentHead }
  | { kind: 'runs'; runs: BundleRun[] };

/** What a bundle holds. */
export interface BundleSummary {
  experiments: number;
  runs: number;
  scenarios: number;
}

/** The connection an export reads on: its Kysely handle, raw connection and run mapping. */
export interface BundleSource {
  db: Kysely<Database>;
  sqlite: BetterSqlite3.Database;
  runs: RunMapping;
}

type ExperimentRow = Selectable<Database['experiments']>;

/**
 * The experiments `experimentIds` (each once, in id order) as a bundle's parts, read as they are
 * pulled: the first pull throws NotFoundError naming every id that does not exist. All parts
 * are read in one read transaction (a consistent snapshot: runs saved or deleted meanwhile are
 * not seen), which ends when the parts are read to the end, or the generator is returned or throws.
 */
export async function* bundleParts(source: BundleSource, experimentIds: number[]): AsyncGenerator<BundlePart> {
  const { db, sqlite, runs } = source;
  enterSnapshot(sqlite);
  try {
    const ids = [...new Set(experimentIds)].sort((a, b) => a - b);
    const experiments = await db.selectFrom('experiments').selectAll().where('id', 'in', ids).orderBy('id').execute();
    const missing = ids.filter((id) => !experiments.some((e) => e.id === id));
    if (missing.length > 0)
      throw new NotFoundError(
        `experiment${missing.length > 1 ? 's' : ''} ${missing.join(', ')} do${missing.length > 1 ? '' : 'es'} not exist`,
      );
    const head = await readHead(db, ids, experiments);
    const counted = await db
      .selectFrom('runs')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('experiment_id', 'in', ids)
      .executeTakeFirstOrThrow();
    const summary = { experiments: experiments.length, runs: Number(counted.n), scenarios: head.scenarios.length };
    yield { kind: 'head', head, summary };
    for (const e of experiments) {
      yield { kind: 'experiment', experiment: await experimentHead(db, e) };
      yield* runPages(db, runs, e.id);
    }
  } finally {
    leaveSnapshot(sqlite);
  }
}

/** The head: every scenario used (with its ancestors, so parent links resolve), the cost tables and model versions. */
async function readHead(db: Kysely<Database>, ids: number[], experiments: ExperimentRow[]): Promise<BundleHead> {
  const distinct = async <C extends 'scenario_id' | 'cost_table_id' | 'model_version'>(column: C) =>
    (await db.selectFrom('runs').select(column).distinct().where('experiment_id', 'in', ids).execute())
      .map((r) => (r as Record<string, string | null>)[column] ?? null)
      .filter((v): v is string => v !== null);
  const scenarios: Bundle['scenarios'] = [];
  const pending = [...new Set([...experiments.map((e) => e.scenario_id), ...(await distinct('scenario_id'))])];
  const seen = new Set<string>();
  while (pending.length > 0) {
    const id = pending.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    const row = await db.selectFrom('scenario_revisions').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    scenarios.push({
      id: row.id,
      name: row.name,
      parentId: row.parent_id,
      createdAt: row.created_at,
      body: verifiedBody<Bundle['scenarios'][number]['body']>('scenario_revisions', row.id, row.body),
    });
    if (row.parent_id !== null) pending.push(row.parent_id);
  }
  const costTableIds = await distinct('cost_table_id');
  const costTables =
    costTableIds.length === 0
      ? []
      : await db.selectFrom('cost_tables').selectAll().where('id', 'in', costTableIds).execute();
  return {
    format: BUNDLE_FORMAT,
    exportedAt: new Date().toISOString(),
    modelVersions: (await distinct('model_version')).sort(),
    scenarios: scenarios.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id)),
    costTables: costTables.map((c) => ({
      id: c.id,
      body: verifiedBody<Record<string, unknown>[]>('cost_tables', c.id, c.body),
    })),
  };
}

async function experimentHead(db: Kysely<Database>, e: ExperimentRow): Promise<BundleExperimentHead> {
  const tags = await db.selectFrom('tags').select('tag').where('experiment_id', '=', e.id).orderBy('tag').execute();
  return {
    uid: e.uid,
    name: e.name,
    kind: e.kind,
    method: e.method,
    scenarioId: e.scenario_id,
    sweep: e.sweep === null ? null : parseStored<unknown>('experiments', e.id, 'sweep', e.sweep),
    shards: e.shards === null ? null : parseStored<ShardSet>('experiments', e.id, 'shards', e.shards),
    status: e.status as BundleExperiment['status'],
    createdAt: e.created_at,
    finishedAt: e.finished_at,
    note: e.note,
    tags: tags.map((t) => t.tag),
  };
}

/** An experiment's runs, BUNDLE_PAGE_RUNS at a time in id order, with their distributions and series. */
async function* runPages(db: Kysely<Database>, runs: RunMapping, experimentId: number): AsyncGenerator<BundlePart> {
  for (let after = 0; ;) {
    const rows = await db
      .selectFrom('runs')
      .leftJoin('capabilities as c', 'c.id', 'runs.capability_id')
      .selectAll('runs')
      .select('c.body as capability')
      .where('experiment_id', '=', experimentId)
      .where('runs.id', '>', after)
      .orderBy('runs.id')
      .limit(BUNDLE_PAGE_RUNS)
      .execute();
    if (rows.length === 0) return;
    after = rows.at(-1)!.id;
    const children = await loadRunChildren(db, { runIds: rows.map((r) => r.id) });
    yield {
      kind: 'runs',
      runs: rows.map((r): BundleRun => {
        const { id: _id, series, capability, ...run } = runs.detail(r, children);
        return {
          ...run,
          costTableId: r.cost_table_id,
          capability: capability as Record<string, unknown> | null,
          series: series ?? {},
        };
      }),
    };
    if (rows.length < BUNDLE_PAGE_RUNS) return;
  }
}

/** The bundle as one value, assembled from its parts: only for small bundles (tests, tools). */
export async function collectBundle(parts: AsyncIterable<BundlePart>): Promise<Bundle> {
  let bundle: Bundle | undefined;
  for await (const part of parts) {
    if (part.kind === 'head') bundle = { ...part.head, experiments: [] };
    else if (part.kind === 'experiment') bundle!.experiments.push({ ...part.experiment, runs: [] });
    else bundle!.experiments.at(-1)!.runs.push(...part.runs);
  }
  return bundle!;
}
