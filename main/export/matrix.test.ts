// The presets × strategies matrix as files, held to the core: every cell of the mail's table and
// of the image is the figure runAnalytic gives for that preset and strategy, marked ~ exactly
// where estimateDependencies finds an estimate-class entry behind it and ! exactly where the core
// flags it; the mail keeps to 72 ASCII columns; the CSV is the window's matrixCsv; the refusals
// name the field.
import { describe, expect, it } from 'vitest';
import { PRESETS, runAnalytic, STRATEGY_IDS } from '../../common/core/index.ts';
import { layoutChart } from '../../common/analysis/chart-draw.ts';
import { estimateDependencies } from '../../common/analysis/dependence.ts';
import { matrixCellWords, matrixCsv, matrixOf, presetRow, type Matrix } from '../../common/analysis/matrix.ts';
import { exportMatrix, resolveMatrixView } from './index.ts';
import { matrixChart, matrixText, matrixViewMetrics, type MatrixView } from './matrix.ts';
import { ExportError } from './view.ts';
import { compactValue } from './table.ts';
import { toAscii } from './wrap.ts';

const build = { version: '9.9.9', commit: 'test' };

function presetMatrix(view: MatrixView): Matrix {
  const metrics = matrixViewMetrics(view);
  return matrixOf(
    PRESETS.map((p) => presetRow(p, metrics)),
    metrics,
    STRATEGY_IDS,
  );
}

const view = resolveMatrixView({});
const matrix = presetMatrix(view);

