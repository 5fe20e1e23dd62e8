// gmemlab export-bundle and gmemlab import, as a user runs them (real child processes).
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { Store } from '../../store/store.ts';
import { recordExperiment, tempDir } from '../../store/testing.ts';

const cli = fileURLToPath(new URL('../gmemlab.ts', import.meta.url));
const gmemlab = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });

let dir: { dir: string; cleanup: () => void };
beforeEach(() => {
  dir = tempDir();
});
afterEach(() => dir.cleanup());

it('exports a bundle and imports it once, however often it is imported', async () => {
  const source = join(dir.dir, 'source.sqlite');
  const target = join(dir.dir, 'target.sqlite');
  const bundle = join(dir.dir, 'bundle.json');
  const store = await Store.open(source);
  // Experiment 1 is left behind: the two exported (2 and 3) become 1 and 2 in the target.
  await recordExperiment(store, { name: 'not exported' });
  const a = await recordExperiment(store, { name: 'first', vcpus: [1, 2] });
  // A name from someone else's bundle is printed as text, never as terminal escapes.
  const b = await recordExperiment(store, { name: 'second\u001b[2J\nimported 99' });
  await store.close();

  const exported = gmemlab(
    'export-bundle',
    String(a.experimentId),
    String(b.experimentId),
    '--out',
    bundle,
    '--db',
    source,
    '--json',
  );
  expect(exported.stderr).toBe('');
  expect(exported.status).toBe(0);
  expect(JSON.parse(exported.stdout)).toMatchObject({
    out: bundle,
    experiments: 2,
    runs: a.runIds.length + b.runIds.length,
  });
  expect(JSON.parse(readFileSync(bundle, 'utf8')).format).toBe('gmemlab/bundle@1');

  const first = gmemlab('import', bundle, '--db', target, '--json');
  expect(first.status).toBe(0);
  expect(JSON.parse(first.stdout)).toMatchObject({
    experimentsImported: 2,
    experimentsSkipped: 0,
    runsImported: a.runIds.length + b.runIds.length,
    experiments: [
      { name: 'first', outcome: 'imported', id: 1 },
      { name: 'second\u001b[2J\nimported 99', outcome: 'imported', id: 2 },
    ],
  });
  expect([a.experimentId, b.experimentId]).toEqual([2, 3]);
  const second = gmemlab('import', bundle, '--db', target);
  expect(second.status).toBe(0);
  expect(second.stdout).toMatch(/imported 0 experiment\(s\).*2 already present/);
  // Each experiment with the ID it has here.
  expect(second.stdout).toMatch(/\n {2}"first" \(made [0-9-]+ [0-9:]+ UTC\) already here as experiment 1\n/);
  expect(second.stdout).toMatch(
    /\n {2}"second\?\[2J\?imported 99" \(made [0-9-]+ [0-9:]+ UTC\) already here as experiment 2$/m,
  );
  expect(second.stdout).not.toContain('\u001b');
});

it('exits 2 with the reason on bad input', async () => {
  const db = join(dir.dir, 'db.sqlite');
  const bad = join(dir.dir, 'bad.json');
  writeFileSync(bad, JSON.stringify({ format: 'gmemlab/bundle@1', exportedAt: 'yesterday' }));
  const cases: [string[], RegExp][] = [
    [['import'], /needs a BUNDLE\.json/],
    [['import', join(dir.dir, 'missing.json'), '--db', db], /cannot read .*missing\.json/],
    [
      ['import', bad, '--db', db],
      /not a valid gmemlab bundle; nothing was imported:\n {2}exportedAt: must be an ISO timestamp/,
    ],
    [['export-bundle', '--out', bad, '--db', db], /at least one experiment ID/],
    [['export-bundle', '1x', '--out', bad, '--db', db], /"1x" is not an experiment ID/],
    [['export-bundle', '1', '--db', db], /needs --out FILE/],
    [['export-bundle', '12', '--out', join(dir.dir, 'x.json'), '--db', db], /experiment 12 does not exist/],
  ];
  for (const [args, reason] of cases) {
    const result = gmemlab(...args);
    expect({ args, status: result.status }).toEqual({ args, status: 2 });
    expect(result.stderr).toMatch(reason);
  }
  expect(gmemlab('export-bundle', '--help').stdout).toMatch(/usage: gmemlab export-bundle ID \[ID\.\.\.\] --out FILE/);
});
