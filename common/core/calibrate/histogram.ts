// Latency histograms of kernel functions: bpftrace's hist() maps and BCC funclatency.
//
// bpftrace (src/output.cpp): a map header `@name:` or `@name[key, key]:`, then one line per
// power-of-2 bucket, `[lo, hi)` (hi inclusive as `[0, 1]`; single values as `[4]`; open ends as
// `(..., lo)` and `[lo, ...)`), with K/M/G suffixes meaning x1024, then the count and a bar. The
// unit is whatever the script stored: gmemlab reads it from the map name (`@ns`, `@..._ns`,
// `@usecs`, `@..._us`).
// funclatency (bcc tools/funclatency.py): `Tracing N functions for "name"...` (or `Tracing
// name...` in older versions), `Function = name [pid]` with -F, a header `nsecs : count
// distribution` (usecs, msecs), bucket lines `lo -> hi : count |***|`, and `avg = N unit, total:
// ..., count: N` in newer versions. Intervals (-i) repeat the table: their counts are added.
import { flushWork } from '../analytic.ts';
import { DEFAULT_COST_TABLE } from '../costs.ts';
import { clockOf, NEEDS_CLOCK } from './facts.ts';
import { CalibrationError, type HostFacts, type MappedFigure, type UnusedFigure } from './types.ts';

export interface Bucket {
  /** Lower bound, inclusive, in the histogram's unit. */
  lo: number;
  /** Upper bound, exclusive; Infinity for an open last bucket. */
  hi: number;
  count: number;
}

export interface Histogram {
  /** The kernel function timed, when the output says which. */
  fn: string | null;
  /** Keys of a bpftrace map after the function (the kit keys flushes by pages), as printed. */
  keys: string[];
  label: string;
  unit: 'ns' | 'us' | 'ms' | null;
  buckets: Bucket[];
  /** funclatency's own mean, when printed in the histogram's unit. */
  printedMean: number | null;
}

const SUFFIX: Record<string, number> = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4 };
const num = (s: string): number => {
  const m = /^(-?\d+)([KMGT]?)$/.exec(s.trim());
  if (m === null) return Number.NaN;
  return Number(m[1]) * SUFFIX[m[2]!]!;
};
const BPF_HEADER = /^@([A-Za-z_]\w*)?(?:\[(.*)\])?:\s*$/;
const BPF_BUCKET = /^(\[|\()\s*([^,\])]+?)\s*(?:,\s*([^\])]+?)\s*)?(\]|\))\s+(\d+)\s+\|[@ ]*\|\s*$/;
const FL_HEADER = /^\s*(nsecs|usecs|msecs)\s*:\s*count\s+distribution\s*$/;
const FL_BUCKET = /^\s*(\d+)\s*->\s*(\d+)\s*:\s*(\d+)\s+\|[*+ ]*\|\s*$/;
const FL_AVG = /^\s*avg = (\d+(?:\.\d+)?) (nsecs|usecs|msecs), total: (\d+) \w+, count: (\d+)/;
const FL_FUNCTION = /^\s*Function = (\S+)/;
const FL_TRACING = /^Tracing (?:\d+ functions? for "([^"]+)"|([^\s.]+))\.\.\./;

export const looksLikeHistogram = (text: string): boolean => {
  const lines = text.split(/\r?\n/);
  return (
    lines.some((l) => FL_HEADER.test(l)) ||
    lines.some((l, i) => BPF_HEADER.test(l) && BPF_BUCKET.test(lines[i + 1] ?? ''))
  );
};

function unitOfMapName(name: string): Histogram['unit'] {
  if (/(^|_)(ns|nsecs)$/i.test(name)) return 'ns';
  if (/(^|_)(us|usecs)$/i.test(name)) return 'us';
  if (/(^|_)(ms|msecs)$/i.test(name)) return 'ms';
  return null;
}

