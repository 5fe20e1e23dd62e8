// A quick before/after for issue 20's read side, smaller than bench/scale.ts (no CLI runs, no
// million-run copy): a 10,000-point sweep saved in the app while the window's history requests
// are made every 50 ms, then the sweep opened through dispatch() as the window does.
//
//   npx node bench/open-sweep.ts [points]
//
// Prints JSON: the longest wait of a history request during the sweep, the longest stall of the
// main thread's event loop, and opening the sweep: through dispatch (median of 3), what the
// answer costs as JSON (the web host), and making it the run objects a view reads.
import { performance, monitorEventLoopDelay } from 'node:perf_hooks';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import { PRESETS } from '../common/core/index.ts';
import { createApp } from '../main/app.ts';
import { call, pollHistoryDuring } from './app-timing.ts';
import { median } from './stats.ts';
import { tempDir } from '../main/store/testing.ts';

const points = Number(process.argv[2] ?? 10_000);
const base = PRESETS.find((p) => p.id === 'mmio-heavy-legacy')!.scenario;

const dir = tempDir('gmemlab-bench-open-');
const app = await createApp({ dbPath: join(dir.dir, 'h.sqlite'), readWorker: true });
try {
  const load0 = loadavg()[0]!;
  const t0 = performance.now();
  const { experimentId } = await call<{ experimentId: number }>(app, 'startExperiment', {
    scenario: base,
    sweep: {
      parameters: [
        { path: 'workload.touchpoints.mmio.ratePerSec', values: Array.from({ length: points }, (_, i) => 10 + i * 10) },
      ],
    },
  });
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const { longest, waits, slowest } = await pollHistoryDuring(app, app.runner.whenDone(experimentId));
  const requests = waits.length;
  loop.disable();
  const sweepMs = performance.now() - t0;

  const open = async (): Promise<unknown> => call(app, 'getExperiment', { experimentId });
  await open();
  const times: number[] = [];
  let answer: unknown;
  for (let i = 0; i < 3; i++) {
    const s = performance.now();
    answer = await open();
    times.push(performance.now() - s);
  }
  // As the web host writes it (its Float64Array columns as arrays, after the change).
  const contract: { columnsAsJson?: (key: string, value: unknown) => unknown } =
    await import('../common/contract/index.ts');
  const j0 = performance.now();
  const json = JSON.stringify(answer, contract.columnsAsJson);
  const jsonMs = performance.now() - j0;
  // Making the answer the run objects a view reads (after the change; before, it already was).
  let objectsMs = 0;
  if (typeof answer === 'object' && answer !== null && 'runTable' in answer) {
    const { experimentDetail } = await import('../common/contract/index.ts');
    const parsed = JSON.parse(json) as Parameters<typeof experimentDetail>[0];
    const o0 = performance.now();
    experimentDetail(parsed);
    objectsMs = performance.now() - o0;
  }
  const p0 = performance.now();
  JSON.parse(json);
  const parseMs = performance.now() - p0;
  console.log(
    JSON.stringify(
      {
        points,
        load: [load0, loadavg()[0]],
        sweepMs: Math.round(sweepMs),
        requests,
        longestWaitMs: Math.round(longest),
        waitP99Ms: Math.round([...waits].sort((a, b) => a - b)[Math.floor(waits.length * 0.99)] ?? 0),
        longestLoopStallMs: Math.round(loop.max / 1e6),
        slowestPartsMs: Object.fromEntries(Object.entries(slowest).map(([k, v]) => [k, Math.round(v)])),
        openMedianMs: Math.round(median(times)),
        openTimesMs: times.map(Math.round),
        jsonMB: +(json.length / 1e6).toFixed(1),
        stringifyMs: Math.round(jsonMs),
        parseMs: Math.round(parseMs),
        runObjectsMs: Math.round(objectsMs),
      },
      null,
      1,
    ),
  );
} finally {
  await app.close();
  dir.cleanup();
}
