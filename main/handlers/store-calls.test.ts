// The store's calls through dispatch(), as the renderer reaches them (real app, real worker pool).
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createApp, type App } from '../app.ts';
import { presetScenario, recordExperiment, tempDir, withVcpus } from '../store/testing.ts';
import { dispatch } from './index.ts';

let dir: { dir: string; cleanup: () => void };
let app: App;
beforeEach(async () => {
  dir = tempDir();
  app = await createApp({ dbPath: join(dir.dir, 'gmemlab.sqlite'), poolSize: 1 });
});
afterEach(async () => {
  await app.close();
  dir.cleanup();
});

const call = (name: string, input: unknown) => dispatch(app.handlers, name, input);

it('serves history queries, and the original listExperiments input still works', async () => {
  const { experimentId } = await recordExperiment(app.store, { name: 'tagged sweep', vcpus: [1, 2] });
  await recordExperiment(app.store, { name: 'other' });
  expect(await call('setExperimentTags', { experimentId, tags: ['lkml'] })).toEqual({
    ok: true,
    value: { tags: ['lkml'] },
  });
  expect(await call('setExperimentNote', { experimentId, note: 'for the v3 reply' })).toEqual({
    ok: true,
    value: { note: 'for the v3 reply' },
  });
  const old = await call('listExperiments', { offset: 0, limit: 10, search: 'reply' });
  expect(old.ok && (old.value as { total: number }).total).toBe(1);
  const filtered = await call('listExperiments', {
    tags: ['lkml'],
    parameters: [{ path: 'vm.vcpus', equals: 2 }],
    sort: { by: 'name' },
  });
  expect(filtered.ok && (filtered.value as { items: { id: number }[] }).items.map((e) => e.id)).toEqual([experimentId]);
  const runs = await call('listRuns', { experimentId, limit: 5 });
  expect(runs.ok && (runs.value as { items: unknown[] }).items.length).toBe(5);
});

it('rejects unsafe or malformed filters with the field named', async () => {
  const bad = await call('listExperiments', { parameters: [{ path: "vm.vcpus') or 1=1 --", min: 1 }] });
  expect(bad.ok).toBe(false);
  expect(!bad.ok && bad.error.issues?.[0]?.path).toBe('parameters.0.path');
  const noKey = await call('listRuns', { sort: { by: 'metric' } });
  expect(!noKey.ok && noKey.error.issues?.[0]?.path).toBe('sort.key');
  const date = await call('listExperiments', { createdFrom: 'last tuesday' });
  expect(!date.ok && date.error.issues?.[0]?.path).toBe('createdFrom');
});

it('exports and imports bundles, reporting bundle problems as invalid input', async () => {
  const { experimentId } = await recordExperiment(app.store, { name: 'to share' });
  const exported = await call('exportBundle', { experimentIds: [experimentId] });
  expect(exported).toMatchObject({
    ok: true,
    value: { filename: `gmemlab-bundle-${experimentId}.json`, mimeType: 'application/json' },
  });
  const text = exported.ok ? (exported.value as { text: string }).text : '';
  const again = await call('importBundle', { bundle: JSON.parse(text) });
  expect(again).toMatchObject({ ok: true, value: { experimentsImported: 0, experimentsSkipped: 1 } });
  const broken = await call('importBundle', { bundle: { format: 'gmemlab/bundle@1', exportedAt: 'x' } });
  expect(broken).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
  expect(!broken.ok && broken.error.issues?.map((i) => i.path)).toContain('bundle.exportedAt');
  expect(await call('exportBundle', { experimentIds: [999] })).toMatchObject({
    ok: false,
    error: { code: 'not_found' },
  });
});