describe('the matrix as a mail table', () => {
  const text = matrixText(matrix, view, build, 'gmemlab export --chart matrix --format text');
  const lines = text.trimEnd().split('\n');

  it('keeps to 72 columns of printable ASCII and names what made it', () => {
    for (const line of lines) {
      expect(line.length, line).toBeLessThanOrEqual(72);
      expect(line).toMatch(/^[\x20-\x7e]*$/);
    }
    expect(text).toContain('gmemlab 9.9.9 (commit test)');
    expect(text).toContain(`model ${runAnalytic(PRESETS[0]!.scenario).modelVersion}`);
    expect(text).toContain('Written by: gmemlab export --chart matrix --format text');
  });

  it("holds each preset's figures: cost then exposure, ~ where an estimate is behind it, ! where flagged", () => {
    const header = lines.findIndex((l) => /^\s+S0\s+S1/.test(l));
    expect(lines[header]!.trim().split(/\s+/)).toEqual(matrix.strategies);
    // The preset's first line starts with its name's first words; its two lines hold the two figures.
    let at = header + 1;
    let flaggedCells = 0;
    let alwaysLines = 0;
    for (const p of PRESETS) {
      while (!lines[at]!.startsWith(p.name.split(' ')[0]!)) at++;
      const cells = (line: string) =>
        line
          .slice(72 - 8 * matrix.strategies.length)
          .match(/.{1,8}/g)!
          .map((c) => c.trim());
      const cost = cells(lines[at]!);
      const exposure = cells(lines[at + 1]!);
      const core = runAnalytic(p.scenario).strategies;
      // Under "always", the fraction always reachable, where some "always" is less than all of it.
      const partly = core.some(
        (r) => r.metrics['exposure.kernel.state']!.mean === 2 && r.metrics['exposure.kernel.fraction']!.mean < 1,
      );
      const always = partly ? cells(lines[at + 2]!.padEnd(72)) : undefined;
      const deps = estimateDependencies(p.scenario, ['cost.overheadPct', 'exposure.kernel.fraction']);
      for (const [i, s] of matrix.strategies.entries()) {
        const r = core.find((c) => c.strategy === s)!;
        const overhead = r.metrics['cost.overheadPct']!.mean;
        const marked = deps[s]!['cost.overheadPct']!.length > 0;
        const flagged = r.flags.length > 0;
        if (flagged) flaggedCells++;
        const room = 7 - (marked ? 1 : 0) - (flagged ? 1 : 0);
        const figure =
          overhead >= 100
            ? `${compactValue(r.metrics['cost.slowdownFactor']!.mean, room - 1)}x`
            : compactValue(overhead, room);
        expect(cost[i], `${p.id} ${s}`).toBe(`${marked ? '~' : ''}${figure}${flagged ? '!' : ''}`);
        const state = r.metrics['exposure.kernel.state']!.mean;
        const x = r.metrics['exposure.kernel.fraction']!.mean;
        const xMarked = state === 1 && deps[s]!['exposure.kernel.fraction']!.length > 0;
        expect(exposure[i], `${p.id} ${s}`).toBe(
          state === 0 ? 'never' : state === 2 ? 'always' : `${xMarked ? '~' : ''}${compactValue(x, xMarked ? 6 : 7)}`,
        );
        if (always !== undefined) {
          const alwaysMarked = state === 2 && deps[s]!['exposure.kernel.fraction']!.length > 0;
          expect(always[i], `${p.id} ${s}`).toBe(
            state === 2 ? `${alwaysMarked ? '~' : ''}(${compactValue(x, alwaysMarked ? 4 : 5)})` : '',
          );
        }
      }
      if (always !== undefined) alwaysLines++;
      at += 2;
    }
    // The presets hold flags and estimates, so the test would notice marks that went missing.
    expect(flaggedCells).toBeGreaterThan(0);
    expect(alwaysLines).toBeGreaterThan(0);
    expect(text).toMatch(/~\d/);
  });

  it("gives a simulated cell shown as a slowdown the slowdown factor's CI, not the overhead's in percent", () => {
    // A simulated S2 past 100% overhead: 119.7 +- 0.526 %, that is 2.197 +- 0.00526 x.
    const row = presetRow(PRESETS[0]!, matrixViewMetrics(view));
    const s2 = row.cells.S2!;
    s2.metrics['cost.overheadPct'] = { mean: 119.7, ci95: 0.526, n: 2 };
    s2.metrics['cost.slowdownFactor'] = { mean: 2.197, ci95: 0.00526, n: 2 };
    const m = matrixOf([{ ...row, method: 'des' }], matrix.metrics, STRATEGY_IDS);
    const table = matrixText(m, view, build, 'test').split('\n');
    const at = table.findIndex((l) => /\s~?2\.197x!?(\s|$)/.test(l));
    expect(at, table.join('\n')).toBeGreaterThan(0);
    const end = table[at]!.search(/~?2\.197x!?(\s|$)/) + table[at]!.match(/~?2\.197x!?/)![0].length;
    // Right-aligned under it: the factor's CI.
    expect(table[at + 1]!.slice(0, end).trimStart().split(/\s+/).at(-1)).toBe('+-0.005');
    expect(matrixCellWords(s2, view.cost.key, view.exposure.key).cost).toBe('×2.197 slower ± 0.00526');
    // A row of another model is not judged for "~", and the rows' list says so.
    const older = matrixOf(
      [{ ...row, kind: 'experiment', experimentId: 7, modelVersion: '2.8.0' }],
      matrix.metrics,
      STRATEGY_IDS,
    );
    expect(matrixText(older, view, build, 'test').replace(/\s+/g, ' ')).toContain(
      "model 2.8.0 (~ not judged: another model than today's)",
    );
  });

  it('lists each flag under the table with its message, and each estimate with what rests on it', () => {
    for (const [i, p] of PRESETS.entries())
      for (const r of runAnalytic(p.scenario).strategies)
        for (const f of r.flags) {
          // The first words of the message, as the mail wraps it.
          expect(text.replace(/\s+/g, ' ')).toContain(toAscii(f.message).split(' ').slice(0, 6).join(' '));
          expect(text).toContain(`  ${matrix.rows[i]!.label}:`);
        }
    const deps = estimateDependencies(PRESETS[0]!.scenario, ['cost.overheadPct']);
    for (const keys of Object.values(deps))
      for (const key of keys['cost.overheadPct'] ?? []) expect(text).toContain(`  ${key}: `);
  });
});

