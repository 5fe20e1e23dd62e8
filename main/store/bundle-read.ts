// Reads an untrusted bundle, from a file (as a stream: bundle-scan.ts) or from a value already in
// memory (a request's body), in two passes over the same items:
//   1. check: every item against its part of the schema as it arrives, content hashes, scenario
//      bodies, counts and references, keeping only an index (the experiments without their runs,
//      the ids seen). Validation stops after MAX_BUNDLE_ISSUES problems. Nothing is written.
//   2. read: the items again, parsed, in batches for the store to write in one transaction
//      (bundle-io.ts), with the checks that need the whole index (each run at a point of its
//      experiment's sweep, of its shard, and no more often than the sweep has that point): one
//      refused there rolls the transaction back, as does a file that changed between the passes.
// Memory is the index, one batch and the current experiment's run keys, whatever the size of the
// bundle. Runs anywhere: in the
// compute worker for the window and the web host, on the calling thread for the CLI.
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { ZodError, type z } from 'zod';
import {
  BUNDLE_FORMAT,
  bundleParts,
  MAX_BUNDLE_FILE_BYTES,
  MAX_BUNDLE_ISSUES,
  MAX_BUNDLE_RUNS,
  MAX_EXPERIMENT_RUNS,
  MAX_JSON_DEPTH,
  MAX_RECORD_KEYS,
  nestsDeeperThan,
  RUN_RECORDS,
  type Bundle,
  type BundleExperiment,
  type BundleIssue,
  type BundleRun,
} from '../../common/contract/bundle.ts';
import { GmemlabError, shardOf, sweepSchema, validateScenario, type SweepDefinition } from '../../common/core/index.ts';
import { pointKey, pointLabel } from '../../common/analysis/points.ts';
import { BundleScanError, BundleScanner, type BundleEvent } from './bundle-scan.ts';
import { contentHash } from './canonical.ts';
import { BundleError } from './errors.ts';

/** A bundle file on disk, or a bundle value already parsed (untrusted either way). */
export type BundleSource = { path: string } | { bundle: unknown };

/** How a refused bundle is named: in the message (`source`) and before its issue paths (`at`). */
export interface BundleOrigin {
  source?: string;
  at?: string;
}

/** An experiment of the bundle as checked, without its runs. */
export type ExperimentHead = Omit<BundleExperiment, 'runs'> & { runCount: number };

/** What pass 1 keeps: enough for the store to plan the import before any run arrives. */
export interface BundleIndex {
  experiments: ExperimentHead[];
  scenarioCount: number;
  runCount: number;
}

/** A batch of checked items, in file order. `experiment` indexes BundleIndex.experiments. */
export interface BundleBatch {
  scenarios: Bundle['scenarios'];
  costTables: Bundle['costTables'];
  runs: { experiment: number; run: BundleRun }[];
}

/** First the index (once the whole bundle is checked), then the batches. */
export type BundleMessage = { kind: 'index'; index: BundleIndex } | ({ kind: 'batch' } & BundleBatch);

/**
 * Items per batch: what crosses from the compute worker at once, and what the store writes
 * between two turns of the event loop (500 runs stalled it ~220 ms on a loaded machine).
 */
const BATCH_ITEMS = 100;

/**
 * The bundle's messages: the index, then its items in batches. Throws BundleError (naming the
 * source and every problem found, at most MAX_BUNDLE_ISSUES) before the index if the bundle is
 * refused, or later if a check that needs the index fails or the file changed: the importer's
 * transaction then rolls back.
 */
