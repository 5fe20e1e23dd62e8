// The compute worker (compute-worker.ts) with a real App on a real SQLite file, a real worker
// thread and the real export: while a big export renders there, the main thread answers other
// calls (and, as a control, inline it does not); its refusals come back as the same error
// classes, codes and fields as inline; its files and answers are the ones the inline path makes.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotFoundError, PRESETS, RunRequestError } from '../../common/core/index.ts';
import type { Envelope, ExportFormat } from '../../common/contract/index.ts';
import { createApp, type App } from '../app.ts';
import { ExportError } from '../export/index.ts';
import { ComputeWorkerClient } from './compute-client.ts';
import { inlineCompute } from './compute.ts';
import { createHandlers, dispatch, type Handlers } from './index.ts';

// Each thread reads the commit an export names once (build-info.ts): pinned, so the worker's
// files and this thread's agree even when the tree changes between their first exports.
process.env['GMEMLAB_COMMIT'] = 'compute-worker-test';

let dir: string;
let app: App;
/** The same app's store and runner with the heavy calls on this thread, as the CLI has them. */
let inline: Handlers;
let big: number;
let bigRun: number;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gmemlab-compute-'));
  app = await createApp({ dbPath: join(dir, 'gmemlab.sqlite'), poolSize: 1, computeWorker: true });
  inline = createHandlers({ store: app.store, runner: app.runner });
  // 500 points: big enough that its mail (a cost analysis per entry) and chart take many turns
  // of the event loop, small enough to record quickly on a shared machine.
  const started = await dispatch(app.handlers, 'startExperiment', {
    name: 'big sweep',
    scenario: PRESETS[0]!.scenario,
    sweep: {
      parameters: [
        { path: 'vm.vcpus', values: Array.from({ length: 50 }, (_, i) => i + 1) },
        { path: 'simulation.durationSec', values: Array.from({ length: 10 }, (_, i) => i + 1) },
      ],
    },
  });
  if (!started.ok) throw new Error(started.error.message);
  big = (started.value as { experimentId: number }).experimentId;
  await app.runner.whenDone(big);
  bigRun = (await app.store.getExperiment(big))!.runs[0]!.id;
}, 120_000);

afterAll(async () => {
  await app?.close();
  await rm(dir, { recursive: true, force: true });
});

/** Starts a call and says, at any moment, whether it has settled. */
function tracked<T>(promise: Promise<T>): { settled: () => boolean; done: Promise<T> } {
  let settled = false;
  const done = promise.finally(() => {
    settled = true;
  });
  return { settled: () => settled, done };
}

describe('heavy calls off the main thread', () => {
  it('answers listExperiments and gives the event loop its turns while a big export renders in the worker', async () => {
    for (const format of ['text', 'svg'] as const) {
      const exporting = tracked(dispatch(app.handlers, 'exportExperiment', { experimentId: big, format }));
      await nextTurn();
      const listed = await dispatch(app.handlers, 'listExperiments', {});
      const run = await dispatch(app.handlers, 'getRuns', { runIds: [bigRun] });
      expect(exporting.settled()).toBe(false);
      expect(listed).toMatchObject({ ok: true });
      expect(run).toMatchObject({ ok: true });
      expect(await exporting.done).toMatchObject({ ok: true });
    }
  });

  it('control: on the main thread (the CLI), the same export has finished before the loop gets one turn', async () => {
    // Warm: the export module is loaded once, as the worker has it loaded.
    await dispatch(inline, 'exportExperiment', { experimentId: big, format: 'text' });
    const exporting = tracked(dispatch(inline, 'exportExperiment', { experimentId: big, format: 'text' }));
    await nextTurn();
    expect(exporting.settled()).toBe(true);
    expect(await exporting.done).toMatchObject({ ok: true });
  });
});

describe('the same answers as inline', () => {
  const formats: ExportFormat[] = ['text', 'csv', 'svg', 'png', 'json'];
  it.each(formats)('exportExperiment %s: the same file, PNG bytes included', async (format) => {
    const request = { experimentId: big, format, metric: 'cost.overheadPct' };
    const fromWorker = await dispatch(app.handlers, 'exportExperiment', request);
    expect(fromWorker.ok).toBe(true);
    expect(fromWorker).toEqual(await dispatch(inline, 'exportExperiment', request));
  });

  it('getSensitivity and getMatrix', async () => {
    const sensitivity = { runId: bigRun, metric: 'cost.overheadPct', samples: 20 };
    const a = await dispatch(app.handlers, 'getSensitivity', sensitivity);
    expect(a.ok).toBe(true);
    expect(a).toEqual(await dispatch(inline, 'getSensitivity', sensitivity));
    for (const matrix of [
      { metrics: ['cost.overheadPct'] },
      { metrics: ['cost.overheadPct'], experiments: [{ experimentId: big }] },
    ]) {
      const m = await dispatch(app.handlers, 'getMatrix', matrix);
      expect(m.ok).toBe(true);
      expect(m).toEqual(await dispatch(inline, 'getMatrix', matrix));
    }
  });

  it.each(['text', 'csv', 'svg', 'png'] as const)(
    'exportMatrix %s: the same file, presets or experiments',
    async (format) => {
      for (const request of [
        { format },
        {
          format,
          experiments: [{ experimentId: big }],
          exposure: 'exposure.vmm.longestWindowUs',
          theme: 'dark' as const,
        },
      ]) {
        const fromWorker = await dispatch(app.handlers, 'exportMatrix', request);
        expect(fromWorker.ok).toBe(true);
        expect(fromWorker).toEqual(await dispatch(inline, 'exportMatrix', request));
      }
    },
  );
});

