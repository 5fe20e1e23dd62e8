import { describe, expect, it } from 'vitest';
import { didYouMean, editDistance, nearestMatches } from './suggest.ts';

const keys = ['cost.overheadPct', 'cost.hostOverheadPct', 'latency.mmio.p99Us', 'vm.vcpus', 'vm.placement'];

describe('nearestMatches', () => {
  it('finds a key whatever its case, a typo, or its last segment alone', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(nearestMatches('COST.OVERHEADPCT', keys)[0]).toBe('cost.overheadPct');
    expect(nearestMatches('vm.vcpu', keys)).toEqual(['vm.vcpus']);
    expect(nearestMatches('placement', keys)).toEqual(['vm.placement']);
    expect(nearestMatches('mmio.p99', keys)).toEqual(['latency.mmio.p99Us']);
  });

  it('suggests nothing for a name that is nowhere near', () => {
    expect(nearestMatches('zzzz', keys)).toEqual([]);
    expect(didYouMean('zzzz', keys)).toBe('');
    expect(didYouMean('vm.vcpu', keys)).toBe('; did you mean vm.vcpus?');
  });
});
