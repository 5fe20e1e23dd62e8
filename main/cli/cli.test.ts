// The gmemlab command through real child processes, on temporary databases.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PRESETS, runPlan } from '../../common/core/index.ts';

const bin = join(import.meta.dirname, '..', '..', 'bin', 'gmemlab.js');
const dir = mkdtempSync(join(tmpdir(), 'gmemlab-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function gmemlab(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('gmemlab CLI', () => {
  it('lists the presets, as text and as JSON', () => {
    const text = gmemlab('presets');
    expect(text.status).toBe(0);
    for (const p of PRESETS) expect(text.stdout).toContain(p.id);
    const json = gmemlab('presets', '--json');
    expect((JSON.parse(json.stdout) as { id: string }[]).map((p) => p.id)).toEqual(PRESETS.map((p) => p.id));
  });

  it('prints a preset as a scenario file that `run` accepts and saves', () => {
    const preset = PRESETS[0]!;
    const printed = gmemlab('preset', preset.id);
    expect(printed.status).toBe(0);
    expect(JSON.parse(printed.stdout)).toEqual(preset.scenario);
    const file = join(dir, 'scenario.json');
    writeFileSync(file, printed.stdout);
    const db = join(dir, 'run.sqlite');
    const run = gmemlab('run', file, '--db', db, '--json');
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const detail = JSON.parse(run.stdout) as { status: string; runs: { strategy: string; status: string }[] };
    expect(detail.status).toBe('done');
    expect(detail.runs.map((r) => r.strategy)).toEqual(runPlan(preset.scenario).strategies);
    const text = gmemlab('run', file, '--db', db);
    expect(text.status).toBe(0);
    expect(text.stdout).toMatch(/experiment 2: /);
  });

  it('exits 2 with the reason on stderr for bad usage and bad input', () => {
    const unknown = gmemlab('frobnicate');
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('unknown command "frobnicate"');

    const missingPreset = gmemlab('preset', 'no-such-preset');
    expect(missingPreset.status).toBe(2);
    expect(missingPreset.stderr).toContain('no preset named "no-such-preset"');

    const badOption = gmemlab('presets', '--frob');
    expect(badOption.status).toBe(2);
    expect(badOption.stderr).toContain('gmemlab: --frob is not an option of gmemlab presets\nusage: gmemlab presets');
    const typo = gmemlab('show', '1', '--metirc', 'x', '--db', join(dir, 'x.sqlite'));
    expect(typo.stderr).toContain('--metirc is not an option of gmemlab show; did you mean --metric?');
    expect(gmemlab('show', '1', '--metric').stderr).toContain('gmemlab: --metric needs a value');

    const notJson = join(dir, 'broken.json');
    writeFileSync(notJson, '{ not json');
    const broken = gmemlab('run', notJson, '--db', join(dir, 'x.sqlite'));
    expect(broken.status).toBe(2);
    expect(broken.stderr).toContain(
      "broken.json is not valid JSON: found 'n' at line 1, column 3 where a field name in double quotes goes",
    );

    const invalid = join(dir, 'invalid.json');
    writeFileSync(invalid, JSON.stringify({ ...PRESETS[0]!.scenario, vm: 'lots' }));
    const rejected = gmemlab('run', invalid, '--db', join(dir, 'x.sqlite'));
    expect(rejected.status).toBe(2);
    expect(rejected.stderr).toMatch(/vm/);

    // Every strategy off: nothing to run, refused (it had saved an experiment of 0 runs, "done").
    const off = structuredClone(PRESETS[0]!.scenario);
    for (const id of Object.keys(off.strategies)) {
      const st = (off.strategies as Record<string, unknown>)[id];
      if (/^S[0-9]$/.test(id)) (st as { enabled: boolean }).enabled = false;
    }
    const none = join(dir, 'none.json');
    writeFileSync(none, JSON.stringify(off));
    const nothing = gmemlab('run', none, '--db', join(dir, 'none.sqlite'));
    expect(nothing.status).toBe(2);
    expect(nothing.stderr).toContain('strategies: no strategy is enabled, so there is nothing to run');
    // Refused by the runner, before anything is recorded (the file itself may be made: it is the history's).
    expect(JSON.parse(gmemlab('list', '--db', join(dir, 'none.sqlite'), '--json').stdout).total).toBe(0);
  });

  it('refuses what a single run would print, or a second file, before it runs: nothing is saved', () => {
    const file = join(dir, 'refused-view.json');
    writeFileSync(file, JSON.stringify(PRESETS[0]!.scenario));
    const db = join(dir, 'refused-view.sqlite');
    const refusals: [string[], string][] = [
      [['--point', '2'], '--point: "2" is not a point of a single run'],
      [['--metric', 'cost.overheadPc'], '--metric: "cost.overheadPc" is not a metric'],
      [['--at', 'vm.vcpus=2'], '--at: a single run has no swept parameter'],
      [[file], 'run takes one SCENARIO.json file, got 2'],
    ];
    for (const [args, message] of refusals) {
      const r = gmemlab('run', file, ...args, '--db', db);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr).toContain(message);
    }
    expect(existsSync(db)).toBe(false); // not even opened
    const accepted = gmemlab('run', file, '--point', '1', '--db', db);
    expect(accepted.status).toBe(0);
    expect(accepted.stdout).toMatch(/experiment 1: /);
  });

  it('stops quietly when the reader of its output goes away (| head)', () => {
    const file = join(dir, 'piped.json');
    writeFileSync(file, JSON.stringify(PRESETS[0]!.scenario));
    const db = join(dir, 'piped.sqlite');
    expect(gmemlab('sweep', file, '--param', 'vm.vcpus=1,2,3,4', '--db', db).status).toBe(0);
    // ~0.3 MB of JSON into a pipe whose reader leaves after 10 bytes: the write fails with EPIPE.
    const r = spawnSync(
      'bash',
      [
        '-c',
        `"$0" "$1" show 1 --json --db "$2" | head -c 10 >/dev/null; exit \${PIPESTATUS[0]}`,
        process.execPath,
        bin,
        db,
      ],
      { encoding: 'utf8', timeout: 60_000 },
    );
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('refuses a database file of another program, without modifying it', () => {
    const foreign = join(dir, 'foreign.sqlite');
    writeFileSync(foreign, 'this is not sqlite at all, just text that happens to be long enough'.repeat(100));
    const preset = join(dir, 'p.json');
    writeFileSync(preset, JSON.stringify(PRESETS[0]!.scenario));
    const before = readFileSync(foreign);
    const r = gmemlab('run', preset, '--db', foreign);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('is not a gmemlab database');
    expect(readFileSync(foreign).equals(before)).toBe(true);
  });

  it('prints help for the program and for each command', () => {
    expect(gmemlab('--help').stdout).toContain('commands:');
    const runHelp = gmemlab('run', '--help');
    expect(runHelp.status).toBe(0);
    expect(runHelp.stdout).toContain('usage: gmemlab run');
  });
});
