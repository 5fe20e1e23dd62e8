// Crash safety with a real process: SIGKILL in the middle of a sweep.
import BetterSqlite3 from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { ExperimentRunner } from '../runner/experiments.ts';
import { WorkerPool } from '../runner/pool.ts';
import { Store } from './store.ts';
import { tempDir } from './testing.ts';

let dir: { dir: string; cleanup: () => void };
beforeEach(() => {
  dir = tempDir();
});
afterEach(() => dir.cleanup());

const fixture = fileURLToPath(new URL('./crash-child.fixture.ts', import.meta.url));

/** Starts the sweep in a child, kills it with SIGKILL after a few saved batches; returns what it had reported saved. */
async function killMidSweep(
  dbPath: string,
  saving: Saving,
): Promise<{ experimentId: number; reportedDone: number; finished: boolean }> {
  const child = spawn(process.execPath, [fixture, dbPath, '3000', saving], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  let experimentId = 0;
  let reportedDone = 0;
  let batches = 0;
  let finished = false;
  for await (const line of createInterface({ input: child.stdout })) {
    if (line === 'finished') finished = true;
    const m = /^progress (\d+) (\d+) (\d+) (\w+)$/.exec(line);
    if (m === null) continue;
    experimentId = Number(m[1]);
    reportedDone = Math.max(reportedDone, Number(m[2]));
    if (reportedDone > 0 && ++batches === 4) child.kill('SIGKILL');
  }
  const { signal } = await exited;
  if (signal !== 'SIGKILL' && !finished) throw new Error(`the child failed: ${stderr}`);
  return { experimentId, reportedDone, finished };
}

/** Where the child saves its runs: on its main thread or in the write worker (the window's app). */
type Saving = 'here' | 'write-worker';

it.each<Saving>(['here', 'write-worker'])(
  'SIGKILL mid-sweep keeps an intact file and every finished run; the rest are interrupted and can be re-run (saving %s)',
  async (saving) => {
    const dbPath = join(dir.dir, 'crash.sqlite');
    const { experimentId, reportedDone, finished } = await killMidSweep(dbPath, saving);
    expect(finished).toBe(false);
    expect(reportedDone).toBeGreaterThan(0);

    // The file as the killed process left it (opening it replays the WAL, as any next start would).
    const raw = new BetterSqlite3(dbPath);
    expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(raw.pragma('foreign_key_check')).toEqual([]);
    raw.close();

    const store = await Store.open(dbPath);
    try {
      const detail = await store.getExperiment(experimentId);
      expect(detail).toBeDefined();
      const runs = detail!.runs;
      const done = runs.filter((r) => r.status === 'done');
      // Every run reported saved is there, whole, with its metrics.
      expect(done.length).toBeGreaterThanOrEqual(reportedDone);
      for (const run of done) {
        expect(run.modelVersion).not.toBeNull();
        expect(Object.keys(run.metrics).length).toBeGreaterThan(0);
      }
      const others = runs.filter((r) => r.status !== 'done');
      expect(others.length).toBeGreaterThan(0);
      expect(new Set(others.map((r) => r.status))).toEqual(new Set(['interrupted']));
      for (const run of others) expect(Object.keys(run.metrics)).toEqual([]);
      expect(detail!.status).toBe('interrupted');
      // The experiment's counts were written with its runs: they agree with them after the kill.
      expect([detail!.runsDone, detail!.runsTotal]).toEqual([done.length, runs.length]);

      // Re-run: only the interrupted runs are computed again; finished ones are kept as they were.
      const pool = new WorkerPool({ size: 1 });
      const runner = new ExperimentRunner(store, pool, () => {});
      try {
        const { runsTotal } = await runner.rerun(experimentId);
        expect(runsTotal).toBe(others.length);
        await runner.whenDone(experimentId);
      } finally {
        await pool.close();
      }
      const after = await store.getExperiment(experimentId);
      expect(after!.status).toBe('done');
      expect(after!.runs.every((r) => r.status === 'done')).toBe(true);
      expect([after!.runsDone, after!.runsTotal]).toEqual([runs.length, runs.length]);
      expect(after!.runs.filter((r) => done.some((d) => d.id === r.id))).toEqual(done);
    } finally {
      await store.close();
    }
  },
);

it('SIGKILL while a sweep computed on the main thread is being recorded (the CLI) leaves nothing of it, and an intact file', async () => {
  const dbPath = join(dir.dir, 'crash.sqlite');
  const child = spawn(process.execPath, [fixture, dbPath, '2000', 'inline'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  const lines: string[] = [];
  for await (const line of createInterface({ input: child.stdout })) {
    lines.push(line);
    // 5,000 of its 14,000 runs are in the open transaction: killed before it can commit.
    if (line === 'recording 5000') child.kill('SIGKILL');
  }
  expect(await exited, stderr).toBe('SIGKILL');
  expect(lines).toEqual(['recording 5000']);

  const raw = new BetterSqlite3(dbPath);
  expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
  expect(raw.prepare('select count(*) as n from runs').get()).toEqual({ n: 0 });
  raw.close();
  const store = await Store.open(dbPath);
  try {
    expect((await store.listExperiments({ offset: 0, limit: 10 })).total).toBe(0);
  } finally {
    await store.close();
  }
});
