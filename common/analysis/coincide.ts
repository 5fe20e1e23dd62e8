// Lines a chart draws on top of one another. Strategies often give the same figure at every point
// (S0, S4 and S5 cost nothing for a touchpoint none of them changes) or figures a part in a
// thousand apart: the later line is then hidden under the earlier one, and a reader looking for
// it finds only its legend entry. The window's legend and an exported chart's legend both say
// which line it lies under (Results.svelte, main/export/chart.ts), by this one rule.
import { symlog, type YScaleType } from './symlog.ts';

/** Two figures this close (relative) are the same figure: float noise between equal formulas. */
const SAME = 1e-9;

/**
 * Lines closer than this share of the y axis's span at every point are drawn as one: about two
 * pixels of a 500-pixel plot, a line's width.
 */
export const WITHIN_LINE_WIDTH = 0.004;

export interface CoincidentLine {
  /** The earlier line this one lies under. */
  under: string;
  /** The same figures at every point (else only closer than a line's width). */
  same: boolean;
}

/**
 * For each line, in order, the first earlier line it lies under at every point (the same x values,
 * in order, and figures the same or within a line's width on the axis as drawn); undefined for a
 * line drawn where it can be seen. Figures a log axis cannot place are compared as figures only.
 */
export function coincidentLines(
  lines: readonly { key: string; points: readonly { x: unknown; y: number }[] }[],
  scale: { type: YScaleType; symlogConstant?: number },
): (CoincidentLine | undefined)[] {
  const at = (y: number): number => {
    if (scale.type === 'logarithmic') return y > 0 ? Math.log10(y) : Number.NaN;
    if (scale.type === 'symlog') return symlog(y, scale.symlogConstant ?? 1);
    return y;
  };
  const drawn = lines.flatMap((l) => l.points.map((p) => at(p.y))).filter((t) => Number.isFinite(t));
  // A linear axis starts at zero or below (valueAxis): its span counts from there.
  const low = Math.min(...drawn, ...(scale.type === 'linear' ? [0] : []));
  const span = drawn.length === 0 ? 0 : Math.max(...drawn, ...(scale.type === 'linear' ? [0] : [])) - low;
  const compare = (
    a: readonly { x: unknown; y: number }[],
    b: readonly { x: unknown; y: number }[],
  ): 'same' | 'close' | undefined => {
    if (a.length === 0 || a.length !== b.length) return undefined;
    let same = true;
    for (let i = 0; i < a.length; i++) {
      const [p, q] = [a[i]!, b[i]!];
      if (p.x !== q.x) return undefined;
      if (sameFigure(p.y, q.y)) continue;
      same = false;
      const [tp, tq] = [at(p.y), at(q.y)];
      if (!(span > 0 && Number.isFinite(tp) && Number.isFinite(tq) && Math.abs(tp - tq) <= WITHIN_LINE_WIDTH * span))
        return undefined;
    }
    return same ? 'same' : 'close';
  };
  return lines.map((line, i) => {
    for (const earlier of lines.slice(0, i)) {
      const how = compare(earlier.points, line.points);
      if (how !== undefined) return { under: earlier.key, same: how === 'same' };
    }
    return undefined;
  });
}

/**
 * The same figure, to float noise; two figures both missing (a figure one state has, as a
 * longest window) are alike too.
 */
function sameFigure(a: number, b: number): boolean {
  if (!Number.isFinite(a) && !Number.isFinite(b)) return true;
  return a === b || Math.abs(a - b) <= SAME * Math.max(Math.abs(a), Math.abs(b));
}

/** Whether two lines have the same figures at the same x values, in order (coincidentLines' "same"). */
export function sameLine(a: readonly { x: unknown; y: number }[], b: readonly { x: unknown; y: number }[]): boolean {
  return a.length === b.length && a.every((p, i) => p.x === b[i]!.x && sameFigure(p.y, b[i]!.y));
}

/** The legend's words for a line drawn under another: "(same as S5)", "(under S5, within a line's width)". */
export function coincidentWords(c: CoincidentLine | undefined): string {
  if (c === undefined) return '';
  return c.same ? ` (same as ${c.under})` : ` (under ${c.under}, within a line's width)`;
}
