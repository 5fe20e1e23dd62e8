// Assembles compare overlays: runs from any experiments against a shared x (a swept parameter,
// or the strategy). One series per experiment, strategy and value of any other swept parameter
// that is split out; a parameter with many values is sliced at one value instead. Experiments
// that cannot be drawn against the chosen x are listed with the reason, never dropped silently.
import type { Estimate } from '../core/index.ts';

export type PointValue = number | string | boolean;

export interface OverlayRun {
  id: number;
  experimentId: number;
  experimentName: string;
  strategy: string;
  modelVersion: string | null;
  point: Record<string, PointValue>;
  metrics: Record<string, Estimate>;
  /** The core's trust flags of this result (model 2.0), when the run carries them. */
  flags?: { code: string; message: string }[];
}

export interface OverlayPoint {
  x: number | string;
  y: number;
  ci95: number;
  runId: number;
  strategy: string;
  /** Codes of the run's trust flags (saturated, infeasible, ...); empty when none. */
  flags: string[];
}

export interface OverlaySeries {
  key: string;
  label: string;
  experimentId: number;
  /** Position of the experiment among those drawn: its line style. */
  experimentIndex: number;
  /** null in strategy mode (x is the strategy). */
  strategy: string | null;
  /** Values of the split parameters this series holds, by path ({} when nothing is split). */
  split: Record<string, PointValue>;
  /** Position of `split` among the split values seen: its marker. */
  splitIndex: number;
  modelVersion: string | null;
  /** Made with a model version other than the reference: numbers may not be comparable. */
  versionMismatch: boolean;
  points: OverlayPoint[];
}

/** How a swept parameter other than x is handled: a series per value, or one value kept. */
export type OtherHandling = { kind: 'split' } | { kind: 'slice'; value: PointValue };

export interface OtherParameter {
  path: string;
  /** Every value the picked runs hold, sorted. */
  values: PointValue[];
  handling: OtherHandling;
}

export interface SkippedExperiment {
  experimentId: number;
  experimentName: string;
  reason: string;
}

export interface Overlay {
  /** 'parameter': x is a swept value; 'strategy': x is the strategy. */
  mode: 'parameter' | 'strategy';
  xPath: string;
  /** 'category' x (strategies, enums, booleans) is drawn as markers: no line joins categories. */
  xKind: 'numeric' | 'category';
  /** The x categories in order (category x only). */
  categories: string[];
  referenceVersion: string | null;
  series: OverlaySeries[];
  others: OtherParameter[];
  skipped: SkippedExperiment[];
  /** Experiments drawn, in order (their index is the line style). */
  experiments: { id: number; name: string }[];
}

export interface OverlayOptions {
  /** The swept parameter on x; '' or undefined for the strategy. */
  xPath?: string;
  /** Reference model version; default the most common among the runs. */
  referenceVersion?: string | null;
  /** How to treat other swept parameters; unnamed ones are split when they have few values. */
  others?: Record<string, OtherHandling>;
  /** Most values a parameter may have to be split by default (more: sliced at its first value). */
  maxSplit?: number;
}

const sortValues = (values: PointValue[]): PointValue[] =>
  [...values].sort((p, q) =>
    typeof p === 'number' && typeof q === 'number'
      ? p - q
      : String(p).localeCompare(String(q), 'en', { numeric: true }),
  );

const same = (a: PointValue | undefined, b: PointValue): boolean => a === b || String(a) === String(b);

/**
 * The x parameter a set of runs is best drawn against: the one the most experiments sweep, then
 * the one with the most distinct values, then by name; '' (the strategy) when none is swept.
 */
export function chooseX(runs: readonly Pick<OverlayRun, 'experimentId' | 'point'>[]): string {
  const experiments = new Map<string, Set<number>>();
  const values = new Map<string, Set<string>>();
  for (const r of runs)
    for (const [path, v] of Object.entries(r.point)) {
      (experiments.get(path) ?? experiments.set(path, new Set()).get(path)!).add(r.experimentId);
      (values.get(path) ?? values.set(path, new Set()).get(path)!).add(String(v));
    }
  const ranked = [...experiments.keys()].sort(
    (a, b) =>
      experiments.get(b)!.size - experiments.get(a)!.size ||
      values.get(b)!.size - values.get(a)!.size ||
      a.localeCompare(b),
  );
  return ranked[0] ?? '';
}

