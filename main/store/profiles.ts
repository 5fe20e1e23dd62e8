// Host profiles in the experiment database (migration 0005): saved once by content hash, listed,
// read back. A profile read back is checked against the format before anyone applies it.
import { validateHostProfile, type HostProfile } from '../../common/core/index.ts';
import type { HostProfileSummary } from '../../common/contract/index.ts';
import { contentHash } from './canonical.ts';
import { StoreNotFoundError } from './errors.ts';
import type { Store } from './store.ts';

/**
 * A profile's id: the SHA-256 of its canonical JSON without the time it was made, so the same
 * files calibrated twice give the same profile (saved once, with the first time).
 */
export const hostProfileId = (profile: HostProfile): string => contentHash({ ...profile, createdAt: null });

/** Saves the profile (a no-op when this very profile is already there). */
export async function saveHostProfile(store: Store, profile: HostProfile): Promise<{ id: string; created: boolean }> {
  const checked = validateHostProfile(profile);
  if (!checked.ok)
    throw new Error(`not a valid host profile: ${checked.issues[0]!.path} ${checked.issues[0]!.message}`);
  const id = hostProfileId(profile);
  const result = await store.db
    .insertInto('host_profiles')
    .values({
      id,
      name: profile.name,
      host_name: profile.host.name,
      cpu_model: profile.host.cpuModel,
      tools: [...new Set(profile.sources.map((s) => s.tool))].join(', '),
      created_at: profile.createdAt,
      saved_at: new Date().toISOString(),
      body: JSON.stringify(profile),
    })
    .onConflict((oc) => oc.column('id').doNothing())
    .executeTakeFirst();
  return { id, created: Number(result.numInsertedOrUpdatedRows ?? 0) > 0 };
}

/** Every saved profile, newest first. */
export async function listHostProfiles(store: Store): Promise<HostProfileSummary[]> {
  const rows = await store.db
    .selectFrom('host_profiles')
    .selectAll()
    .orderBy('saved_at', 'desc')
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    hostName: r.host_name,
    cpuModel: r.cpu_model,
    tools: r.tools,
    createdAt: r.created_at,
    savedAt: r.saved_at,
    entries: (JSON.parse(r.body) as HostProfile).costs.map((c) => c.key),
  }));
}

/** One saved profile; StoreNotFoundError when there is none with that id. */
export async function getHostProfile(store: Store, id: string): Promise<HostProfile & { id: string }> {
  const row = await store.db.selectFrom('host_profiles').select(['body']).where('id', '=', id).executeTakeFirst();
  if (row === undefined) throw new StoreNotFoundError(`host profile ${id} does not exist (see \`gmemlab profiles\`)`);
  const checked = validateHostProfile(JSON.parse(row.body));
  if (!checked.ok)
    throw new Error(
      `host profile ${id} in the database is damaged: ${checked.issues[0]!.path} ${checked.issues[0]!.message}`,
    );
  return { ...checked.value, id };
}