it('re-runs failed runs, deletes experiments, and serves scenario revisions', async () => {
  const { experimentId, runIds } = await recordExperiment(app.store, { name: 'flaky', vcpus: [1, 2] });
  await app.store.setRunsStatus(runIds.slice(0, 3), 'failed', 'worker crashed');
  await app.store.setExperimentStatus(experimentId, 'failed');
  expect(await call('rerunExperiment', { experimentId })).toEqual({ ok: true, value: { experimentId, runsTotal: 3 } });
  await app.runner.whenDone(experimentId);
  const detail = await app.store.getExperiment(experimentId);
  expect(detail?.status).toBe('done');
  expect(detail?.runs.every((r) => r.status === 'done')).toBe(true);

  const revisions = await call('listScenarioRevisions', {});
  expect(revisions.ok && (revisions.value as { total: number }).total).toBe(1);
  expect(await call('getScenarioRevision', { id: detail!.scenarioId })).toMatchObject({
    ok: true,
    value: { id: detail!.scenarioId, experiments: 1 },
  });
  expect(await call('getScenarioRevision', { id: 'f'.repeat(64) })).toMatchObject({
    ok: false,
    error: { code: 'not_found' },
  });

  expect(await call('deleteExperiment', { experimentId })).toEqual({ ok: true, value: { deleted: true } });
  expect(await call('getExperiment', { experimentId })).toMatchObject({ ok: false, error: { code: 'not_found' } });
  expect(await call('rerunExperiment', { experimentId })).toMatchObject({ ok: false, error: { code: 'not_found' } });
});

it('refuses to re-run an experiment over the run budget (as an imported one can be), changing nothing', async () => {
  // 600 points x 1 strategy x 100 seeds = 60,000 simulations: over the 50,000 that start allows.
  const base = presetScenario();
  const scenario = {
    ...base,
    simulation: { method: 'des' as const, durationSec: 0.001, seeds: Array.from({ length: 100 }, (_, i) => i) },
  };
  const points = Array.from({ length: 600 }, (_, i) => ({ 'workload.touchpoints.mmio.ratePerSec': i + 1 }));
  const { experimentId, runIds } = await app.store.createExperiment({
    name: 'imported, huge',
    kind: 'sweep',
    method: 'des',
    scenario,
    runs: points.map((point) => ({ strategy: 'S0', point, seeds: scenario.simulation.seeds })),
  });
  await app.store.setRunsStatus(runIds, 'failed', 'interrupted elsewhere');
  await app.store.setExperimentStatus(experimentId, 'failed');
  const before = await app.store.getExperiment(experimentId);
  const refused = await call('rerunExperiment', { experimentId });
  expect(refused).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
  expect(!refused.ok && refused.error.message).toMatch(
    /would run 60000 simulations \(600 points x 1 strategies x 100 seeds\)/,
  );
  expect(await app.store.getExperiment(experimentId)).toEqual(before);
});

it('saves scenario revisions with their parent, once per content', async () => {
  const scenario = presetScenario();
  const first = await call('saveScenarioRevision', { scenario });
  expect(first).toMatchObject({ ok: true, value: { created: true } });
  const parentId = first.ok ? (first.value as { id: string }).id : '';
  expect(await call('saveScenarioRevision', { scenario })).toEqual({
    ok: true,
    value: { id: parentId, created: false },
  });
  const edited = withVcpus(scenario, 3);
  const child = await call('saveScenarioRevision', { scenario: edited, parentId });
  expect(child).toMatchObject({ ok: true, value: { created: true } });
  expect(await call('getScenarioRevision', { id: child.ok ? (child.value as { id: string }).id : '' })).toMatchObject({
    ok: true,
    value: { parentId },
  });
  expect(await call('saveScenarioRevision', { scenario: edited, parentId: 'e'.repeat(64) })).toMatchObject({
    ok: false,
    error: { code: 'not_found' },
  });
  expect(await call('saveScenarioRevision', { scenario: { format: 'gmemlab/scenario@1' } })).toMatchObject({
    ok: false,
    error: { code: 'invalid_input' },
  });
});