function pathsOf(runs: readonly OverlayRun[]): string[] {
  return [...new Set(runs.flatMap((r) => Object.keys(r.point)))].sort();
}

/** Builds the overlay of `metric` for `runs` (see the module comment). */
export function buildOverlay(runs: readonly OverlayRun[], metric: string, options: OverlayOptions = {}): Overlay {
  const versions = new Map<string, number>();
  for (const r of runs)
    if (r.modelVersion !== null) versions.set(r.modelVersion, (versions.get(r.modelVersion) ?? 0) + 1);
  const reference =
    options.referenceVersion !== undefined
      ? options.referenceVersion
      : ([...versions.entries()].sort((x, y) => y[1] - x[1] || x[0].localeCompare(y[0]))[0]?.[0] ?? null);
  const xPath = options.xPath ?? '';
  const mode = xPath === '' ? 'strategy' : 'parameter';
  const maxSplit = options.maxSplit ?? 4;

  // Other swept parameters: split when few values, else sliced at the first (or the chosen) value.
  const others: OtherParameter[] = pathsOf(runs)
    .filter((p) => p !== xPath)
    .map((path) => {
      const values = sortValues([
        ...new Map(runs.flatMap((r) => (path in r.point ? [[String(r.point[path]), r.point[path]!]] : []))).values(),
      ]);
      const asked = options.others?.[path];
      const handling: OtherHandling =
        asked !== undefined && (asked.kind === 'split' || values.some((v) => same(asked.value, v)))
          ? asked
          : values.length <= maxSplit
            ? { kind: 'split' }
            : { kind: 'slice', value: values[0]! };
      return { path, values, handling };
    });
  const splitPaths = others.filter((o) => o.handling.kind === 'split').map((o) => o.path);
  const slices = others.filter((o) => o.handling.kind === 'slice');

  const byExperiment = new Map<number, OverlayRun[]>();
  for (const r of runs)
    (byExperiment.get(r.experimentId) ?? byExperiment.set(r.experimentId, []).get(r.experimentId)!).push(r);

  const skipped: SkippedExperiment[] = [];
  const drawn: OverlayRun[] = [];
  for (const [experimentId, list] of byExperiment) {
    const name = list[0]!.experimentName;
    const swept = pathsOf(list);
    if (mode === 'parameter' && !swept.includes(xPath)) {
      skipped.push({
        experimentId,
        experimentName: name,
        reason:
          swept.length === 0
            ? `a single point, nothing swept: pick x = strategy to see it`
            : `sweeps ${swept.join(' and ')}, not ${xPath}`,
      });
      continue;
    }
    const withMetric = list.filter((r) => r.metrics[metric] !== undefined);
    if (withMetric.length === 0) {
      skipped.push({ experimentId, experimentName: name, reason: `has no value for ${metric}` });
      continue;
    }
    const inSlice = withMetric.filter((r) =>
      slices.every((s) => !(s.path in r.point) || same(r.point[s.path], (s.handling as { value: PointValue }).value)),
    );
    if (inSlice.length === 0) {
      const where = slices
        .filter((s) => swept.includes(s.path))
        .map((s) => `${s.path} = ${String((s.handling as { value: PointValue }).value)}`)
        .join(', ');
      skipped.push({ experimentId, experimentName: name, reason: `has no run at ${where}` });
      continue;
    }
    drawn.push(...inSlice);
  }

  const experimentIds = [...new Set(drawn.map((r) => r.experimentId))];
  const splitKeys: string[] = [];
  const byKey = new Map<string, OverlaySeries>();
  for (const r of drawn) {
    const est = r.metrics[metric]!;
    const xRaw = mode === 'parameter' ? r.point[xPath]! : r.strategy;
    const x = typeof xRaw === 'number' ? xRaw : String(xRaw);
    const split = Object.fromEntries(splitPaths.filter((p) => p in r.point).map((p) => [p, r.point[p]!]));
    const splitKey = JSON.stringify(Object.entries(split).map(([p, v]) => [p, String(v)]));
    if (!splitKeys.includes(splitKey)) splitKeys.push(splitKey);
    const key = `${r.experimentId}:${mode === 'parameter' ? r.strategy : '*'}:${splitKey}`;
    let s = byKey.get(key);
    if (s === undefined) {
      const splitText = Object.entries(split)
        .map(([p, v]) => `${p} = ${String(v)}`)
        .join(', ');
      s = {
        key,
        label: [`#${r.experimentId} ${r.experimentName}`, mode === 'parameter' ? r.strategy : '', splitText]
          .filter((t) => t !== '')
          .join(' · '),
        experimentId: r.experimentId,
        experimentIndex: experimentIds.indexOf(r.experimentId),
        strategy: mode === 'parameter' ? r.strategy : null,
        split,
        splitIndex: 0,
        modelVersion: r.modelVersion,
        versionMismatch: false,
        points: [],
      };
      byKey.set(key, s);
    }
    s.splitIndex = splitKeys.indexOf(splitKey);
    if (r.modelVersion !== null && reference !== null && r.modelVersion !== reference) s.versionMismatch = true;
    s.points.push({
      x,
      y: est.mean,
      ci95: est.ci95,
      runId: r.id,
      strategy: r.strategy,
      flags: (r.flags ?? []).map((f) => f.code),
    });
  }

  const series = [...byKey.values()];
  const xs = series.flatMap((s) => s.points.map((p) => p.x));
  const xKind =
    mode === 'parameter' && xs.length > 0 && xs.every((x) => typeof x === 'number') ? 'numeric' : 'category';
  const categories = xKind === 'category' ? sortValues([...new Set(xs.map(String))]).map(String) : [];
  for (const s of series) {
    s.points.sort((p, q) =>
      typeof p.x === 'number' && typeof q.x === 'number'
        ? p.x - q.x
        : categories.indexOf(String(p.x)) - categories.indexOf(String(q.x)),
    );
    if (s.versionMismatch) s.label += ` [model ${s.modelVersion ?? '?'}]`;
  }
  const experiments = experimentIds.map((id) => ({ id, name: byExperiment.get(id)![0]!.experimentName }));
  return { mode, xPath, xKind, categories, referenceVersion: reference, series, others, skipped, experiments };
}

