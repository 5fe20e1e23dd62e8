// The database as Kysely sees it, written by hand (kysely-codegen does not support
// better-sqlite3 13) and guarded by the schema snapshot test in schema.test.ts. The FTS5 table
// experiments_fts (migration 0002) is queried with raw SQL only, so it is not listed here.
import type { Generated } from 'kysely';

export interface ScenarioRevisionsTable {
  id: string;
  name: string;
  parent_id: string | null;
  body: string;
  created_at: string;
}

export interface CostTablesTable {
  id: string;
  body: string;
}

export interface ExperimentsTable {
  id: Generated<number>;
  name: string;
  kind: 'single' | 'sweep';
  method: 'analytic' | 'des';
  scenario_id: string;
  sweep: string | null;
  status: string;
  created_at: string;
  finished_at: string | null;
  note: Generated<string>;
  /** Stable identity across databases (export/import); random, assigned at creation. */
  uid: string;
  /** The process executing it ('host:pid:start'); null when none has yet or it was imported. */
  owner: string | null;
  /** Shards of a split sweep it holds, as JSON {"count": N, "indices": [...]}; null when not split. */
  shards: string | null;
  /** How many runs it has, kept by the writers with its runs (run-counts.ts, migration 0008). */
  runs_total: Generated<number>;
  /** How many of its runs are done, kept likewise. */
  runs_done: Generated<number>;
  /** The model version its first saved runs carry (null until one is saved), kept likewise. */
  model_version: string | null;
}

export interface RunsTable {
  id: Generated<number>;
  experiment_id: number;
  scenario_id: string;
  strategy: string;
  point: Generated<string>;
  seeds: Generated<string>;
  status: string;
  started_at: string | null;
  finished_at: string | null;
  model_version: string | null;
  cost_table_id: string | null;
  params: Generated<string>;
  /** The run's capability row (capabilities.id); null where the model gave none or the run has not finished. */
  capability_id: number | null;
  error: string | null;
  /** Every metric of the run, encoded by codec.ts (keys from result_keys); null until it is done. */
  metrics: Buffer | null;
  /** The model's cost breakdown, encoded by codec.ts; null where the model gave none (before model 2.0). */
  breakdown: Buffer | null;
  /** The model's result flags as JSON ({ code, message }[]); null where it gave none. */
  flags: string | null;
}

/** Each distinct capability text once (runs refer to it): a strategy's runs share one. */
export interface CapabilitiesTable {
  id: Generated<number>;
  /** SHA-256 of body (canonical.ts textHash). */
  hash: string;
  /** JSON of the model's CapabilityRow, as the run saved it. */
  body: string;
}

/** The dictionary of metric and breakdown keys the encoded columns refer to. */
export interface ResultKeysTable {
  id: Generated<number>;
  key: string;
  /** 1 when the key's means are also kept in run_metrics (history filters and sorts). */
  indexed: Generated<number>;
}

/** Means of the indexed keys, ordered for history filters and metric sorts. */
export interface RunMetricsTable {
  key_id: number;
  mean: number;
  run_id: number;
}

export interface DistributionsTable {
  run_id: number;
  key: string;
  body: string;
}

export interface SeriesTable {
  run_id: number;
  key: string;
  /** JSON of RunSeries: { x: number[]; y: number[] }. */
  body: string;
}

export interface TagsTable {
  experiment_id: number;
  tag: string;
}

export interface HostProfilesTable {
  /** SHA-256 of the profile's canonical JSON. */
  id: string;
  name: string;
  host_name: string | null;
  cpu_model: string | null;
  tools: string;
  created_at: string;
  saved_at: string;
  /** JSON of HostProfile (common/core/calibrate). */
  body: string;
}

export interface Database {
  scenario_revisions: ScenarioRevisionsTable;
  cost_tables: CostTablesTable;
  experiments: ExperimentsTable;
  runs: RunsTable;
  capabilities: CapabilitiesTable;
  result_keys: ResultKeysTable;
  run_metrics: RunMetricsTable;
  distributions: DistributionsTable;
  series: SeriesTable;
  tags: TagsTable;
  host_profiles: HostProfilesTable;
}
