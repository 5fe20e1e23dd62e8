// The trade-off plane (issue 17): what a strategy costs against what it leaves exposed, both on
// log scales, with "no extra cost" and "never exposed" on lanes of their own beside the axes
// (zero has no place on a log axis) and "always" (exposure state 2) on a lane above them, apart
// from a tiny fraction. A figure the model flags as unfit to quote (trust.ts: unfitToQuote; a
// set-up that cannot run, a saturated queue) is drawn, marked, but never on the Pareto front: the
// front is what a reader takes as the choices worth making. Pure, so the window and an export
// draw the same plane.
import { STRATEGY_IDS } from '../core/index.ts';
import { pointKey, type Point } from './points.ts';
import { formatValue, powerOfTenWord } from './format.ts';
import { paretoFront } from './sensitivity.ts';
import { alwaysWords, flagNames, flagsOf, isSevere, stateWord, unfitToQuote } from './trust.ts';

export type CostLane = 'none' | 'log';
export type ExposureLane = 'never' | 'log' | 'always';

export interface PlaneInput {
  id: string;
  strategy: string;
  cost: number;
  exposure: number;
  /** exposure.<ctx>.state: 0 never, 1 transient windows, 2 always (undefined: judged from the value). */
  state?: number;
  /**
   * exposure.<ctx>.fraction, the share always reachable: what orders the "always" lane whatever
   * the exposure measured (the longest window gives "always" no figure). Unset: `exposure`.
   */
  share?: number;
  /** The model flagged the figure as unfit to quote (trust.ts: unfitToQuote): drawn, never on the front. */
  severe?: boolean;
}

export interface PlanePoint extends PlaneInput {
  /** Plotted position: log10 of the value, or the lane's position. */
  x: number;
  y: number;
  costLane: CostLane;
  exposureLane: ExposureLane;
}

export interface PlaneAxis {
  /** Whole decades the log part spans (log10), low to high. */
  from: number;
  to: number;
  /** Positions of the lanes outside the log part. */
  lowLane: number;
  highLane?: number;
}

export interface Plane {
  points: PlanePoint[];
  x: PlaneAxis;
  y: PlaneAxis;
  /**
   * Ids of the points on the Pareto front: nothing else is both cheaper and less exposed, among
   * the points whose figures are not flagged as unfit to quote (`severe`); those are never on it.
   */
  front: Set<string>;
}

/** Lanes sit this many decades beyond the log part, so they read as apart from it. */
export const LANE_GAP = 1;
/**
 * How far from its lane's centre a point of the "always" lane sits at most (decades; the lane is
 * one decade wide): higher for more of memory always reachable, so S0's whole memory and S1's
 * user mapping at no extra cost do not hide one another, and S2's few pages sit low.
 */
export const ALWAYS_SPREAD = 0.35;

function decades(values: number[]): { from: number; to: number } {
  const logs = values.filter((v) => v > 0 && Number.isFinite(v)).map(Math.log10);
  if (logs.length === 0) return { from: -1, to: 0 };
  const from = Math.floor(Math.min(...logs));
  const to = Math.max(Math.ceil(Math.max(...logs)), from + 1);
  return { from, to };
}

/** Where exposure sits: a lane for never and always, the log part for transient windows. */
export function exposureLane(p: PlaneInput): ExposureLane {
  if (p.state === 2) return 'always';
  if (p.state === 0 || !(p.exposure > 0)) return 'never';
  return 'log';
}

/**
 * A figure as the front judges it: to the four significant digits it is shown with. Two
 * strategies that read alike are alike (S6 was on the front beside S1 for a share 1e-7 smaller,
 * both shown as "always (0.03125)").
 */
const shown = (v: number): number => (Number.isFinite(v) ? Number(v.toPrecision(4)) : v);

/**
 * Exposure as one number in the lanes' order, never < any window < always, and by its shown
 * figure within a lane (in "always", the share always reachable): [0] never, [1, 2) a window,
 * [2, 3) always (v / (1 + v) keeps the order of any figure, a longest window of 1,400 us
 * included, inside its lane).
 */
