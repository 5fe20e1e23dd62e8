// Export and import of bundles. Import validates the whole bundle (schema, content hashes,
// references) before it writes anything, then writes it in one transaction; experiments already
// present (same uid) are skipped, so importing a bundle twice never duplicates.
import type { Kysely, Transaction } from 'kysely';
import {
  BUNDLE_FORMAT,
  MAX_BUNDLE_ISSUES,
  validateBundle,
  type Bundle,
  type BundleExperiment,
  type BundleRun,
  type ImportSummary,
} from '../../common/contract/bundle.ts';
import { canonicalJson, contentHash } from './canonical.ts';
import { BundleError } from './errors.ts';
import { insertRevision } from './revisions.ts';
import { loadRunChildren, type RunMapping } from './runs.ts';
import type { Database } from './schema.ts';
import type { WriteStatements } from './write-statements.ts';
import { NotFoundError, validateScenario, type ValidationIssue } from '../../common/core/index.ts';
import type { ShardSet } from '../../common/contract/index.ts';
import { shardOf, sweepSchema, wholeName } from '../../common/core/index.ts';
import { parseStored, verifiedBody } from './integrity.ts';

/** The experiments asked for as a bundle, their runs read through `runs` (rows read on `db`'s connection). */
export async function exportBundle(db: Kysely<Database>, runs: RunMapping, experimentIds: number[]): Promise<Bundle> {
  const ids = [...new Set(experimentIds)];
  const experiments = await db.selectFrom('experiments').selectAll().where('id', 'in', ids).orderBy('id').execute();
  const missing = ids.filter((id) => !experiments.some((e) => e.id === id));
  if (missing.length > 0)
    throw new NotFoundError(
      `experiment${missing.length > 1 ? 's' : ''} ${missing.join(', ')} do${missing.length > 1 ? '' : 'es'} not exist`,
    );

  const rows = await db
    .selectFrom('runs')
    .leftJoin('capabilities as c', 'c.id', 'runs.capability_id')
    .selectAll('runs')
    .select('c.body as capability')
    .where('experiment_id', 'in', ids)
    .orderBy('runs.id')
    .execute();
  const children = await loadRunChildren(db, { experimentIds: ids });
  const tags = await db.selectFrom('tags').selectAll().where('experiment_id', 'in', ids).orderBy('tag').execute();

  // Every scenario used, with its ancestors, so parent links resolve in the receiving database.
  const scenarioIds = new Set<string>([...experiments.map((e) => e.scenario_id), ...rows.map((r) => r.scenario_id)]);
  const scenarios: Bundle['scenarios'] = [];
  const pending = [...scenarioIds];
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
  const costTableIds = [...new Set(rows.map((r) => r.cost_table_id).filter((id): id is string => id !== null))];
  const costTables =
    costTableIds.length === 0
      ? []
      : await db.selectFrom('cost_tables').selectAll().where('id', 'in', costTableIds).execute();

  return {
    format: BUNDLE_FORMAT,
    exportedAt: new Date().toISOString(),
    modelVersions: [...new Set(rows.map((r) => r.model_version).filter((v): v is string => v !== null))].sort(),
    scenarios: scenarios.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id)),
    costTables: costTables.map((c) => ({
      id: c.id,
      body: verifiedBody<Record<string, unknown>[]>('cost_tables', c.id, c.body),
    })),
    experiments: experiments.map((e): BundleExperiment => ({
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
      tags: tags.filter((t) => t.experiment_id === e.id).map((t) => t.tag),
      runs: rows
        .filter((r) => r.experiment_id === e.id)
        .map((r): BundleRun => {
          const { id: _id, series, capability, ...run } = runs.detail(r, children);
          return {
            ...run,
            costTableId: r.cost_table_id,
            capability: capability as Record<string, unknown> | null,
            series: series ?? {},
          };
        }),
    })),
  };
}

