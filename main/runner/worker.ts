// A simulation worker thread: receives points of a scenario, returns core results, reports
// progress; checks a sweep before it starts (points.ts). The work itself is compute.ts's. A job
// that names its runs (`save`) sends its results to the write worker instead (protocol.ts).
import { parentPort, workerData, type Transferable } from 'node:worker_threads';
import { SimulationCancelled } from '../../common/core/index.ts';
import { JobComputer } from './compute.ts';
import { finishedRuns } from './outcomes.ts';
import type { FromWorker, ToWorker, ToWriter, WorkerData } from './protocol.ts';
import { packOutcomes } from './wire.ts';

if (parentPort === null) throw new Error('worker.ts must run in a worker thread');
const port = parentPort;
const send = (message: FromWorker, transfer: Transferable[] = []): void => port.postMessage(message, transfer);
const computer = new JobComputer();
/** The write worker, where a job that says which runs it computes sends them (see protocol.ts). */
const savePort = (workerData as WorkerData | undefined)?.savePort;

port.on('message', (message: ToWorker) => {
  const { jobId } = message;
  try {
    if (message.type === 'check') {
      send({ type: 'checked', jobId, check: computer.check(message) });
      return;
    }
    const startedAt = new Date().toISOString();
    const outcomes = computer.run(message, (fraction) => send({ type: 'progress', jobId, fraction }));
    if (message.save !== undefined && savePort !== undefined) {
      // What did not finish goes to the main thread; the outcomes (packed: it empties them) to the writer.
      const { sent } = finishedRuns(outcomes, message.save, startedAt);
      const packed = packOutcomes(outcomes);
      savePort.postMessage({ jobId, packed, runs: message.save, startedAt } satisfies ToWriter, [packed.values.buffer]);
      send({ type: 'result', jobId, packed: packOutcomes([]), startedAt, sent });
      return;
    }
    const packed = packOutcomes(outcomes);
    send({ type: 'result', jobId, packed, startedAt }, [packed.values.buffer]);
  } catch (err) {
    if (err instanceof SimulationCancelled) send({ type: 'cancelled', jobId });
    else send({ type: 'error', jobId, message: err instanceof Error ? err.message : String(err) });
  }
});
