// A simulation worker thread: receives points of a scenario, returns core results, reports
// progress; checks a sweep before it starts (points.ts). The work itself is compute.ts's.
import { parentPort, type Transferable } from 'node:worker_threads';
import { SimulationCancelled } from '../../common/core/index.ts';
import { JobComputer } from './compute.ts';
import type { FromWorker, ToWorker } from './protocol.ts';
import { packOutcomes } from './wire.ts';

if (parentPort === null) throw new Error('worker.ts must run in a worker thread');
const port = parentPort;
const send = (message: FromWorker, transfer: Transferable[] = []): void => port.postMessage(message, transfer);
const computer = new JobComputer();

port.on('message', (message: ToWorker) => {
  const { jobId } = message;
  try {
    if (message.type === 'check') {
      send({ type: 'checked', jobId, check: computer.check(message) });
      return;
    }
    const startedAt = new Date().toISOString();
    const outcomes = computer.run(message, (fraction) => send({ type: 'progress', jobId, fraction }));
    const packed = packOutcomes(outcomes);
    send({ type: 'result', jobId, packed, startedAt }, [packed.values.buffer]);
  } catch (err) {
    if (err instanceof SimulationCancelled) send({ type: 'cancelled', jobId });
    else send({ type: 'error', jobId, message: err instanceof Error ? err.message : String(err) });
  }
});
