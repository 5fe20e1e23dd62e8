import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PRESETS, runAnalytic, runPlan, setParameter, type Scenario } from '../../common/core/index.ts';
import { Store } from '../store/store.ts';
import { createHandlers, dispatch } from './index.ts';
import type { ExperimentRunner } from '../runner/experiments.ts';
import { runsInContext, type RunsData } from '../../common/contract/index.ts';
import { createApp } from '../app.ts';
import type { Matrix } from '../../common/analysis/matrix.ts';
import { costClass, defaultCost } from '../../common/analysis/scenarioFields.ts';

let dir: string;
let store: Store;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gmemlab-wb-'));
  store = await Store.open(join(dir, 'db.sqlite'));
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Saves a finished experiment the way the runner does, computing each point analytically. */
async function saveExperiment(base: Scenario, vcpus: number[]): Promise<number[]> {
  const plan = runPlan(base);
  const points = vcpus.map((v) => ({ point: { 'vm.vcpus': v }, scenario: setParameter(base, 'vm.vcpus', v) }));
  const { runIds } = await store.createExperiment({
    name: base.name,
    kind: 'sweep',
    method: plan.method,
    scenario: base,
    runs: points.flatMap((p) => plan.strategies.map((strategy) => ({ strategy, point: p.point, seeds: plan.seeds }))),
  });
  let i = 0;
  for (const p of points) {
    const out = runAnalytic(p.scenario);
    for (const strategy of plan.strategies) {
      const result = out.strategies.find((r) => r.strategy === strategy)!;
      await store.saveRunResults([
        { runId: runIds[i++]!, modelVersion: out.modelVersion, costTable: out.costTable, result },
      ]);
    }
  }
  return runIds;
}

describe('workbench calls', () => {
  const base = PRESETS[0]!.scenario;
  const handlers = () => createHandlers({ store, runner: {} as ExperimentRunner });

  it('previews a sweep size, and names the bad point', async () => {
    const ok = await dispatch(handlers(), 'previewSweep', {
      scenario: base,
      sweep: { parameters: [{ path: 'vm.vcpus', values: [1, 2, 4] }] },
    });
    expect(ok).toMatchObject({ ok: true, value: { points: 3, runs: 3 * runPlan(base).strategies.length } });
    const bad = await dispatch(handlers(), 'previewSweep', {
      scenario: base,
      sweep: { parameters: [{ path: 'vm.vcpus', values: [1, -5] }] },
    });
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    if (!bad.ok) expect(bad.error.issues?.[0]?.path).toBe('sweep.parameters.0.values.1');
  });

  it('gets runs with their experiment, and diffs two runs and two scenarios', async () => {
    const runsA = await saveExperiment(base, [2, 8]);
    const other = setParameter(setParameter(base, 'name', 'Other'), 'vm.vcpus', 3);
    const runsB = await saveExperiment(other, [8]);
    const got = await dispatch(handlers(), 'getRuns', { runIds: [runsB[0]!, runsA[0]!] });
    expect(got.ok).toBe(true);
    if (!got.ok) return;
    const runs = runsInContext(got.value as RunsData);
    expect(runs.map((r) => r.id)).toEqual([runsB[0], runsA[0]]);
    expect(runs[0]!.experimentName).toBe('Other');
    expect(runs[1]!.point).toEqual({ 'vm.vcpus': 2 });

    const missing = await dispatch(handlers(), 'getRuns', { runIds: [999999] });
    expect(missing).toMatchObject({ ok: false, error: { code: 'not_found' } });

    const strategies = runPlan(base).strategies.length;
    // Same strategy, vcpus 2 vs 8: the effective scenarios differ in vm.vcpus only.
    const d = await dispatch(handlers(), 'diffRuns', { runIdA: runsA[0]!, runIdB: runsA[strategies]! });
    expect(d.ok).toBe(true);
    if (!d.ok) return;
    const diff = d.value as { parameters: { path: string; changed: boolean }[]; metrics: { key: string }[] };
    expect(diff.parameters.filter((p) => p.changed).map((p) => p.path)).toEqual(['scenario.vm.vcpus']);
    expect(diff.metrics.length).toBeGreaterThan(0);

    const exps = await store.listExperiments({ offset: 0, limit: 10 });
    const [eb, ea] = exps.items;
    const sd = await dispatch(handlers(), 'diffScenarios', {
      scenarioIdA: ea!.scenarioId,
      scenarioIdB: eb!.scenarioId,
    });
    expect(sd.ok).toBe(true);
    if (!sd.ok) return;
    const changed = (sd.value as { parameters: { path: string; changed: boolean }[] }).parameters
      .filter((p) => p.changed)
      .map((p) => p.path);
    expect(changed).toEqual(['name', 'vm.vcpus']);
  });
});

