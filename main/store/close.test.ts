// Store.close() lets go of every handle on the database's files (the file, its -wal and -shm),
// however the store was opened and used: a handle left open keeps a stale -wal or -shm alive
// for whatever opens a file of the same name next (security/attack.ts met one), and leaks.
import { mkdtempSync, readdirSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PRESETS } from '../../common/core/index.ts';
import { createApp } from '../app.ts';
import { dispatch } from '../handlers/index.ts';
import { Store } from './store.ts';
import { recordExperiment, tempDir } from './testing.ts';

const dir = tempDir('gmemlab-close-');
afterAll(() => dir.cleanup());

/** This process's open file descriptors on files in the test's folder, by name (Linux: /proc). */
function handlesOn(folder: string): string[] {
  const names: string[] = [];
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      const target = readlinkSync(`/proc/self/fd/${fd}`);
      if (target.startsWith(`${folder}/`)) names.push(target.slice(folder.length + 1));
    } catch {
      // the descriptor readdir itself used, closed since
    }
  }
  return names.sort();
}

const opens: [string, Parameters<typeof Store.open>[1]][] = [
  ['the reads on this thread', {}],
  ['the reads in read workers', { readWorker: true }],
  ['read-only', { readOnly: true }],
  ['read-only, the reads in read workers', { readOnly: true, readWorker: true }],
];

describe.runIf(process.platform === 'linux')('Store.close', () => {
  it.each(opens)('closes every handle on the database files: %s', async (_, options) => {
    const folder = mkdtempSync(join(dir.dir, 'db-'));
    const path = join(folder, 'h.sqlite');
    // A history to read: made and closed by a writing store first.
    const writer = await Store.open(path);
    const { experimentId } = await recordExperiment(writer, { name: 'sweep', vcpus: [1, 2, 4] });
    await writer.close();
    expect(handlesOn(folder)).toEqual([]);

    const store = await Store.open(path, options);
    // Pages and a heavy read (the second read worker's), so every connection has been opened.
    await store.listRuns({ offset: 0, limit: 5 });
    await store.getExperimentData(experimentId);
    await store.getRuns([1, 2]);
    expect(handlesOn(folder)).toContain('h.sqlite');
    await store.close();
    expect(handlesOn(folder)).toEqual([]);
  });

  it('closes every handle when the app closes after a sweep and an export (pool, read, write and compute workers)', async () => {
    const folder = mkdtempSync(join(dir.dir, 'app-'));
    const app = await createApp({
      dbPath: join(folder, 'h.sqlite'),
      readWorker: true,
      writeWorker: true,
      computeWorker: true,
    });
    const started = await dispatch(app.handlers, 'startExperiment', {
      scenario: PRESETS[0]!.scenario,
      sweep: { parameters: [{ path: 'vm.vcpus', values: [1, 2] }] },
    });
    if (!started.ok) throw new Error(started.error.message);
    const { experimentId } = started.value as { experimentId: number };
    await app.runner.whenDone(experimentId);
    expect((await dispatch(app.handlers, 'getExperiment', { experimentId })).ok).toBe(true);
    expect((await dispatch(app.handlers, 'exportExperiment', { experimentId, format: 'csv' })).ok).toBe(true);
    expect(handlesOn(folder)).toContain('h.sqlite');
    await app.close();
    expect(handlesOn(folder)).toEqual([]);
  });

  it('closes cleanly in the middle of a sweep saved by the write worker: its runs are done or cancelled, none left running', async () => {
    const folder = mkdtempSync(join(dir.dir, 'mid-'));
    const dbPath = join(folder, 'h.sqlite');
    const app = await createApp({ dbPath, readWorker: true, writeWorker: true });
    const saved = new Promise<void>((resolve) =>
      app.subscribe((_event, p) => {
        if (p.runsDone > 0) resolve();
      }),
    );
    const values = Array.from({ length: 3000 }, (_, i) => 1 + (i % 16));
    const { experimentId } = await app.runner.start({
      name: 'closed mid-sweep',
      scenario: PRESETS[0]!.scenario,
      sweep: { parameters: [{ path: 'vm.vcpus', values }] },
    });
    await saved;
    await app.close();
    expect(handlesOn(folder)).toEqual([]);

    const store = await Store.open(dbPath);
    try {
      const detail = (await store.getExperiment(experimentId))!;
      expect(detail.status).toBe('cancelled');
      const statuses = new Set(detail.runs.map((r) => r.status));
      expect(statuses.has('done')).toBe(true);
      expect([...statuses].every((s) => s === 'done' || s === 'cancelled')).toBe(true);
    } finally {
      await store.close();
    }
  });
});
