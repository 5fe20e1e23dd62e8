// A host profile: the cost entries measured on one host, with where each figure came from, and
// the figures that could not be used. Made from tool outputs (calibrate), stored by main with
// its content hash as id, and applied to a scenario (its values into host.costs, with the id).
import { COST_KEYS, type CostKey } from '../costs.ts';
import type { Scenario } from '../scenario.ts';
import { looksLikeDemandPaging, mapDemandPaging, parseDemandPaging } from './demand-paging.ts';
import { readHostFacts } from './facts.ts';
import { looksLikeHistogram, mapHistograms, parseHistograms } from './histogram.ts';
import { looksLikePerfKvmStat, mapPerfKvmStat } from './perf.ts';
import {
  CalibrationError,
  type CalibrationFile,
  type CalibrationSourceKind,
  type MappedFigure,
  type ParsedSource,
  type UnusedFigure,
} from './types.ts';
import { looksLikeVmexit, mapVmexit, parseVmexit } from './vmexit.ts';

export const HOST_PROFILE_FORMAT = 'gmemlab/host-profile@1';

/** A measured curve: the figure at each online-CPU count, kept as measured (never only its fit). */
export interface ProfileCurve {
  /** What was measured, e.g. 'flush_tlb_kernel_range'. */
  name: string;
  /** The scenario parameter the curve runs over. */
  over: 'host.cpus';
  /** The cost entries a fit of the curve gives, and the model they are fitted to. */
  entries: CostKey[];
  model: string;
  points: { cpus: number; cycles: number; low: number; high: number }[];
}

export interface ProfileCost {
  key: CostKey;
  /** Cycles (or the entry's own unit), what applying the profile writes into host.costs. */
  value: number;
  low: number;
  high: number;
  /** The curve this entry was fitted from, by name (profile.curves), or null. */
  curve: string | null;
  /** The figures behind it, as `file: figure`. */
  figures: string[];
  rule: string;
}

export interface HostProfileSource {
  file: string;
  kind: CalibrationSourceKind;
  sha256: string | null;
  tool: string;
  measuredAt: string | null;
  hostName: string | null;
}

export interface HostProfile {
  format: typeof HOST_PROFILE_FORMAT;
  name: string;
  createdAt: string;
  host: {
    name: string | null;
    cpuModel: string | null;
    onlineCpus: number | null;
    /** The clock time figures were converted at (TSC), or null when none was known. */
    ghz: number | null;
    kernel: string | null;
  };
  sources: HostProfileSource[];
  costs: ProfileCost[];
  curves: ProfileCurve[];
  unused: UnusedFigure[];
}

export interface CalibrateOptions {
  name: string;
  /** ISO time the profile is made (the core has no clock). */
  createdAt: string;
  /** Host clock for files that carry none (GHz). */
  ghz?: number | null;
  /** Online CPUs for flush histograms that do not say (published outputs). */
  cpus?: number | null;
  /** The column to read from a comparison table (a cover letter's before/after vmexit figures). */
  column?: string;
}

const TOOL: Record<CalibrationSourceKind, string> = {
  'kvm-unit-tests-vmexit': 'kvm-unit-tests x86/vmexit.flat',
  'kvm-demand-paging-test': 'KVM selftests demand_paging_test',
  'perf-kvm-stat': 'perf kvm stat report',
  'latency-histogram': 'bpftrace / BCC funclatency',
};

const MAX_FILE_CHARS = 5_000_000;

/** Which tool printed the text; throws CalibrationError naming the file when none did. */
export function detectKind(file: CalibrationFile): CalibrationSourceKind {
  const text = file.text;
  if (typeof text !== 'string' || text.trim() === '') throw new CalibrationError(`${file.name}: the file is empty`);
  if (text.length > MAX_FILE_CHARS)
    throw new CalibrationError(`${file.name}: over 5 MB, not a tool output gmemlab reads`);
  if (text.includes('\u0000')) throw new CalibrationError(`${file.name}: binary data, not a tool's text output`);
  if (looksLikePerfKvmStat(text)) return 'perf-kvm-stat';
  if (looksLikeDemandPaging(text)) return 'kvm-demand-paging-test';
  if (looksLikeHistogram(text)) return 'latency-histogram';
  if (looksLikeVmexit(text)) return 'kvm-unit-tests-vmexit';
  throw new CalibrationError(
    `${file.name}: not an output gmemlab can calibrate from; it reads kvm-unit-tests x86/vmexit.flat, KVM selftests demand_paging_test, \`perf kvm stat report\`, and bpftrace or BCC funclatency latency histograms`,
  );
}