/**
 * Whether swept values are best drawn on a log axis: all above zero, and spanning two decades or
 * more or spaced by a steady ratio (a log sweep, "log:1:64:7" as 1, 2, 4 ... 64, or a list such as
 * 1, 4, 16, 64), which a linear axis crams against its left end.
 */
export function suitsLogAxis(values: readonly unknown[]): boolean {
  // A log axis has no place for 0 or below: such a run would drop off the chart unsaid.
  if (values.some((v) => typeof v === 'number' && v <= 0)) return false;
  if (spansDecades(values)) return true;
  const nums = [
    ...new Set(values.filter((v): v is number => typeof v === 'number' && v > 0 && Number.isFinite(v))),
  ].sort((a, b) => a - b);
  if (nums.length < 3) return false;
  const ratios = nums.slice(1).map((v, k) => v / nums[k]!);
  const lo = Math.min(...ratios);
  const hi = Math.max(...ratios);
  // Steady (whole-number rounding of a log range lets it wobble) and more than a small step.
  return lo >= 1.5 && hi / lo <= 1.3;
}

/** Whether positive numeric values span at least `decades` powers of ten (log axis advisable). */
export function spansDecades(values: readonly unknown[], decades = 2): boolean {
  const nums = values.filter((v): v is number => typeof v === 'number' && v > 0 && Number.isFinite(v));
  if (nums.length < 2) return false;
  return Math.log10(Math.max(...nums) / Math.min(...nums)) >= decades;
}
