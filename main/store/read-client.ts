// The main thread's side of the read workers (read-worker.ts): the same reads as StoreReader,
// answered by worker threads with connections of their own. Two lanes: the history's pages
// (bounded, a few milliseconds each) and the heavy reads (a 70,000-run experiment, 20,000 runs
// for compare, a bundle), each on a thread of its own, so a page never waits behind a heavy
// read. The heavy lane starts once the pages' worker is up (two start-ups at once on a loaded
// two-core machine delayed the window's first page by a second), and heavy reads go to the
// pages' worker until it is up: no read waits for a thread's start-up that one started already
// got through.
import { experimentDetail, runsInContext } from '../../common/contract/run-table.ts';
import { HEAVY_READS, type ReadMethod, type ReadWorkerData } from './read-protocol.ts';
import type { ReadBeside, StoreReader } from './reader.ts';
import { StoreThread, StoreThreadError } from './store-thread.ts';

/** What the store reads through: a StoreReader here, or one in the read worker. */
export type Reads = Pick<StoreReader, ReadMethod | 'getExperiment' | 'getRuns' | 'close'>;

/** One read worker (read-worker.ts): a StoreThread answering StoreReader's methods. */
type ReadThread = StoreThread<ReadMethod>;
const readThread = (data: ReadWorkerData, workerFile: URL | string, onReady?: () => void): ReadThread =>
  new StoreThread<ReadMethod>('the read worker', data, workerFile, onReady);

export class ReadWorkerClient implements Reads {
  private readonly pages: ReadThread;
  private heavy: ReadThread | undefined;
  private closed = false;

  /** Starts the pages' worker on `path`, then the heavy one; `workerFile` defaults to read-worker.ts beside this file (source mode). */
  constructor(
    path: string,
    beside: ReadBeside,
    workerFile: URL | string = new URL('./read-worker.ts', import.meta.url),
  ) {
    this.pages = readThread({ path, beside }, workerFile, () => {
      if (!this.closed) this.heavy = readThread({ path, beside }, workerFile);
    });
  }

  private call<T>(method: ReadMethod, args: unknown[]): Promise<T> {
    if (this.closed) return Promise.reject(new StoreThreadError('the read worker: the store is closed'));
    const heavy = HEAVY_READS.has(method) && this.heavy?.ready === true;
    return (heavy ? this.heavy! : this.pages).call(method, args);
  }

  listExperiments: Reads['listExperiments'] = (...args) => this.call('listExperiments', args);
  listRuns: Reads['listRuns'] = (...args) => this.call('listRuns', args);
  getExperimentData: Reads['getExperimentData'] = (...args) => this.call('getExperimentData', args);
  /** The runs cross the thread as columns and become objects here. */
  getExperiment: Reads['getExperiment'] = async (...args) => {
    const data = await this.getExperimentData(...args);
    return data === undefined ? undefined : experimentDetail(data);
  };
  getRunsData: Reads['getRunsData'] = (...args) => this.call('getRunsData', args);
  /** The runs cross the thread as columns and become objects here. */
  getRuns: Reads['getRuns'] = async (...args) => runsInContext(await this.getRunsData(...args));
  runCostTable: Reads['runCostTable'] = (...args) => this.call('runCostTable', args);
  listScenarioRevisions: Reads['listScenarioRevisions'] = (...args) => this.call('listScenarioRevisions', args);
  getScenarioRevision: Reads['getScenarioRevision'] = (...args) => this.call('getScenarioRevision', args);
  exportBundle: Reads['exportBundle'] = (...args) => this.call('exportBundle', args);

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([this.pages.close(), this.heavy?.close()]);
  }
}
