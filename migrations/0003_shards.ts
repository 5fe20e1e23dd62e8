// Schema version 3: sharded sweeps. experiments.shards holds {"count": N, "indices": [...]} for an
// experiment that is one or more shards of a sweep split N ways (`gmemlab sweep --shard I/N`), and
// null otherwise. Importing the bundles of the other shards merges their runs into it.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('experiments').addColumn('shards', 'text').execute();
}
