// Pure compare/diff logic shared by the handlers (diffRuns, diffScenarios) and the renderer
// (overlays). No I/O: values in, values out.
import { TOUCHPOINT_IDS, type CostEntry, type Estimate } from '../core/index.ts';
import { RELATIVE_TOLERANCE } from './format.ts';
import { latencyTouchpoint } from './latency.ts';

export interface MetricDelta {
  key: string;
  a: Estimate | null;
  b: Estimate | null;
  /** b - a; null when either side lacks the metric. */
  abs: number | null;
  /** 100 * (b - a) / |a|; null when a is missing or 0 (a % of nothing means nothing). */
  pct: number | null;
  /**
   * Whether the change counts: |b - a| exceeds both the combined 95% half-width
   * sqrt(ciA² + ciB²) (independent estimates) and RELATIVE_TOLERANCE of the larger magnitude,
   * so float noise between two exact results (1e-13 apart) is not a change.
   */
  beyondCi: boolean;
}

export { RELATIVE_TOLERANCE };

/** Whether b differs from a by more than both the combined CI and the relative tolerance. */
export function isRealChange(a: Estimate, b: Estimate): boolean {
  const delta = Math.abs(b.mean - a.mean);
  const combined = Math.sqrt(a.ci95 * a.ci95 + b.ci95 * b.ci95);
  return delta > combined && delta > RELATIVE_TOLERANCE * Math.max(Math.abs(a.mean), Math.abs(b.mean));
}

/**
 * The deltas without the latencies of touchpoints that have events in neither run, and those
 * touchpoints (ids, in TOUCHPOINT_IDS order): such a latency is what one event would take, which
 * neither run paid, and a cost entry changed between the runs moves it all the same
 * (latency.ts: touchpointsWithEvents; undefined for a side: nothing is left out).
 */
export function withoutIdleLatencies(
  deltas: MetricDelta[],
  eventsA: Set<string> | undefined,
  eventsB: Set<string> | undefined,
): { metrics: MetricDelta[]; idleTouchpoints: string[]; idleInOne: { a: string[]; b: string[] } } {
  if (eventsA === undefined || eventsB === undefined)
    return { metrics: deltas, idleTouchpoints: [], idleInOne: { a: [], b: [] } };
  const idle = (key: string): boolean => {
    const tp = latencyTouchpoint(key);
    return tp !== undefined && !eventsA.has(tp) && !eventsB.has(tp);
  };
  const left = new Set(deltas.filter((d) => idle(d.key)).map((d) => latencyTouchpoint(d.key)!));
  // Kept, but said: a latency compared where one run had no events is that run's one event.
  const kept = new Set(deltas.map((d) => latencyTouchpoint(d.key)).filter((tp) => tp !== undefined));
  const idleIn = (events: Set<string>, other: Set<string>): string[] =>
    TOUCHPOINT_IDS.filter((tp) => kept.has(tp) && !events.has(tp) && other.has(tp));
  return {
    metrics: deltas.filter((d) => !idle(d.key)),
    idleTouchpoints: TOUCHPOINT_IDS.filter((tp) => left.has(tp)),
    idleInOne: { a: idleIn(eventsA, eventsB), b: idleIn(eventsB, eventsA) },
  };
}

/**
 * What a reader must know when the two runs were made by different methods (the scenario's
 * simulation.method differs): some metrics are not the same quantity; undefined otherwise.
 */
export function methodsNote(parameters: readonly PathDiff[]): string | undefined {
  const method = parameters.find((p) => p.path === 'scenario.simulation.method' && p.changed);
  if (method === undefined) return undefined;
  return `the runs were made by different methods (${String(method.a)} -> ${String(method.b)}): the formulas' longest window is a typical window's and their peak pages a bound, the simulator's are the longest and the most it saw in its run (they grow with its length; where stale TLB entries count, both give the longest an entry lives); latency percentiles are the simulator's only`;
}