describe('the matrix as an image and as CSV', () => {
  it("draws a grid: a column per strategy, a row per preset, each cell the window's words (ASCII) and marks", () => {
    const { spec, csv } = matrixChart(matrix, view, build);
    expect(spec.kind).toBe('grid');
    expect(spec.x.categories!.map((c) => c.split('\n')[0])).toEqual(matrix.strategies);
    expect(spec.y.categories!.map((c) => c.split('\n')[0])).toEqual(PRESETS.map((p) => p.name));
    const [plain, flagged] = spec.series;
    for (const [y, r] of matrix.rows.entries())
      for (const [x, s] of matrix.strategies.entries()) {
        const c = r.cells[s]!;
        const w = matrixCellWords(c, view.cost.key, view.exposure.key);
        const point = [...plain!.points, ...flagged!.points].find((p) => p.x === x && p.y === y)!;
        const lines = point.label!.split('\n');
        expect(lines[0]).toBe(`${w.costEstimates.length > 0 ? '~' : ''}${toAscii(w.cost)}`);
        expect(lines[1]).toBe(`${w.exposureEstimates.length > 0 ? '~' : ''}${toAscii(w.exposure)}`);
        // Flagged cells are the flagged series, and name their flags.
        expect(flagged!.points.includes(point)).toBe(c.flags.length > 0);
        if (c.flags.length > 0) expect(lines[2]).toMatch(/^! /);
      }
    expect(spec.metadata).toMatchObject({
      chart: 'matrix',
      cost: 'cost.overheadPct',
      exposure: 'exposure.kernel.fraction',
    });
    expect(csv).toBe(matrixCsv(matrix, 'cost.overheadPct', 'exposure.kernel.fraction'));
  });

  it('lays every cell text out inside its cell, and grows with the rows', () => {
    const drawing = layoutChart(matrixChart(matrix, view, build).spec);
    const fewer = layoutChart(matrixChart({ ...matrix, rows: matrix.rows.slice(0, 2) }, view, build).spec);
    expect(drawing.height).toBeGreaterThan(fewer.height);
    const texts = drawing.shapes.filter((s) => s.kind === 'text');
    // Centred cell texts: no wider than a column at the layout's character width.
    const column = (1000 - 40 - 220) / matrix.strategies.length;
    for (const t of texts)
      if (t.kind === 'text' && t.anchor === 'middle' && t.y > 60 && t.y < drawing.height - 120)
        expect(t.text.length * t.size * 0.56, t.text).toBeLessThanOrEqual(column);
    for (const s of matrix.strategies) expect(texts.some((t) => t.kind === 'text' && t.text === s)).toBe(true);
  });

  it('writes SVG with its view in the metadata, and PNG at the scale asked', async () => {
    const svg = await exportMatrix(
      matrix,
      { format: 'svg', theme: 'dark' },
      resolveMatrixView({ theme: 'dark' }),
      build,
    );
    expect(svg.filename).toBe('gmemlab-matrix-presets.svg');
    expect(svg.body).toMatch(/^<\?xml/);
    expect(svg.body).toContain('fill="#1d1f21"');
    const meta = /<metadata id="gmemlab-view">(.*)<\/metadata>/.exec(svg.body as string)![1]!.replace(/&quot;/g, '"');
    expect(JSON.parse(meta)).toMatchObject({ chart: 'matrix', strategies: matrix.strategies, theme: 'dark' });
    const png = await exportMatrix(matrix, { format: 'png', scale: 1 }, resolveMatrixView({ scale: 1 }), build);
    const bytes = png.body as Buffer;
    expect(bytes.subarray(1, 4).toString()).toBe('PNG');
    expect(bytes.readUInt32BE(16)).toBe(1000);
    expect(bytes.readUInt32BE(20)).toBe(Math.round(layoutChart(matrixChart(matrix, view, build).spec).height));
  });
});

describe('resolveMatrixView', () => {
  it('refuses a cost that is not cost.*, an exposure state or non-exposure, and unknown keys, naming the field', () => {
    const refused = (request: Parameters<typeof resolveMatrixView>[0]): ExportError => {
      try {
        resolveMatrixView(request);
      } catch (err) {
        return err as ExportError;
      }
      throw new Error('not refused');
    };
    expect(refused({ cost: 'exposure.kernel.fraction' })).toMatchObject({ field: 'cost' });
    expect(refused({ exposure: 'exposure.kernel.state' })).toMatchObject({ field: 'exposure' });
    expect(refused({ exposure: 'cost.overheadPct' })).toMatchObject({ field: 'exposure' });
    expect(refused({ cost: 'cost.nope' }).message).toMatch(/^cost: "cost\.nope" is not a metric/);
    expect(resolveMatrixView({ exposure: 'exposure.vmm.longestWindowUs' }).exposure.unit).toBe('us');
  });
});