/** Checks what the schema cannot: content hashes and references inside the bundle. */
function checkIntegrity(bundle: Bundle): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const scenarioIds = new Set(bundle.scenarios.map((s) => s.id));
  const costIds = new Set(bundle.costTables.map((c) => c.id));
  for (const [i, s] of bundle.scenarios.entries()) {
    if (issues.length >= MAX_BUNDLE_ISSUES) return issues;
    if (contentHash(s.body) !== s.id)
      issues.push({
        path: `scenarios.${i}.id`,
        message: 'does not match the content hash of body (the scenario was altered)',
      });
    // A body that hashes right can still be nonsense: a body in a format this version reads must
    // be a valid scenario (export, rerun and diff read it). Other formats are kept as recorded.
    const checked = validateScenario(s.body);
    if (!checked.ok && !checked.issues.some((issue) => issue.path === 'format'))
      for (const issue of checked.issues.slice(0, 5))
        issues.push({ path: `scenarios.${i}.body.${issue.path}`, message: issue.message });
    if (s.parentId !== null && !scenarioIds.has(s.parentId))
      issues.push({ path: `scenarios.${i}.parentId`, message: `parent revision ${s.parentId} is not in the bundle` });
  }
  for (const [i, c] of bundle.costTables.entries()) {
    if (contentHash(c.body) !== c.id)
      issues.push({
        path: `costTables.${i}.id`,
        message: 'does not match the content hash of body (the cost table was altered)',
      });
  }
  const uids = new Set<string>();
  for (const [i, e] of bundle.experiments.entries()) {
    if (uids.has(e.uid)) issues.push({ path: `experiments.${i}.uid`, message: `appears twice in the bundle` });
    uids.add(e.uid);
    if (!scenarioIds.has(e.scenarioId))
      issues.push({
        path: `experiments.${i}.scenarioId`,
        message: `scenario revision ${e.scenarioId} is not in the bundle`,
      });
    if (new Set(e.tags).size !== e.tags.length)
      issues.push({ path: `experiments.${i}.tags`, message: 'has duplicate tags' });
    for (const [j, r] of e.runs.entries()) {
      if (issues.length >= MAX_BUNDLE_ISSUES) return issues;
      if (r.costTableId !== null && !costIds.has(r.costTableId))
        issues.push({
          path: `experiments.${i}.runs.${j}.costTableId`,
          message: `cost table ${r.costTableId} is not in the bundle`,
        });
    }
    if (e.shards !== null) issues.push(...checkShards(e, i));
  }
  return issues;
}

/** A shard's sweep must be a sweep, and each of its runs must lie in one of the shards it claims. */
function checkShards(e: BundleExperiment, i: number): ValidationIssue[] {
  const sweep = sweepSchema.safeParse(e.sweep);
  if (!sweep.success)
    return [{ path: `experiments.${i}.sweep`, message: 'a sharded experiment needs a valid sweep definition' }];
  const { count, indices } = e.shards!;
  const issues: ValidationIssue[] = [];
  for (const [j, r] of e.runs.entries()) {
    let shard: number;
    try {
      shard = shardOf(sweep.data, r.point, count);
    } catch (err) {
      issues.push({ path: `experiments.${i}.runs.${j}.point`, message: (err as Error).message });
      continue;
    }
    if (!indices.includes(shard))
      issues.push({
        path: `experiments.${i}.runs.${j}.point`,
        message: `belongs to shard ${shard} of ${count}, which this experiment does not hold`,
      });
  }
  return issues;
}

/** How a refused bundle is named: in the message (`source`) and before its issue paths (`at`). */
export interface BundleOrigin {
  source?: string;
  at?: string;
}

/** Validates an untrusted bundle completely; throws BundleError listing every problem. */
export function parseBundle(raw: unknown, origin: BundleOrigin = {}): Bundle {
  const refuse = (issues: ValidationIssue[]): BundleError => new BundleError(issues, origin.source, origin.at);
  if (raw !== null && typeof raw === 'object' && 'format' in raw && raw.format !== BUNDLE_FORMAT) {
    throw refuse([
      {
        path: 'format',
        message: `"${String(raw.format)}" is not a bundle format this gmemlab reads (it reads ${BUNDLE_FORMAT})`,
      },
    ]);
  }
  const parsed = validateBundle(raw);
  if (!parsed.ok) throw refuse(parsed.issues);
  const issues = checkIntegrity(parsed.bundle);
  if (issues.length > 0) throw refuse(issues.slice(0, MAX_BUNDLE_ISSUES));
  return parsed.bundle;
}

