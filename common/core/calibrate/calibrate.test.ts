// The calibration parsers on published tool outputs (fixtures/README.md says where each came
// from), on the kit's format, and the profile they make: what it maps, what it lists back, and
// how applying it changes a run.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runAnalytic } from '../analytic.ts';
import { DEFAULT_COST_TABLE, resolveCostEntries } from '../costs.ts';
import { PRESETS } from '../presets.ts';
import { validateScenario } from '../scenario.ts';
import {
  applyHostProfile,
  calibrate,
  CalibrationError,
  detectKind,
  fitShootdown,
  histogramStats,
  parseDemandPaging,
  parseHistograms,
  parseVmexit,
  readCalibrationFile,
  readHostFacts,
} from './index.ts';

const fixture = (name: string) => ({
  name,
  text: readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8'),
});
const at = '2026-11-26T00:00:00Z';

describe('kvm-unit-tests vmexit', () => {
  it('reads every line format of x86/vmexit.c: figures, ipi/eoi parts, skipped tests, and ignores the preamble', () => {
    const f = fixture('kit-vmexit.constructed.txt');
    const run = parseVmexit(f.name, f.text);
    expect(run.tests.slice(0, 3)).toEqual([
      { name: 'cpuid', cycles: 1027 },
      { name: 'vmcall', cycles: 1204 },
      { name: 'wbinvd', cycles: 1932 },
    ]);
    expect(run.tests.map((t) => t.name)).not.toContain('cr0');
    expect(run.parts).toEqual([{ part: 'ipi', name: 'ipi', cycles: 2207 }]);
    expect(run.skipped).toEqual(['invd']);
  });

  it('maps cpuid to vmExitRoundTrip, lists qemu-minus-kernel port reads (model 2 has no userspace-exit entry) and ipi as a guest IPI, not a shootdown', () => {
    const source = readCalibrationFile(fixture('kit-vmexit.constructed.txt'));
    expect(source.kind).toBe('kvm-unit-tests-vmexit');
    expect(source.mapped.map((m) => [m.key, m.cycles])).toEqual([['vmExitRoundTrip', 1027]]);
    expect(source.unused.find((u) => u.figure === 'vmexit inl_from_qemu - inl_from_kernel')).toMatchObject({
      value: 8912 - 2311,
      reason: /no cost entry of model 2 holds it/,
    });
    const ipi = source.unused.find((u) => u.figure === 'vmexit ipi')!;
    expect(ipi.reason).toMatch(/guest IPI round trip.*not a host TLB shootdown/);
    expect(source.unused.find((u) => u.figure === 'vmexit invd')).toMatchObject({ value: null, reason: /skipped/ });
    // Every figure read is either mapped or listed back.
    const run = parseVmexit(source.file, fixture('kit-vmexit.constructed.txt').text);
    const accounted = [...source.mapped, ...source.unused].map((f) => f.figure).join('\n');
    for (const t of [...run.tests.map((x) => x.name), ...run.skipped]) expect(accounted).toContain(t);
    expect(source.facts).toMatchObject({ hostName: 'example-host', onlineCpus: 8, tscMhz: 2600 });
  });

  it('reads a published before/after table (Bonzini, 2019) as the run of the column asked for, and refuses it without one', () => {
    const f = fixture('vmexit-nested-before-after-2019-05.txt');
    expect(detectKind(f)).toBe('kvm-unit-tests-vmexit');
    expect(() => readCalibrationFile(f)).toThrow(
      /vmexit-nested-before-after-2019-05\.txt: this is a comparison table \(two figures per vmexit test: before, after\).*--column before\|after/,
    );
    expect(() => readCalibrationFile(f, { column: 'during' })).toThrow(
      /no column "during"; its columns are before, after/,
    );
    const after = readCalibrationFile(f, { column: 'after' });
    expect(after.mapped).toEqual([
      expect.objectContaining({ figure: 'vmexit cpuid (column after)', key: 'vmExitRoundTrip', cycles: 13142 }),
    ]);
    expect(readCalibrationFile(f, { column: '1' }).mapped[0]).toMatchObject({ cycles: 14886 });
    // The userspace round trip read from the same column: 44826 - 13518.
    expect(
      after.unused.find((u) => u.figure === 'vmexit inl_from_qemu - inl_from_kernel (column after)'),
    ).toMatchObject({
      value: 44826 - 13518,
    });
    // A profile made from it changes vmExitRoundTrip as the mapping says, and names the column.
    const profile = calibrate([f], {
      name: 'nested L1 (Bonzini 2019, after)',
      createdAt: '2026-11-26T00:00:00Z',
      column: 'after',
    });
    expect(profile.costs.find((c) => c.key === 'vmExitRoundTrip')).toMatchObject({
      value: 13142,
      figures: ['vmexit-nested-before-after-2019-05.txt: vmexit cpuid (column after)'],
    });
  });

  it('reads the arrow format (Li, 2020) and refuses a file with several tables as not one run', () => {
    const f = fixture('vmexit-tscdeadline-arrows-2020-04.txt');
    expect(detectKind(f)).toBe('kvm-unit-tests-vmexit');
    expect(() => readCalibrationFile(f)).toThrow(/comparison table \(two figures per vmexit test: before, after\)/);
    expect(() => readCalibrationFile(f, { column: 'after' })).toThrow(
      /"tscdeadline_immed" appears more than once \(the file holds several tables\)/,
    );
    // One of its tables alone: decimals kept, nothing mapped (the model costs no timer exits), all listed.
    const first = { name: 'first.txt', text: f.text.split('\n').slice(0, 5).join('\n') };
    const read = readCalibrationFile(first, { column: 'after' });
    expect(read.mapped).toEqual([]);
    expect(read.unused.map((u) => [u.figure, u.value])).toEqual([
      ['vmexit tscdeadline_immed (column after)', 3851],
      ['vmexit tscdeadline (column after)', 6528.5],
    ]);
  });
});

