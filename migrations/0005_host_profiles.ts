// Schema version 5: host profiles (gmemlab calibrate, docs/calibration.md). A profile is stored
// once, by content hash (id = SHA-256 of its canonical JSON), like scenario revisions: saving the
// same profile twice is a no-op. The body is the whole profile (its sources with their files'
// hashes, host, costs, curves and the figures it could not use); the columns beside it are what
// the list shows and searches. (0004 is another change's: migrations run in name order.)
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('host_profiles')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('host_name', 'text')
    .addColumn('cpu_model', 'text')
    /** The tools the profile was made from, comma-separated (e.g. "perf kvm stat report, bpftrace"). */
    .addColumn('tools', 'text', (c) => c.notNull())
    /** When the profile was made (calibrate), and when this database first saved it. */
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('saved_at', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('host_profiles_name').on('host_profiles').column('name').execute();
}