const UNFINISHED = new Set(['queued', 'running']);

/**
 * Imports an untrusted bundle all-or-nothing. Run values are encoded with the writer's statements
 * (`w`, on the same connection as `db`), as the runner saves them; keys added by an import that
 * rolled back are forgotten again.
 */
export async function importBundle(
  db: Kysely<Database>,
  w: WriteStatements,
  raw: unknown,
  origin: BundleOrigin = {},
): Promise<ImportSummary> {
  const bundle = parseBundle(raw, origin);
  const ctx: RunWriter = { w, added: [] };
  try {
    return await importInTransaction(db, ctx, bundle);
  } catch (err) {
    w.keys.forget(ctx.added);
    throw err;
  }
}

/** The writer's statements and the result keys an import added (forgotten if it rolls back). */
interface RunWriter {
  w: WriteStatements;
  added: number[];
}

async function importInTransaction(db: Kysely<Database>, ctx: RunWriter, bundle: Bundle): Promise<ImportSummary> {
  return db.transaction().execute(async (trx) => {
    const summary: ImportSummary = {
      experimentsImported: 0,
      shardsMerged: 0,
      experimentsSkipped: 0,
      runsImported: 0,
      scenariosImported: 0,
      costTablesImported: 0,
    };
    // Parents first (the bundle lists revisions in creation order, but do not rely on it).
    const byId = new Map(bundle.scenarios.map((s) => [s.id, s]));
    const inserted = new Set<string>();
    const insertScenario = async (id: string, trail: Set<string>): Promise<void> => {
      const s = byId.get(id);
      if (s === undefined || inserted.has(id) || trail.has(id)) return;
      trail.add(id);
      if (s.parentId !== null) await insertScenario(s.parentId, trail);
      inserted.add(id);
      // s.id is the content hash of s.body (checkIntegrity), the id insertRevision gives it.
      const { created } = await insertRevision(trx, {
        body: s.body,
        name: s.name,
        parentId: s.parentId,
        createdAt: s.createdAt,
      });
      if (created) summary.scenariosImported++;
    };
    for (const s of bundle.scenarios) await insertScenario(s.id, new Set());
    for (const c of bundle.costTables) {
      const r = await trx
        .insertInto('cost_tables')
        .values({ id: c.id, body: canonicalJson(c.body) })
        .onConflict((oc) => oc.column('id').doNothing())
        .executeTakeFirst();
      summary.costTablesImported += Number(r.numInsertedOrUpdatedRows ?? 0n);
    }
    for (const e of bundle.experiments) {
      const exists = await trx.selectFrom('experiments').select('id').where('uid', '=', e.uid).executeTakeFirst();
      if (exists !== undefined) {
        summary.experimentsSkipped++;
        continue;
      }
      const group = e.shards === null ? undefined : await shardGroup(trx, e);
      if (group !== undefined) {
        const merged = await mergeShards(trx, ctx, group, e);
        if (merged === 0) summary.experimentsSkipped++;
        else summary.shardsMerged++;
        summary.runsImported += merged;
        continue;
      }
      await insertExperiment(trx, ctx, e);
      summary.experimentsImported++;
      summary.runsImported += e.runs.length;
    }
    return summary;
  });
}

interface ShardGroup {
  id: number;
  name: string;
  status: string;
  finishedAt: string | null;
  shards: ShardSet;
}

/** The experiment holding other shards of the same split sweep (same scenario, method, sweep and N). */
async function shardGroup(trx: Transaction<Database>, e: BundleExperiment): Promise<ShardGroup | undefined> {
  const candidates = await trx
    .selectFrom('experiments')
    .select(['id', 'name', 'status', 'finished_at', 'sweep', 'shards'])
    .where('scenario_id', '=', e.scenarioId)
    .where('method', '=', e.method)
    .where('shards', 'is not', null)
    .execute();
  const sweep = canonicalJson(e.sweep);
  for (const c of candidates) {
    const shards = JSON.parse(c.shards!) as ShardSet;
    if (shards.count === e.shards!.count && c.sweep !== null && canonicalJson(JSON.parse(c.sweep)) === sweep) {
      return { id: c.id, name: c.name, status: c.status, finishedAt: c.finished_at, shards };
    }
  }
  return undefined;
}

