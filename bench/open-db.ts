// Opening one experiment of an existing database as bench/scale.ts times it (getExperiment through
// dispatch() with the read worker, median of 3 after a warm-up): for before / after pairs on the
// same saved sweep, run from each tree in turn (issue 20).
//
//   npx node bench/open-db.ts DB [EXPERIMENT_ID]
//
// Prints JSON: the tree, the load average, the median and the three times.
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { createApp } from '../main/app.ts';
import { dispatch } from '../main/handlers/index.ts';

const [dbPath, idArg] = process.argv.slice(2);
if (dbPath === undefined) throw new Error('usage: npx node bench/open-db.ts DB [EXPERIMENT_ID]');
const experimentId = Number(idArg ?? 1);
const app = await createApp({ dbPath, readWorker: true });
try {
  // Both read workers up, as in a window that has been open a moment.
  await new Promise((r) => setTimeout(r, 2000));
  const once = async (): Promise<number> => {
    const s = performance.now();
    const e = await dispatch(app.handlers, 'getExperiment', { experimentId });
    if (!e.ok) throw new Error(e.error.message);
    return performance.now() - s;
  };
  const load = loadavg()[0]!;
  await once();
  const times = [await once(), await once(), await once()].sort((a, b) => a - b);
  console.log(
    JSON.stringify({
      tree: new URL('..', import.meta.url).pathname,
      load: +load.toFixed(1),
      medianMs: Math.round(times[1]!),
      timesMs: times.map(Math.round),
    }),
  );
} finally {
  await app.close();
}
