// Import of `perf kvm stat report` text (reference/perf-kvm-stat.md): the VM-EXIT table, in the
// old (no min/max) and new column layouts, x86 and arm64 exit names, rows cut with [..].
// The report does not say how long the recording lasted, so rates need the duration, or a total
// exit rate, from the user. Every exit reason that cannot be mapped is listed back, never dropped.
import { GmemlabError } from './errors.ts';
import { MAX_RATE_PER_SEC, type Scenario } from './scenario.ts';
import type { TouchpointId } from './touchpoints.ts';

export interface PerfExitRow {
  name: string;
  samples: number;
  samplesPct: number;
  timePct: number;
  minUs: number | null;
  maxUs: number | null;
  avgUs: number;
  relStddevPct: number | null;
}

export interface PerfKvmStatReport {
  scope: string;
  rows: PerfExitRow[];
  /** Rows were cut by the poster ([..]): percentages do not add up to 100. */
  cut: boolean;
  totalSamples: number | null;
  totalTimeUs: number | null;
}

/** The report text (the `text` of an import) cannot be read as a perf kvm stat report. */
export class PerfImportError extends GmemlabError {
  constructor(message: string) {
    super('invalid_input', message, [{ path: 'text', message }]);
  }
}

const OTHER_KINDS = ['IO Port Access', 'MMIO Access', 'MSR Access'];
const NUMBER = String.raw`(\d+(?:\.\d+)?)`;
const ROW = new RegExp(
  String.raw`^\s*([A-Za-z_][\w.-]*)\s+(\d+)\s+` +
    NUMBER +
    String.raw`%\s+` +
    NUMBER +
    String.raw`%\s+` +
    String.raw`(?:` +
    NUMBER +
    String.raw`us\s+` +
    NUMBER +
    String.raw`us\s+)?` +
    NUMBER +
    String.raw`us` +
    String.raw`(?:\s*\(\s*\+-\s*` +
    NUMBER +
    String.raw`%\s*\))?\s*$`,
);
const TOTAL = /Total Samples:\s*(\d+),\s*Total events handled time:\s*([\d.]+)us/;

/** Parses the report text; throws PerfImportError with a plain reason on anything else. */
export function parsePerfKvmStat(text: string): PerfKvmStatReport {
  if (typeof text !== 'string' || text.trim() === '')
    throw new PerfImportError('the report is empty: paste the output of `perf kvm stat report`');
  if (text.length > 5_000_000) throw new PerfImportError('the report is over 5 MB: that is not a perf kvm stat report');
  const lines = text.split(/\r?\n/);
  const headerIndex = lines.findIndex((l) => /^\s*VM-EXIT\s+Samples\s+Samples%/.test(l));
  if (headerIndex < 0) {
    const other = OTHER_KINDS.find((kind) => lines.some((l) => new RegExp(String.raw`^\s*${kind}\s+Samples`).test(l)));
    if (other !== undefined) {
      throw new PerfImportError(
        `this is a "${other}" report; gmemlab needs the VM-EXIT report (perf kvm stat report --event=vmexit)`,
      );
    }
    throw new PerfImportError(
      'no VM-EXIT table found: expected a header line "VM-EXIT  Samples  Samples%  Time% ..." from `perf kvm stat report`',
    );
  }
  const scope =
    lines
      .slice(0, headerIndex)
      .map((l) => /Analyze events for (.*):/.exec(l)?.[1])
      .find((m) => m !== undefined) ?? 'all VMs, all VCPUs';
  const rows: PerfExitRow[] = [];
  let cut = false;
  let totalSamples: number | null = null;
  let totalTimeUs: number | null = null;
  const unreadable: string[] = [];
  for (const line of lines.slice(headerIndex + 1)) {
    if (line.trim() === '') continue;
    if (/^\s*\[\s*\.\.\s*\]\s*$/.test(line)) {
      cut = true;
      continue;
    }
    const total = TOTAL.exec(line);
    if (total !== null) {
      totalSamples = Number(total[1]);
      totalTimeUs = Number(total[2]);
      break;
    }
    const m = ROW.exec(line);
    if (m === null) {
      unreadable.push(line.trim().slice(0, 80));
      continue;
    }
    rows.push({
      name: m[1]!,
      samples: Number(m[2]),
      samplesPct: Number(m[3]),
      timePct: Number(m[4]),
      minUs: m[5] === undefined ? null : Number(m[5]),
      maxUs: m[6] === undefined ? null : Number(m[6]),
      avgUs: Number(m[7]),
      relStddevPct: m[8] === undefined ? null : Number(m[8]),
    });
  }
  if (unreadable.length > 0)
    throw new PerfImportError(
      `could not read ${unreadable.length} row(s) of the VM-EXIT table, first: "${unreadable[0]}"`,
    );
  if (rows.length === 0) throw new PerfImportError('the VM-EXIT table has no rows');
  const pctSum = rows.reduce((n, r) => n + r.samplesPct, 0);
  if (pctSum < 99) cut = true;
  return { scope, rows, cut, totalSamples, totalTimeUs };
}

