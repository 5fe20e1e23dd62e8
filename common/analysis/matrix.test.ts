import { describe, expect, it } from 'vitest';
import { PRESETS, runAnalytic } from '../core/index.ts';
import { matrixCellWords, matrixCsv, matrixMetrics, matrixOf, presetRow } from './matrix.ts';
import { formatValue } from './format.ts';

describe('presetRow', () => {
  it("a preset's row holds the figures the formulas give, and the core's flags", () => {
    const p = PRESETS[0]!;
    const row = presetRow(p, ['cost.overheadPct', 'exposure.kernel.state']);
    for (const r of runAnalytic(p.scenario).strategies) {
      expect(row.cells[r.strategy]!.metrics).toEqual({
        'cost.overheadPct': r.metrics['cost.overheadPct'],
        'exposure.kernel.state': r.metrics['exposure.kernel.state'],
      });
      expect(row.cells[r.strategy]!.flags).toEqual(r.flags);
    }
    expect(row).toMatchObject({ kind: 'preset', id: p.id, method: 'analytic', point: {} });
  });
});

describe('matrixCsv', () => {
  it('writes one line per row and strategy with the figures, CIs, estimates and flags the cells hold', () => {
    const metrics = ['cost.overheadPct', 'exposure.kernel.fraction'];
    const rows = PRESETS.slice(0, 2).map((p) => presetRow(p, metrics));
    const matrix = matrixOf(rows, metrics, ['S0', 'S1', 'S2', 'S3', 'S4', 'S5', 'S6']);
    const lines = matrixCsv(matrix, metrics[0]!, metrics[1]!).trimEnd().split('\n');
    expect(lines[0]).toBe(
      'row,point,method,model,strategy,cost.overheadPct,cost.overheadPct.ci95,cost.overheadPct.estimates,exposure.kernel.fraction,exposure.kernel.fraction.ci95,exposure.kernel.fraction.estimates,flags',
    );
    expect(lines).toHaveLength(1 + 2 * matrix.strategies.length);
    const s2 = rows[1]!.cells.S2!;
    const line = lines.find(
      (l) => l.startsWith(`${rows[1]!.label.includes(',') ? '"' : ''}${rows[1]!.label}`) && l.includes(',S2,'),
    )!;
    const fields = line.split(',');
    expect(Number(fields[fields.length - 7])).toBe(s2.metrics['cost.overheadPct']!.mean);
    expect(fields[fields.length - 5]).toBe((s2.estimates['cost.overheadPct'] ?? []).join(' '));
    expect(fields[fields.length - 1]).toBe(s2.flags.map((f) => f.code).join(' '));
  });
});

describe('matrixCellWords', () => {
  it('puts the exposed share beside "always", and no other fraction (the stale-TLB share is not it)', () => {
    const quiet = PRESETS.find((p) => p.id === 'quiet-cloud-vm')!;
    const share = 'exposure.kernel.fraction';
    const stale = 'exposure.kernel.staleTlbFraction';
    const row = presetRow(quiet, matrixMetrics('cost.overheadPct', share));
    expect(matrixCellWords(row.cells.S1!, 'cost.overheadPct', share).exposure).toBe(
      `always (${formatValue(row.cells.S1!.metrics[share]!.mean)})`,
    );
    // The stale-TLB share has no state of its own: S1 keeps nothing stale, whatever the kernel
    // maps (its exposure state is "always"), and its cell says 0.
    const staleRow = presetRow(quiet, matrixMetrics('cost.overheadPct', stale));
    expect(staleRow.cells.S1!.metrics[stale]!.mean).toBe(0);
    expect(matrixCellWords(staleRow.cells.S1!, 'cost.overheadPct', stale).exposure).toBe('0 fraction');
  });
});
