import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Migrator } from 'kysely/migration';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { ExperimentDetail, ExperimentPage } from '../common/contract/index.ts';
import { textHash } from '../main/store/canonical.ts';
import { Store } from '../main/store/store.ts';
import { recordExperiment, tempDir } from '../main/store/testing.ts';
import { staticMigrationProvider } from './index.ts';
import { migratedTo, seed0001, expectSameHistory } from './testing.ts';

let dir: { dir: string; cleanup: () => void };
beforeEach(() => {
  dir = tempDir();
});
afterEach(() => dir.cleanup());

const fixture = (name: string): string => new URL(`./fixtures/${name}`, import.meta.url).pathname;

it('0006 keeps each distinct capability text once, runs referring to it, and drops runs.capability', async () => {
  // Seeded before 0005 (seed0001 writes the metrics table 0005 folds into runs), then both run.
  const { db, sqlite } = await migratedTo(join(dir.dir, 'db.sqlite'), '0004_host_profiles');
  const id = seed0001(sqlite, 'four runs');
  const first = (sqlite.prepare('select id from runs where experiment_id = ?').get(id) as { id: number }).id;
  const copy = sqlite.prepare(
    `insert into runs (experiment_id, scenario_id, strategy, status) select experiment_id, scenario_id, ?, status from runs where id = ?`,
  );
  const ids = [first, ...['S2', 'S3', 'S4'].map((s) => Number(copy.run(s, first).lastInsertRowid))];
  const texts = ['{"kvm":"direct map"}', '{"kvm":"uaccess"}', '{"kvm":"direct map"}', null];
  const set = sqlite.prepare('update runs set capability = ? where id = ?');
  ids.forEach((runId, i) => set.run(texts[i], runId));

  const { error } = await new Migrator({ db, provider: staticMigrationProvider }).migrateTo('0006_shared_capabilities');
  expect(error).toBeUndefined();
  expect(sqlite.prepare('select hash, body from capabilities order by body').all()).toEqual(
    ['{"kvm":"direct map"}', '{"kvm":"uaccess"}'].map((body) => ({ hash: textHash(body), body })),
  );
  expect(
    sqlite
      .prepare('select c.body from runs r left join capabilities c on c.id = r.capability_id order by r.id')
      .all()
      .map((r) => (r as { body: string | null }).body),
  ).toEqual(texts);
  const columns = (sqlite.pragma('table_info(runs)') as { name: string }[]).map((c) => c.name);
  expect(columns).toContain('capability_id');
  expect(columns).not.toContain('capability');
  await db.destroy();
  // Read back through the store: the same capability rows, parsed.
  const store = await Store.open(join(dir.dir, 'db.sqlite'));
  expect((await store.getRuns(ids)).map((r) => r.capability)).toEqual([
    { kvm: 'direct map' },
    { kvm: 'uaccess' },
    { kvm: 'direct map' },
    null,
  ]);
  await store.close();
});

it('a database written by gmemlab at schema 0005 (model 2.2) shows the same history after the migration', async () => {
  // history-0005.sqlite and .json were made by main at b07f124 (fixtures/make-0005-fixture.ts says how).
  const path = join(dir.dir, 'history.sqlite');
  copyFileSync(fixture('history-0005.sqlite'), path);
  const before = JSON.parse(readFileSync(fixture('history-0005.json'), 'utf8')) as {
    page: ExperimentPage;
    details: ExperimentDetail[];
  };
  const store = await Store.open(path);
  try {
    expect(store.opened.backupPath).toMatch(/\.backup-0005_compact_runs-/);
    expect(
      (store.opened.sqlite.prepare('select name from kysely_migration order by name').all() as { name: string }[])
        .map((r) => r.name)
        .slice(-4),
    ).toEqual(['0005_compact_runs', '0006_shared_capabilities', '0007_runs_by_experiment', '0008_run_summary']);
    // Every experiment and run as that gmemlab showed it: capability rows, breakdowns and flags too.
    await expectSameHistory(store, before);
    const runs = before.details.flatMap((d) => d.runs);
    expect((await store.getRuns(runs.map((r) => r.id))).map((r) => r.capability)).toEqual(
      runs.map((r) => r.capability),
    );
    // One row per distinct text: the fixture's sweeps and the DES run share their strategies' rows.
    const distinct = new Set(runs.map((r) => JSON.stringify(r.capability)));
    expect(distinct.size).toBeLessThan(runs.length / 2);
    expect(store.opened.sqlite.prepare('select count(*) as n from capabilities').get()).toEqual({ n: distinct.size });
    // A bundle of the migrated history carries the same capability rows.
    const bundle = await store.exportBundle(before.page.items.map((e) => e.id));
    expect(bundle.experiments.flatMap((e) => e.runs.map((r) => r.capability))).toEqual(
      before.details
        .toSorted((a, b) => a.id - b.id)
        .flatMap((d) => d.runs.toSorted((a, b) => a.id - b.id).map((r) => r.capability)),
    );
  } finally {
    await store.close();
  }
});

it('runs of a strategy share one capability row, across experiments and after an import', async () => {
  const count = (store: Store): unknown => store.opened.sqlite.prepare('select count(*) as n from capabilities').get();
  const source = await Store.open(join(dir.dir, 'source.sqlite'));
  const target = await Store.open(join(dir.dir, 'target.sqlite'));
  try {
    const a = await recordExperiment(source, { name: 'a', vcpus: [2, 4, 8] });
    const runs = await source.getRuns(a.runIds);
    const texts = new Set(runs.map((r) => JSON.stringify(r.capability))).size;
    // The model's capability row is the strategy's, whatever the vcpus: one row per strategy.
    expect(texts).toBe(new Set(runs.map((r) => r.strategy)).size);
    expect(count(source)).toEqual({ n: texts });
    await recordExperiment(source, { name: 'b', vcpus: [16] });
    expect(count(source)).toEqual({ n: texts });

    await recordExperiment(target, { name: 'already here', vcpus: [1] });
    const bundle = await source.exportBundle([a.experimentId]);
    expect((await target.importBundle(bundle)).runsImported).toBe(runs.length);
    expect(count(target)).toEqual({ n: texts });
    const page = await target.listExperiments({ offset: 0, limit: 50 });
    const imported = page.items.find((e) => e.name === 'a');
    expect(imported).toBeDefined();
    const detail = await target.getExperiment(imported!.id);
    expect(detail!.runs.map((r) => r.capability)).toEqual(runs.map((r) => r.capability));
  } finally {
    await source.close();
    await target.close();
  }
});
