// The bundle: experiments with everything needed to rebuild them in another database
// (scenario revisions with their ancestors, cost tables, runs, metrics, distributions, series, tags,
// notes), as versioned JSON. Validated in full with this schema before any write.
import { z } from 'zod';
import { STRATEGY_IDS } from '../core/index.ts';
import { EXPERIMENT_STATUSES } from './index.ts';

export const BUNDLE_FORMAT = 'gmemlab/bundle@1';

const hash = z.string().regex(/^[0-9a-f]{64}$/, 'must be a SHA-256 content hash (64 hex digits)');
const timestamp = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/, 'must be an ISO timestamp');
const finite = z.number().finite();
const status = z.enum(EXPERIMENT_STATUSES);
const key = z.string().min(1).max(200);
const pointValue = z.union([finite, z.string().max(200), z.boolean()]);

const estimate = z.object({ mean: finite, ci95: finite.min(0), n: z.number().int().min(0) }).strict();
const distribution = z
  .object({ bucketUpperUs: z.array(finite).max(10_000), counts: z.array(z.number().int().min(0)).max(10_000) })
  .strict()
  .refine((d) => d.bucketUpperUs.length === d.counts.length, 'bucketUpperUs and counts must have the same length');

const runSchema = z
  .object({
    strategy: z.enum(STRATEGY_IDS),
    point: z.record(key, pointValue),
    seeds: z.array(z.number().int()).max(10_000),
    status,
    startedAt: timestamp.nullable(),
    finishedAt: timestamp.nullable(),
    modelVersion: z.string().max(100).nullable(),
    costTableId: hash.nullable(),
    params: z.record(key, z.unknown()),
    capability: z.record(z.string(), z.unknown()).nullable(),
    error: z.string().max(20_000).nullable(),
    metrics: z.record(key, estimate),
    distributions: z.record(key, distribution),
    series: z
      .record(
        key,
        z
          .object({ x: z.array(finite).max(100_000), y: z.array(finite).max(100_000) })
          .strict()
          .refine((s) => s.x.length === s.y.length, 'x and y must have the same length'),
      )
      .default({}),
    /** Model 2.0's result flags and cost breakdown; absent on runs saved before. */
    flags: z
      .array(z.object({ code: z.string().min(1).max(100), message: z.string().max(2000) }).strict())
      .max(100)
      .optional(),
    breakdown: z.record(key, finite).optional(),
  })
  .strict();

const experimentSchema = z
  .object({
    uid: z.string().regex(/^[0-9a-f-]{32,36}$/, 'must be an experiment uid (hex or UUID)'),
    name: z.string().min(1).max(200),
    kind: z.enum(['single', 'sweep']),
    method: z.enum(['analytic', 'des']),
    scenarioId: hash,
    sweep: z.unknown().nullable(),
    /** Which shards of a split sweep it holds (absent in bundles from before sharding). */
    shards: z
      .object({
        count: z.number().int().min(1).max(10_000),
        indices: z.array(z.number().int().min(1)).min(1).max(10_000),
      })
      .strict()
      .refine(
        (sh) => sh.indices.every((i, k) => i <= sh.count && (k === 0 || i > sh.indices[k - 1]!)),
        'indices must be increasing shard numbers from 1 to count',
      )
      .nullable()
      .default(null),
    status,
    createdAt: timestamp,
    finishedAt: timestamp.nullable(),
    note: z.string().max(20_000),
    tags: z.array(z.string().min(1).max(60)).max(50),
    runs: z.array(runSchema).max(100_000),
  })
  .strict();

export const bundleSchema = z
  .object({
    format: z.literal(BUNDLE_FORMAT),
    exportedAt: timestamp,
    /** gmemlab version that wrote the bundle (for the reader's information only). */
    modelVersions: z.array(z.string().max(100)).max(1000),
    scenarios: z
      .array(
        z
          .object({
            id: hash,
            name: z.string().min(1).max(200),
            parentId: hash.nullable(),
            createdAt: timestamp,
            // Kept as recorded: a revision made by an older model stays importable; its id is checked.
            body: z.looseObject({ format: z.string().startsWith('gmemlab/scenario@'), name: z.string() }),
          })
          .strict(),
      )
      .max(100_000),
    costTables: z
      .array(z.object({ id: hash, body: z.array(z.record(z.string(), z.unknown())).max(10_000) }).strict())
      .max(10_000),
    experiments: z.array(experimentSchema).max(10_000),
  })
  .strict();

