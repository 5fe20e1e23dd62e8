import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Migrator } from 'kysely/migration';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { ExperimentDetail, ExperimentPage, HostProfileSummary } from '../common/contract/index.ts';
import type { HostProfile } from '../common/core/index.ts';
import { Store } from '../main/store/store.ts';
import { tempDir } from '../main/store/testing.ts';
import { staticMigrationProvider } from './index.ts';
import { migratedTo, seed0001, expectSameHistory } from './testing.ts';

let dir: { dir: string; cleanup: () => void };
beforeEach(() => {
  dir = tempDir();
});
afterEach(() => dir.cleanup());

const fixture = (name: string): string => new URL(`./fixtures/${name}`, import.meta.url).pathname;

/** The last six migrations the store's database records, in the order they ran. */
const applied = (store: Store): string[] =>
  (
    store.opened.sqlite.prepare('select name from kysely_migration order by timestamp, name').all() as {
      name: string;
    }[]
  )
    .map((r) => r.name)
    .slice(-6);

it('0005 encodes every metric into its run, keeps the cost keys indexed and drops the metrics table', async () => {
  const { db, sqlite } = await migratedTo(join(dir.dir, 'db.sqlite'), '0004_host_profiles');
  const id = seed0001(sqlite, 'Milan sweep');
  const runId = (sqlite.prepare('select id from runs where experiment_id = ?').get(id) as { id: number }).id;
  const insert = sqlite.prepare('insert into metrics (run_id, key, mean, ci95, n) values (?, ?, ?, ?, ?)');
  insert.run(runId, 'latency.mmio.p99Us', 12.5, 0.75, 8);
  insert.run(runId, 'exposure.kvm.fraction', -3, 0, 1);
  const { error } = await new Migrator({ db, provider: staticMigrationProvider }).migrateTo('0005_compact_runs');
  expect(error).toBeUndefined();
  expect(sqlite.prepare("select name from sqlite_master where name = 'metrics'").all()).toEqual([]);
  expect(sqlite.prepare('select key, indexed from result_keys order by key').all()).toEqual([
    { key: 'cost.overheadPct', indexed: 1 },
    { key: 'exposure.kvm.fraction', indexed: 0 },
    { key: 'latency.mmio.p99Us', indexed: 0 },
  ]);
  expect(
    sqlite.prepare('select k.key, m.mean, m.run_id from run_metrics m join result_keys k on k.id = m.key_id').all(),
  ).toEqual([{ key: 'cost.overheadPct', mean: 1.5, run_id: runId }]);
  await db.destroy();
  // Read back through the store: the same values, CIs and counts. (getRuns: the seeded scenario
  // revision's id is not its content hash, which getExperiment would rightly report as damage.)
  const store = await Store.open(join(dir.dir, 'db.sqlite'));
  expect((await store.getRuns([runId]))[0]?.metrics).toEqual({
    'cost.overheadPct': { mean: 1.5, ci95: 0, n: 1 },
    'exposure.kvm.fraction': { mean: -3, ci95: 0, n: 1 },
    'latency.mmio.p99Us': { mean: 12.5, ci95: 0.75, n: 8 },
  });
  await store.close();
});

it('a database written by gmemlab at schema 0003 opens after the migration and shows the same history', async () => {
  // history-0003.sqlite and .json were made by main at d80c134 (fixtures/make-0003-fixture.ts says how).
  const path = join(dir.dir, 'history.sqlite');
  copyFileSync(fixture('history-0003.sqlite'), path);
  const before = JSON.parse(readFileSync(fixture('history-0003.json'), 'utf8')) as {
    page: ExperimentPage;
    details: ExperimentDetail[];
  };
  const store = await Store.open(path);
  expect(store.opened.backupPath).not.toBeNull();
  // Through every migration released since, in order: host profiles (0004), this one, shared capabilities (0006), runs by experiment (0007), run counts (0008).
  expect(applied(store)).toEqual([
    '0003_shards',
    '0004_host_profiles',
    '0005_compact_runs',
    '0006_shared_capabilities',
    '0007_runs_by_experiment',
    '0008_run_summary',
  ]);
  expect(await store.listHostProfiles()).toEqual([]);
  await expectSameHistory(store, before);
  // The history's filters and metric sorts read the migrated values.
  const sorted = await store.listRuns({
    offset: 0,
    limit: 100,
    sort: { by: 'metric', key: 'cost.overheadPct', dir: 'asc' },
  });
  const means = sorted.items.map((r) => r.metrics['cost.overheadPct']?.mean ?? Infinity);
  expect(means).toEqual([...means].sort((a, b) => a - b));
  expect(sorted.total).toBe(before.details.reduce((n, d) => n + d.runs.length, 0));
  await store.close();
});

it('a database written by gmemlab at schema 0004 (a host profile saved) loses nothing in the migration', async () => {
  // history-0004.sqlite and .json were made by main at bf80fbd (fixtures/make-0004-fixture.ts says how).
  const path = join(dir.dir, 'history.sqlite');
  copyFileSync(fixture('history-0004.sqlite'), path);
  const before = JSON.parse(readFileSync(fixture('history-0004.json'), 'utf8')) as {
    page: ExperimentPage;
    details: ExperimentDetail[];
    profiles: HostProfileSummary[];
    profile: HostProfile & { id: string };
  };
  const store = await Store.open(path);
  try {
    expect(store.opened.backupPath).toMatch(/\.backup-0004_host_profiles-/);
    expect(applied(store)).toEqual([
      '0003_shards',
      '0004_host_profiles',
      '0005_compact_runs',
      '0006_shared_capabilities',
      '0007_runs_by_experiment',
      '0008_run_summary',
    ]);
    // The profile: listed and read back (validated) as before.
    expect(await store.listHostProfiles()).toEqual(before.profiles);
    expect(await store.getHostProfile(before.profile.id)).toEqual(before.profile);
    // The history: every experiment, run, metric (CIs and counts of the DES runs too),
    // distribution and series as that gmemlab showed them.
    await expectSameHistory(store, before);
    const runIds = before.details.flatMap((d) => d.runs.map((r) => r.id));
    expect((await store.getRuns(runIds)).map((r) => r.metrics)).toEqual(
      before.details.flatMap((d) => d.runs.map((r) => r.metrics)),
    );
    // The metrics table is gone; every value now lives in its run.
    expect(store.opened.sqlite.prepare("select name from sqlite_master where name = 'metrics'").all()).toEqual([]);
    const filtered = await store.listRuns({
      offset: 0,
      limit: 100,
      metrics: [{ key: 'cost.overheadPct', min: -Infinity }],
    });
    expect(filtered.total).toBe(runIds.length);
  } finally {
    await store.close();
  }
});
