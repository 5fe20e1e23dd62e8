// Schema version 8: what the history's page shows of an experiment's runs, in its row: how many
// runs it has, how many are done, and the model version they were saved with. The page counted
// every listed experiment's runs (all, and those done) on every request, and looked for a run
// with a model version (a sweep with nothing saved yet: every run, ~35 ms at 70,000), so a page
// of big sweeps read their whole index entries each time, and while a sweep saved each commit
// made it read them again (issue 20: a window's poll waited over 100 ms). The writers keep these
// in the transaction that changes the runs (main/store/run-counts.ts); this fills them in once.
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
  await db.schema.alterTable('experiments').addColumn('model_version', 'text').execute();
  await sql`update experiments set
    model_version = (select model_version from runs where runs.experiment_id = experiments.id and model_version is not null order by id limit 1),
    runs_total = (select count(*) from runs where runs.experiment_id = experiments.id),
    runs_done = (select count(*) from runs where runs.experiment_id = experiments.id and runs.status = 'done')`.execute(
    db,
  );
}