export type Bundle = z.infer<typeof bundleSchema>;

/**
 * Validation stops after this many problems: a hostile bundle of 30 million wrong-typed items
 * once made one error object per item until the process ran out of memory (issue 15 item 1).
 */
export const MAX_BUNDLE_ISSUES = 100;
/**
 * Largest bundle file read. A bundle file is read as a stream (main/store/bundle-scan.ts), so
 * memory does not grow with it; the limit bounds time (about 10 s per 100 MB on two cores) and
 * the database's growth. gmemlab's own export of a 100,000-run experiment is about 800 MB.
 */
export const MAX_BUNDLE_FILE_BYTES = 1024 * 2 ** 20;
/**
 * Largest single item of a bundle file (a scenario, a cost table, a run, an experiment's field):
 * what a streamed import holds at once. A run at its schema's limits could be larger; one that
 * gmemlab records is a few KB.
 */
export const MAX_BUNDLE_ITEM_BYTES = 32 * 2 ** 20;
/** Runs in one bundle, over all its experiments (each experiment holds at most 100,000). */
export const MAX_BUNDLE_RUNS = 1_000_000;
/** Runs in one experiment of a bundle. */
export const MAX_EXPERIMENT_RUNS = 100_000;
/** Keys in any one record of a run (metrics, params, point, distributions, series, capability). */
export const MAX_RECORD_KEYS = 10_000;
/** Nesting of the free-form JSON a bundle carries (params, capability, sweep, bodies). */
export const MAX_JSON_DEPTH = 64;

export interface BundleIssue {
  path: string;
  message: string;
}

/** Whether a JSON value nests deeper than `limit` (iterative: a deep value must not overflow the stack). */
export function nestsDeeperThan(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth >= limit) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push([child, depth + 1]);
  }
  return false;
}

/**
 * The bundle's parts, each validated on its own as it is read (main/store/bundle-read.ts): the
 * envelope with its arrays' items left unchecked, one scenario, one cost table, an experiment
 * without its runs, one run. Together they are bundleSchema.
 */
export const bundleParts = {
  envelope: bundleSchema.extend({
    scenarios: z.array(z.unknown()).max(100_000),
    costTables: z.array(z.unknown()).max(10_000),
    experiments: z.array(z.unknown()).max(10_000),
  }),
  scenario: bundleSchema.shape.scenarios.element,
  costTable: bundleSchema.shape.costTables.element,
  experimentHead: experimentSchema.extend({ runs: z.array(z.unknown()).max(0) }),
  run: runSchema,
};

/** The records of a run whose keys are counted and nesting checked before the run is parsed. */
export const RUN_RECORDS = ['metrics', 'params', 'point', 'distributions', 'series', 'capability'] as const;

export type BundleExperiment = Bundle['experiments'][number];
export type BundleRun = BundleExperiment['runs'][number];

/** What became of one experiment of a bundle: the database's own ID for it (IDs are not carried over). */
export interface ImportedExperiment {
  uid: string;
  name: string;
  createdAt: string;
  /** imported: a new experiment; merged: shards added to one already here; skipped: already here. */
  outcome: 'imported' | 'merged' | 'skipped';
  /** Its ID in this database (the one it was given, merged into or already had). */
  id: number;
}

export interface ImportSummary {
  /** Each experiment of the bundle, in the bundle's order. */
  experiments: ImportedExperiment[];
  experimentsImported: number;
  /** Shards of a split sweep merged into an experiment already holding other shards of it. */
  shardsMerged: number;
  /** Already present (same uid): left as they are, never duplicated. */
  experimentsSkipped: number;
  runsImported: number;
  scenariosImported: number;
  costTablesImported: number;
}