/**
 * Adds the runs of the shards `e` holds that `group` does not yet; returns how many runs it
 * added (0 when it held them all already). Once every shard is in, the experiment is the whole
 * sweep, named as the sweep.
 */
async function mergeShards(
  trx: Transaction<Database>,
  ctx: RunWriter,
  group: ShardGroup,
  e: BundleExperiment,
): Promise<number> {
  const fresh = e.shards!.indices.filter((i) => !group.shards.indices.includes(i));
  if (fresh.length === 0) return 0;
  const sweep = sweepSchema.parse(e.sweep);
  const runs = e.runs.filter((r) => fresh.includes(shardOf(sweep, r.point, e.shards!.count)));
  await insertRuns(trx, ctx, group.id, e.scenarioId, runs);
  const indices = [...group.shards.indices, ...fresh].sort((a, b) => a - b);
  const complete = indices.length === group.shards.count;
  const incoming = UNFINISHED.has(e.status) ? 'interrupted' : e.status;
  // Done only if every part is done; otherwise the part that is not says what happened.
  const status = group.status === 'done' ? incoming : group.status;
  const finishedAt =
    [group.finishedAt, e.finishedAt]
      .filter((t): t is string => t !== null)
      .sort()
      .at(-1) ?? null;
  await trx
    .updateTable('experiments')
    .set({
      shards: JSON.stringify({ count: group.shards.count, indices }),
      status,
      finished_at: finishedAt,
      name: complete ? wholeName(group.name) : group.name,
    })
    .where('id', '=', group.id)
    .execute();
  return runs.length;
}

async function insertExperiment(trx: Transaction<Database>, ctx: RunWriter, e: BundleExperiment): Promise<void> {
  // Nothing will ever execute an imported queued/running run: it arrives interrupted (re-runnable).
  const status = UNFINISHED.has(e.status) ? 'interrupted' : e.status;
  const row = await trx
    .insertInto('experiments')
    .values({
      uid: e.uid,
      name: e.name,
      kind: e.kind,
      method: e.method,
      scenario_id: e.scenarioId,
      sweep: e.sweep === null ? null : JSON.stringify(e.sweep),
      shards: e.shards === null ? null : JSON.stringify(e.shards),
      status,
      created_at: e.createdAt,
      finished_at: e.finishedAt,
      note: e.note,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  if (e.tags.length > 0)
    await trx
      .insertInto('tags')
      .values(e.tags.map((tag) => ({ experiment_id: row.id, tag })))
      .execute();
  await insertRuns(trx, ctx, row.id, e.scenarioId, e.runs);
}

async function insertRuns(
  trx: Transaction<Database>,
  { w, added }: RunWriter,
  experimentId: number,
  scenarioId: string,
  runs: BundleExperiment['runs'],
): Promise<void> {
  for (const r of runs) {
    const run = await trx
      .insertInto('runs')
      .values({
        experiment_id: experimentId,
        scenario_id: scenarioId,
        strategy: r.strategy,
        point: JSON.stringify(r.point),
        seeds: JSON.stringify(r.seeds),
        status: UNFINISHED.has(r.status) ? 'interrupted' : r.status,
        started_at: r.startedAt,
        finished_at: r.finishedAt,
        model_version: r.modelVersion,
        cost_table_id: r.costTableId,
        params: JSON.stringify(r.params),
        capability_id: r.capability === null ? null : w.capabilityId(JSON.stringify(r.capability)),
        error: r.error,
        flags: r.flags === undefined ? null : JSON.stringify(r.flags),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    // The same connection as trx, inside its transaction.
    w.saveValues(run.id, r.metrics, r.breakdown, added);
    const distRows = Object.entries(r.distributions).map(([key, d]) => ({
      run_id: run.id,
      key,
      body: JSON.stringify(d),
    }));
    if (distRows.length > 0) await trx.insertInto('distributions').values(distRows).execute();
    const seriesRows = Object.entries(r.series).map(([key, s]) => ({ run_id: run.id, key, body: JSON.stringify(s) }));
    if (seriesRows.length > 0) await trx.insertInto('series').values(seriesRows).execute();
  }
}