/** Every histogram in the text; throws CalibrationError naming the file when a table is malformed. */
export function parseHistograms(file: string, text: string): Histogram[] {
  const lines = text.split(/\r?\n/);
  const out: Histogram[] = [];
  let fn: string | null = null;
  let current: Histogram | null = null;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const tracing = FL_TRACING.exec(line);
    if (tracing !== null) fn = tracing[1] ?? tracing[2] ?? null;
    const fnLine = FL_FUNCTION.exec(line);
    if (fnLine !== null) fn = fnLine[1]!;
    const bpf = BPF_HEADER.exec(line);
    if (bpf !== null && BPF_BUCKET.test(lines[i + 1] ?? '')) {
      const name = bpf[1] ?? '';
      const all = bpf[2] === undefined ? [] : bpf[2].split(',').map((k) => k.trim());
      // The function is the map's name before its unit (the kit's @flush_tlb_kernel_range_ns[pages])
      // or its first key when that is a name (@ns[flush_tlb_kernel_range, pages]).
      const fromName = /^([a-z_][a-z0-9_]*?)_(ns|nsecs|us|usecs|ms|msecs)$/.exec(name)?.[1] ?? null;
      const fromKey = fromName === null && /^[a-z_][a-z0-9_]*$/.test(all[0] ?? '') ? all[0]! : null;
      const keys = fromKey === null ? all : all.slice(1);
      current = {
        fn: fromName ?? fromKey,
        keys,
        label: `@${name}${bpf[2] === undefined ? '' : `[${bpf[2]}]`}`,
        unit: unitOfMapName(name),
        buckets: [],
        printedMean: null,
      };
      out.push(current);
      continue;
    }
    const fl = FL_HEADER.exec(line);
    if (fl !== null) {
      const unit = fl[1]!.slice(0, 2) as 'ns' | 'us' | 'ms';
      // funclatency -i prints one table per interval: same function, counts add up.
      const previous = out.find((h) => h.label === `funclatency ${fn ?? '?'}` && h.unit === unit);
      current = previous ?? { fn, keys: [], label: `funclatency ${fn ?? '?'}`, unit, buckets: [], printedMean: null };
      if (previous === undefined) out.push(current);
      continue;
    }
    if (current === null) continue;
    const b = BPF_BUCKET.exec(line);
    if (b !== null) {
      const [open, a, z, close, count] = [b[1]!, b[2]!, b[3], b[4]!, Number(b[5])];
      let lo: number;
      let hi: number;
      if (a === '...') {
        lo = 0;
        hi = num(z ?? '');
      } else if (z === undefined) {
        lo = num(a);
        hi = lo + 1;
      } else if (z === '...') {
        lo = num(a);
        hi = Number.POSITIVE_INFINITY;
      } else {
        lo = num(a);
        hi = num(z) + (close === ']' ? 1 : 0);
      }
      if (open === '(' && a !== '...') lo += 1;
      if (!Number.isFinite(lo) || Number.isNaN(hi) || hi <= lo)
        throw new CalibrationError(`${file}: unreadable histogram bucket "${line.trim().slice(0, 60)}"`);
      current.buckets.push({ lo: Math.max(0, lo), hi, count });
      continue;
    }
    const f = FL_BUCKET.exec(line);
    if (f !== null) {
      const lo = Number(f[1]);
      const hi = Number(f[2]) + 1;
      if (!(hi > lo)) throw new CalibrationError(`${file}: unreadable histogram bucket "${line.trim().slice(0, 60)}"`);
      const same = current.buckets.find((x) => x.lo === lo && x.hi === hi);
      if (same !== undefined) same.count += Number(f[3]);
      else current.buckets.push({ lo, hi, count: Number(f[3]) });
      continue;
    }
    const avg = FL_AVG.exec(line);
    if (avg !== null && current.unit === avg[2]!.slice(0, 2)) current.printedMean = Number(avg[1]);
  }
  if (out.length === 0) throw new CalibrationError(`${file}: no latency histogram found`);
  return out;
}