describe('refusals cross the thread as the same errors', () => {
  const refusals: [string, Record<string, unknown>][] = [
    ['exportExperiment', { experimentId: big, format: 'svg', metric: 'no.such.metric' }],
    ['exportExperiment', { experimentId: 999_999, format: 'text' }],
    ['saveExport', { experimentId: big, format: 'text' }],
    ['getSensitivity', { runId: 1, metric: 'no.such.metric' }],
    ['getSensitivity', { runId: 999_999, metric: 'cost.overheadPct' }],
    ['getMatrix', { metrics: ['cost.overheadPct', 'no.such'] }],
    ['getMatrix', { metrics: ['cost.overheadPct'], experiments: [{ experimentId: 999_999 }] }],
    ['exportMatrix', { format: 'svg', cost: 'exposure.kernel.fraction' }],
    ['exportMatrix', { format: 'text', exposure: 'exposure.kernel.state' }],
    ['exportMatrix', { format: 'csv', experiments: [{ experimentId: 999_999 }] }],
    ['saveMatrixExport', { format: 'text' }],
  ];
  it('a bad metric is an invalid_input naming the field, as inline', async () => {
    const envelope = (await dispatch(app.handlers, 'exportExperiment', {
      experimentId: big,
      format: 'svg',
      metric: 'no.such.metric',
    })) as Envelope<unknown>;
    expect(envelope).toMatchObject({ ok: false, error: { code: 'invalid_input', issues: [{ path: 'metric' }] } });
    expect(envelope.ok === false && envelope.error.message).toMatch(/^metric: "no.such.metric" is not a metric/);
  });

  it.each(refusals)('%s %j: the same envelope as inline', async (name, input) => {
    // `big` is set once beforeAll has run; the table is built before it.
    const request =
      'experimentId' in input && input['experimentId'] === undefined ? { ...input, experimentId: big } : input;
    const fromWorker = await dispatch(app.handlers, name, request);
    expect(fromWorker.ok).toBe(false);
    expect(fromWorker).toEqual(await dispatch(inline, name, request));
  });

  it('rebuilds the classes: ExportError with its field, RunRequestError, NotFoundError', async () => {
    const client = new ComputeWorkerClient(app.store.opened.path, 'writer');
    try {
      const bad = client.exportFile({ experimentId: big, format: 'csv', metric: 'no.such.metric' });
      await expect(bad).rejects.toBeInstanceOf(ExportError);
      await expect(bad).rejects.toMatchObject({ field: 'metric', code: 'invalid_input', name: 'ExportError' });
      const local = inlineCompute(app.store);
      const inlineError = await local
        .exportFile({ experimentId: big, format: 'csv', metric: 'no.such.metric' })
        .catch((e: unknown) => e);
      await expect(bad).rejects.toEqual(inlineError);
      await expect(client.sensitivity({ runId: bigRun, metric: 'nope', samples: 5 })).rejects.toBeInstanceOf(
        RunRequestError,
      );
      await expect(client.exportFile({ experimentId: 999_999, format: 'text' })).rejects.toBeInstanceOf(NotFoundError);
      await expect(client.matrixFile({ format: 'png', cost: 'cost.nope' })).rejects.toMatchObject({
        name: 'ExportError',
        field: 'cost',
      });
    } finally {
      await client.close();
    }
    await expect(client.matrix({ metrics: ['cost.overheadPct'] })).rejects.toThrow(/closed/);
  });
});

describe('a worker that dies', () => {
  it('fails the calls it held, and the next call starts a new one', async () => {
    const crashing = new URL('./compute-crash.fixture.ts', import.meta.url);
    const client = new ComputeWorkerClient(app.store.opened.path, 'writer', crashing);
    try {
      const crash = client.matrix({ metrics: ['cost.overheadPct'], crash: true } as never);
      // Sent after the crash: the worker dies before it reads this one.
      const held = client.exportFile({ experimentId: big, format: 'text' });
      await expect(crash).rejects.toThrow(/the compute worker stopped \(exit code 3\)/);
      await expect(held).rejects.toThrow(/the compute worker stopped \(exit code 3\)/);
      const again = await client.exportFile({ experimentId: big, format: 'csv' });
      expect(again.filename).toMatch(/\.csv$/);
    } finally {
      await client.close();
    }
  });
});
