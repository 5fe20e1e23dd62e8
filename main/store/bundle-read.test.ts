// Bundle files read as a stream (bundle-read.ts) into a real SQLite file: the order of a bundle's
// parts does not matter, validation stops after 100 problems, and a file that changes between
// the two passes is refused with the database left as it was.
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Bundle } from '../../common/contract/bundle.ts';
import { readBundleAsync } from '../handlers/compute.ts';
import type { BundleMessage } from './bundle-read.ts';
import { BundleError } from './errors.ts';
import { Store } from './store.ts';
import { recordExperiment, tempDir } from './testing.ts';

let dir: { dir: string; cleanup: () => void };
let source: Store;
let target: Store;
let bundle: Bundle;

beforeEach(async () => {
  dir = tempDir();
  source = await Store.open(join(dir.dir, 'source.sqlite'));
  target = await Store.open(join(dir.dir, 'target.sqlite'));
  const a = await recordExperiment(source, { name: 'sweep', vcpus: [1, 2, 4] });
  const b = await recordExperiment(source, { name: 'single' });
  await source.setTags(a.experimentId, ['lkml']);
  bundle = await source.exportBundle([a.experimentId, b.experimentId]);
});
afterEach(async () => {
  await source.close();
  await target.close();
  dir.cleanup();
});

const rows = (store: Store): unknown =>
  store.opened.sqlite
    .prepare(
      `select (select count(*) from experiments) e, (select count(*) from runs) r, (select count(*) from run_metrics) m,
         (select count(*) from scenario_revisions) s, (select count(*) from cost_tables) c, (select count(*) from tags) t`,
    )
    .get();

function file(name: string, text: string): string {
  const path = join(dir.dir, name);
  writeFileSync(path, text);
  return path;
}

const importFile = (path: string): Promise<unknown> =>
  target.importBundleFrom(readBundleAsync({ path }, { source: path }));

/** The same object with its keys in reverse order, at every level: runs before the experiment's other fields, experiments first. */
function reversed(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reversed);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .reverse()
      .map(([k, v]) => [k, reversed(v)]),
  );
}