describe('getSensitivity', () => {
  const base = PRESETS[0]!.scenario;
  const handlers = () => createHandlers({ store, runner: {} as ExperimentRunner });

  it("answers for the run's point (the sweep value applied), and names a bad metric or run", async () => {
    const runIds = await saveExperiment(base, [2, 64]);
    const strategies = runPlan(base).strategies.length;
    const got = await dispatch(handlers(), 'getSensitivity', {
      runId: runIds[strategies]!,
      metric: 'cost.overheadPct',
      samples: 5,
    });
    expect(got.ok).toBe(true);
    if (!got.ok) return;
    const answer = got.value as {
      runId: number;
      runMethod: string;
      base: Record<string, number>;
      ranking: { samples: number };
    };
    // The point's own figures: vm.vcpus = 64, not the base scenario's.
    const atPoint = runAnalytic(setParameter(base, 'vm.vcpus', 64)).strategies;
    for (const r of atPoint) expect(answer.base[r.strategy]).toBeCloseTo(r.metrics['cost.overheadPct']!.mean, 9);
    expect(answer).toMatchObject({ runId: runIds[strategies], runMethod: 'analytic', ranking: { samples: 5 } });

    const badMetric = await dispatch(handlers(), 'getSensitivity', { runId: runIds[0]!, metric: 'cost.nope' });
    expect(badMetric).toMatchObject({ ok: false, error: { code: 'invalid_input', issues: [{ path: 'metric' }] } });
    const badSamples = await dispatch(handlers(), 'getSensitivity', {
      runId: runIds[0]!,
      metric: 'cost.overheadPct',
      samples: 1e6,
    });
    expect(badSamples).toMatchObject({ ok: false, error: { code: 'invalid_input', issues: [{ path: 'samples' }] } });
    const missing = await dispatch(handlers(), 'getSensitivity', { runId: 999999, metric: 'cost.overheadPct' });
    expect(missing).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });
});

describe('startExperiment with a sweep', () => {
  it('passes the sweep to the runner: one run per point and strategy, each with its point', async () => {
    const app = await createApp({ dbPath: join(dir, 'app.sqlite'), poolSize: 1 });
    try {
      const base = PRESETS[0]!.scenario;
      const started = await dispatch(app.handlers, 'startExperiment', {
        scenario: base,
        sweep: { parameters: [{ path: 'vm.vcpus', values: [1, 2, 4] }] },
      });
      expect(started.ok).toBe(true);
      if (!started.ok) return;
      const { experimentId, runsTotal } = started.value as { experimentId: number; runsTotal: number };
      expect(runsTotal).toBe(3 * runPlan(base).strategies.length);
      await app.runner.whenDone(experimentId);
      const detail = await app.store.getExperiment(experimentId);
      expect(detail!.kind).toBe('sweep');
      expect([...new Set(detail!.runs.map((r) => r.point['vm.vcpus']))]).toEqual([1, 2, 4]);
      const bad = await dispatch(app.handlers, 'startExperiment', {
        scenario: base,
        sweep: { parameters: [{ path: 'vm.vcpus', values: [0] }] },
      });
      expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    } finally {
      await app.close();
    }
  });
});

