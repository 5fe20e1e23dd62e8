// Scenario revisions are immutable and named by their content hash: the one way a revision is
// written (saved from the window, recorded with an experiment, imported from a bundle).
import type { Kysely } from 'kysely';
import { canonicalJson, contentHash } from './canonical.ts';
import type { Database } from './schema.ts';

export interface NewRevision {
  /** The scenario as recorded (a bundle may carry one of an older format). */
  body: unknown;
  name: string;
  parentId: string | null;
  /** ISO time; now when not given. */
  createdAt?: string | undefined;
}

/** Inserts the revision unless one with the same content exists; returns its id and whether it is new. */
export async function insertRevision(
  db: Kysely<Database>,
  revision: NewRevision,
): Promise<{ id: string; created: boolean }> {
  const id = contentHash(revision.body);
  const result = await db
    .insertInto('scenario_revisions')
    .values({
      id,
      name: revision.name,
      parent_id: revision.parentId,
      body: canonicalJson(revision.body),
      created_at: revision.createdAt ?? new Date().toISOString(),
    })
    .onConflict((oc) => oc.column('id').doNothing())
    .executeTakeFirst();
  return { id, created: Number(result.numInsertedOrUpdatedRows ?? 0n) > 0 };
}