function exposureRank(p: PlanePoint): number {
  if (p.exposureLane === 'never') return 0;
  // "always" by its share always reachable, whatever the measure (a longest window gives it none).
  const v = shown(Math.max(p.exposureLane === 'always' ? (p.share ?? p.exposure) : p.exposure, 0));
  return (p.exposureLane === 'always' ? 2 : 1) + v / (1 + v);
}

/**
 * The order a front is listed and joined in: cheaper first, by the figures as shown (four
 * digits); at one shown cost the less exposed first (exposureRank); where both read alike, in
 * strategy order. The window's dashed line, the exported one and the mail's front lines use it.
 */
export function frontOrder(a: PlanePoint, b: PlanePoint): number {
  const cost = (p: PlanePoint): number => shown(Math.max(p.cost, 0));
  const order = (s: string): number => {
    const i = (STRATEGY_IDS as readonly string[]).indexOf(s);
    return i < 0 ? STRATEGY_IDS.length : i;
  };
  return cost(a) - cost(b) || exposureRank(a) - exposureRank(b) || order(a.strategy) - order(b.strategy);
}

/**
 * Places every point on the plane. The Pareto front is judged on the values with the lanes'
 * order: never < any window < always (a tiny window is still less than always).
 */
export function tradeoffPlane(inputs: PlaneInput[]): Plane {
  const lanes = inputs.map((p) => ({ p, costLane: (p.cost > 0 ? 'log' : 'none') as CostLane, e: exposureLane(p) }));
  const xd = decades(lanes.filter((l) => l.costLane === 'log').map((l) => l.p.cost));
  const yd = decades(lanes.filter((l) => l.e === 'log').map((l) => l.p.exposure));
  const x: PlaneAxis = { ...xd, lowLane: xd.from - LANE_GAP };
  const hasAlways = lanes.some((l) => l.e === 'always');
  const y: PlaneAxis = { ...yd, lowLane: yd.from - LANE_GAP, ...(hasAlways ? { highLane: yd.to + LANE_GAP } : {}) };
  const shareOf = (p: PlaneInput): number => p.share ?? p.exposure;
  const inAlways = alwaysOffset(lanes.filter((l) => l.e === 'always').map((l) => shareOf(l.p)));
  const points = lanes.map(({ p, costLane, e }): PlanePoint => ({
    ...p,
    costLane,
    exposureLane: e,
    // A point with no cost figure has no place (NaN: not drawn, not on the front).
    x: !Number.isFinite(p.cost) ? Number.NaN : costLane === 'none' ? x.lowLane : Math.log10(p.cost),
    y: e === 'never' ? y.lowLane : e === 'always' ? y.highLane! + inAlways(shareOf(p)) : Math.log10(p.exposure),
  }));
  const front = paretoFront(
    points
      .filter((p) => p.severe !== true && Number.isFinite(p.x) && Number.isFinite(p.y))
      .map((p) => ({ id: p.id, cost: shown(Math.max(p.cost, 0)), exposure: exposureRank(p) })),
  );
  return { points, x, y, front };
}

/**
 * Where in the "always" lane a share sits, from the lane's centre: the lane's distinct shares (as
 * shown, four digits) in order, spread evenly over +-ALWAYS_SPREAD; one share, or none with a
 * figure (the longest window's measure), at the centre. An order inside the lane, not a scale
 * (S2's few pages would squeeze S0's and S1's shares together on one): the tooltip gives the share.
 */
function alwaysOffset(shares: number[]): (share: number) => number {
  const distinct = [...new Set(shares.filter((v) => v > 0 && Number.isFinite(v)).map(shown))].sort((a, b) => a - b);
  return (share) => {
    const k = distinct.indexOf(shown(share));
    return distinct.length < 2 || k < 0 ? 0 : ALWAYS_SPREAD * ((2 * k) / (distinct.length - 1) - 1);
  };
}

/**
 * A point's exposure in words, as the window's tooltip and the mail's front lines say it: the
 * figure on the log part ("2.1e-7", "35 us"), "never", or "always" with the fraction beside it
 * when the plane measures fractions (an "always" lane holds S0's whole memory and S2's few pages).
 */
export function planeExposureWords(p: PlanePoint, measure: 'fraction' | 'longestWindowUs'): string {
  if (p.exposureLane === 'log') return `${formatValue(p.exposure)}${measure === 'longestWindowUs' ? ' us' : ''}`;
  if (p.exposureLane === 'never') return stateWord(0);
  return alwaysWords(measure === 'fraction' ? p.exposure : undefined);
}

