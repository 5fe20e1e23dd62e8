// The measurement kit is not run here (no host to measure), but it is checked: the shell script
// by shellcheck, the bpftrace script by bpftrace's own dry run (parse and semantic analysis, no
// kernel needed), the load generator by Python's compiler; and what the scripts print is fed to
// the calibration parsers, so the kit's format and the parsers cannot drift apart.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { calibrate, readHostFacts } from '../common/core/index.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
const has = (tool: string): boolean => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;
const run = (cmd: string, args: string[]) => spawnSync(cmd, args, { encoding: 'utf8', timeout: 60_000 });

describe('measure/ kit', () => {
  it.skipIf(!has('shellcheck'))(
    'run.sh passes shellcheck (skipped when shellcheck is not installed: .ci/run installs it)',
    () => {
      const r = run('shellcheck', [join(here, 'run.sh')]);
      expect(r.stdout + r.stderr).toBe('');
      expect(r.status).toBe(0);
    },
  );

  it.skipIf(!has('bpftrace'))(
    'directmap.bt passes bpftrace’s dry run, and a broken copy does not (skipped without bpftrace)',
    () => {
      const ok = run('bpftrace', ['-d', join(here, 'directmap.bt'), '30']);
      expect(ok.stderr).not.toMatch(/syntax error|semantic/i);
      expect(ok.status).toBe(0);
      const dir = mkdtempSync(join(tmpdir(), 'gmemlab-kit-'));
      try {
        const broken = join(dir, 'broken.bt');
        writeFileSync(
          broken,
          readFileSync(join(here, 'directmap.bt'), 'utf8').replace(
            'delete(@flush_pages[tid]);',
            'delete(@flush_pages[tid]',
          ),
        );
        expect(run('bpftrace', ['-d', broken, '30']).status).not.toBe(0);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );

  it.skipIf(!has('python3'))('secretmem-load.py compiles', () => {
    const r = run('python3', [
      '-c',
      `import ast; ast.parse(open(${JSON.stringify(join(here, 'secretmem-load.py'))}).read())`,
    ]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('run.sh’s header is what calibrate reads as provenance', () => {
    const script = readFileSync(join(here, 'run.sh'), 'utf8');
    const header = /^header\(\) \{\n[\s\S]*?\n\}/m.exec(script)![0];
    const r = run('bash', [
      '-c',
      `${header}\nhost=lab1; cpu_model='AMD EPYC 9654 96-Core Processor'; tsc=2396.404\nheader 'bpftrace v0.21.2' 'bpftrace measure/directmap.bt 30'`,
    ]);
    expect(r.status).toBe(0);
    const facts = readHostFacts(r.stdout);
    expect(facts).toMatchObject({
      hostName: 'lab1',
      cpuModel: 'AMD EPYC 9654 96-Core Processor',
      tscMhz: 2396.404,
      tool: 'bpftrace v0.21.2',
      command: 'bpftrace measure/directmap.bt 30',
    });
    expect(facts.onlineCpus).toBeGreaterThanOrEqual(1);
    expect(facts.date).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  it('every map directmap.bt prints is one calibrate maps (the printed format is bpftrace’s hist())', () => {
    const script = readFileSync(join(here, 'directmap.bt'), 'utf8');
    const maps = [...new Set([...script.matchAll(/^\s*(@\w+_ns)\b[^=\n]*= hist\(/gm)].map((m) => m[1]!))];
    expect(maps.sort()).toEqual([
      '@flush_tlb_kernel_range_ns',
      '@set_direct_map_default_noflush_ns',
      '@set_direct_map_invalid_noflush_ns',
    ]);
    const printed = (cpus: number, flushBucket: string) =>
      [
        `# online_cpus: ${cpus}`,
        '# tsc_mhz: 2000.000',
        'Attaching 7 probes...',
        '',
        '@flush_tlb_kernel_range_ns[1]: ',
        `${flushBucket}               7 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|`,
        '',
        '@set_direct_map_default_noflush_ns: ',
        '[128, 256)             3 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|',
        '',
        '@set_direct_map_invalid_noflush_ns: ',
        '[128, 256)             3 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|',
        '',
      ].join('\n');
    const profile = calibrate(
      [
        { name: 'directmap-4cpus.txt', text: printed(4, '[2K, 4K)') },
        { name: 'directmap-64cpus.txt', text: printed(64, '[16K, 32K)') },
      ],
      { name: 'kit', createdAt: '2026-11-26T00:00:00Z' },
    );
    expect(profile.costs.map((c) => c.key)).toEqual(['pteUpdate', 'shootdownBase', 'shootdownPerTarget']);
    expect(profile.costs[0]!.value).toBe(192 * 2);
    expect(profile.unused).toEqual([]);
  });
});
