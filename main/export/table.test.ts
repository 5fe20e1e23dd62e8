// The strategies-as-columns table on results from the core itself (model 2's flags, exposure
// states), given as runs the way the store returns them once it keeps each result's flags.
import { describe, expect, it } from 'vitest';
import { PRESETS, runAnalytic, setParameter, type Scenario } from '../../common/core/index.ts';
import type { RunDetail } from '../../common/contract/index.ts';
import { flagName, flagsOf } from '../../common/analysis/trust.ts';
import { compactValue, flagLines, strategyTable, tableMetrics } from './table.ts';

/** The core's results for a scenario as stored runs, flags kept. */
function runsOf(scenario: Scenario): RunDetail[] {
  return runAnalytic(scenario).strategies.map((r, i) => ({
    id: i + 1,
    strategy: r.strategy,
    point: {},
    seeds: [],
    status: 'done',
    startedAt: null,
    finishedAt: null,
    modelVersion: null,
    error: null,
    params: r.params,
    capability: r.capability,
    metrics: r.metrics,
    distributions: r.distributions,
    flags: r.flags,
  }));
}

const mmio = PRESETS.find((p) => p.id === 'mmio-heavy-legacy')!.scenario;

describe('strategyTable', () => {
  it('fits every strategy in 72 columns, marks flagged ones and lists their flags', () => {
    // 256 vCPUs pinned on 64 CPUs: the core flags the configuration (and S2's lock) as it is.
    const runs = runsOf(setParameter(mmio, 'vm.vcpus', 256));
    const flagged = runs.filter((r) => flagsOf(r).length > 0);
    expect(flagged.length).toBeGreaterThan(0);
    const lines = strategyTable(runs, tableMetrics(runs, 'cost.overheadPct', false), { width: 72 });
    for (const line of lines) expect(line.length, line).toBeLessThanOrEqual(72);
    const heading = lines[0]!.trim().split(/ +/);
    expect(heading).toEqual(runs.map((r) => `${r.strategy}${flagsOf(r).length > 0 ? '!' : ''}`));
    const notes = flagLines(runs, 72);
    if (process.env['SHOW_TABLE'] === '1') console.log([...lines, '', ...notes].join('\n'));
    expect(notes[0]).toContain('Flagged by the model');
    for (const r of flagged)
      for (const f of flagsOf(r))
        expect(
          notes.some((l) => l.includes(`${r.strategy} ${flagName(f.code)}:`) || l.includes(`all ${flagName(f.code)}:`)),
          `${r.strategy} ${f.code}`,
        ).toBe(true);
    // A flag every strategy carries is listed once, for all.
    const everywhere = flagsOf(runs[0]!).filter((f) => runs.every((r) => flagsOf(r).some((g) => g.code === f.code)));
    for (const f of everywhere) expect(notes.filter((l) => l.includes(` ${flagName(f.code)}:`))).toHaveLength(1);
  });

  it('shows exposure states as words, no CI row for exact results, and vs S0 only where S0 has a value', () => {
    const runs = runsOf(mmio);
    const metrics = tableMetrics(runs, undefined, false);
    const lines = strategyTable(runs, metrics, { width: 72 });
    const states = metrics.filter((m) => m.key.endsWith('.state'));
    expect(states.length).toBeGreaterThan(0);
    const stateRow = lines.find((l) => l.startsWith(states[0]!.label.slice(0, 10)))!;
    expect(stateRow).toMatch(/\b(never|windows|always)\b/);
    expect(lines.some((l) => l.includes('+-95% CI'))).toBe(false);
    // A share already against S0 gets no vs S0 row; a latency S0 has does.
    const overhead = lines.findIndex((l) => l.startsWith('vCPU overhead'));
    expect(lines.slice(overhead + 1, overhead + 3).some((l) => l.startsWith('  vs S0'))).toBe(false);
    expect(lines.some((l) => l.startsWith('  vs S0'))).toBe(true);
    // A latency's is the time S2 adds to S0's, in us: S0's is only what the model charges.
    const mmioRow = lines.findIndex((l, i) => l.startsWith('mean latency,') && lines[i + 1]?.startsWith('MMIO'));
    expect(mmioRow).toBeGreaterThan(0);
    const vsS0 = lines.slice(mmioRow).find((l) => l.startsWith('  vs S0 (us)'))!;
    const s0 = runs.find((r) => r.strategy === 'S0')!.metrics['latency.mmio.meanUs']!.mean;
    const s2 = runs.find((r) => r.strategy === 'S2')!.metrics['latency.mmio.meanUs']!.mean;
    expect(vsS0.trim().split(/\s+/)[5]).toBe(`+${compactValue(s2 - s0, 7)}`);
    // Where "always" covers different shares of guest memory (S0 all of it, S1 its user mapping
    // on the CPUs running the VMM's mm), the fraction row is there beside the state row.
    const quiet = runsOf(PRESETS[0]!.scenario);
    const kernel = tableMetrics(quiet, undefined, false).map((m) => m.key);
    expect(kernel).toContain('exposure.kernel.state');
    expect(kernel).toContain('exposure.kernel.fraction');
    // ...and not where every "always" is all of it.
    const whole = runsOf(mmio).filter((r) => r.strategy === 'S0');
    expect(tableMetrics(whole, undefined, false).map((m) => m.key)).not.toContain('exposure.kernel.fraction');
    // Every metric with --all.
    expect(tableMetrics(runs, undefined, true).length).toBe(new Set(runs.flatMap((r) => Object.keys(r.metrics))).size);
  });
});

describe('compactValue', () => {
  it('fits a number in the width asked for', () => {
    expect(compactValue(1_000_000, 8)).toBe('1e6');
    expect(compactValue(0.000002378, 8)).toBe('2.378e-6');
    expect(compactValue(0.000002378, 7)).toBe('2.38e-6');
    expect(compactValue(0.000002378, 6)).toBe('2.4e-6');
    expect(compactValue(657.2, 7)).toBe('657.2');
    expect(compactValue(123456.7, 6)).toBe('123457');
    expect(compactValue(123456.7, 5)).toBe('1.2e5');
  });

  it('writes a figure from 1e-3 up in digits, as the prose beside the table does (formatValue)', () => {
    expect(compactValue(0.006852, 7)).toBe('0.00685');
    expect(compactValue(0.006852, 5)).toBe('0.007');
    expect(compactValue(0.0009, 7)).toBe('9e-4');
    // Too narrow for the digits: the exponent, not a cut ("0.0~").
    expect(compactValue(0.006852, 4)).toBe('7e-3');
    expect(compactValue(-0.006852, 5)).toBe('-7e-3');
  });
});
