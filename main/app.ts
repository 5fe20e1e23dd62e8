// Wires the store, the worker pool, the experiment runner and the handlers together. The same
// app serves the Electron window, the web host and the CLI; only the transport differs.
import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { EventMap, EventName } from '../common/contract/index.ts';
import { createHandlers, type Handlers } from './handlers/index.ts';
import type { SaveDialog } from './handlers/save-export.ts';
import { ExperimentRunner } from './runner/experiments.ts';
import { WorkerPool } from './runner/pool.ts';
import { Store } from './store/store.ts';

export type EventListener = <E extends EventName>(event: E, payload: EventMap[E]) => void;

export interface App {
  store: Store;
  pool: WorkerPool;
  runner: ExperimentRunner;
  handlers: Handlers;
  /** Subscribes to every event main emits; returns the unsubscribe function. */
  subscribe(listener: EventListener): () => void;
  close(): Promise<void>;
}

export interface AppOptions {
  dbPath: string;
  workerFile?: URL | string;
  poolSize?: number;
  /** The desktop window's native save dialog (main/electron); absent elsewhere. */
  saveDialog?: SaveDialog;
}

export async function createApp(options: AppOptions): Promise<App> {
  mkdirSync(dirname(options.dbPath), { recursive: true });
  const store = await Store.open(options.dbPath);
  const pool = new WorkerPool({ workerFile: options.workerFile, size: options.poolSize });
  const listeners = new Set<EventListener>();
  const runner = new ExperimentRunner(store, pool, (payload) => {
    for (const listener of listeners) listener('experimentProgress', payload);
  });
  return {
    store,
    pool,
    runner,
    handlers: createHandlers({ store, runner, saveDialog: options.saveDialog }),
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      for (const id of runner.activeIds()) runner.cancel(id);
      await runner.drain();
      await pool.close();
      await store.close();
    },
  };
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