/** Deltas for the union of both runs' metric keys, sorted by key. */
export function diffMetrics(a: Record<string, Estimate>, b: Record<string, Estimate>): MetricDelta[] {
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  return keys.map((key) => {
    const ea = a[key] ?? null;
    const eb = b[key] ?? null;
    if (ea === null || eb === null) return { key, a: ea, b: eb, abs: null, pct: null, beyondCi: false };
    const abs = eb.mean - ea.mean;
    const pct = ea.mean === 0 ? null : (100 * abs) / Math.abs(ea.mean);
    return { key, a: ea, b: eb, abs, pct, beyondCi: isRealChange(ea, eb) };
  });
}

/**
 * Whether a diffed path is one of the run's recorded strategy parameters (params.*): derived from
 * the scenario, so a changed host.kpti shows again as params.kpti. Counted apart from the
 * scenario's own changes (the window's Diff and gmemlab diff).
 */
export const isRecordedParameter = (path: string): boolean => path.startsWith('params.');

export interface PathDiff {
  path: string;
  /** undefined when the path does not exist on that side. */
  a: unknown;
  b: unknown;
  changed: boolean;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Leaf values by dotted path (array items by index; empty objects/arrays are leaves). */
export function flatten(value: unknown, prefix = '', out: Map<string, unknown> = new Map()): Map<string, unknown> {
  const entries = isPlainObject(value)
    ? Object.entries(value)
    : Array.isArray(value)
      ? value.map((v, i) => [String(i), v] as const)
      : null;
  if (entries === null || entries.length === 0) {
    out.set(prefix, value);
    return out;
  }
  for (const [k, v] of entries) flatten(v, prefix === '' ? k : `${prefix}.${k}`, out);
  return out;
}

/** Every leaf path of either side, sorted, with a `changed` flag (deep value equality). */
export function diffObjects(a: unknown, b: unknown): PathDiff[] {
  const fa = flatten(a);
  const fb = flatten(b);
  // An empty object or array is a leaf only where the other side has nothing beneath it:
  // `costs: {}` against `costs: { invlpg: 400 }` is an entry added, not the object removed.
  dropEmptyAbove(fa, fb);
  dropEmptyAbove(fb, fa);
  const paths = [...new Set([...fa.keys(), ...fb.keys()])].sort();
  return paths.map((path) => {
    const va = fa.get(path);
    const vb = fb.get(path);
    return { path, a: va, b: vb, changed: !fa.has(path) || !fb.has(path) || JSON.stringify(va) !== JSON.stringify(vb) };
  });
}

/** Removes from `side` its empty-container leaves that `other` has paths beneath. */
function dropEmptyAbove(side: Map<string, unknown>, other: Map<string, unknown>): void {
  const parents = new Set<string>();
  if (other.size > 0 && !other.has('')) parents.add(''); // the root, where the other side has any path
  for (const path of other.keys())
    for (let dot = path.indexOf('.'); dot !== -1; dot = path.indexOf('.', dot + 1)) parents.add(path.slice(0, dot));
  for (const [path, value] of side)
    if (typeof value === 'object' && value !== null && parents.has(path)) side.delete(path);
}

export interface CostDelta {
  key: string;
  label: string;
  unit: string;
  /** null when that run recorded no cost table, or its table lacks the entry. */
  a: number | null;
  b: number | null;
  sourceA: string | null;
  sourceB: string | null;
  /** The value or its source differs. */
  changed: boolean;
}

/**
 * The cost entries of two runs side by side (every run records the full table it used), in the
 * first table's order, then entries only the second has: what a calibrated run changed.
 */
export function diffCostTables(a: CostEntry[] | null, b: CostEntry[] | null): CostDelta[] {
  const byKeyB = new Map((b ?? []).map((e) => [e.key, e]));
  const keys = [...new Set([...(a ?? []).map((e) => e.key), ...(b ?? []).map((e) => e.key)])];
  const byKeyA = new Map((a ?? []).map((e) => [e.key, e]));
  return keys.map((key) => {
    const ea = byKeyA.get(key) ?? null;
    const eb = byKeyB.get(key) ?? null;
    const info = ea ?? eb!;
    return {
      key,
      label: info.label,
      unit: info.unit,
      a: ea?.value ?? null,
      b: eb?.value ?? null,
      sourceA: ea?.source ?? null,
      sourceB: eb?.source ?? null,
      changed: ea?.value !== eb?.value || ea?.source !== eb?.source,
    };
  });
}
