import { describe, expect, it } from 'vitest';
import {
  alwaysWords,
  collectFlags,
  flagName,
  flagNames,
  flagsOf,
  formatMetric,
  isExposedShare,
  isStateMetric,
  partlyAlways,
  stateWord,
} from './trust.ts';

describe('trust flags', () => {
  it('reads the flags a result carries, and none from an older result', () => {
    expect(flagsOf({ flags: [{ code: 'saturated', message: 'lock utilisation 1.8' }] })).toEqual([
      { code: 'saturated', message: 'lock utilisation 1.8' },
    ]);
    expect(flagsOf({ metrics: {} })).toEqual([]);
    expect(flagsOf({ flags: [{ code: 3 }, null] })).toEqual([]);
  });

  it('names flags and gathers them over strategies', () => {
    expect(flagName('fullFlushCeiling')).toBe('full flush ceiling');
    expect(flagNames([{ code: 'saturated' }, { code: 'saturated' }, { code: 'overloaded' }])).toEqual([
      'saturated',
      'overloaded',
    ]);
    const infeasible = { code: 'infeasible', message: 'pinned vCPUs > host CPUs' };
    expect(
      collectFlags([
        { strategy: 'S0', flags: [infeasible] },
        { strategy: 'S2', flags: [infeasible, { code: 'saturated', message: 'lock' }] },
      ]),
    ).toEqual([
      { ...infeasible, strategies: ['S0', 'S2'] },
      { code: 'saturated', message: 'lock', strategies: ['S2'] },
    ]);
  });
});

describe('exposure states', () => {
  it('are words, not numbers', () => {
    expect(isStateMetric('exposure.kernel.state')).toBe(true);
    expect(isStateMetric('exposure.kernel.fraction')).toBe(false);
    expect(stateWord(0)).toBe('never');
    expect(stateWord(2)).toBe('always');
    // The mail's narrow columns take the short form of the same word.
    expect(stateWord(1)).toBe('transient windows');
    expect(stateWord(1, 'short')).toBe('windows');
    expect(stateWord(3)).toBe('3');
    expect(formatMetric('exposure.vmm.state', { mean: 2, ci95: 0, n: 1 })).toBe('always');
    expect(formatMetric('cost.overheadPct', { mean: 1.5, ci95: 0.25, n: 3 })).toBe('1.5 ± 0.25');
    expect(formatMetric('cost.overheadPct', undefined)).toBe('–');
  });

  it('say how much "always" leaves reachable, where the fraction is known', () => {
    expect(alwaysWords(1)).toBe('always (1)');
    expect(alwaysWords(0.140625954)).toBe('always (0.1406)');
    expect(alwaysWords(9.747823603722887e-7)).toBe('always (9.748e-7)');
    expect(alwaysWords(undefined)).toBe('always');
    expect(alwaysWords(Number.NaN)).toBe('always');
  });
});

describe('the share beside "always"', () => {
  it('is the exposed share only, and goes there where some "always" is less than all of guest memory', () => {
    expect(isExposedShare('exposure.kernel.fraction')).toBe(true);
    expect(isExposedShare('exposure.kernel.staleTlbFraction')).toBe(false);
    expect(isExposedShare('exposure.kernel.state')).toBe(false);
    const m = (state: number, fraction: number) => ({
      'exposure.kvm.state': { mean: state },
      'exposure.kvm.fraction': { mean: fraction },
    });
    expect(partlyAlways(m(2, 0.14), 'exposure.kvm')).toBe(true);
    expect(partlyAlways(m(2, 1), 'exposure.kvm')).toBe(false);
    expect(partlyAlways(m(1, 0.14), 'exposure.kvm')).toBe(false);
  });
});
