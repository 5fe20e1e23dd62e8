// How long a bundle import stops the thread that answers the window and the web host (issue 15
// items 1 and 9): the longest event-loop stall (the longest gap between a 5 ms timer's ticks) during one
// import, with the bundle read in the compute worker (as the window and `gmemlab serve` do) and,
// as a control, on the calling thread (as the one-shot CLI does). A measurement, not a test.
//
//   node security/bundle-stall.ts [POINTS]   a sweep of POINTS x 7 runs (default 600), exported and imported
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PRESETS } from '../common/core/index.ts';
import { createApp, type App } from '../main/app.ts';
import { dispatch } from '../main/handlers/index.ts';

const points = Number(process.argv[2] ?? 600);
const work = mkdtempSync(join(tmpdir(), 'gmemlab-bundle-stall-'));

/** The task's time and the longest time between two ticks of a 5 ms timer while it ran (from its start to its end). */
async function stall<T>(task: () => Promise<T>): Promise<{ value: T; seconds: number; stallMs: number; at: number }> {
  const started = performance.now();
  let last = started;
  let longest = 0;
  let at = 0;
  const tick = (): void => {
    const now = performance.now();
    if (now - last > longest) {
      longest = now - last;
      at = (last - started) / 1000;
    }
    last = now;
  };
  const timer = setInterval(tick, 5);
  const value = await task();
  tick();
  clearInterval(timer);
  return { value, seconds: (performance.now() - started) / 1000, stallMs: longest, at };
}

try {
  const source = await createApp({ dbPath: join(work, 'source.sqlite') });
  const started = await dispatch(source.handlers, 'startExperiment', {
    name: 'bundle to import',
    scenario: PRESETS[0]!.scenario,
    sweep: {
      parameters: [
        { path: 'vm.vcpus', values: Array.from({ length: points / 10 }, (_, i) => i + 1) },
        { path: 'simulation.durationSec', values: Array.from({ length: 10 }, (_, i) => i + 1) },
      ],
    },
  });
  if (!started.ok) throw new Error(started.error.message);
  const id = (started.value as { experimentId: number }).experimentId;
  await source.runner.whenDone(id);
  const file = join(work, 'bundle.json');
  await source.local.exportBundleFile([id], file);
  const value = await source.store.exportBundle([id]);
  await source.close();
  const mb = (statSync(file).size / 1e6).toFixed(1);
  process.stdout.write(`bundle: ${points * 7} runs, ${mb} MB\n`);

  const report = (what: string, r: { seconds: number; stallMs: number; at: number }): void => {
    process.stdout.write(
      `${what}: ${r.seconds.toFixed(1)} s, longest stall ${r.stallMs.toFixed(0)} ms (from ${r.at.toFixed(1)} s)\n`,
    );
  };
  for (const computeWorker of [true, false]) {
    const where = computeWorker ? 'in the compute worker' : 'on this thread';
    const fresh = async (name: string): Promise<App> =>
      createApp({ dbPath: join(work, `${name}-${computeWorker}.sqlite`), readWorker: true, computeWorker });
    const a = await fresh('file');
    report(`file ${where}`, await stall(() => a.local.importBundleFile(file)));
    await a.close();
    const b = await fresh('value');
    report(`importBundle call ${where}`, await stall(() => dispatch(b.handlers, 'importBundle', { bundle: value })));
    await b.close();
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
