// Schema version 2: what history, bundles and re-runs need.
// - experiments.uid: a stable random identity that survives export/import, so importing the same
//   bundle twice never duplicates (integer ids differ between databases).
// - experiments.owner: which process executes it (see main/store/owner.ts).
// - series: per-run series (x/y arrays), beside distributions.
// - experiments_fts: full-text search on names and notes, kept in step by triggers.
// - indices for the history filters and summaries (status, name, strategy, per-experiment status).
import type { Kysely } from 'kysely';
import { sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // SQLite cannot add a UNIQUE column: add it, backfill existing rows, then index it.
  await db.schema
    .alterTable('experiments')
    .addColumn('uid', 'text', (c) => c.notNull().defaultTo(''))
    .execute();
  await sql`update experiments set uid = lower(hex(randomblob(16))) where uid = ''`.execute(db);
  await db.schema.createIndex('experiments_uid').on('experiments').column('uid').unique().execute();
  // The process executing the experiment ('host:pid:start'), so that crash recovery at start-up
  // leaves alone the runs another live gmemlab process is still computing.
  await db.schema.alterTable('experiments').addColumn('owner', 'text').execute();
  await db.schema.createIndex('experiments_status').on('experiments').columns(['status', 'created_at']).execute();
  await db.schema.createIndex('experiments_name').on('experiments').column('name').execute();
  await db.schema.createIndex('runs_strategy_status').on('runs').columns(['strategy', 'status']).execute();
  // Per-experiment run counts by status (history summaries); without it SQLite scans runs_status.
  await db.schema.createIndex('runs_experiment_status').on('runs').columns(['experiment_id', 'status']).execute();
  await db.schema.createIndex('scenario_revisions_parent').on('scenario_revisions').column('parent_id').execute();

  // Series: a figure over simulated time or over a parameter (DES output), one row per run and key.
  await db.schema
    .createTable('series')
    .addColumn('run_id', 'integer', (c) => c.notNull().references('runs.id').onDelete('cascade'))
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('series_pk', ['run_id', 'key'])
    .modifyEnd(sql`without rowid`)
    .execute();

  // External-content FTS5 index over experiments(name, note): no copy of the text, only the index.
  await sql`create virtual table experiments_fts using fts5(name, note, content='experiments', content_rowid='id', tokenize='unicode61')`.execute(
    db,
  );
  await sql`create trigger experiments_fts_insert after insert on experiments begin
    insert into experiments_fts(rowid, name, note) values (new.id, new.name, new.note);
  end`.execute(db);
  await sql`create trigger experiments_fts_delete after delete on experiments begin
    insert into experiments_fts(experiments_fts, rowid, name, note) values ('delete', old.id, old.name, old.note);
  end`.execute(db);
  await sql`create trigger experiments_fts_update after update of name, note on experiments begin
    insert into experiments_fts(experiments_fts, rowid, name, note) values ('delete', old.id, old.name, old.note);
    insert into experiments_fts(rowid, name, note) values (new.id, new.name, new.note);
  end`.execute(db);
  await sql`insert into experiments_fts(experiments_fts) values ('rebuild')`.execute(db);
}
