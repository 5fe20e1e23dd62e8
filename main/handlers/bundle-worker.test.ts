// Bundles through the compute worker (issue 15 items 1 and 8), with a real App, SQLite file and
// worker thread: a bundle file is read and checked in the worker while this thread keeps
// answering; a refused bundle comes back as the same invalid_input, with the same issues, as on
// the calling thread; a bundle file written there is the text JSON.stringify would make.
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PRESETS } from '../../common/core/index.ts';
import type { Bundle } from '../../common/contract/bundle.ts';
import { createApp, type App } from '../app.ts';
import { createHandlers, dispatch } from './index.ts';

let dir: string;
let app: App;
let bundle: Bundle;
let sweep: number;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gmemlab-bundle-worker-'));
  app = await createApp({ dbPath: join(dir, 'gmemlab.sqlite'), poolSize: 1, computeWorker: true });
  const started = await dispatch(app.handlers, 'startExperiment', {
    name: 'sweep to carry',
    scenario: PRESETS[0]!.scenario,
    sweep: { parameters: [{ path: 'vm.vcpus', values: Array.from({ length: 60 }, (_, i) => i + 1) }] },
  });
  if (!started.ok) throw new Error(started.error.message);
  sweep = (started.value as { experimentId: number }).experimentId;
  await app.runner.whenDone(sweep);
  bundle = await app.store.exportBundle([sweep]);
}, 120_000);

afterAll(async () => {
  await app?.close();
  await rm(dir, { recursive: true, force: true });
});

/** `bundle`'s experiment copied `n` times under new uids: a file of some megabytes. */
function copies(n: number): Bundle {
  const e = bundle.experiments[0]!;
  const uid = (i: number): string => `${i.toString(16).padStart(4, '0')}${e.uid.slice(4)}`;
  return { ...bundle, experiments: Array.from({ length: n }, (_, i) => ({ ...e, uid: uid(i + 1) })) };
}

describe('bundles in the compute worker', () => {
  it('reads and checks a bundle file there while this thread keeps answering', async () => {
    const path = join(dir, 'many.json');
    writeFileSync(path, JSON.stringify(copies(15), null, 2));
    let turns = 0;
    let done = false;
    const importing = app.local.importBundleFile(path).finally(() => {
      done = true;
    });
    while (!done) {
      await nextTurn();
      turns++;
    }
    const summary = await importing;
    expect(summary).toMatchObject({ experimentsImported: 15, runsImported: 15 * bundle.experiments[0]!.runs.length });
    // Pass 1 alone (reading and checking ~8 MB) takes many turns; inline it would take none.
    expect(turns).toBeGreaterThan(20);
    expect((await app.store.listExperiments({ offset: 0, limit: 1 })).total).toBe(16);
  }, 120_000);

  it('refuses a hostile bundle value as invalid_input with the issues the calling thread gives', async () => {
    const inline = createHandlers({ store: app.store, runner: app.runner });
    const hostile = structuredClone(bundle) as unknown as { experiments: { runs: unknown[]; uid: string }[] };
    hostile.experiments[0]!.uid = 'ffff'.repeat(8);
    hostile.experiments[0]!.runs = Array.from({ length: 1000 }, () => 7);
    const before = (await app.store.listExperiments({ offset: 0, limit: 1 })).total;
    const inWorker = await dispatch(app.handlers, 'importBundle', { bundle: hostile });
    const here = await dispatch(inline, 'importBundle', { bundle: hostile });
    expect(inWorker.ok).toBe(false);
    expect(inWorker).toEqual(here);
    if (!inWorker.ok) {
      expect(inWorker.error.code).toBe('invalid_input');
      expect(inWorker.error.issues).toHaveLength(100);
      expect(inWorker.error.issues![0]).toEqual({ path: 'bundle.experiments.0.runs.0', message: expect.any(String) });
    }
    expect((await app.store.listExperiments({ offset: 0, limit: 1 })).total).toBe(before);
  });

  it('writes a bundle file there, the text JSON.stringify makes', async () => {
    const path = join(dir, 'out.json');
    const summary = await app.local.exportBundleFile([sweep], path);
    expect(summary).toEqual({ experiments: 1, runs: bundle.experiments[0]!.runs.length, scenarios: 1 });
    const text = readFileSync(path, 'utf8');
    const written = JSON.parse(text) as Bundle;
    expect(text).toBe(`${JSON.stringify({ ...bundle, exportedAt: written.exportedAt }, null, 2)}\n`);
    await expect(app.local.exportBundleFile([sweep], join(dir, 'no', 'such', 'folder.json'))).rejects.toThrow(
      /cannot write .*folder\.json/,
    );
  });

  it('answers the contract exportBundle with the same text, made there; an unknown id is not_found', async () => {
    const answer = await dispatch(app.handlers, 'exportBundle', { experimentIds: [sweep] });
    expect(answer).toMatchObject({ ok: true, value: { filename: `gmemlab-bundle-${sweep}.json` } });
    const text = answer.ok ? (answer.value as { text: string }).text : '';
    const written = JSON.parse(text) as Bundle;
    expect(text).toBe(`${JSON.stringify({ ...bundle, exportedAt: written.exportedAt }, null, 2)}\n`);
    expect(await dispatch(app.handlers, 'exportBundle', { experimentIds: [sweep, 999] })).toMatchObject({
      ok: false,
      error: { code: 'not_found', message: 'experiment 999 does not exist' },
    });
  });
});
