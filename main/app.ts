// Wires the store, the worker pool, the experiment runner and the handlers together. The same
// app serves the Electron window, the web host and the CLI; only the transport differs.
import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { EventMap } from '../common/contract/index.ts';
import { createHandlers, type Handlers } from './handlers/index.ts';
import { createLocalCalls, type LocalCalls } from './handlers/local.ts';
import { ComputeWorkerClient } from './handlers/compute-client.ts';
import { inlineCompute, type Compute } from './handlers/compute.ts';
import type { SaveDialog } from './handlers/save-export.ts';
import { ExperimentRunner } from './runner/experiments.ts';
import { WorkerPool } from './runner/pool.ts';
import { WriteWorker } from './runner/write-client.ts';
import { Store } from './store/store.ts';

/** The events the app itself emits (menu commands come from the Electron edge, not from here). */
export type AppEventName = 'experimentProgress';
export type EventListener = <E extends AppEventName>(event: E, payload: EventMap[E]) => void;

export interface App {
  store: Store;
  pool: WorkerPool;
  runner: ExperimentRunner;
  /** The contract's calls: every edge reaches them through dispatch. */
  handlers: Handlers;
  /** Calls only in-process callers make (files on disk, waiting on the runner); no transport carries them. */
  local: LocalCalls;
  /** Subscribes to every event main emits; returns the unsubscribe function. */
  subscribe(listener: EventListener): () => void;
  close(): Promise<void>;
}

export interface AppOptions {
  dbPath: string;
  workerFile?: URL | string;
  /**
   * Where the store reads (see Store.open): in a read worker for a long-lived app that serves a
   * window (true: read-worker.ts in source mode; the Electron build passes its bundled file), or
   * on this thread (false, the default: a one-shot CLI command would only pay the worker's start).
   */
  readWorker?: URL | string | boolean;
  /**
   * Where finished runs are saved (see Store.open): in the write worker for a long-lived app
   * that serves a window, so a sweep's batches never hold up its requests (true: write-worker.ts
   * in source mode; the Electron build passes its bundled file), or on this thread (false, the
   * default: a one-shot CLI command would only pay the worker's start).
   */
  writeWorker?: URL | string | boolean;
  /**
   * Where the heavy read-only calls run (exports, sensitivity, the matrix: handlers/compute.ts):
   * in the compute worker for an app that serves a window or a browser, so the thread that
   * answers them stays free (true: compute-worker.ts in source mode; the Electron build passes
   * its bundled file), or on this thread (false, the default: a one-shot CLI command).
   */
  computeWorker?: URL | string | boolean;
  poolSize?: number;
  /** Small analytic sweeps computed on this thread (PoolOptions.inlineAnalyticPoints): a one-shot CLI command only. */
  inlineAnalyticPoints?: number;
  /** Open the database without writing (see Store.open): for commands that only read. */
  readOnly?: boolean;
  /** Refuse a missing database file rather than make it (Store.open's `existing`). */
  existing?: boolean;
  /** The desktop window's native save dialog (main/electron); absent elsewhere. */
  saveDialog?: SaveDialog;
}

export async function createApp(options: AppOptions): Promise<App> {
  if (options.readOnly !== true) mkdirSync(dirname(options.dbPath), { recursive: true });
  const store = await Store.open(options.dbPath, {
    readOnly: options.readOnly,
    existing: options.existing,
    readWorker: options.readWorker ?? false,
  });
  const writeWorker = startWriteWorker(store, options.writeWorker ?? false);
  const compute = startCompute(store, options.computeWorker ?? false) ?? inlineCompute(store);
  try {
    // Up before the app is: a sweep started at once does not wait for it to load, and a file it
    // cannot open is refused here, not in the first sweep.
    await writeWorker?.ready;
  } catch (err) {
    await writeWorker?.close();
    await compute.close();
    await store.close();
    throw err;
  }
  const pool = new WorkerPool({
    workerFile: options.workerFile,
    size: options.poolSize,
    inlineAnalyticPoints: options.inlineAnalyticPoints,
    saveTo: writeWorker?.connect,
  });
  const listeners = new Set<EventListener>();
  const runner = new ExperimentRunner(
    store,
    pool,
    (payload) => {
      for (const listener of listeners) listener('experimentProgress', payload);
    },
    writeWorker,
  );
  return {
    store,
    pool,
    runner,
    handlers: createHandlers({ store, runner, saveDialog: options.saveDialog, compute }),
    local: createLocalCalls({ store, runner, compute }),
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      for (const id of runner.activeIds()) runner.cancel(id);
      await runner.drain();
      await pool.close();
      await writeWorker?.close();
      await compute.close();
      await store.close();
    },
  };
}

/** The compute worker on the store's file, or undefined for the handlers' inline default. */
function startCompute(store: Store, worker: URL | string | boolean): Compute | undefined {
  if (worker === false) return undefined;
  const beside = store.opened.readOnly === true ? 'alone' : 'writer';
  return new ComputeWorkerClient(store.opened.path, beside, typeof worker === 'boolean' ? undefined : worker);
}

/** The write worker on the store's file, or undefined where runs are saved on this thread (and for a read-only store). */
function startWriteWorker(store: Store, worker: URL | string | boolean): WriteWorker | undefined {
  if (worker === false || store.opened.readOnly === true) return undefined;
  return new WriteWorker(store.opened.path, typeof worker === 'boolean' ? undefined : worker);
}

/**
 * Where the database lives when no --db is given: the same folder Electron uses as userData
 * for an app named gmemlab, so the CLI, the web host and the window share one history.
 */
export function defaultDatabasePath(): string {
  const home = homedir();
  const base =
    process.platform === 'win32'
      ? (process.env['APPDATA'] ?? join(home, 'AppData', 'Roaming'))
      : process.platform === 'darwin'
        ? join(home, 'Library', 'Application Support')
        : (process.env['XDG_CONFIG_HOME'] ?? join(home, '.config'));
  return join(base, 'gmemlab', 'gmemlab.sqlite');
}