/**
 * The flags at the point shown, in words for a caption: "S3, S4 (infeasible); S2 (saturated)"
 * (strategy order, strategies grouped by their flags' names); undefined for none. `severe`: only
 * the strategies unfit to quote, named by their severe flags (what keeps them off the front; a
 * flag that asks for care does not), else every flagged strategy by all its flags.
 */
export function flagsHereWords(
  drawn: readonly { strategy: string; here: boolean; severe?: boolean; run: PlaneRun }[],
  which: 'severe' | 'all',
): string | undefined {
  const order = (s: string): number => (STRATEGY_IDS as readonly string[]).indexOf(s);
  const groups = new Map<string, string[]>();
  for (const p of [...drawn].sort((a, b) => order(a.strategy) - order(b.strategy))) {
    if (!p.here || (which === 'severe' && p.severe !== true)) continue;
    const flags = flagsOf(p.run).filter((f) => which === 'all' || isSevere(f.code));
    if (flags.length === 0) continue;
    const names = flagNames(flags).join(', ');
    const members = groups.get(names) ?? [];
    if (!members.includes(p.strategy)) members.push(p.strategy);
    groups.set(names, members);
  }
  if (groups.size === 0) return undefined;
  return [...groups].map(([names, members]) => `${members.join(', ')} (${names})`).join('; ');
}

/** The strategies at the point shown kept off the front, flagged as unfit to quote, in words (flagsHereWords). */
export const offFrontWords = (drawn: Parameters<typeof flagsHereWords>[0]): string | undefined =>
  flagsHereWords(drawn, 'severe');

/** The label of a tick on a plane axis: the lane's word, or the decade as a power of ten. */
export function planeTick(axis: PlaneAxis, position: number, lanes: { low: string; high?: string }): string {
  if (Math.abs(position - axis.lowLane) < 1e-9) return lanes.low;
  if (axis.highLane !== undefined && Math.abs(position - axis.highLane) < 1e-9) return lanes.high ?? '';
  const k = Math.round(position);
  if (Math.abs(position - k) > 1e-9 || k < axis.from || k > axis.to) return '';
  return powerOfTenWord(k);
}

/** Positions that get a tick: the lanes and every decade of the log part. */
export function planeTicks(axis: PlaneAxis): number[] {
  const ticks = [axis.lowLane];
  for (let k = axis.from; k <= axis.to; k++) ticks.push(k);
  if (axis.highLane !== undefined) ticks.push(axis.highLane);
  return ticks;
}

/** A run as the plane needs it: its strategy, point, metric means and the model's flags. */
export interface PlaneRun {
  strategy: string;
  point: Point;
  metrics: Record<string, { mean: number } | undefined>;
  flags?: unknown;
}

export interface PlaneOfRuns {
  plane: Plane;
  /** The points drawn, in `plane.points` order: the run, its swept value on the path, and marks. */
  drawn: (PlanePoint & {
    run: PlaneRun;
    value?: string;
    here: boolean;
    onFront: boolean;
    /** The names of the model's flags on the run (trust.ts: flagNames); [] for none. */
    flags: string[];
    /** Whether it takes a flag mark: flagged, and the point shown or apart from it. */
    marked: boolean;
  })[];
  /** Ids on the Pareto front at the point shown (the front is judged there only). */
  front: Set<string>;
  /** True when the strategies trace paths (the swept parameter takes more than one value). */
  sweeping: boolean;
  /**
   * Strategies whose points shown sit close together (within ONE_SPOT of each axis), where one
   * marker may cover another, in drawing order.
   */
  oneSpot: string[][];
}

/**
 * Points closer than this share of each axis's span (lanes included) can cover one another's
 * markers: the window draws the plane ~200 px tall, where 5% is ~10 px, a ringed marker's radius.
 */
export const ONE_SPOT = 0.05;

/**
 * The plane of an experiment as the window shows it: the strategies not hidden, at the point
 * shown and along `xPath` through it (every run that differs from that point in `xPath` only),
 * cost against `exposure` with `state` deciding the "never" / "always" lanes. The window's view
 * and the export both take their plane from here.
 */
