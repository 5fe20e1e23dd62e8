// The one chart drawing (chart-draw.ts) for the views' new shapes: stacked bars whose segments
// meet and add up, horizontal bars from a base with a reference line, scatter markers ringed and
// labelled with a dashed front, lanes drawn as shaded places with the ticks the spec names, a
// grid of cells (the matrix) with their texts wrapped inside them; and the SVG and the canvas
// painting the same shapes.
import { describe, expect, it } from 'vitest';
import { drawingSvg, INK, layoutChart, paintDrawing, type Canvas2D, type ChartSpec, type Shape } from './chart-draw.ts';

const base = (over: Partial<ChartSpec>): ChartSpec => ({
  kind: 'bar',
  title: 't',
  caption: [],
  x: { label: 'x', log: false },
  y: { label: 'y', log: false },
  series: [],
  theme: 'light',
  ...over,
});
const rects = (shapes: Shape[], fill: string) =>
  shapes.filter((s): s is Extract<Shape, { kind: 'rect' }> => s.kind === 'rect' && s.fill === fill);
const texts = (shapes: Shape[]) => shapes.flatMap((s) => (s.kind === 'text' ? [s.text] : []));

describe('layoutChart', () => {
  it('stacks bars: each segment starts where the one below ends, and the stack is as tall as the sum', () => {
    const d = layoutChart(
      base({
        stacked: true,
        x: { label: 'strategy', log: false, categories: ['S0', 'S2\non-demand'] },
        series: [
          { label: 'a', colour: '#000001', points: [{ x: 1, y: 30 }] },
          { label: 'b', colour: '#000002', points: [{ x: 1, y: 70 }] },
        ],
        barNotes: ['', '+35%'],
      }),
    );
    const [a] = rects(d.shapes, '#000001');
    const [b] = rects(d.shapes, '#000002');
    expect(a!.y).toBeCloseTo(b!.y + b!.h, 6);
    expect(a!.h / (a!.h + b!.h)).toBeCloseTo(0.3, 6);
    expect(texts(d.shapes)).toEqual(expect.arrayContaining(['S2', 'on-demand', '+35%']));
  });

  it('turns bars sideways from their base, one bar per series in a category, with a reference line', () => {
    const d = layoutChart(
      base({
        horizontal: true,
        x: { label: 'entry', log: false, categories: ['STAC', 'IPI'] },
        series: [
          { label: 'low', colour: '#00000a', points: [{ x: 0, y: 8, from: 10 }] },
          { label: 'high', colour: '#00000b', points: [{ x: 0, y: 15, from: 10 }] },
        ],
        reference: { at: 10, label: 'base 10' },
      }),
    );
    const [low] = rects(d.shapes, '#00000a');
    const [high] = rects(d.shapes, '#00000b');
    // Both start at the base: low ends left of it, high right of it; side by side, not on top.
    expect(low!.x + low!.w).toBeCloseTo(high!.x, 6);
    expect(high!.w / low!.w).toBeCloseTo(2.5, 6);
    expect(low!.y + low!.h).toBeCloseTo(high!.y, 6);
    expect(texts(d.shapes)).toEqual(expect.arrayContaining(['base 10', 'STAC', 'IPI']));
  });

  it('draws scatter markers with rings and labels, a dashed front, and lanes under named ticks', () => {
    const d = layoutChart(
      base({
        kind: 'scatter',
        x: {
          label: 'cost',
          log: false,
          min: -3.5,
          max: 1.3,
          ticks: [
            { at: -3, label: 'none' },
            { at: 0, label: '1' },
          ],
          lanes: [{ from: -3.5, to: -2.5, label: 'no extra cost' }],
        },
        series: [
          {
            label: 'S0',
            colour: '#000003',
            join: true,
            points: [
              { x: -3, y: 0, ring: true, large: true, label: '8' },
              { x: 0, y: -1, label: '1' },
              { x: 0, y: -1, label: '64' },
            ],
          },
          {
            label: 'front',
            colour: INK,
            dashed: true,
            points: [
              { x: -3, y: 0 },
              { x: 0, y: -1 },
            ],
          },
        ],
      }),
    );
    expect(d.shapes.filter((s) => s.kind === 'ring')).toHaveLength(1);
    expect(d.shapes.filter((s) => s.kind === 'marker' && s.fill === '#000003' && s.r > 5)).toHaveLength(1);
    // Two points of the path on one spot: one label naming both.
    expect(texts(d.shapes)).toContain('1, 64');
    expect(texts(d.shapes)).not.toContain('64');
    const front = d.shapes.find((s) => s.kind === 'line' && s.dash !== undefined && s.points.length === 2);
    expect(front).toMatchObject({ stroke: '#1d1f21', dash: [5, 4] }); // INK: the light theme's text
    expect(texts(d.shapes)).toEqual(expect.arrayContaining(['none', '1', '8', 'no extra cost']));
    const svg = drawingSvg(d);
    expect(svg).toContain('<circle ');
    // The canvas gets the same shapes: one arc per ring and round marker.
    let arcs = 0;
    const ctx = new Proxy({} as Record<string, unknown>, {
      get: (t, k) => (k === 'arc' ? () => arcs++ : (t[k as string] ?? (() => undefined))),
      set: (t, k, v) => ((t[k as string] = v), true),
    }) as unknown as Canvas2D;
    paintDrawing(ctx, d, 1);
    expect(arcs).toBe(svg.match(/<circle /g)!.length + (svg.match(/a[0-9.]+,[0-9.]+ 0 1,0/g)?.length ?? 0) / 2);
  });

  it('lays a grid out: a shaded cell per point at its column and row, texts inside it, as tall as its rows', () => {
    const grid = (rows: number) =>
      base({
        kind: 'grid',
        x: {
          label: 'strategy',
          log: false,
          categories: ['S0\nstatus quo', 'S2\non-demand direct map'],
          colours: ['#000001', '#000002'],
        },
        y: { label: 'scenario', log: false, categories: Array.from({ length: rows }, (_, i) => `row ${i}`) },
        series: [
          { label: 'figures', colour: INK, points: [{ x: 0, y: 0, label: '12.5%\nalways' }] },
          {
            label: 'flagged',
            colour: '#e15759',
            points: [
              {
                x: 1,
                y: rows - 1,
                label:
                  '~3.1e-7 a long figure with words, more of them than one line of a cell holds\n! saturated, simulator needed',
              },
            ],
          },
        ],
      });
    const d = layoutChart(grid(3));
    expect(layoutChart(grid(6)).height).toBeGreaterThan(d.height);
    const cells = d.shapes.filter(
      (s): s is Extract<Shape, { kind: 'rect' }> => s.kind === 'rect' && s.opacity !== undefined,
    );
    const [plain, flagged] = cells;
    expect(plain).toMatchObject({ fill: '#1d1f21' }); // INK: the theme's text colour, faint
    expect(flagged!.fill).toBe('#e15759');
    expect(flagged!.x).toBeGreaterThan(plain!.x);
    expect(flagged!.y).toBeGreaterThan(plain!.y);
    // Every line of the flagged cell lies inside it, wrapped to its width.
    const inside = d.shapes.filter(
      (s): s is Extract<Shape, { kind: 'text' }> =>
        s.kind === 'text' &&
        s.x > flagged!.x &&
        s.x < flagged!.x + flagged!.w &&
        s.y > flagged!.y &&
        s.y < flagged!.y + flagged!.h,
    );
    expect(inside.map((t) => t.text).join(' ')).toBe(
      '~3.1e-7 a long figure with words, more of them than one line of a cell holds ! saturated, simulator needed',
    );
    for (const t of inside) expect(t.text.length * t.size * 0.56).toBeLessThanOrEqual(flagged!.w);
    // A first line that wraps keeps its style on the line it wraps onto (the figure's size, the
    // text colour); only the second line ("! saturated ...") is muted.
    const wrappedFirst = inside.filter((t) => !t.text.startsWith('!') && !/^(saturated|simulator)/.test(t.text));
    expect(wrappedFirst.length).toBeGreaterThan(1);
    for (const t of wrappedFirst) expect(t).toMatchObject({ size: 12, fill: '#1d1f21' });
    expect(rects(d.shapes, '#000002')).toHaveLength(1); // the column's colour on its heading
    expect(texts(d.shapes)).toEqual(expect.arrayContaining(['S0', 'status quo', 'row 0', 'scenario \\ strategy']));
    // SVG writes the shade as fill-opacity; the canvas as globalAlpha, reset after each cell.
    expect(drawingSvg(d)).toContain('fill="#e15759" fill-opacity="0.14"');
    const alphas: number[] = [];
    const ctx = new Proxy({} as Record<string, unknown>, {
      get: (t, k) => t[k as string] ?? (() => undefined),
      set: (t, k, v) => {
        if (k === 'globalAlpha') alphas.push(v as number);
        t[k as string] = v;
        return true;
      },
    }) as unknown as Canvas2D;
    paintDrawing(ctx, d, 1);
    expect(alphas.filter((a) => a !== 1)).toEqual(cells.map((c) => c.opacity));
    expect(alphas.at(-1)).toBe(1);
  });
});
