// Child process of crash.test.ts: runs a long sweep through the real app (store, worker pool,
// runner; the runs saved on its main thread or in the write worker) and prints a line after each
// batch of runs is saved, until the test kills it.
import { createApp } from '../app.ts';
import { presetScenario } from './testing.ts';

const [dbPath, points, saving = 'here'] = process.argv.slice(2);
if (dbPath === undefined || points === undefined)
  throw new Error('usage: crash-child.fixture.ts DB POINTS [here|write-worker]');
const app = await createApp({ dbPath, poolSize: 1, writeWorker: saving === 'write-worker' });
app.subscribe((_event, p) =>
  process.stdout.write(`progress ${p.experimentId} ${p.runsDone} ${p.runsTotal} ${p.status}\n`),
);
// vm.vcpus is the one parameter every scenario format has; the values repeat to make a long sweep.
const values = Array.from({ length: Number(points) }, (_, i) => 1 + (i % 16));
const { experimentId } = await app.runner.start({
  name: 'crash sweep',
  scenario: presetScenario(),
  sweep: { parameters: [{ path: 'vm.vcpus', values }] },
});
await app.runner.whenDone(experimentId);
process.stdout.write('finished\n');
await app.close();