export function planeOfRuns(
  runs: PlaneRun[],
  options: {
    point: Point;
    xPath: string | undefined;
    hidden: readonly string[];
    cost: string;
    exposure: string;
    state: string;
  },
): PlaneOfRuns {
  const { point, xPath, hidden } = options;
  const key = pointKey;
  const here = key(point);
  const onPath = runs.filter((r) => Object.entries(point).every(([p, v]) => p === xPath || r.point[p] === v));
  const shown = onPath.filter((r) => !hidden.includes(r.strategy));
  const sweeping = xPath !== undefined && xPath !== '' && new Set(onPath.map((r) => String(r.point[xPath]))).size > 1;
  // The context's share always reachable (exposure.<ctx>.fraction beside its state): it orders the
  // "always" lane under either measure.
  const shareKey = options.state.replace(/\.state$/, '.fraction');
  const inputOf = (r: PlaneRun): PlaneInput => {
    const state = r.metrics[options.state]?.mean;
    const share = r.metrics[shareKey]?.mean;
    return {
      id: `${r.strategy}@${key(r.point)}`,
      strategy: r.strategy,
      cost: r.metrics[options.cost]?.mean ?? Number.NaN,
      exposure: r.metrics[options.exposure]?.mean ?? 0,
      ...(state === undefined ? {} : { state }),
      ...(share === undefined ? {} : { share }),
      ...(unfitToQuote(r) ? { severe: true } : {}),
    };
  };
  const plane = tradeoffPlane(shown.map(inputOf));
  const front = tradeoffPlane(shown.filter((r) => key(r.point) === here).map(inputOf)).front;
  const drawn = plane.points.map((p, i) => {
    const run = shown[i]!;
    return {
      ...p,
      run,
      ...(sweeping ? { value: String(run.point[xPath!]) } : {}),
      here: key(run.point) === here,
      onFront: front.has(p.id),
      flags: flagNames(flagsOf(run)),
      marked: false,
    };
  });
  // A flagged point takes a flag mark where it is the point shown or sits apart from it: a path's
  // flagged point on the very spot of the point shown would read as the shown point's.
  const shownAt = new Map(drawn.filter((p) => p.here).map((p) => [p.strategy, p]));
  for (const p of drawn) {
    const at = shownAt.get(p.strategy);
    p.marked =
      p.flags.length > 0 && (p.here || at === undefined || Math.abs(at.x - p.x) > 1e-9 || Math.abs(at.y - p.y) > 1e-9);
  }
  return { plane, drawn, front, sweeping, oneSpot: oneSpotGroups(plane, drawn) };
}

/** The groups of the points shown that sit on one spot (PlaneOfRuns.oneSpot). */
function oneSpotGroups(plane: Plane, drawn: { here: boolean; strategy: string; x: number; y: number }[]): string[][] {
  // The span of the log part and its lanes: x has a low lane only, y a high one too where drawn.
  const span = (a: PlaneAxis): number => a.to - a.from + LANE_GAP * (a.highLane === undefined ? 1 : 2);
  const [dx, dy] = [ONE_SPOT * span(plane.x), ONE_SPOT * span(plane.y)];
  const here = drawn.filter((p) => p.here && Number.isFinite(p.x) && Number.isFinite(p.y));
  // Close pairs joined transitively: A near B and B near C are one spot, whatever their order.
  const group = here.map((_, i) => i);
  const root = (i: number): number => (group[i] === i ? i : (group[i] = root(group[i]!)));
  here.forEach((p, i) =>
    here.forEach((q, j) => {
      if (j > i && Math.abs(p.x - q.x) <= dx && Math.abs(p.y - q.y) <= dy) group[root(j)] = root(i);
    }),
  );
  const groups = new Map<number, string[]>();
  here.forEach((p, i) => groups.set(root(i), [...(groups.get(root(i)) ?? []), p.strategy]));
  return [...groups.values()].filter((g) => g.length > 1);
}

/** The plane's one-spot groups in words: "S0 and S1; S3, S4 and S5" (undefined: none). */
export function oneSpotWords(oneSpot: string[][]): string | undefined {
  if (oneSpot.length === 0) return undefined;
  const and = (names: string[]): string =>
    names.length === 2 ? names.join(' and ') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
  return oneSpot.map(and).join('; ');
}
