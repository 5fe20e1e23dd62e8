// Guards the schema: the snapshot names the latest migration with the schema it produces, so
// a schema change without a new migration (an edited migration, say) fails here; and the
// hand-written Kysely interface must list exactly the columns the migrations create.
import BetterSqlite3 from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { MIGRATIONS } from '../../migrations/index.ts';
import type { Database } from './schema.ts';
import { Store } from './store.ts';
import { tempDir } from './testing.ts';

let dir: { dir: string; cleanup: () => void };
beforeEach(() => {
  dir = tempDir();
});
afterEach(() => dir.cleanup());

// Each table's columns, as a record so that the compiler rejects a missing or an extra key.
const COLUMNS: { [T in keyof Database]: Record<keyof Database[T], true> } = {
  scenario_revisions: { id: true, name: true, parent_id: true, body: true, created_at: true },
  cost_tables: { id: true, body: true },
  experiments: {
    id: true,
    name: true,
    kind: true,
    method: true,
    scenario_id: true,
    sweep: true,
    status: true,
    created_at: true,
    finished_at: true,
    note: true,
    uid: true,
    owner: true,
    shards: true,
    runs_total: true,
    runs_done: true,
    model_version: true,
  },
  runs: {
    id: true,
    experiment_id: true,
    scenario_id: true,
    strategy: true,
    point: true,
    seeds: true,
    status: true,
    started_at: true,
    finished_at: true,
    model_version: true,
    cost_table_id: true,
    params: true,
    capability_id: true,
    error: true,
    metrics: true,
    breakdown: true,
    flags: true,
  },
  capabilities: { id: true, hash: true, body: true },
  result_keys: { id: true, key: true, indexed: true },
  run_metrics: { key_id: true, mean: true, run_id: true },
  distributions: { run_id: true, key: true, body: true },
  series: { run_id: true, key: true, body: true },
  tags: { experiment_id: true, tag: true },
  host_profiles: {
    id: true,
    name: true,
    host_name: true,
    cpu_model: true,
    tools: true,
    created_at: true,
    saved_at: true,
    body: true,
  },
};

async function freshSchema(): Promise<BetterSqlite3.Database> {
  const path = join(dir.dir, 'schema.sqlite');
  const store = await Store.open(path);
  await store.close();
  return new BetterSqlite3(path, { readonly: true });
}

it('matches the snapshot of the latest migration', async () => {
  const sqlite = await freshSchema();
  const objects = sqlite
    .prepare(
      "select type, name, sql from sqlite_master where sql is not null and name not like 'sqlite_%' order by type, name",
    )
    .all() as { type: string; name: string; sql: string }[];
  sqlite.close();
  const latest = Object.keys(MIGRATIONS).at(-1);
  const text =
    [
      `-- schema after migration ${latest}`,
      ...objects.map((o) => `-- ${o.type} ${o.name}\n${o.sql.replace(/\s+/g, ' ').trim()};`),
    ].join('\n') + '\n';
  // If this fails: a schema change needs a new migration file (never edit a shipped one); then
  // update the snapshot with `npx vitest run main/store/schema.test.ts -u`.
  await expect(text).toMatchFileSnapshot('./schema.snapshot.sql');
});

it('the Kysely interface lists exactly the columns of every table', async () => {
  const sqlite = await freshSchema();
  for (const [table, columns] of Object.entries(COLUMNS)) {
    const actual = (sqlite.pragma(`table_info(${table})`) as { name: string }[]).map((c) => c.name).sort();
    expect({ table, columns: actual }).toEqual({ table, columns: Object.keys(columns).sort() });
  }
  const tables = (
    sqlite
      .prepare(
        "select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like 'kysely_%' and name not like 'experiments_fts%'",
      )
      .all() as { name: string }[]
  )
    .map((r) => r.name)
    .sort();
  expect(tables).toEqual(Object.keys(COLUMNS).sort());
  sqlite.close();
});
