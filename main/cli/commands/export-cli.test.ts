// gmemlab export, as a user runs it (real child processes): every format, the text pasted back
// into `gmemlab run`, and bad requests refused with exit 2 and the option named.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PRESETS } from '../../../common/core/index.ts';
import { Store } from '../../store/store.ts';
import { recordExperiment, tempDir } from '../../store/testing.ts';

const cli = fileURLToPath(new URL('../gmemlab.ts', import.meta.url));
const gmemlab = (...args: string[]) =>
  spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 60_000 });

let dir: ReturnType<typeof tempDir>;
let db: string;
let sweepId: number;
beforeAll(async () => {
  dir = tempDir('gmemlab-export-cli-');
  db = join(dir.dir, 'gmemlab.sqlite');
  const store = await Store.open(db);
  sweepId = (await recordExperiment(store, { name: 'MMIO sweep', scenario: PRESETS[1]!.scenario, vcpus: [1, 2, 4, 8] }))
    .experimentId;
  await store.close();
});
afterAll(() => dir.cleanup());

describe('gmemlab export', () => {
  it('writes every format to the file named, and says what it wrote', () => {
    for (const format of ['text', 'csv', 'svg', 'png', 'json']) {
      const file = join(dir.dir, `out.${format}`);
      const r = gmemlab('export', String(sweepId), '--format', format, '--out', file, '--db', db, '--json');
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ out: file, format });
      expect(existsSync(`${file}.partial`)).toBe(false);
    }
    expect(readFileSync(join(dir.dir, 'out.png')).subarray(1, 4).toString()).toBe('PNG');
    expect(readFileSync(join(dir.dir, 'out.svg'), 'utf8')).toMatch(/>S2<\/text><text[^>]*>on-demand<\/text>/);
    expect(readFileSync(join(dir.dir, 'out.csv'), 'utf8').split('\n')[0]).toBe(
      'strategy,vm.vcpus,cost.overheadPct,cost.overheadPct.ci95',
    );
    expect(JSON.parse(readFileSync(join(dir.dir, 'out.json'), 'utf8'))).toMatchObject({
      id: sweepId,
      name: 'MMIO sweep',
    });
  });

  it('prints the text for a mail to stdout, and the text runs again as a scenario file', () => {
    const text = gmemlab('export', String(sweepId), '--out', '-', '--db', db);
    expect(text.status).toBe(0);
    expect(text.stdout.split('\n').every((l) => l.length <= 72 && /^[\x20-\x7e]*$/.test(l))).toBe(true);
    // The command as the shell reads it, continuation lines joined.
    expect(text.stdout.replace(/ \\\n +/g, ' ')).toMatch(
      /^ {2}gmemlab sweep \S+\.scenario\.json --param vm\.vcpus=log:1:8:4$/m,
    );
    // The whole mail saved as a file: `gmemlab run` finds the scenario between the marks.
    const mail = join(dir.dir, 'mail.txt');
    writeFileSync(mail, `Subject: numbers\n\n${text.stdout}\n-- \nsig\n`);
    const rerun = gmemlab('run', mail, '--db', join(dir.dir, 'rerun.sqlite'), '--json');
    expect(rerun.stderr).toBe('');
    expect(rerun.status).toBe(0);
    expect(JSON.parse(rerun.stdout).scenario).toEqual(PRESETS[1]!.scenario);
  });

  it('refuses bad requests with exit 2, naming the option', () => {
    const format = gmemlab('export', String(sweepId), '--format', 'docx', '--db', db);
    expect(format.status).toBe(2);
    expect(format.stderr).toContain('--format: "docx" is not one of text, csv, svg, png, json');
    const metric = gmemlab('export', String(sweepId), '--metric', 'cost.nope', '--db', db);
    expect(metric.status).toBe(2);
    expect(metric.stderr).toContain('--metric: "cost.nope" is not a metric');
    const missing = gmemlab('export', '999', '--db', db);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('experiment 999 does not exist');
    const notId = gmemlab('export', 'abc', '--db', db);
    expect(notId.status).toBe(2);
    expect(notId.stderr).toContain('"abc" is not an experiment ID');
    const png = gmemlab('export', String(sweepId), '--format', 'png', '--out', '-', '--db', db);
    expect(png.status).toBe(2);
    expect(png.stderr).toContain('a PNG is binary');
  });
});
