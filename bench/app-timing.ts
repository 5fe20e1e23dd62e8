// Timing the app as the window drives it: calls through dispatch(), and the history's polls
// while a sweep saves (issue 20). Every bench that reports a wait measures it here, one way.
import { performance } from 'node:perf_hooks';
import type { App } from '../main/app.ts';
import { dispatch } from '../main/handlers/index.ts';

/** A call through dispatch(), as the window's transports make it; throws on an error envelope. */
export async function call<T>(app: App, name: string, input: unknown): Promise<T> {
  const envelope = await dispatch(app.handlers, name, input);
  if (!envelope.ok) throw new Error(`${name}: ${envelope.error.message}`);
  return envelope.value as T;
}

export interface HistoryPolls {
  /** Longest wait of a poll, from when its timer was due to its second answer (ms). */
  longest: number;
  /** Every poll's wait, in order (ms). */
  waits: number[];
  /** The slowest of each part of a wait: the timer (the main thread's event loop), each page (ms). */
  slowest: { timer: number; experiments: number; runs: number };
}

/**
 * A page of experiments and a page of runs 20 times a second while `work` runs, as a window
 * polling the history would ask for them. A poll's wait runs from when its timer was due to when
 * its last answer arrived, so a blocked event loop counts as well as a slow query. Resolves when
 * `work` has.
 */
export async function pollHistoryDuring(app: App, work: Promise<unknown>): Promise<HistoryPolls> {
  let running = true;
  void work.finally(() => (running = false));
  const waits: number[] = [];
  const slowest = { timer: 0, experiments: 0, runs: 0 };
  while (running) {
    const due = performance.now() + 50;
    await new Promise((r) => setTimeout(r, 50));
    const a = performance.now();
    await call(app, 'listExperiments', { offset: 0, limit: 50 });
    const b = performance.now();
    await call(app, 'listRuns', { offset: 0, limit: 50, sort: { by: 'createdAt', dir: 'desc' } });
    const c = performance.now();
    slowest.timer = Math.max(slowest.timer, a - due);
    slowest.experiments = Math.max(slowest.experiments, b - a);
    slowest.runs = Math.max(slowest.runs, c - b);
    waits.push(c - due);
  }
  await work;
  return { longest: Math.max(0, ...waits), waits, slowest };
}
