// Helpers for the store's tests and bench: temp databases and real results from the core.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  PRESETS,
  runAnalytic,
  runPlan,
  setParameter,
  validateScenario,
  type Scenario,
} from '../../common/core/index.ts';
import { Store } from './store.ts';

export function tempDir(prefix = 'gmemlab-store-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A store on a file in a new temporary directory (`path`); `close` closes it and deletes the directory. */
export async function openTempStore(
  file = 'gmemlab.sqlite',
): Promise<{ store: Store; path: string; close: () => Promise<void> }> {
  const dir = tempDir();
  const path = join(dir.dir, file);
  const store = await Store.open(path);
  return {
    store,
    path,
    close: async () => {
      await store.close();
      dir.cleanup();
    },
  };
}

export function presetScenario(index = 0): Scenario {
  const preset = PRESETS[index] ?? PRESETS[0];
  if (preset === undefined) throw new Error('the core has no presets');
  return preset.scenario;
}

/** A scenario with vm.vcpus set (the one path every scenario format has). */
export function withVcpus(scenario: Scenario, vcpus: number): Scenario {
  const checked = validateScenario(setParameter(scenario, 'vm.vcpus', vcpus));
  if (!checked.ok)
    throw new Error(`vm.vcpus = ${vcpus}: ${checked.issues.map((i) => `${i.path} ${i.message}`).join('; ')}`);
  return checked.value;
}

/**
 * Records a finished experiment through the Store API exactly as the runner does: a sweep over
 * vm.vcpus (or a single run when vcpus is one value), with results from the analytic model.
 */
export async function recordExperiment(
  store: Store,
  options: { name: string; scenario?: Scenario; vcpus?: number[] },
): Promise<{ experimentId: number; runIds: number[] }> {
  const base = options.scenario ?? presetScenario();
  const vcpus = options.vcpus ?? [];
  const points =
    vcpus.length === 0
      ? [{ point: {}, scenario: base }]
      : vcpus.map((v) => ({ point: { 'vm.vcpus': v }, scenario: withVcpus(base, v) }));
  const plan = runPlan(base);
  const { experimentId, runIds } = await store.createExperiment({
    name: options.name,
    kind: vcpus.length === 0 ? 'single' : 'sweep',
    method: plan.method,
    scenario: base,
    sweep: vcpus.length === 0 ? undefined : { parameters: [{ path: 'vm.vcpus', values: vcpus }] },
    runs: points.flatMap((p) => plan.strategies.map((strategy) => ({ strategy, point: p.point, seeds: plan.seeds }))),
  });
  await store.setExperimentStatus(experimentId, 'running');
  let i = 0;
  for (const p of points) {
    const output = runAnalytic(p.scenario);
    for (const strategy of plan.strategies) {
      const result = output.strategies.find((r) => r.strategy === strategy);
      const runId = runIds[i++]!;
      if (result === undefined) throw new Error(`no result for ${strategy}`);
      await store.saveRunResults([{ runId, modelVersion: output.modelVersion, costTable: output.costTable, result }]);
    }
  }
  await store.setExperimentStatus(experimentId, 'done');
  return { experimentId, runIds };
}