const NS: Record<'ns' | 'us' | 'ms', number> = { ns: 1, us: 1e3, ms: 1e6 };

/** Mean and p10/p90 in nanoseconds (bucket midpoints; an open last bucket counts at its lower bound). */
export function histogramStats(h: Histogram): {
  count: number;
  meanNs: number;
  p10Ns: number;
  p90Ns: number;
  estimated: boolean;
} {
  const scale = NS[h.unit!];
  const count = h.buckets.reduce((n, b) => n + b.count, 0);
  const mid = (b: Bucket): number => (Number.isFinite(b.hi) ? (b.lo + b.hi) / 2 : b.lo);
  const sorted = [...h.buckets].sort((a, b) => a.lo - b.lo);
  const quantile = (q: number): number => {
    let seen = 0;
    for (const b of sorted) {
      seen += b.count;
      if (seen >= q * count) return mid(b) * scale;
    }
    return mid(sorted.at(-1)!) * scale;
  };
  const estimatedMean = sorted.reduce((s, b) => s + b.count * mid(b), 0) / count;
  const useprinted = h.printedMean !== null;
  return {
    count,
    meanNs: (useprinted ? h.printedMean! : estimatedMean) * scale,
    p10Ns: quantile(0.1),
    p90Ns: quantile(0.9),
    estimated: !useprinted,
  };
}

/** Above this many pages flush_tlb_kernel_range flushes everything (tlb_single_page_flush_ceiling, arch/x86/mm/tlb.c). */
const FLUSH_CEILING = 33;

const DIRECT_MAP_FNS = [
  'set_direct_map_invalid_noflush',
  'set_direct_map_default_noflush',
  'set_direct_map_valid_noflush',
];

/**
 * Rules (docs/calibration.md, "latency histograms"):
 * - set_direct_map_invalid_noflush / set_direct_map_default_noflush (one page, under cpa_lock,
 *   no flush) -> pteUpdate: the mean, in cycles at the host clock.
 * - flush_tlb_kernel_range of up to 33 pages -> one point of the flush curve at the online CPU
 *   count: the initiator's whole wait, shootdownBase + shootdownPerTarget x (N - 1) in the model.
 *   Two or more CPU counts split it into the two entries (profile.ts); flushes above 33 pages
 *   are full flushes, listed.
 * - any other function, a histogram without a unit, or without a clock: listed.
 */