describe('getMatrix', () => {
  const base = PRESETS[0]!.scenario;
  const handlers = () => createHandlers({ store, runner: {} as ExperimentRunner });
  const metrics = ['cost.overheadPct', 'exposure.kernel.fraction'];

  it('gives every preset with the formulas, figures marked with the estimate costs they rest on', async () => {
    const got = await dispatch(handlers(), 'getMatrix', { metrics });
    expect(got.ok).toBe(true);
    if (!got.ok) return;
    const m = got.value as Matrix;
    expect(m.rows.map((r) => r.id)).toEqual(PRESETS.map((p) => p.id));
    for (const [i, p] of PRESETS.entries()) {
      const out = runAnalytic(p.scenario).strategies;
      for (const r of out) {
        const cell = m.rows[i]!.cells[r.strategy]!;
        expect(cell.metrics['cost.overheadPct']!.mean).toBeCloseTo(r.metrics['cost.overheadPct']!.mean, 9);
        // Every estimate named is an estimate-class entry; S0 (no extra cost) rests on none for its overhead.
        for (const keys of Object.values(cell.estimates))
          for (const k of keys) expect(costClass(defaultCost(k)!)).toBe('estimate');
      }
    }
    const quiet = m.rows[0]!.cells;
    expect(quiet.S0!.estimates['cost.overheadPct']).toEqual([]);
    // Some strategy's overhead in the quiet preset rests on an estimate (the table has many).
    expect(Object.values(quiet).some((c) => c!.estimates['cost.overheadPct']!.length > 0)).toBe(true);
  });

  it("gives experiments' stored runs at their first or a chosen point, and names what is wrong", async () => {
    await saveExperiment(base, [2, 64]);
    const [exp] = (await store.listExperiments({ offset: 0, limit: 1 })).items;
    const first = await dispatch(handlers(), 'getMatrix', { metrics, experiments: [{ experimentId: exp!.id }] });
    expect(first).toMatchObject({ ok: true, value: { rows: [{ kind: 'experiment', point: { 'vm.vcpus': 2 } }] } });
    const chosen = await dispatch(handlers(), 'getMatrix', {
      metrics,
      experiments: [{ experimentId: exp!.id, point: { 'vm.vcpus': 64 } }],
    });
    expect(chosen.ok).toBe(true);
    if (!chosen.ok) return;
    const row = (chosen.value as Matrix).rows[0]!;
    const at64 = runAnalytic(setParameter(base, 'vm.vcpus', 64)).strategies.find((r) => r.strategy === 'S2')!;
    expect(row.cells.S2!.metrics['cost.overheadPct']!.mean).toBeCloseTo(at64.metrics['cost.overheadPct']!.mean, 9);

    const noPoint = await dispatch(handlers(), 'getMatrix', {
      metrics,
      experiments: [{ experimentId: exp!.id, point: { 'vm.vcpus': 3 } }],
    });
    expect(noPoint).toMatchObject({
      ok: false,
      error: { code: 'invalid_input', issues: [{ path: 'experiments.0.point' }] },
    });
    const badMetric = await dispatch(handlers(), 'getMatrix', { metrics: ['cost.overheadPct', 'cost.nope'] });
    expect(badMetric).toMatchObject({ ok: false, error: { code: 'invalid_input', issues: [{ path: 'metrics.1' }] } });
    const none = await dispatch(handlers(), 'getMatrix', { metrics: [] });
    expect(none).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    const missing = await dispatch(handlers(), 'getMatrix', { metrics, experiments: [{ experimentId: 999 }] });
    expect(missing).toMatchObject({ ok: false, error: { code: 'not_found' } });
    const extra = await dispatch(handlers(), 'getMatrix', { metrics, presets: true });
    expect(extra).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
  });
});
