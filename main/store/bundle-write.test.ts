// Bundles exported a page at a time (bundle-export.ts) and written as text (bundle-write.ts), on a
// real SQLite file with runs from the analytic model: the text is the one JSON.stringify makes of
// the whole value, pages are bounded, the export reads one snapshot, and a refused or stopped
// export leaves the reader's connection free.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GmemlabError, NotFoundError } from '../../common/core/index.ts';
import type { Bundle } from '../../common/contract/bundle.ts';
import { BUNDLE_PAGE_RUNS, collectBundle, type BundlePart } from './bundle-export.ts';
import { bundleText, bundleTextUpTo, writeBundleFile } from './bundle-write.ts';
import { Store } from './store.ts';
import { recordExperiment, tempDir } from './testing.ts';

let dir: { dir: string; cleanup: () => void };
let store: Store;
let sweep: number;
/** Runs of the sweep (points × the preset's strategies). */
let sweepRuns: number;
let single: number;
/** Runs of the sweep: more than one page. */
const VCPUS = Array.from({ length: 80 }, (_, i) => i + 1);

beforeAll(async () => {
  dir = tempDir('gmemlab-bundle-write-');
  store = await Store.open(join(dir.dir, 'source.sqlite'));
  const recorded = await recordExperiment(store, { name: 'a sweep of 80 points', vcpus: VCPUS });
  sweep = recorded.experimentId;
  sweepRuns = recorded.runIds.length;
  ({ experimentId: single } = await recordExperiment(store, { name: 'one run' }));
  await store.setTags(single, ['lkml']);
  await store.setNote(single, 'with "quotes"\nand a second line');
}, 120_000);

afterAll(async () => {
  await store?.close();
  dir?.cleanup();
});

async function textOf(parts: AsyncIterable<BundlePart>): Promise<string> {
  let text = '';
  for await (const piece of bundleText(parts)) text += piece;
  return text;
}

/** A fresh experiment, visible to reads only once no export holds the reader's snapshot. */
async function readerSeesNewWrites(): Promise<boolean> {
  const { experimentId } = await recordExperiment(store, { name: 'written after' });
  const seen = (await store.listExperiments({ offset: 0, limit: 500 })).items.some((e) => e.id === experimentId);
  await store.deleteExperiment(experimentId);
  return seen;
}

describe('bundles exported a page at a time', () => {
  it('makes the text JSON.stringify(bundle, null, 2) makes of the whole bundle, in pages of runs', async () => {
    const pages: number[] = [];
    const parts = store.bundleParts([single, sweep, single]);
    const counted = (async function* () {
      for await (const part of parts) {
        if (part.kind === 'runs') pages.push(part.runs.length);
        yield part;
      }
    })();
    const text = await textOf(counted);
    const parsed = JSON.parse(text) as Bundle;
    const whole = await store.exportBundle([sweep, single]);
    expect(text).toBe(`${JSON.stringify({ ...whole, exportedAt: parsed.exportedAt }, null, 2)}\n`);
    expect(parsed.experiments.map((e) => e.runs.length)).toEqual([sweepRuns, whole.experiments[1]!.runs.length]);
    expect(sweepRuns).toBeGreaterThan(BUNDLE_PAGE_RUNS);
    expect(Math.max(...pages)).toBe(BUNDLE_PAGE_RUNS);
    expect(parsed.experiments[1]).toMatchObject({ tags: ['lkml'], note: 'with "quotes"\nand a second line' });
  });

  it('reads one snapshot: an experiment deleted during the export is exported whole', async () => {
    const { experimentId } = await recordExperiment(store, { name: 'deleted meanwhile', vcpus: VCPUS });
    const parts = store.bundleParts([experimentId]);
    const head = await parts.next();
    expect(head.value).toMatchObject({ kind: 'head', summary: { experiments: 1, runs: expect.any(Number) } });
    const total = (head.value as Extract<BundlePart, { kind: 'head' }>).summary.runs;
    expect(await store.deleteExperiment(experimentId)).toBe(true);
    let runs = 0;
    for await (const part of parts) if (part.kind === 'runs') runs += part.runs.length;
    expect(runs).toBe(total);
    expect(await readerSeesNewWrites()).toBe(true);
  });

  it('refuses unknown experiments by id on the first pull, and the reader is free afterwards', async () => {
    await expect(collectBundle(store.bundleParts([sweep, 998, 999]))).rejects.toThrow(
      new NotFoundError('experiments 998, 999 do not exist'),
    );
    expect(await readerSeesNewWrites()).toBe(true);
  });

  it('returns the text whole up to a limit, and over it refuses as too_large, stopping the read', async () => {
    const { text, summary } = await bundleTextUpTo(store.bundleParts([single]), 1 << 20, () => 'unused');
    expect(summary).toEqual({ experiments: 1, runs: JSON.parse(text).experiments[0].runs.length, scenarios: 1 });
    const refused = await bundleTextUpTo(
      store.bundleParts([sweep]),
      100_000,
      (s) => `${s.runs} runs: use a file`,
    ).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(GmemlabError);
    expect(refused).toMatchObject({ code: 'too_large', message: `${sweepRuns} runs: use a file` });
    expect(await readerSeesNewWrites()).toBe(true);
  });

  it('writes a file through a .partial file, and leaves none when the folder does not exist', async () => {
    const path = join(dir.dir, 'out.json');
    const summary = await writeBundleFile(store.bundleParts([sweep]), path);
    expect(summary).toMatchObject({ experiments: 1, runs: sweepRuns });
    expect(JSON.parse(readFileSync(path, 'utf8')).experiments[0].runs).toHaveLength(sweepRuns);
    expect(existsSync(`${path}.partial`)).toBe(false);
    const missing = join(dir.dir, 'no', 'such', 'folder.json');
    await expect(writeBundleFile(store.bundleParts([sweep]), missing)).rejects.toMatchObject({
      code: 'invalid_input',
      message: expect.stringMatching(/^cannot write .*folder\.json: ENOENT/),
    });
    expect(await readerSeesNewWrites()).toBe(true);
  });
});
