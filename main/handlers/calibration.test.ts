// Calibration through the contract on a real SQLite file: a profile made from tool outputs is
// saved with its provenance, listed, applied to a scenario, and a run with it differs from a
// default run in exactly the cost entries the profile sets (diffRuns names them).
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PRESETS, runAnalytic, runPlan, type HostProfile, type Scenario } from '../../common/core/index.ts';
import type { CalibrationResult, HostProfileSummary } from '../../common/contract/index.ts';
import { Store } from '../store/store.ts';
import { openTempStore } from '../store/testing.ts';
import type { ExperimentRunner } from '../runner/experiments.ts';
import { createHandlers, dispatch } from './index.ts';

const fixture = (name: string) => ({
  name,
  text: readFileSync(new URL(`../../common/core/calibrate/fixtures/${name}`, import.meta.url), 'utf8'),
});
const files = [
  fixture('kit-vmexit.constructed.txt'),
  fixture('kit-directmap-8cpus.constructed.txt'),
  fixture('kit-directmap-32cpus.constructed.txt'),
  fixture('perf-x86-2021-10-20.txt'),
];

let store: Store;
let closeStore: () => Promise<void>;
beforeEach(async () => {
  ({ store, close: closeStore } = await openTempStore('db.sqlite'));
});
afterEach(() => closeStore());
const handlers = () => createHandlers({ store, runner: {} as ExperimentRunner });

/** A finished single-run experiment of the scenario, saved the way the runner saves one. */
async function saveRun(scenario: Scenario): Promise<Map<string, number>> {
  const plan = runPlan(scenario);
  const { runIds } = await store.createExperiment({
    name: scenario.name,
    kind: 'single',
    method: plan.method,
    scenario,
    runs: plan.strategies.map((strategy) => ({ strategy, point: {}, seeds: plan.seeds })),
  });
  const out = runAnalytic(scenario);
  await store.saveRunResults(
    plan.strategies.map((strategy, i) => ({
      runId: runIds[i]!,
      modelVersion: out.modelVersion,
      costTable: out.costTable,
      result: out.strategies.find((r) => r.strategy === strategy)!,
    })),
  );
  return new Map(plan.strategies.map((s, i) => [s, runIds[i]!]));
}

describe('calibration calls', () => {
  it('makes, saves, lists and reads a profile with the files hashes as provenance; saving it again is a no-op', async () => {
    const made = await dispatch(handlers(), 'calibrateHost', { files, name: 'lab box' });
    expect(made.ok).toBe(true);
    const result = (made as { value: CalibrationResult }).value;
    expect(result.created).toBe(true);
    expect(result.id).toMatch(/^[0-9a-f]{64}$/);
    const sha = (t: string) => createHash('sha256').update(t, 'utf8').digest('hex');
    expect(result.profile.sources.map((s) => s.sha256)).toEqual(files.map((f) => sha(f.text)));
    expect(result.profile.sources[0]).toMatchObject({ hostName: 'example-host', measuredAt: '2026-11-25T23:00:00Z' });

    const list = (await dispatch(handlers(), 'listHostProfiles', {})) as { ok: true; value: HostProfileSummary[] };
    expect(list.value).toHaveLength(1);
    expect(list.value[0]).toMatchObject({ id: result.id, name: 'lab box', hostName: 'example-host' });
    expect(list.value[0]!.entries).toContain('shootdownPerTarget');
    const got = (await dispatch(handlers(), 'getHostProfile', { id: result.id })) as { ok: true; value: HostProfile };
    expect(got.value.costs).toEqual(result.profile.costs);
    // The same profile body (same createdAt) saved twice keeps one row.
    expect(await store.saveHostProfile(result.profile)).toEqual({ id: result.id, created: false });
  });

  it('refuses a foreign file naming it, at its place in the request, and saves nothing', async () => {
    const bad = await dispatch(handlers(), 'calibrateHost', {
      files: [files[0], { name: 'dmesg.txt', text: '[    0.000000] Linux version 6.12' }],
      name: 'lab box',
    });
    expect(bad).toMatchObject({
      ok: false,
      error: { code: 'invalid_input', message: /^dmesg\.txt: not an output/, issues: [{ path: 'files.1.text' }] },
    });
    expect(await dispatch(handlers(), 'listHostProfiles', {})).toEqual({ ok: true, value: [] });
    expect(await dispatch(handlers(), 'getHostProfile', { id: 'f'.repeat(64) })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
  });

  it('applies a profile, and a diff of a default and a calibrated run names the changed cost entries', async () => {
    const made = (await dispatch(handlers(), 'calibrateHost', { files, name: 'lab box' })) as {
      ok: true;
      value: CalibrationResult;
    };
    const base = PRESETS[0]!.scenario;
    const applied = (await dispatch(handlers(), 'applyHostProfile', { profileId: made.value.id, scenario: base })) as {
      ok: true;
      value: { scenario: Scenario };
    };
    const calibrated = applied.value.scenario;
    expect(calibrated.host.profile).toEqual({
      id: made.value.id,
      name: 'lab box',
      entries: made.value.profile.costs.map((c) => c.key),
    });
    const defaults = await saveRun({ ...base, host: { ...base.host, ghz: calibrated.host.ghz } });
    const measured = await saveRun(calibrated);
    const diff = (await dispatch(handlers(), 'diffRuns', {
      runIdA: defaults.get('S2')!,
      runIdB: measured.get('S2')!,
    })) as { ok: true; value: import('../../common/contract/index.ts').RunDiff };
    const changed = diff.value.costs.filter((c) => c.changed).map((c) => c.key);
    expect(changed.sort()).toEqual(made.value.profile.costs.map((c) => c.key).sort());
    expect(changed).toEqual(
      expect.arrayContaining(['vmExitRoundTrip', 'pteUpdate', 'shootdownBase', 'shootdownPerTarget']),
    );
    // The provenance travels in the scenario, so the parameter diff names the profile too.
    expect(diff.value.parameters.filter((p) => p.changed).map((p) => p.path)).toEqual(
      expect.arrayContaining(['scenario.host.profile.id', 'scenario.host.costs.shootdownBase']),
    );
    // S2 pays the flush: its cost moves.
    const host = diff.value.metrics.find((m) => m.key === 'cost.cyclesPerSecHost')!;
    expect(host.abs).not.toBe(0);
    // The preset's touchpoints at rate 0 (and nested TDP, gated off) paid nothing in either run:
    // their latencies, moved by the new costs all the same, are left out and named.
    expect(diff.value.idleTouchpoints).toEqual([
      'nestedTdp',
      'dirtyLog',
      'populate',
      'postCopy',
      'migration',
      'snapshot',
    ]);
    const latencies = diff.value.metrics.filter((m) => m.key.startsWith('latency.')).map((m) => m.key);
    expect(latencies.sort()).toEqual(
      ['hvaCache', 'hypercall', 'mmio', 'pfnCache', 'pio', 'virtio'].map((t) => `latency.${t}.meanUs`),
    );
  });

  it('refuses to apply an unknown profile or to an invalid scenario', async () => {
    expect(
      await dispatch(handlers(), 'applyHostProfile', { profileId: 'e'.repeat(64), scenario: PRESETS[0]!.scenario }),
    ).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(
      await dispatch(handlers(), 'applyHostProfile', { profileId: 'e'.repeat(64), scenario: { vm: 1 } }),
    ).toMatchObject({
      ok: false,
      error: { code: 'invalid_input' },
    });
  });
});
