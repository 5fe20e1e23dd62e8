// The write worker against a real SQLite file and real threads: what simulation workers send it
// is saved and acknowledged per job, a value that is not finite is refused without costing the
// job's other runs, and its errors reach the runner in the project's vocabulary.
import { join } from 'node:path';
import type { MessagePort } from 'node:worker_threads';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GmemlabError, NotFoundError, runAnalytic, runPlan, type RunOutput } from '../../common/core/index.ts';
import { StoreThreadError } from '../store/store-thread.ts';
import { Store } from '../store/store.ts';
import { presetScenario, tempDir } from '../store/testing.ts';
import { WorkerPool } from './pool.ts';
import type { PointRuns, ToWriter } from './protocol.ts';
import { packOutcomes } from './wire.ts';
import { WriteWorker } from './write-client.ts';

let dir: { dir: string; cleanup: () => void };
let store: Store;
let writer: WriteWorker;

beforeEach(async () => {
  dir = tempDir('gmemlab-write-worker-');
  store = await Store.open(join(dir.dir, 'db.sqlite'));
  writer = new WriteWorker(store.opened.path);
});
afterEach(async () => {
  await writer.close();
  await store.close();
  dir.cleanup();
});

/** An experiment of one point, queued: its runs, and what the analytic model gives for them. */
async function queuedRuns(): Promise<{ runs: PointRuns; output: RunOutput }> {
  const scenario = presetScenario();
  const plan = runPlan(scenario);
  const { runIds } = await store.createExperiment({
    name: 'one point',
    kind: 'single',
    method: plan.method,
    scenario,
    runs: plan.strategies.map((strategy) => ({ strategy, point: {}, seeds: plan.seeds })),
  });
  return { runs: plan.strategies.map((strategy, i) => ({ id: runIds[i]!, strategy })), output: runAnalytic(scenario) };
}

/** Sends a job's outcomes (one point each) and runs as a simulation worker does, through a port of its own. */
function send(port: MessagePort, jobId: number, points: { runs: PointRuns; output: RunOutput }[]): void {
  const packed = packOutcomes(points.map(({ output }) => ({ ok: true, output: structuredClone(output) })));
  const message: ToWriter = { jobId, packed, runs: points.map((p) => p.runs), startedAt: new Date().toISOString() };
  port.postMessage(message, [packed.values.buffer]);
}

const metricsOf = (output: RunOutput, runs: PointRuns): unknown[] =>
  runs.map((r) => output.strategies.find((s) => s.strategy === r.strategy)!.metrics);
const breakdownsOf = (output: RunOutput, runs: PointRuns): unknown[] =>
  runs.map((r) => output.strategies.find((s) => s.strategy === r.strategy)!.breakdown);

describe('WriteWorker', () => {
  it('saves the runs a simulation worker sends and says so for that job', async () => {
    await expect(writer.ready).resolves.toBeUndefined();
    const point = await queuedRuns();
    const port = writer.connect();
    const saved = writer.saved(7);
    send(port, 7, [point]);
    expect(await saved).toEqual([]);
    port.close();
    const detail = (await store.getExperiment(1))!;
    expect(detail.runs.map((r) => r.status)).toEqual(point.runs.map(() => 'done'));
    expect(detail.runs.map((r) => r.metrics)).toEqual(metricsOf(point.output, point.runs));
    // Saved from the packed numbers (wire.ts: packedValuesOf), the breakdowns too.
    const stored = await store.getRuns(point.runs.map((r) => r.id));
    expect(stored.map((r) => r.breakdown)).toEqual(breakdownsOf(point.output, point.runs));
    expect(stored.some((r) => Object.keys(r.breakdown ?? {}).length > 0)).toBe(true);
  });

  it("refuses a run with a value that is not finite and saves the job's others", async () => {
    const point = await queuedRuns();
    const [bad, ...good] = point.runs;
    const result = point.output.strategies.find((r) => r.strategy === bad!.strategy)!;
    const key = Object.keys(result.metrics)[0]!;
    result.metrics[key] = { mean: NaN, ci95: 0, n: 1 };
    const port = writer.connect();
    const saved = writer.saved(1);
    send(port, 1, [point]);
    const refused = await saved;
    expect(refused).toHaveLength(1);
    expect(refused[0]!.runId).toBe(bad!.id);
    expect(refused[0]!.message).toMatch(/not a finite number/);
    port.close();
    const detail = (await store.getExperiment(1))!;
    expect(detail.runs.filter((r) => r.status === 'done').map((r) => r.id)).toEqual(good.map((r) => r.id));
  });

  it('fails a job whose runs are not in the database with NotFoundError, and saves nothing of it', async () => {
    const point = await queuedRuns();
    const port = writer.connect();
    const saved = writer.saved(3);
    send(port, 3, [point, { runs: [{ id: 999_999, strategy: point.runs[0]!.strategy }], output: point.output }]);
    const err = await saved.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotFoundError);
    expect((err as NotFoundError).code).toBe('not_found');
    expect((err as Error).message).toMatch(/999999/);
    port.close();
    expect((await store.getExperiment(1))!.runs.every((r) => r.status === 'queued')).toBe(true);
  });

  it("gets a pool job's results straight from its simulation worker: none of them come back to this thread", async () => {
    const point = await queuedRuns();
    const pool = new WorkerPool({ size: 1, saveTo: writer.connect });
    try {
      const job = pool.runAll(presetScenario(), [{}], undefined, { workers: 1, save: [point.runs] });
      const saved = writer.saved(job.jobId);
      const result = await job.result;
      expect(result.outcomes).toEqual([]);
      expect(result.sent).toEqual({ missing: [], unsolved: [] });
      expect(await saved).toEqual([]);
    } finally {
      await pool.close();
    }
    const detail = (await store.getExperiment(1))!;
    expect(detail.runs.map((r) => r.metrics)).toEqual(metricsOf(point.output, point.runs));
  });

  it("fails every waiting job, in the project's words, when the worker cannot open the database", async () => {
    const broken = new WriteWorker(join(dir.dir, 'missing', 'db.sqlite'));
    const err = await broken.saved(1).catch((e: unknown) => e);
    await expect(broken.ready).rejects.toBe(err);
    expect(err).toBeInstanceOf(GmemlabError);
    expect((err as GmemlabError).code).toBe('invalid_input');
    expect((err as Error).message).toMatch(/missing/);
    // Later jobs fail at once with the same error; closing it is still clean.
    await expect(broken.saved(2)).rejects.toBe(err);
    await broken.close();
  });

  it('fails waiting jobs with a StoreThreadError (contract code internal) once closed', async () => {
    await writer.close();
    await expect(writer.saved(1)).rejects.toBeInstanceOf(StoreThreadError);
  });
});
