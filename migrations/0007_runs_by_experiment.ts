// Schema version 7: runs by experiment in id order. A history page of runs sorted by creation
// walks experiments newest first (experiments_created_at) and each one's runs by id, and stops
// at the page; without an index in (experiment_id, id) order SQLite sorted every run of the
// newest experiments first (a 70,000-run sweep: tens of milliseconds a page, issue 20).
// runs_experiment (experiment_id, strategy) and runs_experiment_status keep their own uses.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // An index on experiment_id holds the rowid (runs.id) after it: (experiment_id, id) order.
  await db.schema.createIndex('runs_experiment_id').on('runs').column('experiment_id').execute();
}