export function* readBundle(source: BundleSource, origin: BundleOrigin = {}): Generator<BundleMessage> {
  const refuse = (issues: BundleIssue[]): BundleError => new BundleError(issues, origin.source, origin.at);
  const pass = (): { events: Generator<BundleEvent>; digest: () => string | undefined } => {
    if ('bundle' in source) return { events: valueEvents(source.bundle), digest: () => undefined };
    const hash = createHash('sha256');
    return { events: fileEvents(source.path, hash), digest: () => hash.digest('hex') };
  };
  const first = pass();
  const checker = new BundleChecker();
  try {
    for (const event of first.events) if (!checker.add(event)) break;
  } catch (err) {
    throw err instanceof BundleScanError ? refuse([...checker.issues, { path: err.path, message: err.message }]) : err;
  }
  const index = checker.finish();
  if (checker.issues.length > 0) throw refuse(checker.issues.slice(0, MAX_BUNDLE_ISSUES));
  const digest = first.digest();
  yield { kind: 'index', index: index! };

  const second = pass();
  const sweeps = index!.experiments.map((e) => {
    const sweep = sweepSchema.safeParse(e.sweep);
    return sweep.success ? sweep.data : undefined;
  });
  // The runs of the experiment being read, by strategy and point: each as many times as its
  // sweep has that point (once, unless a swept value is listed twice). An experiment's runs come
  // together (inside its object): only the current one's are kept.
  let counting: { experiment: number; runs: Map<string, number> } | undefined;
  let batch: BundleBatch = { scenarios: [], costTables: [], runs: [] };
  let size = 0;
  try {
    for (const event of second.events) {
      if (event.kind === 'scenario') batch.scenarios.push(bundleParts.scenario.parse(event.value));
      else if (event.kind === 'costTable') batch.costTables.push(bundleParts.costTable.parse(event.value));
      else if (event.kind === 'run') {
        const run = bundleParts.run.parse(event.value);
        const head = index!.experiments[event.experiment]!;
        const sweep = sweeps[event.experiment];
        const issue = pointIssue(head, sweep, run) ?? shardIssue(head, sweep, run);
        if (issue !== undefined)
          throw refuse([{ path: `experiments.${event.experiment}.runs.${event.index}.point`, message: issue }]);
        if (counting?.experiment !== event.experiment) counting = { experiment: event.experiment, runs: new Map() };
        const key = `${run.strategy} ${pointKey(run.point)}`;
        const times = (counting.runs.get(key) ?? 0) + 1;
        const allowed = timesInSweep(sweep, run.point);
        if (times > allowed)
          throw refuse([
            {
              path: `experiments.${event.experiment}.runs.${event.index}`,
              message: `a run of ${run.strategy} at ${Object.keys(run.point).length === 0 ? 'the experiment' : pointLabel(run.point)} more than the ${allowed === 1 ? 'once' : `${allowed} times`} its ${sweep === undefined ? 'experiment' : 'sweep'} has it`,
            },
          ]);
        counting.runs.set(key, times);
        batch.runs.push({ experiment: event.experiment, run });
      } else continue;
      if (++size >= BATCH_ITEMS) {
        yield { kind: 'batch', ...batch };
        batch = { scenarios: [], costTables: [], runs: [] };
        size = 0;
      }
    }
  } catch (err) {
    // The first pass accepted these bytes: the file changed between the passes.
    if (!(err instanceof BundleScanError || err instanceof ZodError)) throw err;
    throw refuse([{ path: '', message: `changed while it was being imported (${(err as Error).message})` }]);
  }
  if (second.digest() !== digest)
    throw refuse([{ path: '', message: 'changed while it was being imported; import it again' }]);
  if (size > 0) yield { kind: 'batch', ...batch };
}

/**
 * Why a run's point is not one of its experiment's: a single run has none; a sweep's run has a
 * value of each swept parameter from the sweep's own list, and nothing else. A sweep this
 * version cannot read (sharded ones must have a valid one) leaves the point unchecked.
 */
function pointIssue(head: ExperimentHead, sweep: SweepDefinition | undefined, run: BundleRun): string | undefined {
  const keys = Object.keys(run.point);
  if (head.kind === 'single' && head.sweep === null)
    return keys.length === 0 ? undefined : `a single run has no swept parameter, but names ${keys.join(', ')}`;
  if (sweep === undefined) return undefined;
  for (const key of keys)
    if (!sweep.parameters.some((p) => p.path === key))
      return `names ${key}, which the experiment's sweep does not vary`;
  for (const { path, values } of sweep.parameters) {
    if (!(path in run.point)) return `has no value of ${path}, which the experiment's sweep varies`;
    if (!values.includes(run.point[path]!))
      return `${path} = ${String(run.point[path])} is not a value of the experiment's sweep`;
  }
  return undefined;
}

/** How many times a sweep has this point (a value listed twice makes two); 1 without a sweep. */
function timesInSweep(sweep: SweepDefinition | undefined, point: BundleRun['point']): number {
  let times = 1;
  for (const { path, values } of sweep?.parameters ?? []) times *= values.filter((v) => v === point[path]).length;
  return Math.max(times, 1);
}

