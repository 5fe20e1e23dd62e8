// Issue 15 item 1: a bundle is refused, or imported, in bounded time and memory. Each import runs
// in a child process (the real `gmemlab import`) with a small V8 heap, so a regression makes that
// child fail (out of memory) instead of taking the test runner down with it.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PRESETS } from '../common/core/index.ts';
import {
  writeHugeItemBundle,
  writeManyBadRunsBundle,
  writeReplicatedBundle,
  writeWrongTypedRunsBundle,
} from './hostile-bundles.ts';

const bin = join(import.meta.dirname, '..', 'bin', 'gmemlab.js');
const dir = mkdtempSync(join(tmpdir(), 'gmemlab-bundles-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function gmemlab(heapMb: number, ...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [`--max-old-space-size=${heapMb}`, bin, ...args], {
    encoding: 'utf8',
    timeout: 240_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('bundles in bounded memory (issue 15 item 1)', () => {
  it('900,000 wrong-typed runs (under every count limit): refused listing at most 100 problems, in a 64 MB heap', () => {
    const file = join(dir, 'many-bad.json');
    writeManyBadRunsBundle(file, 9, 100_000);
    const r = gmemlab(64, 'import', file, '--db', join(dir, 'a.sqlite'));
    expect(r.stderr).toContain('is not a valid gmemlab bundle; nothing was imported');
    expect(r.stderr).toContain('... and 80 more'); // 100 problems found, 20 shown: then validation stopped
    expect(r.status).toBe(2);
  }, 300_000);

  it("30 million wrong-typed run items (the issue's 60 MB bundle): refused after 100 problems, in a 64 MB heap", () => {
    const file = join(dir, 'wrong.json');
    writeWrongTypedRunsBundle(file, 30_000_000);
    const r = gmemlab(64, 'import', file, '--db', join(dir, 'b.sqlite'));
    expect(r.stderr).toMatch(/experiments\.0\.runs\.0: /);
    expect(r.stderr).toContain('... and 80 more');
    expect(r.status).toBe(2);
  }, 300_000);

  it('one item over 32 MiB is refused naming it, in a 128 MB heap', () => {
    const file = join(dir, 'big-item.json');
    writeHugeItemBundle(file, 40 * 2 ** 20);
    const r = gmemlab(128, 'import', file, '--db', join(dir, 'e.sqlite'));
    expect(r.stderr).toMatch(/experiments\.0\.runs\.0: is larger than 32 MiB/);
    expect(r.status).toBe(2);
  }, 300_000);

  it('a file over the size limit is refused before it is read', () => {
    const file = join(dir, 'huge.json');
    writeFileSync(file, '');
    truncateSync(file, 1100 * 2 ** 20); // sparse: 1,100 MiB that take no disk
    const r = gmemlab(128, 'import', file, '--db', join(dir, 'c.sqlite'));
    expect(r.stderr).toMatch(/is 1100 MiB; bundles over 1024 MiB are refused/);
    expect(r.status).toBe(2);
  });

  describe('a legitimate bundle', () => {
    let source: string;
    beforeAll(() => {
      const scenario = join(dir, 's.json');
      writeFileSync(scenario, JSON.stringify(PRESETS[0]!.scenario));
      const db = join(dir, 'source.sqlite');
      expect(gmemlab(512, 'sweep', scenario, '--param', 'vm.vcpus=lin:1:128:128', '--db', db).status).toBe(0);
      source = join(dir, 'source.json');
      expect(gmemlab(512, 'export-bundle', '1', '--db', db, '--out', source).status).toBe(0);
    }, 300_000);

    it('of 10 sweeps is imported whole in a 96 MB heap (read as a stream)', () => {
      const file = join(dir, 'legit.json');
      const runs = writeReplicatedBundle(file, source, 10);
      const r = gmemlab(96, 'import', file, '--db', join(dir, 'd.sqlite'), '--json');
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ experimentsImported: 10, runsImported: runs });
    }, 300_000);
  });
});