/** Reads one file: its kind, the host facts it carries, what it measures and what it cannot be used for. */
export function readCalibrationFile(
  file: CalibrationFile,
  options: Pick<CalibrateOptions, 'ghz' | 'cpus' | 'column'> = {},
): ParsedSource {
  const kind = detectKind(file);
  const facts = readHostFacts(file.text);
  const ghz = options.ghz ?? null;
  let result: { mapped: MappedFigure[]; unused: UnusedFigure[] };
  switch (kind) {
    case 'kvm-unit-tests-vmexit':
      result = mapVmexit(file.name, parseVmexit(file.name, file.text, options.column));
      break;
    case 'kvm-demand-paging-test':
      result = mapDemandPaging(file.name, parseDemandPaging(file.name, file.text, facts), facts, ghz);
      break;
    case 'perf-kvm-stat':
      result = { mapped: [], ...mapPerfKvmStat(file.name, file.text) };
      break;
    case 'latency-histogram':
      result = mapHistograms(file.name, parseHistograms(file.name, file.text), facts, ghz, options.cpus ?? null);
      break;
  }
  return { file: file.name, kind, sha256: file.sha256 ?? null, facts, ...result };
}

const isCostKey = (key: string): key is CostKey => (COST_KEYS as readonly string[]).includes(key);

/**
 * Least squares of flush = base + perTarget x (N - 1) over the points (the model's shootdown,
 * common/core/analytic.ts). Null when fewer than two CPU counts were measured, or when the fit
 * is not physical (a negative part: noise, or invalidation by hardware broadcast, not IPIs).
 */
export function fitShootdown(points: { cpus: number; cycles: number }[]): { base: number; perTarget: number } | null {
  const xs = [...new Set(points.map((p) => p.cpus))];
  if (xs.length < 2) return null;
  const n = points.length;
  const mx = points.reduce((s, p) => s + (p.cpus - 1), 0) / n;
  const my = points.reduce((s, p) => s + p.cycles, 0) / n;
  const sxx = points.reduce((s, p) => s + (p.cpus - 1 - mx) ** 2, 0);
  const sxy = points.reduce((s, p) => s + (p.cpus - 1 - mx) * (p.cycles - my), 0);
  const perTarget = sxy / sxx;
  const base = my - perTarget * mx;
  if (!(perTarget >= 0) || !(base >= 0)) return null;
  return { base, perTarget };
}

/** Builds a profile from tool outputs. Throws CalibrationError naming the file on foreign or broken input. */
export function calibrate(files: CalibrationFile[], options: CalibrateOptions): HostProfile {
  if (files.length === 0) throw new CalibrationError('no files given');
  const name = options.name.trim();
  if (name === '' || name.length > 200) throw new CalibrationError('the profile name must be 1 to 200 characters');
  // A profile is one host: a file without a clock converts at the one the user gave, else at
  // the clock another file of the same calibration recorded.
  const recorded = files.map((f) => readHostFacts(f.text).tscMhz).find((v) => v !== null) ?? null;
  const fallbackGhz = options.ghz ?? (recorded === null ? null : recorded / 1000);
  const sources = files.map((f) =>
    readCalibrationFile(f, { ghz: fallbackGhz, cpus: options.cpus ?? null, column: options.column }),
  );
  const unused: UnusedFigure[] = sources.flatMap((s) => s.unused);
  const first = <T>(pick: (s: ParsedSource) => T | null): T | null =>
    sources.map(pick).find((v) => v !== null && v !== undefined) ?? null;
  const ghz = recorded !== null ? recorded / 1000 : (options.ghz ?? null);

  const byKey = new Map<string, MappedFigure[]>();
  const flushPoints: MappedFigure[] = [];
  for (const m of sources.flatMap((s) => s.mapped)) {
    if (m.key === 'shootdownCurve') {
      flushPoints.push(m);
      continue;
    }
    if (!isCostKey(m.key)) {
      unused.push({
        file: m.file,
        figure: m.figure,
        value: m.value,
        unit: m.unit,
        reason: `the model (cost table) has no entry "${m.key}"`,
      });
      continue;
    }
    byKey.set(m.key, [...(byKey.get(m.key) ?? []), m]);
  }
  const costs: ProfileCost[] = [];
  for (const [key, figures] of byKey) {
    const value = figures.reduce((s, f) => s + f.cycles, 0) / figures.length;
    costs.push({
      key: key as CostKey,
      value,
      low: Math.min(...figures.map((f) => f.low)),
      high: Math.max(...figures.map((f) => f.high)),
      curve: null,
      figures: figures.map((f) => `${f.file}: ${f.figure}`),
      rule:
        [...new Set(figures.map((f) => f.rule))].join('; ') +
        (figures.length > 1 ? ` (mean of ${figures.length} figures)` : ''),
    });
  }

  const curves: ProfileCurve[] = [];
  if (flushPoints.length > 0) {
    const points = flushPoints
      .map((p) => ({ cpus: p.onlineCpus!, cycles: p.cycles, low: p.low, high: p.high }))
      .sort((a, b) => a.cpus - b.cpus);
    const curve: ProfileCurve = {
      name: 'flush_tlb_kernel_range',
      over: 'host.cpus',
      entries: ['shootdownBase', 'shootdownPerTarget'],
      model: 'shootdownBase + shootdownPerTarget x (host.cpus - 1)',
      points,
    };
    curves.push(curve);
    const fit = fitShootdown(points);
    const figures = flushPoints.map((f) => `${f.file}: ${f.figure} at ${f.onlineCpus} CPUs`);
    if (fit === null) {
      for (const p of flushPoints)
        unused.push({
          file: p.file,
          figure: `${p.figure} at ${p.onlineCpus} CPUs`,
          value: p.value,
          unit: p.unit,
          reason:
            new Set(points.map((q) => q.cpus)).size < 2
              ? 'one online-CPU count: kept as a point of the flush curve, but splitting it into shootdownBase and shootdownPerTarget needs flushes measured at two or more CPU counts (measure/run.sh --cpu-counts)'
              : 'the flush curve does not rise with CPU count (a negative part in the fit): noise, or invalidation by hardware broadcast rather than IPIs; kept as a curve, not fitted',
        });
    } else {
      const residual = Math.max(...points.map((p) => Math.abs(p.cycles - (fit.base + fit.perTarget * (p.cpus - 1)))));
      costs.push({
        key: 'shootdownBase',
        value: fit.base,
        low: Math.max(0, fit.base - residual),
        high: fit.base + residual,
        curve: curve.name,
        figures,
        rule: `least-squares fit of the flush curve (${points.length} points) to ${curve.model}: the part every flush pays`,
      });
      costs.push({
        key: 'shootdownPerTarget',
        value: fit.perTarget,
        low: fit.perTarget,
        high: fit.perTarget,
        curve: curve.name,
        figures,
        rule: `least-squares fit of the flush curve (${points.length} points) to ${curve.model}: the part each other online CPU adds`,
      });
    }
  }
  costs.sort((a, b) => COST_KEYS.indexOf(a.key) - COST_KEYS.indexOf(b.key));
  // A profile that sets nothing would be saved and applied as if it measured something.
  if (costs.length === 0) {
    const why = unused.slice(0, 3).map((u) => `${u.file}: ${u.figure}: ${u.reason}`);
    throw new CalibrationError(
      `${files.map((f) => f.name).join(', ')}: no figure ${files.length === 1 ? 'here' : 'in these files'} sets a cost entry, so no host profile was made` +
        (why.length === 0 ? '' : ` (${why.join('; ')}${unused.length > 3 ? `; ${unused.length - 3} more` : ''})`),
    );
  }

  return {
    format: HOST_PROFILE_FORMAT,
    name,
    createdAt: options.createdAt,
    host: {
      name: first((s) => s.facts.hostName),
      cpuModel: first((s) => s.facts.cpuModel),
      onlineCpus: first((s) => s.facts.onlineCpus),
      ghz,
      kernel: first((s) => s.facts.kernel),
    },
    sources: sources.map((s) => ({
      file: s.file,
      kind: s.kind,
      sha256: s.sha256,
      tool: s.facts.tool ?? TOOL[s.kind],
      measuredAt: s.facts.date,
      hostName: s.facts.hostName,
    })),
    costs,
    curves,
    unused,
  };
}

