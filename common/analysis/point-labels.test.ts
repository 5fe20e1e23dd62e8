import { describe, expect, it } from 'vitest';
import { placePointLabels, type LabelledPoint } from './point-labels.ts';

// Every character 6 px wide, lines 10 px high, in a 400 x 300 plot.
const measure = (t: string): number => 6 * t.length;
const bounds = { left: 0, right: 400, top: 0, bottom: 300 };
const point = (series: number, x: number, y: number, text: string, priority = 0): LabelledPoint => ({
  series,
  x,
  y,
  text,
  priority,
});

describe('placePointLabels', () => {
  it('gives the points of one path on one spot one label: a range from three values, else a list', () => {
    const many = ['1', '2', '4', '8', '256'].map((v) => point(0, 100, 100, v));
    expect(placePointLabels(many, measure, 10, bounds)).toEqual([{ text: '1–256', x: 105, y: 95, anchor: 'start' }]);
    const two = [point(0, 100, 100, '1'), point(0, 101, 101, '2')];
    expect(placePointLabels(two, measure, 10, bounds).map((l) => l.text)).toEqual(['1, 2']);
    // Another path on the same spot keeps its own label, on another side.
    const shared = [point(0, 100, 100, '1'), point(1, 100, 100, '1')];
    const placed = placePointLabels(shared, measure, 10, bounds);
    expect(placed).toHaveLength(2);
    expect(placed[1]).toEqual({ text: '1', x: 105, y: 115, anchor: 'start' });
  });

  it('gives a range only for numbers one after another on the path; other spots list their values', () => {
    // A path that leaves the spot and comes back: 4 is drawn elsewhere, so "1–16" would be false.
    const back = ['1', '2', '4', '8', '16'].map((v) => (v === '4' ? point(0, 300, 200, v) : point(0, 100, 100, v)));
    expect(placePointLabels(back, measure, 10, bounds).map((l) => l.text)).toEqual(['1, 2, 8, …', '4']);
    // Values that are not numbers (a page size swept) are listed, never ranged.
    const sizes = ['1G', '2M', '4K'].map((v) => point(0, 100, 100, v));
    expect(placePointLabels(sizes, measure, 10, bounds).map((l) => l.text)).toEqual(['1G, 2M, 4K']);
  });

  it('labels no point drawn nowhere (NaN)', () => {
    expect(placePointLabels([point(0, Number.NaN, 100, '1')], measure, 10, bounds)).toEqual([]);
  });

  it('moves a label that would overlap one already placed, and leaves it out where no side is free', () => {
    // Points 12 px apart down a vertical path: labels take free sides until there are none.
    const column = Array.from({ length: 12 }, (_, i) => point(0, 200, 100 + 12 * i, String(i)));
    const placed = placePointLabels(column, measure, 10, bounds);
    const boxes = placed.map((l) => {
      const left = l.anchor === 'start' ? l.x : l.x - measure(l.text);
      return { left, right: left + measure(l.text), top: l.y - 10, bottom: l.y };
    });
    for (const [i, a] of boxes.entries())
      for (const b of boxes.slice(i + 1))
        expect(a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom).toBe(false);
    expect(placed.length).toBeGreaterThan(1);
    expect(placed.length).toBeLessThan(column.length);
  });

  it('places the point shown, then the ends, before the rest', () => {
    const crowded = [point(0, 50, 50, 'middle'), point(0, 52, 58, 'shown', 2)];
    const placed = placePointLabels(crowded, measure, 10, bounds);
    // Above its point it would sit beside 'middle': it goes below.
    expect(placed[0]).toMatchObject({ text: 'shown', x: 57, y: 73, anchor: 'start' });
  });

  it('puts no label nearer another point than its own', () => {
    // A path left to right, 20 px a step: a label left of a point would sit under the one before.
    const path = ['1', '2', '4', '8', '16', '32'].map((v, i) => point(0, 100 + 20 * i, 150, v, i === 0 ? 2 : 0));
    const placed = placePointLabels(path, measure, 10, bounds);
    for (const l of placed) {
      const w = measure(l.text);
      const left = l.anchor === 'start' ? l.x : l.x - w;
      const box = { left, right: left + w, top: l.y - 10, bottom: l.y };
      const d = (p: LabelledPoint) =>
        Math.hypot(Math.max(box.left - p.x, 0, p.x - box.right), Math.max(box.top - p.y, 0, p.y - box.bottom));
      const own = path.find((p) => p.text === l.text)!;
      for (const other of path.filter((p) => p !== own))
        expect(d(other), `${l.text} by ${other.text}`).toBeGreaterThan(d(own));
    }
    expect(placed.map((l) => l.text)).toContain('1');
  });

  it('keeps labels inside the plot: one at the right edge goes to the left of its point', () => {
    const [l] = placePointLabels([point(0, 395, 100, '512')], measure, 10, bounds);
    expect(l).toEqual({ text: '512', x: 390, y: 95, anchor: 'end' });
    expect(placePointLabels([point(0, 5, 5, '1000000')], measure, 10, { ...bounds, right: 40 })).toEqual([]);
  });
});
