// The read worker answers the store's reads on its own connection: the same answers as reads on
// the main thread, errors by their kind, and no wait for a write transaction held open.
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { NotFoundError } from '../../common/core/index.ts';
import { DatabaseDamagedError } from './integrity.ts';
import { Store } from './store.ts';
import { recordExperiment, tempDir } from './testing.ts';

let dir: { dir: string; cleanup: () => void };
beforeEach(() => {
  dir = tempDir();
});
afterEach(() => dir.cleanup());

it('answers reads in a worker thread as the main thread would, even while a write transaction is open', async () => {
  const path = join(dir.dir, 'db.sqlite');
  const here = await Store.open(path);
  const { experimentId, runIds } = await recordExperiment(here, { name: 'swept', vcpus: [1, 4] });
  const worker = await Store.open(path, { readWorker: true });
  try {
    expect(await worker.getExperiment(experimentId)).toEqual(await here.getExperiment(experimentId));
    expect(await worker.getRuns(runIds)).toEqual(await here.getRuns(runIds));
    const query = {
      offset: 0,
      limit: 5,
      sort: { by: 'metric' as const, key: 'cost.overheadPct', dir: 'asc' as const },
    };
    expect(await worker.listRuns(query)).toEqual(await here.listRuns(query));
    expect(await worker.getExperiment(999)).toBeUndefined();
    await expect(worker.exportBundle([999])).rejects.toBeInstanceOf(NotFoundError);
    const missing = await worker.getRuns([runIds[0]!, 999_999]).catch((err: unknown) => err);
    expect(missing).toBeInstanceOf(NotFoundError);
    expect((missing as NotFoundError).code).toBe('not_found');
    expect((missing as Error).message).toBe('run 999999 does not exist');
    expect(await worker.runCostTable(runIds[0]!)).toEqual(await here.runCostTable(runIds[0]!));
    // Pages and heavy reads at once (two lanes, read-client.ts): each answered as on this thread.
    const [data, page, runs] = await Promise.all([
      worker.getExperimentData(experimentId),
      worker.listRuns(query),
      worker.getRuns(runIds),
    ]);
    expect(data).toEqual(await here.getExperimentData(experimentId));
    expect(page).toEqual(await here.listRuns(query));
    expect(runs).toEqual(await here.getRuns(runIds));

    // The writer holds a write transaction (as while a batch is saved): a read still answers,
    // from the last commit, and sees the next commit once it is made.
    const writer = here.opened.sqlite;
    writer.prepare('begin immediate').run();
    writer.prepare("update experiments set name = 'renamed' where id = ?").run(experimentId);
    expect((await worker.getExperiment(experimentId))?.name).toBe('swept');
    writer.prepare('commit').run();
    expect((await worker.getExperiment(experimentId))?.name).toBe('renamed');
  } finally {
    await worker.close();
    await here.close();
  }
});

it('reports a damaged run read in the worker as DatabaseDamagedError, naming the table, row and column', async () => {
  const path = join(dir.dir, 'db.sqlite');
  const here = await Store.open(path);
  const { experimentId, runIds } = await recordExperiment(here, { name: 'to be damaged' });
  here.opened.sqlite.prepare("update runs set flags = '[{' where id = ?").run(runIds[0]);
  const worker = await Store.open(path, { readWorker: true });
  try {
    const err = await worker.getExperiment(experimentId).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DatabaseDamagedError);
    expect((err as Error).message).toContain(`table runs, row ${runIds[0]}: column flags is not valid JSON`);
  } finally {
    await worker.close();
    await here.close();
  }
});
