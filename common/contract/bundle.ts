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
export type BundleExperiment = Bundle['experiments'][number];
export type BundleRun = BundleExperiment['runs'][number];

export interface ImportSummary {
  experimentsImported: number;
  /** Shards of a split sweep merged into an experiment already holding other shards of it. */
  shardsMerged: number;
  /** Already present (same uid): left as they are, never duplicated. */
  experimentsSkipped: number;
  runsImported: number;
  scenariosImported: number;
  costTablesImported: number;
}