describe('bundle files', () => {
  it('imports a file as a stream whatever the order of its parts, as the value would be imported', async () => {
    const path = file('reversed.json', JSON.stringify(reversed(bundle)));
    expect(JSON.parse(JSON.stringify(reversed(bundle)))).toEqual(JSON.parse(JSON.stringify(bundle)));
    const summary = await importFile(path);
    const runs = bundle.experiments.reduce((n, e) => n + e.runs.length, 0);
    expect(summary).toMatchObject({ experimentsImported: 2, runsImported: runs });
    const again = join(dir.dir, 'again.sqlite');
    const other = await Store.open(again);
    await other.importBundle(bundle);
    expect(rows(target)).toEqual(rows(other));
    await other.close();
    // Re-exported from the target, it is the same bundle (but for the export time).
    const ids = (
      await target.listExperiments({ offset: 0, limit: 10, sort: { by: 'createdAt', dir: 'asc' } })
    ).items.map((e) => e.id);
    const back = await target.exportBundle(ids);
    expect({ ...back, exportedAt: '' }).toEqual({ ...bundle, exportedAt: '' });
  });

  it('stops after 100 problems, writing nothing', async () => {
    const broken = structuredClone(bundle) as unknown as { experiments: { runs: unknown[] }[] };
    broken.experiments[0]!.runs = Array.from({ length: 5000 }, () => ({ strategy: 'S9' }));
    const before = rows(target);
    const error = await importFile(file('bad.json', JSON.stringify(broken))).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(BundleError);
    expect((error as BundleError).issues).toHaveLength(100);
    expect((error as BundleError).message).toMatch(/bad\.json is not a valid gmemlab bundle; nothing was imported/);
    expect(rows(target)).toEqual(before);
  });

  it("refuses a run that is not at a point of its experiment's sweep, or appears twice, writing nothing", async () => {
    type Editable = { experiments: { runs: { strategy: string; point: Record<string, unknown> }[] }[] };
    const edited = (edit: (b: Editable) => void): string => {
      const copy = structuredClone(bundle) as unknown as Editable;
      edit(copy);
      return JSON.stringify(copy);
    };
    const cases: [string, (b: Editable) => void, { path: string; message: string }][] = [
      [
        'off-sweep',
        (b) => (b.experiments[0]!.runs[3]!.point['vm.vcpus'] = 3),
        { path: 'experiments.0.runs.3.point', message: "vm.vcpus = 3 is not a value of the experiment's sweep" },
      ],
      [
        'foreign-path',
        (b) => (b.experiments[0]!.runs[0]!.point['host.cpus'] = 8),
        { path: 'experiments.0.runs.0.point', message: "names host.cpus, which the experiment's sweep does not vary" },
      ],
      [
        'single-with-point',
        (b) => (b.experiments[1]!.runs[0]!.point['vm.vcpus'] = 2),
        { path: 'experiments.1.runs.0.point', message: 'a single run has no swept parameter, but names vm.vcpus' },
      ],
      [
        'twice',
        (b) => b.experiments[0]!.runs.push(structuredClone(b.experiments[0]!.runs[0]!)),
        {
          path: expect.stringMatching(/^experiments\.0\.runs\.\d+$/) as unknown as string,
          message: 'a run of S0 at vm.vcpus=1 more than the once its sweep has it',
        },
      ],
    ];
    const before = rows(target);
    for (const [name, edit, issue] of cases) {
      const error = await importFile(file(`${name}.json`, edited(edit))).catch((err: unknown) => err);
      expect(error, name).toBeInstanceOf(BundleError);
      expect((error as BundleError).issues, name).toEqual([issue]);
    }
    expect(rows(target)).toEqual(before);
    // The bundle as exported still imports.
    await importFile(file('as-exported.json', JSON.stringify(bundle)));
    expect(rows(target)).not.toEqual(before);
    // A sweep that lists a value twice has its point twice: both runs of each strategy import.
    const twice = await recordExperiment(source, { name: 'a value twice', vcpus: [2, 2, 4] });
    const repeated = await source.exportBundle([twice.experimentId]);
    expect(repeated.experiments[0]!.runs.filter((r) => r.strategy === 'S0' && r.point['vm.vcpus'] === 2)).toHaveLength(
      2,
    );
    await importFile(file('repeated.json', JSON.stringify(repeated)));
    const imported = (await target.listExperiments({ offset: 0, limit: 50 })).items.find(
      (e) => e.name === 'a value twice',
    )!;
    expect(imported.runsTotal).toBe(repeated.experiments[0]!.runs.length);
  });

  it('refuses text that is not JSON, naming the place, and a file that cannot be read', async () => {
    const text = JSON.stringify(bundle);
    await expect(importFile(file('cut.json', text.slice(0, text.length / 2)))).rejects.toThrow(
      /ends (before the bundle does|inside a value)/,
    );
    await expect(importFile(file('two.json', `${text}\n${text}`))).rejects.toThrow(/unexpected text after the bundle/);
    await expect(importFile(join(dir.dir, 'missing.json'))).rejects.toThrow(/cannot read .*missing\.json/);
    expect(rows(target)).toMatchObject({ e: 0, r: 0 });
  });

  it('refuses a file changed between the check and the write, and rolls back what was written', async () => {
    // Copies of the sweep under new uids: more runs than one batch, so some are written before the end.
    const copies = Array.from({ length: 30 }, (_, i) => ({
      ...bundle.experiments[0]!,
      uid: `${i.toString(16).padStart(2, '0')}${bundle.experiments[0]!.uid.slice(2)}`,
    }));
    const path = file('bundle.json', JSON.stringify({ ...bundle, experiments: copies }, null, 2));
    const before = rows(target);
    let batches = 0;
    async function* changeAfterCheck(): AsyncGenerator<BundleMessage> {
      for await (const message of readBundleAsync({ path }, { source: path })) {
        yield message;
        if (message.kind === 'batch') batches++;
        // The index has been given: the check is over and the transaction opens next.
        if (message.kind === 'index') appendFileSync(path, ' ');
      }
    }
    await expect(target.importBundleFrom(changeAfterCheck())).rejects.toThrow(/changed while it was being imported/);
    expect(batches).toBeGreaterThan(0); // written, then rolled back
    expect(rows(target)).toEqual(before);
    // The same file, unchanged since, imports.
    expect(await importFile(path)).toMatchObject({ experimentsImported: 30 });
  });
});
