// Every migration, statically imported (file discovery breaks once main is bundled).
// Forward only: never edit a migration that has shipped; add the next one.
import type { Migration, MigrationProvider } from 'kysely/migration';
import * as m0001 from './0001_initial.ts';
import * as m0002 from './0002_history.ts';
import * as m0003 from './0003_shards.ts';
import * as m0004 from './0004_host_profiles.ts';
import * as m0005 from './0005_compact_runs.ts';
import * as m0006 from './0006_shared_capabilities.ts';
import * as m0007 from './0007_runs_by_experiment.ts';
import * as m0008 from './0008_run_summary.ts';

export const MIGRATIONS: Record<string, Migration> = {
  '0001_initial': m0001,
  '0002_history': m0002,
  '0003_shards': m0003,
  '0004_host_profiles': m0004,
  '0005_compact_runs': m0005,
  '0006_shared_capabilities': m0006,
  '0007_runs_by_experiment': m0007,
  '0008_run_summary': m0008,
};

export const staticMigrationProvider: MigrationProvider = {
  getMigrations: async () => MIGRATIONS,
};
