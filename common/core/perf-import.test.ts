// The perf kvm stat importer on the two real samples in reference/perf-kvm-stat.md (copied into
// fixtures/), on other layouts, and on fuzzed text.
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { validateScenario } from './scenario.ts';
import { parsePerfKvmStat, PerfImportError, scenarioFromPerfReport } from './perf-import.ts';
import { PRESETS } from './presets.ts';
import { setParameter } from './params.ts';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const x86 = fixture('perf-x86-2021-10-20.txt');
const arm64 = fixture('perf-arm64-2020-09.txt');
const base = PRESETS[0]!.scenario; // 8 vCPUs

describe('parsePerfKvmStat', () => {
  it('reads the x86 sample, rows cut with [..], and its totals', () => {
    const r = parsePerfKvmStat(x86);
    expect(r.rows.map((row) => row.name)).toEqual(['EPT_VIOLATION', 'MSR_WRITE', 'EXTERNAL_INTERRUPT']);
    expect(r.rows[0]).toEqual({
      name: 'EPT_VIOLATION',
      samples: 760998,
      samplesPct: 54.85,
      timePct: 7.23,
      minUs: 0.92,
      maxUs: 31765.89,
      avgUs: 7.78,
      relStddevPct: 1.46,
    });
    expect(r.cut).toBe(true);
    expect(r.totalSamples).toBe(1387305);
    expect(r.totalTimeUs).toBe(81900258.99);
  });

  it('reads the arm64 sample with its scope line', () => {
    const r = parsePerfKvmStat(arm64);
    expect(r.scope).toBe('all VMs, all VCPUs');
    expect(r.rows).toHaveLength(6);
    expect(r.rows.find((row) => row.name === 'DABT_LOW')?.samples).toBe(661867);
    expect(r.cut).toBe(false);
  });

  it('reads the old layout without min and max columns', () => {
    const old = [
      '             VM-EXIT    Samples  Samples%     Time%         Avg time',
      '',
      '      EPT_MISCONFIG      1000    100.00%   100.00%      3.10us ( +-   2.00% )',
      '',
    ].join('\n');
    const r = parsePerfKvmStat(old);
    expect(r.rows[0]).toMatchObject({ name: 'EPT_MISCONFIG', samples: 1000, minUs: null, maxUs: null, avgUs: 3.1 });
  });

  it('refuses reports of another kind and text that is no report, saying what it needs', () => {
    const msr =
      '  MSR Access    Samples  Samples%     Time%    Min Time    Max Time         Avg time\n\n  0x10:rdmsr   100 100.00% 100.00% 1.00us 1.00us 1.00us ( +- 0.00% )\n';
    expect(() => parsePerfKvmStat(msr)).toThrow('this is a "MSR Access" report; gmemlab needs the VM-EXIT report');
    expect(() => parsePerfKvmStat('hello world')).toThrow('no VM-EXIT table found');
    expect(() => parsePerfKvmStat('')).toThrow('the report is empty');
    const damaged = x86.replace('170599', 'lots');
    expect(() => parsePerfKvmStat(damaged)).toThrow('could not read 1 row(s)');
  });

  it('throws nothing but PerfImportError on fuzzed text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), fc.integer({ min: 0, max: x86.length }), (noise, at) => {
        for (const text of [noise, x86.slice(0, at) + noise + x86.slice(at)]) {
          try {
            parsePerfKvmStat(text);
          } catch (err) {
            if (!(err instanceof PerfImportError)) return false;
          }
        }
        return true;
      }),
    );
  });
});