export interface ExitMapping {
  touchpoint: TouchpointId | null;
  reason: string;
}

const NESTED_VMX = [
  'VMLAUNCH',
  'VMRESUME',
  'VMREAD',
  'VMWRITE',
  'VMPTRLD',
  'VMPTRST',
  'VMCLEAR',
  'VMXON',
  'VMXOFF',
  'INVEPT',
  'INVVPID',
  'VMRUN',
  'VMLOAD',
  'VMSAVE',
];

/** Exit names only one vendor's KVM reports (perf kvm stat prints the vendor's own names). */
const VENDOR_EXITS: Record<'intel' | 'amd' | 'arm64', string[]> = {
  intel: ['EPT_MISCONFIG', 'EPT_VIOLATION', 'IO_INSTRUCTION', 'VMCALL', 'EXTERNAL_INTERRUPT', 'MSR_WRITE', 'MSR_READ'],
  amd: ['NPF', 'IOIO', 'VMMCALL', 'INTR', 'MSR', 'VMRUN'],
  arm64: ['DABT_LOW', 'IABT_LOW', 'HVC64', 'HVC32', 'WFX', 'SYS64', 'IRQ'],
};

/** The vendor whose exit names the report uses, or undefined when it names none of them. */
export function vendorOfReport(report: PerfKvmStatReport): 'intel' | 'amd' | 'arm64' | undefined {
  let best: 'intel' | 'amd' | 'arm64' | undefined;
  let most = 0;
  for (const vendor of ['intel', 'amd', 'arm64'] as const) {
    const hits = report.rows.filter((r) => VENDOR_EXITS[vendor].includes(r.name.toUpperCase())).length;
    if (hits > most) {
      most = hits;
      best = vendor;
    }
  }
  return best;
}

/**
 * Which touchpoint an exit reason is, given whether the guest is a nested hypervisor. AMD
 * reports MMIO as nested page faults (NPF), which a trace cannot tell from memory faults: the
 * share of NPF exits that are MMIO is `npfMmioShare` (0 unless the user knows better).
 */
export function mapExitReason(name: string, nested: boolean): ExitMapping {
  const n = name.toUpperCase();
  if (n === 'EPT_MISCONFIG')
    return {
      touchpoint: 'mmio',
      reason:
        'MMIO on EPT: emulated (the instruction is fetched on Intel) unless a zero-length ioeventfd takes the fast path (workload.exitMix.fastMmioShare)',
    };
  if (n === 'DABT_LOW')
    return { touchpoint: 'mmio', reason: 'arm64 MMIO data abort: decoded from the syndrome (ISV=1), nothing read' };
  if (n === 'IO_INSTRUCTION' || n === 'IOIO')
    return { touchpoint: 'pio', reason: 'port I/O (string forms touch the buffer)' };
  if (n === 'VMCALL' || n === 'VMMCALL' || n === 'HVC64' || n === 'HVC32')
    return { touchpoint: 'hypercall', reason: 'hypercall, possibly with a guest buffer' };
  if (NESTED_VMX.includes(n))
    return { touchpoint: 'nestedTdp', reason: 'nested virtualization instruction: KVM reads L1 state in guest memory' };
  if (n === 'EPT_VIOLATION' || n === 'NPF' || n === 'IABT_LOW') {
    // (NPF's MMIO share is split off by scenarioFromPerfReport.)
    return nested
      ? { touchpoint: 'nestedTdp', reason: 'stage-2 fault of a nested hypervisor: KVM walks L1 page tables' }
      : {
          touchpoint: null,
          reason:
            'stage-2 fault: KVM maps guest memory but does not read it (counts as nested TDP only for a nested guest)',
        };
  }
  return { touchpoint: null, reason: 'does not read guest memory itself (costs an exit only)' };
}

