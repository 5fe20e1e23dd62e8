// Test helper: an ExperimentRunner with real worker threads on a store in a new temporary
// directory, saving on this thread or in the write worker (the window's way); with
// `inlineAnalyticPoints`, small analytic sweeps are computed and recorded on this thread (the CLI's).
import { join } from 'node:path';
import type { EventMap } from '../../common/contract/index.ts';
import { Store } from '../store/store.ts';
import { tempDir } from '../store/testing.ts';
import { ExperimentRunner } from './experiments.ts';
import { WorkerPool } from './pool.ts';
import { WriteWorker } from './write-client.ts';

export interface RunnerOnTempStore {
  /** The temporary directory (db.sqlite is the store's file). */
  dir: string;
  store: Store;
  pool: WorkerPool;
  runner: ExperimentRunner;
  writeWorker: WriteWorker | undefined;
  /** Drains the runner, closes the pool, the write worker and the store, and deletes the directory. */
  close(): Promise<void>;
}

export async function runnerOnTempStore(options: {
  inWriteWorker?: boolean;
  inlineAnalyticPoints?: number;
  onProgress?: (payload: EventMap['experimentProgress']) => void;
}): Promise<RunnerOnTempStore> {
  const temp = tempDir('gmemlab-runner-');
  const store = await Store.open(join(temp.dir, 'db.sqlite'));
  const writeWorker = options.inWriteWorker === true ? new WriteWorker(store.opened.path) : undefined;
  const pool = new WorkerPool({
    size: 2,
    saveTo: writeWorker?.connect,
    inlineAnalyticPoints: options.inlineAnalyticPoints,
  });
  const runner = new ExperimentRunner(store, pool, options.onProgress ?? (() => undefined), writeWorker);
  return {
    dir: temp.dir,
    store,
    pool,
    runner,
    writeWorker,
    close: async () => {
      await runner.drain();
      await pool.close();
      await writeWorker?.close();
      await store.close();
      temp.cleanup();
    },
  };
}
