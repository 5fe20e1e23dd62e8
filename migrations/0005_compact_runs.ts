// Schema version 5: one compact row per run (issue 20). Saving a sweep was slower than computing
// it, and the database grew by ~3.5 KiB per analytic run: metrics were ~26-50 rows per run in
// a table indexed twice. Now:
// - result_keys: a dictionary of metric and breakdown keys (open-ended: a new key is a new row,
//   never a migration). `indexed` says whether the key's means are also in run_metrics.
// - runs.metrics: every metric of the run, encoded by main/store/codec.ts (~10 bytes a value).
// - runs.breakdown: the model's cost breakdown per term, same encoding; null where the model
//   gave none (every run before model 2.0).
// - runs.flags: the model's result flags as JSON; null where it gave none.
// - run_metrics (key_id, mean, run_id): the means of the indexed keys only, ordered for the
//   history's filters and metric sorts. No foreign key: the store deletes a run's rows itself
//   (a cascade would scan this table once per deleted run).
// - runs_status (status) goes: every query on a run's status names its experiment too
//   (runs_experiment_status), and each finished run moved an entry in it.
// Existing runs keep every metric: the metrics table is encoded into runs.metrics, its
// history keys copied to run_metrics, then dropped. Distributions and series stay as they are.
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { encodeValues, type EncodedValue } from '../main/store/codec.ts';

/** Keys indexed for the history when this migration ran: the catalogue's cost group then. */
const INDEXED_PREFIX = 'cost.';
/** Runs encoded per statement (two bound parameters each). */
const CHUNK = 400;

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('result_keys')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('key', 'text', (c) => c.notNull().unique())
    .addColumn('indexed', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable('runs').addColumn('metrics', 'blob').execute();
  await db.schema.alterTable('runs').addColumn('breakdown', 'blob').execute();
  await db.schema.alterTable('runs').addColumn('flags', 'text').execute();
  await db.schema
    .createTable('run_metrics')
    .addColumn('key_id', 'integer', (c) => c.notNull())
    .addColumn('mean', 'real', (c) => c.notNull())
    .addColumn('run_id', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('run_metrics_pk', ['key_id', 'mean', 'run_id'])
    .modifyEnd(sql`without rowid`)
    .execute();

  await sql`insert into result_keys (key, indexed)
    select key, key like ${`${INDEXED_PREFIX}%`} from (select distinct key from metrics) order by key`.execute(db);

  // Encode run by run, in id order, a chunk of runs at a time.
  let after = 0;
  for (;;) {
    const ids = await sql<{ id: number }>`select id from runs where id > ${after} order by id limit ${CHUNK}`.execute(
      db,
    );
    if (ids.rows.length === 0) break;
    const first = ids.rows[0]!.id;
    const last = ids.rows.at(-1)!.id;
    after = last;
    const rows = await sql<{ run_id: number; key_id: number; mean: number; ci95: number; n: number }>`
      select m.run_id, k.id as key_id, m.mean, m.ci95, m.n from metrics m join result_keys k on k.key = m.key
      where m.run_id between ${first} and ${last} order by m.run_id`.execute(db);
    const byRun = new Map<number, EncodedValue[]>();
    for (const r of rows.rows) {
      const list = byRun.get(r.run_id) ?? [];
      list.push({ keyId: r.key_id, mean: r.mean, ci95: r.ci95, n: r.n });
      byRun.set(r.run_id, list);
    }
    if (byRun.size === 0) continue;
    const values = [...byRun].map(([runId, list]) => sql`(${runId}, ${encodeValues(list)})`);
    await sql`update runs set metrics = v.column2 from (values ${sql.join(values)}) as v where runs.id = v.column1`.execute(
      db,
    );
  }

  await sql`insert into run_metrics (key_id, mean, run_id)
    select k.id, m.mean, m.run_id from metrics m join result_keys k on k.key = m.key where k.indexed = 1`.execute(db);
  await db.schema.dropTable('metrics').execute();
  await db.schema.dropIndex('runs_status').execute();
}