/** Rounds a value the way a cost table shows it: whole cycles, or 4 significant digits below 10. */
const tidy = (v: number): number => (v >= 10 ? Math.round(v) : Number(v.toPrecision(4)));

/**
 * Where applying `profile` to `scenario` goes beyond what was measured: a curve's fit (the
 * shootdown entries) used at a CPU count outside the counts it was measured at. Empty if none.
 */
export function profileExtrapolations(profile: HostProfile, scenario: Scenario): string[] {
  const out: string[] = [];
  for (const curve of profile.curves) {
    if (curve.over !== 'host.cpus' || curve.points.length === 0) continue;
    const counts = curve.points.map((p) => p.cpus);
    const low = Math.min(...counts);
    const high = Math.max(...counts);
    const at = scenario.host.cpus;
    if (at < low || at > high)
      out.push(
        `${curve.entries.join(' and ')} were fitted to ${curve.name} at ${low === high ? low : `${low}-${high}`} CPUs; this scenario has ${at}: extrapolated`,
      );
  }
  return out;
}

/**
 * The scenario with the profile's values in host.costs and the profile named in host.profile
 * (so the scenario stays self-contained when mailed), and host.ghz set to the profile's clock
 * when it has one (the clock its time figures were converted at). Entries the profile does not
 * hold keep the scenario's value.
 */
export function applyHostProfile(scenario: Scenario, profile: HostProfile, profileId: string): Scenario {
  const next = structuredClone(scenario);
  const costs: Record<string, number> = { ...next.host.costs };
  for (const c of profile.costs) {
    costs[c.key] = Math.min(1e12, Math.max(0, tidy(c.value)));
  }
  next.host.costs = costs as Scenario['host']['costs'];
  next.host.profile = { id: profileId, name: profile.name.slice(0, 200), entries: profile.costs.map((c) => c.key) };
  if (profile.host.ghz !== null && profile.host.ghz >= 0.1 && profile.host.ghz <= 10) next.host.ghz = profile.host.ghz;
  return next;
}
