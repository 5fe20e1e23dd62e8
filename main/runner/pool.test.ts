// The worker pool with real worker threads running the real core.
import { afterEach, describe, expect, it } from 'vitest';
import { PRESETS, runAnalytic, setParameter } from '../../common/core/index.ts';
import { JobCancelledError, WorkerPool } from './pool.ts';
import { unpackResults } from './wire.ts';

const scenario = PRESETS[0]!.scenario;
let pool: WorkerPool | undefined;
afterEach(async () => {
  await pool?.close();
  pool = undefined;
});

describe('WorkerPool', () => {
  it('returns in a worker thread exactly what the core computes in this thread', async () => {
    pool = new WorkerPool({ size: 2 });
    const before = new Date().toISOString();
    const { result } = pool.run(scenario);
    const { output, startedAt } = await result;
    expect(output).toEqual(runAnalytic(scenario));
    // The worker's own start time: not before the job was asked for, not in the future.
    expect(startedAt >= before && startedAt <= new Date().toISOString()).toBe(true);
  });

  it('runs more jobs than workers, each getting its own answer', async () => {
    pool = new WorkerPool({ size: 2 });
    const scenarios = [1, 2, 3, 4, 5, 6, 7].map((v) => setParameter(scenario, 'vm.vcpus', v));
    const outputs = await Promise.all(scenarios.map((s) => pool!.run(s).result.then((r) => r.output)));
    expect(outputs).toEqual(scenarios.map((s) => runAnalytic(s)));
  });

  it('cancels a queued job at once', async () => {
    pool = new WorkerPool({ size: 1 });
    const first = pool.run(scenario);
    const second = pool.run(scenario);
    pool.cancel(second.jobId);
    await expect(second.result).rejects.toBeInstanceOf(JobCancelledError);
    await expect(first.result).resolves.toBeDefined();
  });

  it('stops a running simulation when cancelled, after it has reported progress', async () => {
    pool = new WorkerPool({ size: 1 });
    const long = {
      ...PRESETS.find((p) => p.id === 'mmio-heavy-legacy')!.scenario,
      simulation: { method: 'des' as const, durationSec: 20, seeds: [1] },
    };
    let job: { jobId: number; result: Promise<unknown> } | undefined;
    const progressed = new Promise<number>((resolve) => {
      job = pool!.run(long, (fraction) => resolve(fraction));
    });
    // A job that ends before reporting progress fails the test instead of hanging it.
    const fraction = await Promise.race([
      progressed,
      job!.result.then(() => Promise.reject(new Error('finished without progress'))),
    ]);
    expect(fraction).toBeGreaterThan(0);
    expect(fraction).toBeLessThan(1);
    pool.cancel(job!.jobId);
    await expect(job!.result).rejects.toBeInstanceOf(JobCancelledError);
    // The worker is free again for the next job.
    await expect(pool.run(scenario).result.then((r) => r.output)).resolves.toEqual(runAnalytic(scenario));
  });

  it('checks a sweep ahead of queued jobs, and computes points of a base in the worker', async () => {
    pool = new WorkerPool({ size: 1 });
    const order: string[] = [];
    const points = [{ 'vm.vcpus': 2 }, { 'vm.vcpus': 0 }];
    // The first job takes the one worker; the second waits in the queue, behind which the check goes.
    const running = pool.runAll(scenario, [{}]).result.then(() => order.push('running'));
    const queued = pool.runAll(scenario, points).result.then((r) => (order.push('queued'), r));
    const checked = pool
      .check(scenario, { parameters: [{ path: 'vm.vcpus', values: [2, 0] }] }, undefined)
      .result.then((c) => (order.push('check'), c));
    const [, batch, check] = await Promise.all([running, queued, checked]);
    expect(order).toEqual(['running', 'check', 'queued']);
    expect(check).toMatchObject({ ok: false, issues: [{ path: 'sweep.parameters.0.values.1' }] });
    // The numbers arrive packed, saved from there (store: ComputedRun.packed): objects on demand.
    expect(batch.outcomes[0]!.ok && batch.outcomes[0]!.output.strategies[0]!.metrics).toEqual({});
    unpackResults(batch.packedValues);
    // Each point's own outcome: the valid one computed, the other refused with the field named.
    expect(batch.outcomes[0]).toEqual({ ok: true, output: runAnalytic(setParameter(scenario, 'vm.vcpus', 2)) });
    expect(batch.outcomes[1]).toMatchObject({
      ok: false,
      message: expect.stringMatching(/rejects the scenario: vm\.vcpus/),
    });
  });

  it("computes a checked sweep's points from the scenarios its check validated, each once, and validates the others", async () => {
    pool = new WorkerPool({ size: 1 });
    const sweep = { parameters: [{ path: 'vm.vcpus', values: [2, 4] }] };
    const check = pool.check(scenario, sweep, undefined);
    await expect(check.result).resolves.toEqual({ ok: true, events: undefined });
    // A job naming the check gets the check's scenarios: seen here by giving it another base,
    // which only the points the check did not validate (and a point taken already) are made from.
    const other = setParameter(scenario, 'workload.touchpoints.mmio.ratePerSec', 1234);
    const points = [{ 'vm.vcpus': 2 }, { 'vm.vcpus': 8 }, { 'vm.vcpus': 0 }, { 'vm.vcpus': 2 }];
    const { outcomes, packedValues } = await pool.runAll(other, points, undefined, { checkId: check.jobId }).result;
    unpackResults(packedValues);
    const at = (base: typeof scenario, vcpus: number) => runAnalytic(setParameter(base, 'vm.vcpus', vcpus));
    expect(outcomes[0]).toEqual({ ok: true, output: at(scenario, 2) });
    expect(outcomes[1]).toEqual({ ok: true, output: at(other, 8) });
    expect(outcomes[2]).toMatchObject({ ok: false, message: expect.stringMatching(/rejects the scenario: vm\.vcpus/) });
    expect(outcomes[3]).toEqual({ ok: true, output: at(other, 2) });
    // Without the check's id, every point is made from the job's own base.
    const plain = await pool.runAll(other, [{ 'vm.vcpus': 4 }]).result;
    unpackResults(plain.packedValues);
    expect(plain.outcomes[0]).toEqual({ ok: true, output: at(other, 4) });
  });

  it('computes a small analytic sweep on this thread when asked to, and everything else in workers', async () => {
    // No worker can start here: whatever needs one fails, so what succeeds ran on this thread.
    pool = new WorkerPool({
      size: 1,
      workerFile: new URL('./no-such-worker.ts', import.meta.url),
      inlineAnalyticPoints: 3,
    });
    const sweep = { parameters: [{ path: 'vm.vcpus', values: [2, 4, 0] }] };
    expect(pool.inlines(scenario, 3)).toBe(true);
    const refused = pool.check(scenario, sweep, undefined);
    await expect(refused.result).resolves.toMatchObject({
      ok: false,
      issues: [{ path: 'sweep.parameters.0.values.2' }],
    });
    const check = pool.check(scenario, { parameters: [{ path: 'vm.vcpus', values: [2, 4] }] }, undefined);
    await expect(check.result).resolves.toEqual({ ok: true, events: undefined });
    // Points no check here validated are validated as they are computed, as a worker does.
    expect([...pool.computeEach(scenario, [{ 'vm.vcpus': 0 }, { 'vm.vcpus': 8 }], refused.jobId)]).toEqual([
      { ok: false, message: expect.stringMatching(/vm\.vcpus/) },
      { ok: true, output: runAnalytic(setParameter(scenario, 'vm.vcpus', 8)) },
    ]);
    const points = [{ 'vm.vcpus': 2 }, { 'vm.vcpus': 4 }];
    // Computed here, point by point as the caller iterates.
    const each = pool.computeEach(scenario, points, check.jobId)[Symbol.iterator]();
    expect(each.next().value).toEqual({ ok: true, output: runAnalytic(setParameter(scenario, 'vm.vcpus', 2)) });
    expect(each.next().value).toEqual({ ok: true, output: runAnalytic(setParameter(scenario, 'vm.vcpus', 4)) });
    expect(each.next().done).toBe(true);
    // Bigger than asked, a simulation, or not a checked sweep's points: in a worker (none here).
    expect(pool.inlines(scenario, 4)).toBe(false);
    await expect(
      pool.check(scenario, { parameters: [{ path: 'vm.vcpus', values: [1, 2, 3, 4] }] }, undefined).result,
    ).rejects.toThrow();
    const des = { ...scenario, simulation: { method: 'des' as const, durationSec: 0.01, seeds: [1] } };
    expect(pool.inlines(des, 1)).toBe(false);
    await expect(pool.runAll(scenario, [{}]).result).rejects.toThrow();
  });

  it('fails a job whose worker cannot start, and rejects work after close', async () => {
    pool = new WorkerPool({ size: 1, workerFile: new URL('./no-such-worker.ts', import.meta.url) });
    await expect(pool.run(scenario).result).rejects.toThrow();
    await pool.close();
    expect(() => pool!.run(scenario)).toThrow(/closed/);
  });
});
