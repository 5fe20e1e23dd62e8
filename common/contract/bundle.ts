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
 * Largest bundle file `gmemlab import` reads (the web host's request limit, MAX_REQUEST_BYTES, is
 * lower). A bundle is parsed whole, at about 18 bytes of memory per byte: 128 MiB peaks near 2.3 GB.
 */
export const MAX_BUNDLE_FILE_BYTES = 128 * 2 ** 20;
/** Runs in one bundle, over all its experiments (each experiment holds at most 100,000). */
export const MAX_BUNDLE_RUNS = 1_000_000;
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

const envelopeSchema = bundleSchema.extend({
  scenarios: z.array(z.unknown()).max(100_000),
  costTables: z.array(z.unknown()).max(10_000),
  experiments: z.array(z.unknown()).max(10_000),
});
const scenarioItemSchema = bundleSchema.shape.scenarios.element;
const costTableItemSchema = bundleSchema.shape.costTables.element;
const experimentHeadSchema = experimentSchema.extend({ runs: z.array(z.unknown()).max(100_000) });

const RUN_RECORDS = ['metrics', 'params', 'point', 'distributions', 'series', 'capability'] as const;

/**
 * Validates an untrusted bundle against the schema, part by part, in bounded time and memory:
 * sizes are checked before items are parsed, each item is parsed on its own (its parsed copy
 * replaces it, so the raw and the parsed bundle are never both held whole), and validation stops
 * after MAX_BUNDLE_ISSUES problems. Returns the parsed bundle or the problems found.
 */
export function validateBundle(raw: unknown): { ok: true; bundle: Bundle } | { ok: false; issues: BundleIssue[] } {
  const issues: BundleIssue[] = [];
  const full = (): boolean => issues.length >= MAX_BUNDLE_ISSUES;
  const add = (path: (string | number | symbol)[], message: string): void => {
    if (!full()) issues.push({ path: path.map(String).join('.'), message });
  };
  const zodIssues = (prefix: (string | number)[], error: z.ZodError): void => {
    for (const i of error.issues) add([...prefix, ...i.path.map(String)], i.message);
  };
  const envelope = envelopeSchema.safeParse(raw);
  if (!envelope.success) {
    zodIssues([], envelope.error);
    return { ok: false, issues };
  }
  const bundle = envelope.data;
  let totalRuns = 0;
  for (const [i, e] of bundle.experiments.entries()) {
    const runs = (e as { runs?: unknown } | null)?.runs;
    if (Array.isArray(runs)) totalRuns += runs.length;
    if (totalRuns > MAX_BUNDLE_RUNS) {
      add(
        ['experiments', i, 'runs'],
        `the bundle holds more than ${MAX_BUNDLE_RUNS} runs; split it into smaller bundles`,
      );
      return { ok: false, issues };
    }
  }
  const deep = (path: (string | number)[], value: unknown): boolean => {
    if (!nestsDeeperThan(value, MAX_JSON_DEPTH)) return false;
    add(path, `is nested deeper than ${MAX_JSON_DEPTH} levels`);
    return true;
  };
  for (let i = 0; i < bundle.scenarios.length && !full(); i++) {
    if (deep(['scenarios', i, 'body'], (bundle.scenarios[i] as { body?: unknown } | null)?.body)) continue;
    const item = scenarioItemSchema.safeParse(bundle.scenarios[i]);
    if (item.success) bundle.scenarios[i] = item.data;
    else zodIssues(['scenarios', i], item.error);
  }
  for (let i = 0; i < bundle.costTables.length && !full(); i++) {
    if (deep(['costTables', i, 'body'], (bundle.costTables[i] as { body?: unknown } | null)?.body)) continue;
    const item = costTableItemSchema.safeParse(bundle.costTables[i]);
    if (item.success) bundle.costTables[i] = item.data;
    else zodIssues(['costTables', i], item.error);
  }
  for (let i = 0; i < bundle.experiments.length && !full(); i++) {
    if (deep(['experiments', i, 'sweep'], (bundle.experiments[i] as { sweep?: unknown } | null)?.sweep)) continue;
    const head = experimentHeadSchema.safeParse(bundle.experiments[i]);
    if (!head.success) {
      zodIssues(['experiments', i], head.error);
      continue;
    }
    const runs = head.data.runs;
    for (let j = 0; j < runs.length && !full(); j++) {
      const run = runs[j] as Record<string, unknown> | null;
      const path = ['experiments', i, 'runs', j];
      let skip = false;
      for (const field of RUN_RECORDS) {
        const value = run?.[field];
        if (value !== null && typeof value === 'object' && Object.keys(value).length > MAX_RECORD_KEYS) {
          add([...path, field], `has more than ${MAX_RECORD_KEYS} keys`);
          skip = true;
        } else if (deep([...path, field], value)) skip = true;
      }
      if (skip) continue;
      const item = runSchema.safeParse(run);
      if (item.success) runs[j] = item.data;
      else zodIssues(path, item.error);
    }
    bundle.experiments[i] = head.data;
  }
  if (issues.length > 0) return { ok: false, issues };
  return { ok: true, bundle: bundle as Bundle };
}
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
