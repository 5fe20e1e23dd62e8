import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ExperimentDetail } from '../../common/contract/index.ts';
import { runAnalytic } from '../../common/core/index.ts';
import type { Bundle } from '../../common/contract/bundle.ts';
import { BundleError } from './errors.ts';
import { Store } from './store.ts';
import { presetScenario, recordExperiment, tempDir, withVcpus } from './testing.ts';

let dir: { dir: string; cleanup: () => void };
let source: Store;
let target: Store;

beforeEach(async () => {
  dir = tempDir();
  source = await Store.open(join(dir.dir, 'source.sqlite'));
  target = await Store.open(join(dir.dir, 'target.sqlite'));
});
afterEach(async () => {
  await source.close();
  await target.close();
  dir.cleanup();
});

/** What must survive a round trip: everything but the database's own integer ids. */
function portable(d: ExperimentDetail | undefined): unknown {
  if (d === undefined) return undefined;
  const { id: _id, runs, ...rest } = d;
  return { ...rest, runs: runs.map(({ id: _runId, ...run }) => run) };
}

function counts(store: Store): Record<string, number> {
  const out: Record<string, number> = {};
  for (const t of [
    'scenario_revisions',
    'cost_tables',
    'experiments',
    'runs',
    'run_metrics',
    'distributions',
    'tags',
  ]) {
    out[t] = (store.opened.sqlite.prepare(`select count(*) as c from ${t}`).get() as { c: number }).c;
  }
  return out;
}

async function twoExperiments(): Promise<{ bundle: Bundle; ids: number[] }> {
  const base = presetScenario();
  const parent = await source.saveScenario(base);
  const child = withVcpus(base, 3);
  await source.saveScenario(child, parent);
  const a = await recordExperiment(source, { name: 'sweep for the list', vcpus: [1, 2, 4] });
  const b = await recordExperiment(source, { name: 'child revision run', scenario: child });
  await source.setTags(a.experimentId, ['lkml', 'v3']);
  await source.setNote(a.experimentId, 'numbers for the reply to the RFC');
  const ids = [a.experimentId, b.experimentId];
  return { bundle: await source.exportBundle(ids), ids };
}

