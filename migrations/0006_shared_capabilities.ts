// Schema version 6: a run's capability row is stored once per distinct text (issue 20). Under
// model 2.2 each run kept its strategy's ~1.8 KB capability JSON, identical across a strategy's
// runs and largely across experiments: half of the database's bytes per analytic run.
// - capabilities (id, hash, body): each distinct capability text once; hash is the SHA-256 of
//   body (hex, canonical.ts's textHash), unique, so the writer finds a text's row without an index on the text itself.
// - runs.capability_id refers to it (null where the run has none: not finished, or failed);
//   runs.capability goes.
// Existing runs keep their capability text byte for byte (reads give the same answers).
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { textHash } from '../main/store/canonical.ts';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('capabilities')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('hash', 'text', (c) => c.notNull().unique())
    .addColumn('body', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .alterTable('runs')
    .addColumn('capability_id', 'integer', (c) => c.references('capabilities.id'))
    .execute();

  const distinct = await sql<{ body: string }>`select distinct capability as body from runs
    where capability is not null order by capability`.execute(db);
  for (const { body } of distinct.rows)
    await sql`insert into capabilities (hash, body) values (${textHash(body)}, ${body})`.execute(db);
  await sql`update runs set capability_id = c.id from capabilities c where c.body = runs.capability`.execute(db);
  await db.schema.alterTable('runs').dropColumn('capability').execute();
}