export function mapHistograms(
  file: string,
  histograms: Histogram[],
  facts: HostFacts,
  userGhz: number | null,
  userCpus: number | null,
): { mapped: MappedFigure[]; unused: UnusedFigure[] } {
  const mapped: MappedFigure[] = [];
  const unused: UnusedFigure[] = [];
  const ghz = clockOf(facts, userGhz);
  const cpus = facts.onlineCpus ?? userCpus;
  // Flushes of one file, up to the ceiling, are pooled into one figure.
  const flushes: Histogram[] = [];
  for (const h of histograms) {
    const count = h.buckets.reduce((n, b) => n + b.count, 0);
    const base = { file, figure: h.label, unit: h.unit ?? '?' };
    if (h.unit === null) {
      unused.push({ ...base, value: count, reason: 'the map name does not say its unit: name it @..._ns or @..._us' });
      continue;
    }
    if (count === 0) {
      unused.push({ ...base, value: 0, reason: 'no calls were recorded' });
      continue;
    }
    const fn = h.fn ?? '';
    if (fn === 'flush_tlb_kernel_range') {
      const pages = h.keys.length > 0 ? Number(h.keys[0]) : null;
      if (pages !== null && pages > FLUSH_CEILING) {
        unused.push({
          ...base,
          value: histogramStats(h).meanNs,
          unit: 'ns',
          reason: `flushes of more than ${FLUSH_CEILING} pages are full flushes, whose local part (fullTlbFlush) rests on one rough figure (no CPU or clock given): not used for the shootdown curve`,
        });
        continue;
      }
      flushes.push(h);
      continue;
    }
    if (!DIRECT_MAP_FNS.includes(fn)) {
      unused.push({
        ...base,
        value: histogramStats(h).meanNs,
        unit: 'ns',
        reason: `${fn === '' ? 'a histogram of no named function' : fn}: not a function whose time the cost table holds (flush_tlb_kernel_range, set_direct_map_*)`,
      });
      continue;
    }
    const s = histogramStats(h);
    if (ghz === null) {
      unused.push({ ...base, value: s.meanNs, unit: 'ns', reason: NEEDS_CLOCK });
      continue;
    }
    mapped.push({
      ...base,
      value: s.meanNs,
      unit: 'ns',
      key: 'pteUpdate',
      cycles: s.meanNs * ghz,
      low: s.p10Ns * ghz,
      high: s.p90Ns * ghz,
      onlineCpus: null,
      rule: `${fn}: one direct-map PTE update under cpa_lock, no flush; mean of ${s.count} calls${s.estimated ? ' (from bucket midpoints)' : ''} at ${ghz} GHz`,
    });
  }
  if (flushes.length > 0) {
    const pooled: Histogram = {
      fn: 'flush_tlb_kernel_range',
      keys: [],
      label: 'flush_tlb_kernel_range',
      unit: 'ns',
      buckets: [],
      printedMean: null,
    };
    // The initiator's own invalidation is the model's flushWork (INVLPG per page, a primary
    // figure), charged beside the shootdown: take it out, at the default cost, so the curve holds
    // only shootdownBase + shootdownPerTarget x (N - 1). A histogram without a page count
    // (funclatency) is taken as one page.
    let localCycles = 0;
    let calls = 0;
    let unknownPages = false;
    for (const h of flushes) {
      const scale = NS[h.unit!];
      for (const b of h.buckets) pooled.buckets.push({ lo: b.lo * scale, hi: b.hi * scale, count: b.count });
      if (flushes.length === 1 && h.printedMean !== null) pooled.printedMean = h.printedMean * scale;
      const pages = h.keys.length > 0 ? Number(h.keys[0]) : 1;
      if (h.keys.length === 0) unknownPages = true;
      const count = h.buckets.reduce((n, b) => n + b.count, 0);
      // The host's KPTI is not known from a histogram: its user-PCID INVPCIDs stay in the fit.
      localCycles += count * flushWork(DEFAULT_COST_TABLE, pages, false);
      calls += count;
    }
    const local = localCycles / calls;
    const s = histogramStats(pooled);
    const base = { file, figure: `flush_tlb_kernel_range (up to ${FLUSH_CEILING} pages)`, value: s.meanNs, unit: 'ns' };
    if (ghz === null) unused.push({ ...base, reason: NEEDS_CLOCK });
    else if (cpus === null)
      unused.push({
        ...base,
        reason:
          'a flush waits for every online CPU: the file does not say how many were online (the kit records online_cpus); give it with --cpus',
      });
    else {
      const shootdown = Math.max(0, s.meanNs * ghz - local);
      mapped.push({
        ...base,
        key: 'shootdownCurve',
        cycles: shootdown,
        low: Math.max(0, s.p10Ns * ghz - local),
        high: Math.max(0, s.p90Ns * ghz - local),
        onlineCpus: cpus,
        rule: `flush_tlb_kernel_range at ${cpus} online CPUs: the initiator's wait for every other CPU, mean of ${s.count} calls${s.estimated ? ' (from bucket midpoints)' : ''} at ${ghz} GHz, less its own INVLPGs (${local.toFixed(0)} cycles at the default invlpg${unknownPages ? '; page count not recorded, taken as 1' : ''})`,
      });
    }
  }
  return { mapped, unused };
}