describe('bundles', () => {
  it('round-trips experiments with scenarios, runs, metrics, tags and notes', async () => {
    const { bundle, ids } = await twoExperiments();
    expect(bundle.format).toBe('gmemlab/bundle@1');
    // Through JSON text, as a file would carry it.
    const summary = await target.importBundle(JSON.parse(JSON.stringify(bundle)));
    expect(summary).toMatchObject({ experimentsImported: 2, experimentsSkipped: 0 });
    const imported = (await target.listExperiments({ offset: 0, limit: 10, sort: { by: 'createdAt', dir: 'asc' } }))
      .items;
    expect(imported).toHaveLength(2);
    for (const [i, id] of ids.entries()) {
      expect(portable(await target.getExperiment(imported[i]!.id))).toEqual(portable(await source.getExperiment(id)));
    }
    // The child revision arrives with its parent.
    const childId = (await source.getExperiment(ids[1]!))!.scenarioId;
    const revision = await target.getScenarioRevision(childId);
    expect(revision?.parentId).not.toBeNull();
    expect(await target.getScenarioRevision(revision!.parentId!)).toBeDefined();
    expect((await target.listExperiments({ offset: 0, limit: 10, search: 'RFC' })).total).toBe(1);
  });

  it('does not duplicate when the same bundle is imported twice', async () => {
    const { bundle } = await twoExperiments();
    await target.importBundle(bundle);
    const after = counts(target);
    const again = await target.importBundle(bundle);
    expect(again).toEqual({
      experiments: [
        expect.objectContaining({ outcome: 'skipped', id: 1 }),
        expect.objectContaining({ outcome: 'skipped', id: 2 }),
      ],
      experimentsImported: 0,
      shardsMerged: 0,
      experimentsSkipped: 2,
      runsImported: 0,
      scenariosImported: 0,
      costTablesImported: 0,
    });
    expect(counts(target)).toEqual(after);
    // Importing back into the source is a no-op too (same uids).
    const before = counts(source);
    expect((await source.importBundle(bundle)).experimentsSkipped).toBe(2);
    expect(counts(source)).toEqual(before);
  });

  it('validates everything before writing anything', async () => {
    const { bundle } = await twoExperiments();
    const empty = counts(target);
    const reject = async (raw: unknown, pattern: RegExp): Promise<void> => {
      const error = await target.importBundle(raw).then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(error).toBeInstanceOf(BundleError);
      expect((error as BundleError).issues.map((i) => `${i.path}: ${i.message}`).join('\n')).toMatch(pattern);
      expect(counts(target)).toEqual(empty);
    };
    await reject({ format: 'gmemlab/bundle@9' }, /^format: .*not a bundle format/);
    await reject('not an object', /bundle|object/i);
    // The second experiment is broken: the first must not be written either.
    const brokenRun = structuredClone(bundle);
    (brokenRun.experiments[1]!.runs[0]!.metrics as Record<string, unknown>)['cost.overheadPct'] = {
      mean: 'NaN',
      ci95: 0,
      n: 1,
    };
    await reject(brokenRun, /^experiments\.1\.runs\.0\.metrics\.cost\.overheadPct\.mean: /m);
    const altered = structuredClone(bundle);
    (altered.scenarios[0]!.body as Record<string, unknown>)['name'] = 'tampered';
    await reject(altered, /^scenarios\.0\.id: does not match the content hash/m);
    const dangling = structuredClone(bundle);
    dangling.experiments[0]!.scenarioId = 'f'.repeat(64);
    await reject(dangling, /^experiments\.0\.scenarioId: .*not in the bundle/m);
    const twice = structuredClone(bundle);
    twice.experiments[1]!.uid = twice.experiments[0]!.uid;
    await reject(twice, /^experiments\.1\.uid: appears twice/m);
    // A shard claiming points of another shard (the first experiment is a sweep over vm.vcpus).
    const shard = structuredClone(bundle);
    shard.experiments[0]!.shards = { count: 2, indices: [1] };
    await reject(
      shard,
      /^experiments\.0\.runs\.\d+\.point: belongs to shard 2 of 2, which this experiment does not hold/m,
    );
    const badIndices = structuredClone(bundle);
    badIndices.experiments[0]!.shards = { count: 2, indices: [2, 1] };
    await reject(badIndices, /^experiments\.0\.shards: indices must be increasing/m);
  });

  it('imports runs that were executing as interrupted, so they can be re-run', async () => {
    const { experimentId, runIds } = await recordExperiment(source, { name: 'cut short', vcpus: [1, 2] });
    await source.setRunsStatus([runIds[0]!], 'running');
    await source.setExperimentStatus(experimentId, 'running');
    const bundle = await source.exportBundle([experimentId]);
    await target.importBundle(bundle);
    const detail = await target.getExperiment((await target.listExperiments({ offset: 0, limit: 1 })).items[0]!.id);
    expect(detail?.status).toBe('interrupted');
    expect(detail?.runs[0]?.status).toBe('interrupted');
  });

  it('reports experiments that do not exist', async () => {
    await expect(source.exportBundle([42])).rejects.toThrow(/experiment 42 does not exist/);
  });
});

it('carries distributions and series, and delete removes them', async () => {
  const scenario = presetScenario();
  const { experimentId, runIds } = await source.createExperiment({
    name: 'des-like',
    kind: 'single',
    method: 'analytic',
    scenario,
    runs: [{ strategy: 'S2', point: {}, seeds: [1, 2] }],
  });
  const output = runAnalytic(scenario);
  const result = {
    ...output.strategies[0]!,
    strategy: 'S2' as const,
    distributions: { mmio: { bucketUpperUs: [1, 10], counts: [5, 1] } },
  };
  await source.saveRunResults([
    {
      runId: runIds[0]!,
      modelVersion: output.modelVersion,
      costTable: output.costTable,
      result,
      series: { 'lock.queue': { x: [0, 1, 2], y: [0, 3, 1] } },
    },
  ]);
  await source.setExperimentStatus(experimentId, 'done');
  const run = (await source.getExperiment(experimentId))!.runs[0]!;
  expect(run.series).toEqual({ 'lock.queue': { x: [0, 1, 2], y: [0, 3, 1] } });
  expect(run.distributions).toEqual({ mmio: { bucketUpperUs: [1, 10], counts: [5, 1] } });

  await target.importBundle(JSON.parse(JSON.stringify(await source.exportBundle([experimentId]))));
  const imported = (await target.listExperiments({ offset: 0, limit: 1 })).items[0]!;
  expect(portable(await target.getExperiment(imported.id))).toEqual(portable(await source.getExperiment(experimentId)));

  await source.deleteExperiment(experimentId);
  expect(
    source.opened.sqlite
      .prepare('select (select count(*) from series) + (select count(*) from distributions) as c')
      .get(),
  ).toEqual({ c: 0 });
});
