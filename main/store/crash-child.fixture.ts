// Child process of crash.test.ts: runs a long sweep through the real app (store, worker pool,
// runner; the runs saved on its main thread or in the write worker) and prints a line after each
// batch of runs is saved, until the test kills it. `inline`: the sweep is computed on the main
// thread as it is recorded, in one transaction (the CLI's way), and a line is printed once 5,000
// of its runs are in that transaction, not yet committed, which it then holds open.
import { createApp } from '../app.ts';
import { presetScenario } from './testing.ts';

const [dbPath, points, saving = 'here'] = process.argv.slice(2);
if (dbPath === undefined || points === undefined)
  throw new Error('usage: crash-child.fixture.ts DB POINTS [here|write-worker|inline]');
const app = await createApp({
  dbPath,
  poolSize: 1,
  writeWorker: saving === 'write-worker',
  inlineAnalyticPoints: saving === 'inline' ? Number(points) : 0,
});
if (saving === 'inline') {
  const createExperiment = app.store.createExperiment.bind(app.store);
  app.store.createExperiment = (spec, confirm) =>
    createExperiment(
      {
        ...spec,
        runs: (function* () {
          let n = 0;
          for (const run of spec.runs) {
            if (++n === 5000) {
              process.stdout.write('recording 5000\n'); // synchronous to a pipe on Linux
              // Holds the transaction open until the test kills this process (10 s at most).
              Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10_000);
            }
            yield run;
          }
        })(),
      },
      confirm,
    );
}
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
