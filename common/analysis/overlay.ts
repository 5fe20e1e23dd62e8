// Assembles compare overlays: runs from any experiments, one series per (experiment, strategy)
// against a swept parameter, or one series per experiment across strategies.
import type { Estimate, Point } from '../core/index.ts';

export interface OverlayRun {
  id: number;
  experimentId: number;
  experimentName: string;
  strategy: string;
  modelVersion: string | null;
  point: Point;
  metrics: Record<string, Estimate>;
}

export interface OverlayPoint {
  x: number | string;
  y: number;
  ci95: number;
  runId: number;
}

export interface OverlaySeries {
  key: string;
  label: string;
  experimentId: number;
  strategy: string | null;
  modelVersion: string | null;
  /** Made with a model version other than the reference: numbers may not be comparable. */
  versionMismatch: boolean;
  points: OverlayPoint[];
}

export interface Overlay {
  /** 'parameter': x is the swept value (numbers sorted ascending); 'strategy': x is the strategy. */
  mode: 'parameter' | 'strategy';
  referenceVersion: string | null;
  series: OverlaySeries[];
}

/**
 * One series per experiment and strategy when xPath is given (runs lacking that parameter are
 * left out), else one per experiment with the strategy on x. Runs without the metric are left
 * out. The reference model version is the given one, or the most common among the runs.
 */
export function buildOverlay(
  runs: OverlayRun[],
  metric: string,
  xPath?: string,
  referenceVersion?: string | null,
): Overlay {
  const versions = new Map<string, number>();
  for (const r of runs)
    if (r.modelVersion !== null) versions.set(r.modelVersion, (versions.get(r.modelVersion) ?? 0) + 1);
  const reference =
    referenceVersion !== undefined
      ? referenceVersion
      : ([...versions.entries()].sort((x, y) => y[1] - x[1] || x[0].localeCompare(y[0]))[0]?.[0] ?? null);
  const mode = xPath === undefined || xPath === '' ? 'strategy' : 'parameter';
  const byKey = new Map<string, OverlaySeries>();
  for (const r of runs) {
    const est = r.metrics[metric];
    if (est === undefined) continue;
    const x = mode === 'parameter' ? r.point[xPath!] : r.strategy;
    if (x === undefined || typeof x === 'boolean') continue;
    const key = mode === 'parameter' ? `${r.experimentId}:${r.strategy}` : `${r.experimentId}`;
    let s = byKey.get(key);
    if (s === undefined) {
      s = {
        key,
        label:
          mode === 'parameter'
            ? `#${r.experimentId} ${r.experimentName} · ${r.strategy}`
            : `#${r.experimentId} ${r.experimentName}`,
        experimentId: r.experimentId,
        strategy: mode === 'parameter' ? r.strategy : null,
        modelVersion: r.modelVersion,
        versionMismatch: false,
        points: [],
      };
      byKey.set(key, s);
    }
    if (r.modelVersion !== null && reference !== null && r.modelVersion !== reference) s.versionMismatch = true;
    s.points.push({ x, y: est.mean, ci95: est.ci95, runId: r.id });
  }
  const series = [...byKey.values()];
  for (const s of series) {
    if (mode === 'parameter')
      s.points.sort((p, q) =>
        typeof p.x === 'number' && typeof q.x === 'number' ? p.x - q.x : String(p.x).localeCompare(String(q.x)),
      );
    if (s.versionMismatch) s.label += ` [model ${s.modelVersion ?? '?'}]`;
  }
  return { mode, referenceVersion: reference, series };
}

/** Whether positive numeric values span at least `decades` powers of ten (log axis advisable). */
export function spansDecades(values: readonly unknown[], decades = 2): boolean {
  const nums = values.filter((v): v is number => typeof v === 'number' && v > 0 && Number.isFinite(v));
  if (nums.length < 2) return false;
  return Math.log10(Math.max(...nums) / Math.min(...nums)) >= decades;
}