/** Why a run of a sharded experiment does not belong to it, or undefined. */
function shardIssue(head: ExperimentHead, sweep: SweepDefinition | undefined, run: BundleRun): string | undefined {
  if (head.shards === null || sweep === undefined) return undefined;
  let shard: number;
  try {
    shard = shardOf(sweep, run.point, head.shards.count);
  } catch (err) {
    return (err as Error).message;
  }
  return head.shards.indices.includes(shard)
    ? undefined
    : `belongs to shard ${shard} of ${head.shards.count}, which this experiment does not hold`;
}

/** The file's events, chunk by chunk; every byte read also goes into `hash`. A leading UTF-8 BOM is skipped. */
function* fileEvents(path: string, hash: ReturnType<typeof createHash>, chunkBytes = 1 << 20): Generator<BundleEvent> {
  const queue: BundleEvent[] = [];
  const scanner = new BundleScanner((event) => queue.push(event));
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    throw new GmemlabError('invalid_input', `cannot read ${path}: ${(err as Error).message}`, [
      { path: 'path', message: (err as Error).message },
    ]);
  }
  try {
    const size = fstatSync(fd).size;
    if (size > MAX_BUNDLE_FILE_BYTES)
      throw new GmemlabError(
        'invalid_input',
        `${path} is ${(size / 2 ** 20).toFixed(0)} MiB; bundles over ${MAX_BUNDLE_FILE_BYTES / 2 ** 20} MiB are refused (export fewer experiments per bundle)`,
        [{ path: 'path', message: `is larger than ${MAX_BUNDLE_FILE_BYTES / 2 ** 20} MiB` }],
      );
    const chunk = Buffer.allocUnsafe(chunkBytes);
    let first = true;
    for (;;) {
      const n = readSync(fd, chunk, 0, chunkBytes, null);
      if (n === 0) break;
      // A copy: the scanner keeps the bytes of an unfinished item, and `chunk` is reused.
      let bytes = Buffer.from(chunk.subarray(0, n));
      hash.update(bytes);
      if (first && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
      first = false;
      scanner.write(bytes);
      yield* queue;
      queue.length = 0;
    }
    scanner.end();
    yield* queue;
  } finally {
    closeSync(fd);
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** A value already in memory, as the events the scanner would give for its JSON text. */
export function* valueEvents(raw: unknown): Generator<BundleEvent> {
  if (!isRecord(raw)) {
    yield { kind: 'notObject', value: raw };
    return;
  }
  for (const [key, value] of Object.entries(raw)) {
    if (!Array.isArray(value) || !(key === 'scenarios' || key === 'costTables' || key === 'experiments')) {
      yield { kind: 'top', key, value };
      continue;
    }
    yield { kind: 'top', key, value: [] };
    for (const [index, item] of value.entries()) {
      if (key === 'scenarios') yield { kind: 'scenario', index, value: item };
      else if (key === 'costTables') yield { kind: 'costTable', index, value: item };
      else if (!isRecord(item)) yield { kind: 'experiment', index, value: item };
      else {
        for (const [field, v] of Object.entries(item)) {
          if (field === 'runs' && Array.isArray(v)) {
            yield { kind: 'experimentField', index, key: 'runs', value: [] };
            for (const [j, run] of v.entries()) yield { kind: 'run', experiment: index, index: j, value: run };
          } else yield { kind: 'experimentField', index, key: field, value: v };
        }
        yield { kind: 'experimentEnd', index };
      }
    }
  }
}

const typeName = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

/**
 * Pass 1: checks each event as it comes and keeps the index. `add` returns false once
 * MAX_BUNDLE_ISSUES problems are found (or one that makes going on pointless), to stop reading.
 */
class BundleChecker {
  readonly issues: BundleIssue[] = [];
  /** The top-level values, the three arrays as [] (their items are checked one by one). */
  readonly #top: Record<string, unknown> = {};
  readonly #scenarios = new Map<string, { parentId: string | null; index: number }>();
  readonly #costTables = new Set<string>();
  /** Cost tables the runs name (more distinct names than tables is already a problem). */
  readonly #costRefs = new Map<string, string>();
  readonly #heads: (Record<string, unknown> | undefined)[] = [];
  readonly #runCounts: number[] = [];
  #scenarioCount = 0;
  #costTableCount = 0;
  #runCount = 0;
  #stopped = false;

  #full(): boolean {
    return this.#stopped || this.issues.length >= MAX_BUNDLE_ISSUES;
  }

  #issue(path: string, message: string): void {
    if (!this.#full()) this.issues.push({ path, message });
  }

  #zod(prefix: string, error: z.ZodError): void {
    for (const i of error.issues)
      this.#issue([prefix, ...i.path.map(String)].filter((p) => p !== '').join('.'), i.message);
  }

  #deep(path: string, value: unknown): boolean {
    if (!nestsDeeperThan(value, MAX_JSON_DEPTH)) return false;
    this.#issue(path, `is nested deeper than ${MAX_JSON_DEPTH} levels`);
    return true;
  }

  add(event: BundleEvent): boolean {
    switch (event.kind) {
      case 'notObject':
        this.#issue('', `expected an object (a gmemlab bundle), got ${typeName(event.value)}`);
        break;
      case 'top':
        this.#topValue(event.key, event.value);
        break;
      case 'scenario':
        this.#scenario(event.index, event.value);
        break;
      case 'costTable':
        this.#costTable(event.index, event.value);
        break;
      case 'experiment':
        this.#issue(`experiments.${event.index}`, `expected object, received ${typeName(event.value)}`);
        break;
      case 'experimentField':
        this.#experimentField(event.index, event.key, event.value);
        break;
      case 'run':
        this.#run(event.experiment, event.index, event.value);
        break;
      case 'experimentEnd':
        this.#experimentEnd(event.index);
        break;
    }
    return !this.#full();
  }

  #topValue(key: string, value: unknown): void {
    if (key === 'format' && value !== BUNDLE_FORMAT) {
      this.#issue(
        'format',
        typeof value === 'string'
          ? `"${value}" is not a bundle format this gmemlab reads (it reads ${BUNDLE_FORMAT})`
          : `must be "${BUNDLE_FORMAT}"`,
      );
      this.#stopped = true;
      return;
    }
    // Unknown keys are reported by the envelope's schema; their values are not kept.
    const known = ['format', 'exportedAt', 'modelVersions', 'scenarios', 'costTables', 'experiments'];
    this.#top[key] = known.includes(key) ? value : null;
  }

  #scenario(i: number, value: unknown): void {
    const path = `scenarios.${i}`;
    if (++this.#scenarioCount > 100_000)
      return this.#stop('scenarios', 'the bundle holds more than 100000 scenario revisions');
    if (this.#deep(`${path}.body`, (value as { body?: unknown } | null)?.body)) return;
    const item = bundleParts.scenario.safeParse(value);
    if (!item.success) return this.#zod(path, item.error);
    const s = item.data;
    if (contentHash(s.body) !== s.id)
      this.#issue(`${path}.id`, 'does not match the content hash of body (the scenario was altered)');
    // A body that hashes right can still be nonsense: a body in a format this version reads must
    // be a valid scenario (export, rerun and diff read it). Other formats are kept as recorded.
    const checked = validateScenario(s.body);
    if (!checked.ok && !checked.issues.some((issue) => issue.path === 'format'))
      for (const issue of checked.issues.slice(0, 5)) this.#issue(`${path}.body.${issue.path}`, issue.message);
    this.#scenarios.set(s.id, { parentId: s.parentId, index: i });
  }

  #costTable(i: number, value: unknown): void {
    const path = `costTables.${i}`;
    if (++this.#costTableCount > 10_000)
      return this.#stop('costTables', 'the bundle holds more than 10000 cost tables');
    if (this.#deep(`${path}.body`, (value as { body?: unknown } | null)?.body)) return;
    const item = bundleParts.costTable.safeParse(value);
    if (!item.success) return this.#zod(path, item.error);
    if (contentHash(item.data.body) !== item.data.id)
      this.#issue(`${path}.id`, 'does not match the content hash of body (the cost table was altered)');
    this.#costTables.add(item.data.id);
  }

  #head(i: number): Record<string, unknown> {
    if (i >= 10_000) this.#stop('experiments', 'the bundle holds more than 10000 experiments');
    return (this.#heads[i] ??= {});
  }

  #experimentField(i: number, key: string, value: unknown): void {
    const head = this.#head(i);
    if (key === 'sweep' && this.#deep(`experiments.${i}.sweep`, value)) return;
    head[key] = value;
  }

  #run(e: number, j: number, value: unknown): void {
    const path = `experiments.${e}.runs.${j}`;
    this.#runCounts[e] = j + 1;
    if (j >= MAX_EXPERIMENT_RUNS)
      return this.#stop(`experiments.${e}.runs`, `an experiment holds at most ${MAX_EXPERIMENT_RUNS} runs`);
    if (++this.#runCount > MAX_BUNDLE_RUNS)
      return this.#stop(
        `experiments.${e}.runs`,
        `the bundle holds more than ${MAX_BUNDLE_RUNS} runs; split it into smaller bundles`,
      );
    const run = value as Record<string, unknown> | null;
    let skip = false;
    for (const field of RUN_RECORDS) {
      const record = run?.[field];
      if (record !== null && typeof record === 'object' && Object.keys(record).length > MAX_RECORD_KEYS) {
        this.#issue(`${path}.${field}`, `has more than ${MAX_RECORD_KEYS} keys`);
        skip = true;
      } else if (this.#deep(`${path}.${field}`, record)) skip = true;
    }
    if (skip) return;
    const item = bundleParts.run.safeParse(run);
    if (!item.success) return this.#zod(path, item.error);
    const cost = item.data.costTableId;
    if (cost !== null && !this.#costRefs.has(cost)) {
      if (this.#costRefs.size > 10_000) this.#issue(`${path}.costTableId`, `cost table ${cost} is not in the bundle`);
      else this.#costRefs.set(cost, `${path}.costTableId`);
    }
  }

  #experimentEnd(i: number): void {
    const head = this.#head(i);
    const runs = head['runs'];
    const parsed = bundleParts.experimentHead.safeParse({ ...head, runs: Array.isArray(runs) ? [] : runs });
    if (!parsed.success) {
      this.#zod(`experiments.${i}`, parsed.error);
      this.#heads[i] = undefined;
    } else this.#heads[i] = parsed.data;
  }

  #stop(path: string, message: string): void {
    this.#issue(path, message);
    this.#stopped = true;
  }

  /** The index, after the checks that need every part; undefined when there were problems. */
  finish(): BundleIndex | undefined {
    if (this.#full()) return undefined;
    const envelope = bundleParts.envelope.safeParse(this.#top);
    if (!envelope.success) this.#zod('', envelope.error);
    for (const { parentId, index } of this.#scenarios.values())
      if (parentId !== null && !this.#scenarios.has(parentId))
        this.#issue(`scenarios.${index}.parentId`, `parent revision ${parentId} is not in the bundle`);
    for (const [id, path] of this.#costRefs)
      if (!this.#costTables.has(id)) this.#issue(path, `cost table ${id} is not in the bundle`);
    const experiments: ExperimentHead[] = [];
    const uids = new Set<string>();
    for (const [i, head] of this.#heads.entries()) {
      if (head === undefined) continue;
      const e = head as unknown as Omit<BundleExperiment, 'runs'>;
      if (uids.has(e.uid)) this.#issue(`experiments.${i}.uid`, 'appears twice in the bundle');
      uids.add(e.uid);
      if (!this.#scenarios.has(e.scenarioId))
        this.#issue(`experiments.${i}.scenarioId`, `scenario revision ${e.scenarioId} is not in the bundle`);
      if (new Set(e.tags).size !== e.tags.length) this.#issue(`experiments.${i}.tags`, 'has duplicate tags');
      if (e.shards !== null && !sweepSchema.safeParse(e.sweep).success)
        this.#issue(`experiments.${i}.sweep`, 'a sharded experiment needs a valid sweep definition');
      const { runs: _runs, ...rest } = head as Record<string, unknown>;
      experiments.push({ ...(rest as Omit<BundleExperiment, 'runs'>), runCount: this.#runCounts[i] ?? 0 });
    }
    if (this.issues.length > 0) return undefined;
    return { experiments, scenarioCount: this.#scenarioCount, runCount: this.#runCount };
  }
}
