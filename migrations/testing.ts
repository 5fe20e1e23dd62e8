// Test helper: a database migrated exactly up to one migration, as an older gmemlab left it.
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { Migrator } from 'kysely/migration';
import { APPLICATION_ID } from '../main/store/open.ts';
import { staticMigrationProvider } from './index.ts';
import { expect } from 'vitest';
import type { ExperimentDetail, ExperimentPage } from '../common/contract/index.ts';
import type { Store } from '../main/store/store.ts';

export async function migratedTo(
  path: string,
  migration: string,
): Promise<{ db: Kysely<unknown>; sqlite: BetterSqlite3.Database }> {
  const sqlite = new BetterSqlite3(path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma(`application_id = ${APPLICATION_ID}`);
  const db = new Kysely<unknown>({ dialect: new SqliteDialect({ database: sqlite }) });
  const { error } = await new Migrator({ db, provider: staticMigrationProvider }).migrateTo(migration);
  if (error !== undefined) throw error;
  return { db, sqlite };
}

/** Inserts a scenario revision, an experiment with one finished run and a metric, in the 0001 shape. */
export function seed0001(sqlite: BetterSqlite3.Database, name: string): number {
  const at = new Date().toISOString();
  const scenarioId = 'a'.repeat(64);
  sqlite
    .prepare(
      `insert or ignore into scenario_revisions (id, name, parent_id, body, created_at) values (?, 'base', null, '{"format":"gmemlab/scenario@1","name":"base","vm":{"vcpus":4}}', ?)`,
    )
    .run(scenarioId, at);
  const e = sqlite
    .prepare(
      `insert into experiments (name, kind, method, scenario_id, sweep, status, created_at, finished_at, note) values (?, 'single', 'analytic', ?, null, 'done', ?, ?, 'old note')`,
    )
    .run(name, scenarioId, at, at);
  const r = sqlite
    .prepare(
      `insert into runs (experiment_id, scenario_id, strategy, status, started_at, finished_at) values (?, ?, 'S1', 'done', ?, ?)`,
    )
    .run(e.lastInsertRowid, scenarioId, at, at);
  sqlite
    .prepare(`insert into metrics (run_id, key, mean, ci95, n) values (?, 'cost.overheadPct', 1.5, 0, 1)`)
    .run(r.lastInsertRowid);
  return Number(e.lastInsertRowid);
}

/**
 * That the upgraded database shows the history a release showed (its fixture .json: the page of
 * experiments and each one's detail), field for field, and the fields added since as that history
 * implies them (ExperimentSummary.swept: the sweep's parameters and how many values each).
 */
export async function expectSameHistory(
  store: Store,
  before: { page: ExperimentPage; details: ExperimentDetail[] },
): Promise<void> {
  const sweptOf = (d: ExperimentDetail): ExperimentDetail['swept'] =>
    d.sweep === null ? [] : d.sweep.parameters.map((p) => ({ path: p.path, count: p.values.length }));
  const swept = new Map(before.details.map((d) => [d.id, sweptOf(d)]));
  expect(await store.listExperiments({ offset: 0, limit: 50 })).toEqual({
    ...before.page,
    items: before.page.items.map((e) => {
      const implied = swept.get(e.id);
      if (implied === undefined) throw new Error(`the fixture's page lists experiment ${e.id} without its detail`);
      return { ...e, swept: implied };
    }),
  });
  for (const detail of before.details)
    expect(await store.getExperiment(detail.id)).toEqual({ ...detail, swept: sweptOf(detail) });
}