describe('scenarioFromPerfReport', () => {
  it('maps arm64 exits to touchpoints with rates from the duration, and lists the rest', () => {
    const { scenario, mapped, unmapped, assumed } = scenarioFromPerfReport(
      parsePerfKvmStat(arm64),
      { durationSec: 10 },
      base,
    );
    // 661,867 MMIO data aborts over 10 s on 8 vCPUs.
    expect(scenario.workload.touchpoints.mmio.ratePerSec).toBeCloseTo(661867 / 10 / 8, 9);
    expect(scenario.workload.touchpoints.hypercall.ratePerSec).toBeCloseTo(17 / 10 / 8, 9);
    expect(mapped.map((m) => m.exit).sort()).toEqual(['DABT_LOW', 'HVC64']);
    expect(unmapped.map((u) => u.exit).sort()).toEqual(['IABT_LOW', 'IRQ', 'SYS64', 'WFx']);
    expect(unmapped.every((u) => u.reason.length > 0)).toBe(true);
    // VMM-side rates are not in the report: kept from the base scenario.
    expect(scenario.workload.touchpoints.virtio).toEqual(base.workload.touchpoints.virtio);
    // The exit names say arm64: broadcast invalidation, MMIO decoded from the syndrome.
    expect(scenario.host.vendor).toBe('arm64');
    expect(scenario.host.tlbInvalidation).toBe('broadcast');
    // arm64's default linear map, a page at a time (the base's 1G would mean BBML2 block mappings), said so.
    expect(scenario.host.directMapPageSize).toBe('4K');
    expect(assumed.some((a) => a.includes('directMapPageSize "4K" (no BBML2_NOABORT assumed)'))).toBe(true);
    // How the rates were made, and what came from the base rather than the report.
    expect(assumed[0]).toBe(
      `per-vCPU rates: each exit's count over 10 s divided by the base's vm.vcpus (${base.vm.vcpus}); a report recorded for the whole host (-a) counts every VM's exits`,
    );
    expect(assumed.some((a) => a.startsWith(`kept from "${base.name}", which the report does not show: `))).toBe(true);
    expect(validateScenario(scenario).ok).toBe(true);
  });

  it('says what it assumed, and maps AMD nested page faults to MMIO only by the share it is given', () => {
    const x = scenarioFromPerfReport(parsePerfKvmStat(x86), { durationSec: 10 }, base);
    expect(x.scenario.host.vendor).toBe('intel');
    expect(x.assumed.some((a) => a.includes('fastMmioShare'))).toBe(true);
    // An AMD report, as perf prints SVM exit names (tools/perf/arch/x86/util/kvm-stat.c, svm_exit_reasons).
    const amd = parsePerfKvmStat(
      [
        'Analyze events for all VMs, all VCPUs:',
        '',
        '             VM-EXIT    Samples  Samples%     Time%    Min Time    Max Time         Avg time',
        '',
        '                 npf       1000    50.00%    50.00%      1.00us      9.00us      5.00us ( +-   1.00% )',
        '                ioio       1000    50.00%    50.00%      1.00us      9.00us      5.00us ( +-   1.00% )',
        '',
        'Total Samples:2000, Total events handled time:10000.00us.',
      ].join('\n'),
    );
    const none = scenarioFromPerfReport(amd, { durationSec: 1 }, base);
    expect(none.scenario.host.vendor).toBe('amd');
    expect(none.scenario.workload.touchpoints.mmio.ratePerSec).toBe(0);
    expect(none.assumed.some((a) => a.includes('cannot tell MMIO from memory faults'))).toBe(true);
    const half = scenarioFromPerfReport(amd, { durationSec: 1 }, base, { npfMmioShare: 0.5 });
    expect(half.scenario.workload.touchpoints.mmio.ratePerSec).toBeCloseTo(500 / 8, 9);
    expect(half.unmapped.find((u) => u.exit === 'npf')!.samples).toBe(500);
  });

  it('scales by a total exit rate when no duration is known, and uses EPT violations only for nested guests', () => {
    const report = parsePerfKvmStat(x86);
    const flat = scenarioFromPerfReport(report, { totalExitsPerSec: 100_000 }, base);
    expect(flat.unmapped.map((u) => u.exit)).toContain('EPT_VIOLATION');
    const nested = scenarioFromPerfReport(report, { totalExitsPerSec: 100_000 }, setParameter(base, 'vm.nested', true));
    // share of all samples (the report's own total) x total rate / vCPUs
    expect(nested.scenario.workload.touchpoints.nestedTdp.ratePerSec).toBeCloseTo(
      ((760998 / 1387305) * 100_000) / 8,
      6,
    );
    expect(() => scenarioFromPerfReport(report, { durationSec: 0 }, base)).toThrow(
      'duration must be a positive number',
    );
  });

  it('refuses a basis that makes a rate the scenario cannot hold, rather than cut it to the limit', () => {
    const report = parsePerfKvmStat(x86);
    const nested = setParameter(base, 'vm.nested', true); // its EPT violations are nested TDP faults
    // 760,998 EPT violations in a microsecond on 8 vCPUs: about 1e11 a second per vCPU.
    expect(() => scenarioFromPerfReport(report, { durationSec: 1e-6 }, nested)).toThrow(
      /exits\/s per vCPU, over the 1e\+9 a scenario allows: is the duration \(0.000001 s\) the report's\?/,
    );
    expect(() => scenarioFromPerfReport(report, { totalExitsPerSec: 1e12 }, nested)).toThrow(
      'nestedTdp comes to 6.86e+10 exits/s per vCPU',
    );
    const fitting = scenarioFromPerfReport(report, { durationSec: 10 }, nested);
    expect(fitting.scenario.workload.touchpoints.nestedTdp.ratePerSec).toBeGreaterThan(0);
    expect(validateScenario(fitting.scenario).ok).toBe(true);
  });
});
