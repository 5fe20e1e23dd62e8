// gmemlab calibrate, profiles and apply-profile as a user runs them (real child processes on a
// temporary database), ending in a diff of a default run and a calibrated run.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  PRESETS,
  validateHostProfile,
  validateScenario,
  type HostProfile,
  type Scenario,
} from '../../../common/core/index.ts';
import type { HostProfileSummary } from '../../../common/contract/index.ts';
import { tempDir } from '../../store/testing.ts';

const cli = fileURLToPath(new URL('../gmemlab.ts', import.meta.url));
const gmemlab = (...args: string[]) =>
  spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 120_000, maxBuffer: 64 * 1024 * 1024 });
const fixtures = fileURLToPath(new URL('../../../common/core/calibrate/fixtures/', import.meta.url));
const kit = [
  'kit-vmexit.constructed.txt',
  'kit-directmap-8cpus.constructed.txt',
  'kit-directmap-32cpus.constructed.txt',
].map((f) => join(fixtures, f));

let dir: ReturnType<typeof tempDir>;
const at = (name: string): string => join(dir.dir, name);
beforeAll(() => {
  dir = tempDir('gmemlab-cli-calibrate-');
});
afterAll(() => dir.cleanup());

describe('gmemlab calibrate', () => {
  it('prints what it mapped and what it did not, saves the profile, and writes --out', () => {
    const r = gmemlab(
      'calibrate',
      ...kit,
      join(fixtures, 'perf-x86-2021-10-20.txt'),
      '--db',
      at('db.sqlite'),
      '--out',
      at('p.json'),
    );
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^host profile [0-9a-f]{12} "example-host"/);
    expect(r.stdout).toMatch(/mapped[^\n]*\n(.*\n)*\s+vmExitRoundTrip\s+1027/);
    expect(r.stdout).toMatch(/not used[^\n]*\n(.*\n)*.*vmexit ipi: 7046 cycles; a guest IPI round trip/);
    expect(r.stdout).toMatch(/perf kvm stat MSR_WRITE avg: 2\.52 us;/);
    const profile = validateHostProfile(JSON.parse(readFileSync(at('p.json'), 'utf8')));
    expect(profile.ok).toBe(true);
    const list = JSON.parse(gmemlab('profiles', '--db', at('db.sqlite'), '--json').stdout) as HostProfileSummary[];
    expect(list.map((p) => p.name)).toEqual(['example-host']);
  });

  it('exits 2 naming a foreign file, and saves nothing', () => {
    writeFileSync(at('dmesg.txt'), '[    0.000000] Linux version 6.12.0\n');
    const r = gmemlab('calibrate', kit[0]!, at('dmesg.txt'), '--db', at('bad.sqlite'));
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^gmemlab: dmesg\.txt: not an output gmemlab can calibrate from/);
    expect(JSON.parse(gmemlab('profiles', '--db', at('bad.sqlite'), '--json').stdout)).toEqual([]);
  });

  it("reads a cover letter's before/after table as the run of --column, and says how when it is missing", () => {
    const table = join(fixtures, 'vmexit-nested-before-after-2019-05.txt');
    const refused = gmemlab('calibrate', table, '--no-save');
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/comparison table .*--column before\|after/);
    const r = gmemlab('calibrate', table, '--column', 'after', '--no-save', '--name', 'nested after');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/vmExitRoundTrip\s+13142 \(13142\.\.13142\)/);
    expect(r.stdout).toContain('vmexit inl_from_qemu - inl_from_kernel (column after): 31308 cycles');
    // Not saved, it has no ID to apply: the hint names the file, or how to get one.
    expect(r.stdout).toMatch(/not saved \(--no-save\): write it with --out PROFILE\.json/);
    expect(r.stdout).not.toMatch(/apply-profile [0-9a-f]{12}/);
    const written = gmemlab('calibrate', table, '--column', 'after', '--no-save', '--out', at('after.json'));
    expect(written.stdout).toContain(`apply it with: gmemlab apply-profile ${at('after.json')} SCENARIO.json`);
  });

  it('refuses files that set no cost entry, saying why, and saves no empty profile', () => {
    const r = gmemlab('calibrate', join(fixtures, 'perf-x86-2021-10-20.txt'), '--db', at('empty.sqlite'));
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(
      /perf-x86-2021-10-20\.txt: no figure here sets a cost entry, so no host profile was made \(/,
    );
    expect(JSON.parse(gmemlab('profiles', '--db', at('empty.sqlite'), '--json').stdout)).toEqual([]);
  });

  it('applies a saved profile (by ID prefix) or a profile file, and diff names the cost entries a calibrated run changed', () => {
    const base = PRESETS[0]!.scenario;
    const [saved] = JSON.parse(gmemlab('profiles', '--db', at('db.sqlite'), '--json').stdout) as HostProfileSummary[];
    writeFileSync(at('base.json'), JSON.stringify(base));
    const byId = gmemlab(
      'apply-profile',
      saved!.id.slice(0, 10),
      at('base.json'),
      '--out',
      at('cal.json'),
      '--db',
      at('db.sqlite'),
    );
    expect(byId.stderr).toBe('');
    expect(byId.stdout).toMatch(/host\.costs\.shootdownPerTarget = /);
    // The kit measured flushes at 8 and 32 CPUs; the preset has more or fewer: said so.
    const cpus = base.host.cpus;
    if (cpus < 8 || cpus > 32)
      expect(byId.stdout).toContain(
        `note: shootdownBase and shootdownPerTarget were fitted to flush_tlb_kernel_range at 8-32 CPUs; this scenario has ${cpus}: extrapolated`,
      );
    else expect(byId.stdout).not.toContain('extrapolated');
    const calibrated = JSON.parse(readFileSync(at('cal.json'), 'utf8')) as Scenario;
    expect(validateScenario(calibrated).ok).toBe(true);
    expect(calibrated.host.profile).toEqual({ id: saved!.id, name: 'example-host', entries: saved!.entries });
    const byFile = gmemlab('apply-profile', at('p.json'), at('base.json'), '--out', at('cal2.json'));
    expect(byFile.status).toBe(0);
    expect(JSON.parse(readFileSync(at('cal2.json'), 'utf8'))).toEqual(calibrated);

    writeFileSync(at('default.json'), JSON.stringify({ ...base, host: { ...base.host, ghz: calibrated.host.ghz } }));
    const a = JSON.parse(gmemlab('run', at('default.json'), '--db', at('db.sqlite'), '--json').stdout) as {
      id: number;
    };
    const b = JSON.parse(gmemlab('run', at('cal.json'), '--db', at('db.sqlite'), '--json').stdout) as { id: number };
    const diff = gmemlab('diff', String(a.id), String(b.id), '--db', at('db.sqlite'));
    expect(diff.stderr).toBe('');
    const fitted = (JSON.parse(readFileSync(at('p.json'), 'utf8')) as HostProfile).costs.find(
      (c) => c.key === 'shootdownBase',
    )!;
    expect(diff.stdout).toMatch(
      new RegExp(
        `cost entries \\(a -> b\\):\\n(\\s+\\w+: .*\\n)*\\s+shootdownBase: 2500 -> ${Math.round(fitted.value)} cycles`,
      ),
    );
    expect(diff.stdout).toContain('vmExitRoundTrip: 1350 -> 1027 cycles');
    expect(diff.stdout).toContain('host.profile.id');
  });
});
