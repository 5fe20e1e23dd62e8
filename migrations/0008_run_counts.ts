// Schema version 8: each experiment's runs counted in its row. The history's page counted every
// listed experiment's runs (all, and those done) on every request, so a page of big sweeps read
// their whole index entries each time, and while a sweep saved each commit made it read them
// again (issue 20: a window's poll waited over 100 ms). The writers keep the counts in the
// transaction that changes the runs (main/store/run-counts.ts); this fills them in once.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('experiments')
    .addColumn('runs_total', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .alterTable('experiments')
    .addColumn('runs_done', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await sql`update experiments set
    runs_total = (select count(*) from runs where runs.experiment_id = experiments.id),
    runs_done = (select count(*) from runs where runs.experiment_id = experiments.id and runs.status = 'done')`.execute(
    db,
  );
}
