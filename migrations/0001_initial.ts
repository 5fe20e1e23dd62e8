// Schema version 1: scenario revisions, experiments, runs, narrow metrics, distributions, tags.
import type { Kysely } from 'kysely';
import { sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // Immutable scenario revisions: id is the SHA-256 of the canonical JSON body, so saving the
  // same scenario twice is a no-op and an edit is a new row pointing at its parent.
  await db.schema
    .createTable('scenario_revisions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('parent_id', 'text', (c) => c.references('scenario_revisions.id'))
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  // Cost tables are large and repeat across thousands of runs: stored once, by content hash.
  await db.schema
    .createTable('cost_tables')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('body', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('experiments')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('single', 'sweep')`))
    .addColumn('method', 'text', (c) => c.notNull().check(sql`method in ('analytic', 'des')`))
    .addColumn('scenario_id', 'text', (c) => c.notNull().references('scenario_revisions.id'))
    .addColumn('sweep', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .addColumn('note', 'text', (c) => c.notNull().defaultTo(''))
    .execute();
  await db.schema.createIndex('experiments_created_at').on('experiments').column('created_at').execute();

  await db.schema
    .createTable('runs')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('experiment_id', 'integer', (c) => c.notNull().references('experiments.id').onDelete('cascade'))
    .addColumn('scenario_id', 'text', (c) => c.notNull().references('scenario_revisions.id'))
    .addColumn('strategy', 'text', (c) => c.notNull())
    .addColumn('point', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('seeds', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text')
    .addColumn('finished_at', 'text')
    .addColumn('model_version', 'text')
    .addColumn('cost_table_id', 'text', (c) => c.references('cost_tables.id'))
    .addColumn('params', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('capability', 'text')
    .addColumn('error', 'text')
    .execute();
  await db.schema.createIndex('runs_experiment').on('runs').columns(['experiment_id', 'strategy']).execute();
  await db.schema.createIndex('runs_status').on('runs').column('status').execute();

  // Narrow metrics: one row per (run, metric key) so any metric can be filtered and compared.
  await db.schema
    .createTable('metrics')
    .addColumn('run_id', 'integer', (c) => c.notNull().references('runs.id').onDelete('cascade'))
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('mean', 'real', (c) => c.notNull())
    .addColumn('ci95', 'real', (c) => c.notNull())
    .addColumn('n', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('metrics_pk', ['run_id', 'key'])
    .modifyEnd(sql`without rowid`)
    .execute();
  await db.schema.createIndex('metrics_key_mean').on('metrics').columns(['key', 'mean']).execute();

  await db.schema
    .createTable('distributions')
    .addColumn('run_id', 'integer', (c) => c.notNull().references('runs.id').onDelete('cascade'))
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('distributions_pk', ['run_id', 'key'])
    .modifyEnd(sql`without rowid`)
    .execute();

  await db.schema
    .createTable('tags')
    .addColumn('experiment_id', 'integer', (c) => c.notNull().references('experiments.id').onDelete('cascade'))
    .addColumn('tag', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('tags_pk', ['experiment_id', 'tag'])
    .modifyEnd(sql`without rowid`)
    .execute();
  await db.schema.createIndex('tags_tag').on('tags').column('tag').execute();
}
