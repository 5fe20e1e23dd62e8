// Issue 15 items 7 and 8 through the real `gmemlab` command: files gmemlab reads that are valid as
// far as their own format goes but yield scenarios gmemlab would refuse, and a scenario with a
// UTF-8 byte order mark. The report fixture is the real one in common/core/fixtures (see its README).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PRESETS, setParameter } from '../../common/core/index.ts';

const bin = join(import.meta.dirname, '..', '..', 'bin', 'gmemlab.js');
const dir = mkdtempSync(join(tmpdir(), 'gmemlab-hostile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const report = readFileSync(
  join(import.meta.dirname, '..', '..', 'common', 'core', 'fixtures', 'perf-x86-2021-10-20.txt'),
  'utf8',
);

function gmemlab(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('import-perf writes only scenarios gmemlab accepts (issue 15 item 7)', () => {
  it.each([
    [
      'rates of 0/0 (every count zero, with --total-rate)',
      () => [
        file(
          'zero.txt',
          // Two exits that map to touchpoints (MMIO, port I/O), then every count set to zero.
          report
            .replace(
              /^(\s+EPT_VIOLATION .*)$/m,
              '$1\n       EPT_MISCONFIG      10     1.00%     0.10%      0.50us    100.00us      2.00us ( +-   1.00% )\n      IO_INSTRUCTION      10     1.00%     0.10%      0.50us    100.00us      2.00us ( +-   1.00% )',
            )
            .replace(/^(\s+\S+\s+)\d+(\s)/gm, '$10$2')
            .replace(/Total Samples:\d+/, 'Total Samples:0'),
        ),
        '--total-rate',
        '1000',
      ],
      /ratePerSec/,
    ],
    [
      'a 2 MB description (from the report\'s "Analyze events for" line)',
      () => [file('long.txt', `Analyze events for ${'x'.repeat(2_000_000)}:\n\n${report}`), '--duration', '10'],
      /description/,
    ],
    [
      'a 221-character name (a 200-character base name plus the suffix)',
      () => [
        file('report.txt', report),
        '--duration',
        '10',
        '--base',
        file('base.json', JSON.stringify(setParameter(PRESETS[0]!.scenario, 'name', 'n'.repeat(200)))),
      ],
      /name/,
    ],
  ])('%s: exits 2 naming the field, and writes nothing', (_what, args, field) => {
    const out = join(dir, 'out.json');
    rmSync(out, { force: true });
    const r = gmemlab('import-perf', ...args(), '--out', out);
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/not valid, so .* was not written/);
    expect(r.stderr).toMatch(field);
    expect(existsSync(out)).toBe(false);
    expect(existsSync(`${out}.partial`)).toBe(false);
  });
});

describe('scenario files (issue 15 item 8)', () => {
  it('accepts a UTF-8 byte order mark', () => {
    const path = file('bom.json', `\uFEFF${JSON.stringify(PRESETS[0]!.scenario)}`);
    const r = gmemlab('run', path, '--db', join(dir, 'bom.sqlite'), '--json');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});