describe('demand_paging_test', () => {
  it('recomputes the rate from test memory and time on the LoongArch report (Aug 2023) and lists it: no userfaultfd under the kselftest runner', () => {
    const f = fixture('demand-paging-loongarch-2023-08.txt');
    const run = parseDemandPaging(f.name, f.text, readHostFacts(f.text));
    expect(run.pageBytes).toBe(16384);
    expect(run.memoryBytes).toBe(0x40000000);
    expect(run.seconds).toBeCloseTo(0.787727423, 9);
    // 65536 pages / 0.787727423 s: the printed rate of this (fixed) build agrees.
    expect(65536 / run.seconds).toBeCloseTo(83196.291111, 3);
    const source = readCalibrationFile(f, { ghz: 2.5 });
    expect(source.mapped).toEqual([]);
    expect(source.unused).toHaveLength(1);
    expect(source.unused[0]!.reason).toMatch(/without userfaultfd.*KVM's own fault-in/);
  });

  it('maps a userfaultfd MINOR run (Kalyazin, Apr 2025) to userfaultRoundTrip once the clock is known', () => {
    const f = fixture('demand-paging-uffd-minor-2025-04.txt');
    const noClock = readCalibrationFile(f);
    expect(noClock.mapped).toEqual([]);
    expect(noClock.unused[0]!.reason).toMatch(/--ghz/);
    const source = readCalibrationFile(f, { ghz: 2 });
    const pages = 0x40000000 / 4096;
    const faultUs = (10.97927702 / pages) * 1e6; // 41.88 us
    expect(source.mapped).toHaveLength(1);
    expect(source.mapped[0]!.key).toBe('userfaultRoundTrip');
    expect(source.mapped[0]!.cycles).toBeCloseTo(faultUs * 1e3 * 2, 3);
    expect(source.mapped[0]!.rule).toMatch(/-u MINOR/);
  });

  it('recomputes an old build rate printed with the 1E8 divisor and says so', () => {
    // The Apr 2025 run as a pre-6.4 build would have printed it: nanoseconds divided by 1E8.
    const f = fixture('demand-paging-uffd-minor-2025-04.txt');
    const pages = 0x40000000 / 4096;
    const wrong = pages / (10 + 979277020 / 1e8);
    const text = f.text
      .replace(/Per-vcpu.*\n/, '')
      .replace(/Overall demand paging rate:\t[\d.]+/, `Overall demand paging rate: ${wrong.toFixed(6)}`);
    const source = readCalibrationFile({ name: 'old-build.txt', text }, { ghz: 2 });
    expect(source.unused[0]!.reason).toMatch(/recomputed rate is used/);
    expect(source.mapped[0]!.value).toBeCloseTo(pages / 10.97927702, 3);
  });
});

describe('latency histograms', () => {
  it('reads BCC funclatency (its own example output) with its avg line, and lists a function the cost table does not hold', () => {
    const f = fixture('funclatency-do_sys_open-bcc-example.txt');
    const [h] = parseHistograms(f.name, f.text);
    expect(h!.fn).toBe('do_sys_open');
    expect(h!.unit).toBe('ns');
    expect(h!.buckets.reduce((n, b) => n + b.count, 0)).toBe(476);
    expect(histogramStats(h!)).toMatchObject({ count: 476, meanNs: 13746, estimated: false });
    const source = readCalibrationFile(f, { ghz: 2 });
    expect(source.mapped).toEqual([]);
    expect(source.unused[0]!.reason).toMatch(/do_sys_open: not a function whose time the cost table holds/);
  });

  it('ignores a funclatency avg line whose unit differs from the table and estimates the mean from buckets', () => {
    const f = fixture('funclatency-vfs_read-usecs-bcc-example.txt');
    const [h] = parseHistograms(f.name, f.text);
    expect(h!.unit).toBe('us');
    expect(h!.printedMean).toBeNull();
    const s = histogramStats(h!);
    expect(s.count).toBe(2078);
    expect(s.estimated).toBe(true);
    expect(s.p10Ns).toBe(1000); // first bucket 0 -> 1 us, midpoint 1 us
  });

  it('reads bpftrace hist() output (biolatency example) with K suffixes and the inclusive [0, 1] bucket', () => {
    const f = fixture('bpftrace-biolatency-example.txt');
    const [h] = parseHistograms(f.name, f.text);
    expect(h!.label).toBe('@usecs');
    expect(h!.buckets[0]).toEqual({ lo: 0, hi: 2, count: 0 });
    expect(h!.buckets.find((b) => b.count === 426)).toEqual({ lo: 1024, hi: 2048, count: 426 });
    expect(h!.buckets.reduce((n, b) => n + b.count, 0)).toBe(883);
    const source = readCalibrationFile(f, { ghz: 2 });
    expect(source.unused[0]!.reason).toMatch(/no named function/);
  });

  it('reads the function from a bpftrace map key too (@ns[flush_tlb_kernel_range, pages])', () => {
    const text = [
      '@ns[flush_tlb_kernel_range, 2]:',
      '[2K, 4K)               5 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|',
      '',
      '@ns[flush_tlb_kernel_range, 34]:',
      '[8K, 16K)              1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|',
    ].join('\n');
    const [small, full] = parseHistograms('keyed.txt', text);
    expect(small).toMatchObject({ fn: 'flush_tlb_kernel_range', keys: ['2'], unit: 'ns' });
    const source = readCalibrationFile({ name: 'keyed.txt', text }, { ghz: 1, cpus: 4 });
    // 3 x 1024 ns at 1 GHz, less the initiator's own two INVLPGs (the model's flushWork).
    expect(source.mapped).toMatchObject([
      { key: 'shootdownCurve', onlineCpus: 4, cycles: 3072 - 2 * DEFAULT_COST_TABLE.invlpg },
    ]);
    expect(source.unused[0]!.figure).toBe(full!.label);
  });

  it('maps the kit histograms: set_direct_map_* to pteUpdate, flushes up to 33 pages to a curve point, full flushes listed', () => {
    const source = readCalibrationFile(fixture('kit-directmap-8cpus.constructed.txt'));
    const pte = source.mapped.filter((m) => m.key === 'pteUpdate');
    expect(pte).toHaveLength(2);
    // invalid_noflush: 50 calls at 96 ns, 10 at 192 ns -> 112 ns -> 291.2 cycles at 2.6 GHz.
    expect(pte.find((m) => m.figure.includes('invalid'))!.cycles).toBeCloseTo(112 * 2.6, 6);
    const flush = source.mapped.find((m) => m.key === 'shootdownCurve')!;
    expect(flush.onlineCpus).toBe(8);
    // 12 at 1.5K, 52 at 3K, 4 at 6K (x1024 ns) -> mean 2935.5 ns.
    expect(flush.value).toBeCloseTo((12 * 1536 + 52 * 3072 + 4 * 6144) / 68, 6);
    expect(source.unused.find((u) => u.figure.includes('[34]'))!.reason).toMatch(/full flushes/);
  });
});

describe('perf kvm stat', () => {
  it('reads the report through the one perf parser and lists every exit time with why no cost entry is one', () => {
    const source = readCalibrationFile(fixture('perf-x86-2021-10-20.txt'));
    expect(source.kind).toBe('perf-kvm-stat');
    expect(source.mapped).toEqual([]);
    expect(source.unused.map((u) => [u.figure, u.value])).toEqual([
      ['perf kvm stat EPT_VIOLATION avg', 7.78],
      ['perf kvm stat MSR_WRITE avg', 2.52],
      ['perf kvm stat EXTERNAL_INTERRUPT avg', 8.45],
    ]);
    expect(source.unused[2]!.reason).toMatch(/not the work one shootdown IPI costs/);
  });
});

describe('the host profile', () => {
  const files = [
    fixture('kit-vmexit.constructed.txt'),
    fixture('kit-directmap-8cpus.constructed.txt'),
    fixture('kit-directmap-32cpus.constructed.txt'),
    fixture('demand-paging-uffd-minor-2025-04.txt'),
  ];

  it('fits the flush curve to base + perTarget x (N - 1) and keeps the measured points', () => {
    const profile = calibrate(files, { name: 'example', createdAt: at });
    expect(profile.curves).toHaveLength(1);
    expect(profile.curves[0]!.points.map((p) => p.cpus)).toEqual([8, 32]);
    const [p8, p32] = profile.curves[0]!.points;
    const base = profile.costs.find((c) => c.key === 'shootdownBase')!;
    const per = profile.costs.find((c) => c.key === 'shootdownPerTarget')!;
    expect(per.value).toBeCloseTo((p32!.cycles - p8!.cycles) / 24, 6);
    expect(base.value + per.value * 7).toBeCloseTo(p8!.cycles, 6);
    expect(base.curve).toBe('flush_tlb_kernel_range');
    // The clock comes from the kit's header; the demand-paging file gets it from there too.
    expect(profile.host).toMatchObject({ name: 'example-host', cpuModel: 'Intel(R) Xeon(R) Gold 6442Y', ghz: 2.6 });
    expect(profile.costs.map((c) => c.key)).toEqual([
      'vmExitRoundTrip',
      'pteUpdate',
      'shootdownBase',
      'shootdownPerTarget',
      'userfaultRoundTrip',
    ]);
    expect(profile.sources.map((s) => s.kind)).toEqual([
      'kvm-unit-tests-vmexit',
      'latency-histogram',
      'latency-histogram',
      'kvm-demand-paging-test',
    ]);
  });

  it('keeps a single CPU count as a curve point and says why it cannot be split', () => {
    const profile = calibrate([fixture('kit-directmap-8cpus.constructed.txt')], { name: 'one', createdAt: at });
    expect(profile.curves[0]!.points).toHaveLength(1);
    expect(profile.costs.some((c) => c.key === 'shootdownBase')).toBe(false);
    expect(profile.unused.some((u) => /two or more CPU counts/.test(u.reason))).toBe(true);
  });

  it('fitShootdown refuses a curve that falls with CPU count', () => {
    expect(
      fitShootdown([
        { cpus: 4, cycles: 5000 },
        { cpus: 64, cycles: 3000 },
      ]),
    ).toBeNull();
    expect(fitShootdown([{ cpus: 4, cycles: 5000 }])).toBeNull();
    expect(
      fitShootdown([
        { cpus: 2, cycles: 3000 },
        { cpus: 4, cycles: 4000 },
      ]),
    ).toEqual({ base: 2500, perTarget: 500 });
  });

  it('applying it writes the entries and the provenance into the scenario, which still validates, and changes the run the way the mapping says', () => {
    const profile = calibrate(files, { name: 'example', createdAt: at });
    const base = PRESETS[0]!.scenario;
    const calibrated = applyHostProfile(base, profile, 'a'.repeat(64));
    expect(validateScenario(calibrated).ok).toBe(true);
    expect(calibrated.host.profile).toEqual({
      id: 'a'.repeat(64),
      name: 'example',
      entries: profile.costs.map((c) => c.key),
    });
    expect(calibrated.host.costs.vmExitRoundTrip).toBe(1027);
    expect(calibrated.host.ghz).toBe(2.6);
    const table = resolveCostEntries(calibrated.host.costs);
    for (const c of profile.costs) expect(table.find((e) => e.key === c.key)!.value).toBe(Math.round(c.value));
    // S2's flush per page, the model's own formula, at the scenario's CPU count.
    const N = base.host.cpus;
    const flush = (s: typeof base) => {
      const t = resolveCostEntries(s.host.costs);
      const v = (k: string) => t.find((e) => e.key === k)!.value;
      return v('shootdownBase') + v('shootdownPerTarget') * (N - 1);
    };
    expect(flush(calibrated)).not.toBe(flush(base));
    const before = runAnalytic({ ...base, host: { ...base.host, ghz: 2.6 } });
    const after = runAnalytic(calibrated);
    const s2 = (r: typeof before) =>
      r.strategies.find((s) => s.strategy === 'S2')!.metrics['cost.cyclesPerSecHost']!.mean;
    expect(s2(after)).not.toBe(s2(before));
  });

  it('an unknown or broken file fails the whole calibration with the file named, and nothing is made', () => {
    expect(() =>
      calibrate([...files, { name: 'notes.md', text: '# my notes\nnothing here' }], { name: 'x', createdAt: at }),
    ).toThrow(CalibrationError);
    expect(() => calibrate([{ name: 'notes.md', text: '# my notes' }], { name: 'x', createdAt: at })).toThrow(
      /notes\.md: not an output gmemlab can calibrate from/,
    );
    expect(() => calibrate([{ name: 'empty.txt', text: '  \n' }], { name: 'x', createdAt: at })).toThrow(
      /empty\.txt: the file is empty/,
    );
    expect(() => calibrate([], { name: 'x', createdAt: at })).toThrow(/no files/);
  });
});