/** The preset whose host, VM and other touchpoints an import starts from when no scenario is given. */
export const PERF_IMPORT_BASE_PRESET = 'quiet-cloud-vm';

export type PerfRateBasis = { durationSec: number } | { totalExitsPerSec: number };

export interface PerfImportResult {
  scenario: Scenario;
  mapped: { exit: string; touchpoint: TouchpointId; samples: number; ratePerSecPerVcpu: number; reason: string }[];
  unmapped: { exit: string; samples: number; ratePerSecPerVcpu: number; reason: string }[];
  /** What the import assumed that the report cannot say (vendor, shares), in plain words. */
  assumed: string[];
  cut: boolean;
}

export interface PerfImportOptions {
  /** Share of AMD NPF exits that are MMIO (the rest are memory faults). */
  npfMmioShare?: number;
}

/**
 * A scenario whose KVM-side touchpoint rates come from the report. Rates are events per second
 * per vCPU: samples / duration / vCPUs, or share x total exit rate / vCPUs. Touchpoints the
 * report says nothing about keep the base scenario's rate of 0.
 */
export function scenarioFromPerfReport(
  report: PerfKvmStatReport,
  basis: PerfRateBasis,
  base: Scenario,
  options: PerfImportOptions = {},
): PerfImportResult {
  const vcpus = base.vm.vcpus;
  let ratePerVcpu: (row: PerfExitRow) => number;
  if ('durationSec' in basis) {
    if (!(basis.durationSec > 0) || !Number.isFinite(basis.durationSec))
      throw new PerfImportError('duration must be a positive number of seconds');
    ratePerVcpu = (r) => r.samples / basis.durationSec / vcpus;
  } else {
    if (!(basis.totalExitsPerSec > 0) || !Number.isFinite(basis.totalExitsPerSec))
      throw new PerfImportError('the total exit rate must be a positive number of exits per second');
    const total = report.totalSamples ?? report.rows.reduce((n, r) => n + r.samples, 0);
    ratePerVcpu = (r) => ((r.samples / total) * basis.totalExitsPerSec) / vcpus;
  }
  const scenario = structuredClone(base);
  for (const tp of Object.values(scenario.workload.touchpoints)) if (tp !== undefined) tp.ratePerSec = 0;
  const kvmTouchpoints: TouchpointId[] = ['mmio', 'pio', 'nestedTdp', 'hypercall'];
  for (const id of kvmTouchpoints) scenario.workload.touchpoints[id].ratePerSec = 0;
  // VMM-side touchpoints are invisible to perf kvm stat: keep the base scenario's.
  for (const [id, tp] of Object.entries(base.workload.touchpoints))
    if (!kvmTouchpoints.includes(id as TouchpointId)) scenario.workload.touchpoints[id as TouchpointId] = { ...tp };

  const assumed: string[] = [
    `per-vCPU rates: each exit's ${'durationSec' in basis ? `count over ${basis.durationSec} s` : 'share of the total rate'} divided by the base's vm.vcpus (${vcpus}); a report recorded for the whole host (-a) counts every VM's exits`,
  ];
  const kept = Object.entries(base.workload.touchpoints)
    .filter(([id, tp]) => !kvmTouchpoints.includes(id as TouchpointId) && tp.ratePerSec > 0)
    .map(([id, tp]) => `${id} ${tp.ratePerSec}/s`);
  if (kept.length > 0) assumed.push(`kept from "${base.name}", which the report does not show: ${kept.join(', ')}`);
  const vendor = vendorOfReport(report);
  if (vendor === undefined) {
    assumed.push(`no vendor's exit names found: kept host.vendor "${base.host.vendor}" of the base scenario`);
  } else {
    scenario.host.vendor = vendor;
    // arm64 invalidates by broadcast TLBI; x86 keeps the base scenario's choice.
    // arm64 invalidates by broadcast TLBI, has no LASS, and maps its linear map a page at a time
    // unless its CPUs have BBML2_NOABORT (docs/model.md, "Vendors"); x86 keeps the base's choices.
    const changed: string[] = [];
    if (vendor === 'arm64') {
      scenario.host.tlbInvalidation = 'broadcast';
      scenario.host.lass = false;
      scenario.host.directMapPageSize = '4K';
      changed.push('tlbInvalidation "broadcast"', 'lass off', 'directMapPageSize "4K" (no BBML2_NOABORT assumed)');
    }
    assumed.push(
      `host.vendor "${vendor}" from the exit names${changed.length === 0 ? '' : `, so ${changed.join(', ')}`}; the rest of the host is "${base.name}"'s`,
    );
  }
  scenario.workload.exitMix = { ...base.workload.exitMix, instructionDecode: 'vendor' };
  if (vendor !== 'arm64' && vendor !== 'amd')
    assumed.push(
      `workload.exitMix.fastMmioShare ${base.workload.exitMix.fastMmioShare}: the report cannot tell fast-MMIO ioeventfd exits from emulated ones`,
    );
  assumed.push(
    `workload.exitMix.pioStringShare ${base.workload.exitMix.pioStringShare}: the report cannot tell string port I/O from IN/OUT`,
  );
  const npfMmioShare = options.npfMmioShare ?? 0;
  if (!(npfMmioShare >= 0 && npfMmioShare <= 1)) throw new PerfImportError('the NPF MMIO share must be from 0 to 1');
  if (report.rows.some((r) => r.name.toUpperCase() === 'NPF'))
    assumed.push(
      `${npfMmioShare} of NPF exits are MMIO${options.npfMmioShare === undefined ? ' (not given: the report cannot tell MMIO from memory faults)' : ''}`,
    );

  const mapped: PerfImportResult['mapped'] = [];
  const unmapped: PerfImportResult['unmapped'] = [];
  for (const row of report.rows) {
    const m = mapExitReason(row.name, base.vm.nested);
    const rate = ratePerVcpu(row);
    if (row.name.toUpperCase() === 'NPF' && npfMmioShare > 0) {
      scenario.workload.touchpoints.mmio.ratePerSec += npfMmioShare * rate;
      mapped.push({
        exit: `${row.name} (MMIO share)`,
        touchpoint: 'mmio',
        samples: Math.round(npfMmioShare * row.samples),
        ratePerSecPerVcpu: npfMmioShare * rate,
        reason: 'AMD MMIO arrives as a nested page fault; decode assists carry the instruction bytes',
      });
      if (m.touchpoint !== null) {
        scenario.workload.touchpoints[m.touchpoint].ratePerSec += (1 - npfMmioShare) * rate;
        mapped.push({
          exit: row.name,
          touchpoint: m.touchpoint,
          samples: row.samples - Math.round(npfMmioShare * row.samples),
          ratePerSecPerVcpu: (1 - npfMmioShare) * rate,
          reason: m.reason,
        });
      } else
        unmapped.push({
          exit: row.name,
          samples: row.samples - Math.round(npfMmioShare * row.samples),
          ratePerSecPerVcpu: (1 - npfMmioShare) * rate,
          reason: m.reason,
        });
      continue;
    }
    if (m.touchpoint === null) {
      unmapped.push({ exit: row.name, samples: row.samples, ratePerSecPerVcpu: rate, reason: m.reason });
    } else {
      scenario.workload.touchpoints[m.touchpoint].ratePerSec += rate;
      mapped.push({
        exit: row.name,
        touchpoint: m.touchpoint,
        samples: row.samples,
        ratePerSecPerVcpu: rate,
        reason: m.reason,
      });
    }
  }
  // A rate the scenario cannot hold comes from a basis that does not fit the report (a duration
  // too short): refused, saying which, rather than cut to the limit behind the user's back.
  for (const [id, tp] of Object.entries(scenario.workload.touchpoints))
    if (tp.ratePerSec > MAX_RATE_PER_SEC)
      throw new PerfImportError(
        `${id} comes to ${tp.ratePerSec.toPrecision(3)} exits/s per vCPU, over the ${MAX_RATE_PER_SEC.toExponential(0)} a scenario allows: ${'durationSec' in basis ? `is the duration (${basis.durationSec} s) the report's?` : `is the total exit rate (${basis.totalExitsPerSec}/s) right?`}`,
      );
  scenario.name = `${base.name} (from perf kvm stat)`;
  scenario.description = `KVM-side rates from a perf kvm stat report (${report.scope}${report.cut ? ', rows cut by the poster' : ''}); VMM-side rates from "${base.name}".`;
  return { scenario, mapped, unmapped, assumed, cut: report.cut };
}
