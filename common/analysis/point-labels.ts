// Labels beside a chart's points (a sweep's values along each strategy's path on the trade-off
// plane) that do not pile up and do not name the wrong point: points of one path on one spot
// share a label ("1–256" for a run of numbers one after another on the path, else a list), and
// a label that would overlap one already placed, or sit as near another point as its own, tries
// the other sides of its point, else is left out (the tooltip still gives it). The point shown,
// then each path's ends, go first. Pure: the window measures text with its canvas, an export
// with its estimate.

export interface LabelledPoint {
  /** Which path the point is on: only a path's own points share a label. Points come in path order. */
  series: number;
  /** Where the point is drawn, in the chart's pixels (y down). */
  x: number;
  y: number;
  text: string;
  /** Higher goes first: 2 the point shown, 1 a path's end, 0 the rest. */
  priority: number;
}

export interface PlacedLabel {
  text: string;
  /** The text's anchor: its start (left) or its end (right), and its baseline. */
  x: number;
  y: number;
  anchor: 'start' | 'end';
}

export interface LabelBounds {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

interface Spot {
  x: number;
  y: number;
  texts: string[];
  /** The members' positions on their path. */
  steps: number[];
  priority: number;
  order: number;
}

/** A point's priority: the point shown first, then its path's ends (the first and last of `count`). */
export function labelPriority(here: boolean, index: number, count: number): number {
  return here ? 2 : index === 0 || index === count - 1 ? 1 : 0;
}

/** Points of a path closer than this (pixels, both ways) are one spot. */
const SAME_SPOT = 3;
/** Gap between a point and its label, and around each label. */
const GAP = 5;
/** One spot's values are shown as a range from this many on ("1–256"), else listed ("1, 2"). */
const RANGE_FROM = 3;
/** How much nearer its own point than any other a label must be (pixels). */
const CLEAR = 4;
/** The cell size of the search for points near a label (pixels): larger than any gap that matters. */
const NEAR = 24;
/** A spot's values listed, at most this many (the tooltip has them all). */
const LIST_MOST = 3;

/**
 * Where each label goes, in priority order; labels that fit nowhere are left out. `measure`
 * gives a text's width and `height` a line's, in the same pixels as the points.
 */
export function placePointLabels(
  points: readonly LabelledPoint[],
  measure: (text: string) => number,
  height: number,
  bounds: LabelBounds,
): PlacedLabel[] {
  // A point joins a spot of its path within SAME_SPOT both ways: the spots are kept in a grid
  // of SAME_SPOT cells, and a point looks in its cell and the eight around it (a sweep has
  // thousands of points; comparing each with all would not do).
  const spots: Spot[] = [];
  const grid = new Map<string, Spot[]>();
  const cellOf = (series: number, cx: number, cy: number): string => `${series}:${cx},${cy}`;
  const stepOf = new Map<number, number>(); // per series, the next point's position on its path
  points.forEach((p, order) => {
    const step = stepOf.get(p.series) ?? 0;
    stepOf.set(p.series, step + 1);
    // A point drawn nowhere (no cost, off a log axis) has no place for a label.
    if (!Number.isFinite(p.x) || !Number.isFinite(p.y)) return;
    const cx = Math.floor(p.x / SAME_SPOT);
    const cy = Math.floor(p.y / SAME_SPOT);
    let spot: Spot | undefined;
    for (let dx = -1; dx <= 1 && spot === undefined; dx++)
      for (let dy = -1; dy <= 1 && spot === undefined; dy++)
        spot = grid
          .get(cellOf(p.series, cx + dx, cy + dy))
          ?.find((s) => Math.abs(s.x - p.x) <= SAME_SPOT && Math.abs(s.y - p.y) <= SAME_SPOT);
    if (spot === undefined) {
      spot = { x: p.x, y: p.y, texts: [], steps: [], priority: p.priority, order };
      spots.push(spot);
      const key = cellOf(p.series, cx, cy);
      grid.set(key, [...(grid.get(key) ?? []), spot]);
    }
    spot.texts.push(p.text);
    spot.steps.push(step);
    spot.priority = Math.max(spot.priority, p.priority);
  });
  // Every spot, of every path, by NEAR cells: a label must sit nearer its own point than any other.
  const near = new Map<string, Spot[]>();
  for (const spot of spots) {
    const key = `${Math.floor(spot.x / NEAR)},${Math.floor(spot.y / NEAR)}`;
    near.set(key, [...(near.get(key) ?? []), spot]);
  }
  /** Whether the box is nearer its own spot than any other point by CLEAR (points on the same spot aside). */
  const unambiguous = (box: LabelBounds, own: Spot): boolean => {
    const mine = distance(box, own.x, own.y);
    for (let cx = Math.floor((box.left - NEAR) / NEAR); cx <= Math.floor((box.right + NEAR) / NEAR); cx++)
      for (let cy = Math.floor((box.top - NEAR) / NEAR); cy <= Math.floor((box.bottom + NEAR) / NEAR); cy++)
        for (const other of near.get(`${cx},${cy}`) ?? []) {
          if (Math.abs(other.x - own.x) <= SAME_SPOT && Math.abs(other.y - own.y) <= SAME_SPOT) continue;
          if (distance(box, other.x, other.y) < mine + CLEAR) return false;
        }
    return true;
  };
  const ordered = spots.sort((a, b) => b.priority - a.priority || a.order - b.order);
  const taken: LabelBounds[] = [];
  const placed: PlacedLabel[] = [];
  for (const spot of ordered) {
    const text = spotText(spot);
    const w = measure(text);
    // Above right, below right, above left, below left.
    const candidates: PlacedLabel[] = [
      { text, x: spot.x + GAP, y: spot.y - GAP, anchor: 'start' },
      { text, x: spot.x + GAP, y: spot.y + GAP + height, anchor: 'start' },
      { text, x: spot.x - GAP, y: spot.y - GAP, anchor: 'end' },
      { text, x: spot.x - GAP, y: spot.y + GAP + height, anchor: 'end' },
    ];
    for (const c of candidates) {
      const box = boxOf(c, w, height);
      if (box.left < bounds.left || box.right > bounds.right || box.top < bounds.top || box.bottom > bounds.bottom)
        continue;
      if (taken.some((t) => overlaps(t, box))) continue;
      // Beside another point it would name that one (a label left of a path's second point sits
      // under its first).
      if (!unambiguous(box, spot)) continue;
      taken.push(box);
      placed.push(c);
      break;
    }
  }
  return placed;
}

/**
 * One spot's label: a range ("1–256") for three or more numbers one after another on the path,
 * which every value between them then shares; else the values listed, at most LIST_MOST of them.
 */
function spotText(spot: Spot): string {
  const { texts, steps } = spot;
  const numeric = texts.every((t) => t.trim() !== '' && Number.isFinite(Number(t)));
  const consecutive = steps.every((step, i) => i === 0 || step === steps[i - 1]! + 1);
  if (texts.length >= RANGE_FROM && numeric && consecutive) return `${texts[0]}–${texts[texts.length - 1]}`;
  return texts.length <= LIST_MOST ? texts.join(', ') : `${texts.slice(0, LIST_MOST).join(', ')}, …`;
}

function boxOf(l: PlacedLabel, w: number, h: number): LabelBounds {
  const left = l.anchor === 'start' ? l.x : l.x - w;
  return { left: left - 1, right: left + w + 1, top: l.y - h, bottom: l.y + 2 };
}

/** From a point to the nearest edge of a box (0 inside it). */
function distance(box: LabelBounds, x: number, y: number): number {
  const dx = Math.max(box.left - x, 0, x - box.right);
  const dy = Math.max(box.top - y, 0, y - box.bottom);
  return Math.hypot(dx, dy);
}

const overlaps = (a: LabelBounds, b: LabelBounds): boolean =>
  a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
