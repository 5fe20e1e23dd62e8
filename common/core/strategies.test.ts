// strategyParams writes one literal per strategy (for speed); these hold each literal to the
// rules it spells out, so that a new strategy or a changed rule cannot leave one behind.
import { describe, expect, it } from 'vitest';
import { STRATEGY_IDS } from './api.ts';
import { PRESETS } from './presets.ts';
import { setParameter } from './params.ts';
import { capabilityOf, recordsVmmAccess, removesFromDirectMap, strategyParams } from './strategies.ts';

const scenario = setParameter(
  setParameter(PRESETS[0]!.scenario, 'strategies.selectiveMmapFraction', 0.25),
  'strategies.hugeFolioRemoval',
  true,
);

describe('strategyParams', () => {
  it.each(STRATEGY_IDS)('%s records removal and VMM access exactly where the rules say', (id) => {
    const params = strategyParams(scenario, id);
    expect('hugeFolioRemoval' in params).toBe(removesFromDirectMap(id));
    if (removesFromDirectMap(id)) expect(params.hugeFolioRemoval).toBe(true);
    expect('vmmAccess' in params).toBe(recordsVmmAccess(id));
    expect('selectiveMmapFraction' in params).toBe(recordsVmmAccess(id));
    if (recordsVmmAccess(id)) {
      expect(params.vmmAccess).toBe(scenario.strategies.vmmAccess);
      expect(params.selectiveMmapFraction).toBe(0.25);
    }
  });

  it("lists a strategy's own parameters first, then removal, then the VMM's access", () => {
    expect(Object.keys(strategyParams(scenario, 'S2'))).toEqual([
      'batchPages',
      'flushAfterUs',
      'flush',
      'flushRange',
      'keepPfnCacheRestored',
      'hugeFolioRemoval',
      'vmmAccess',
      'selectiveMmapFraction',
    ]);
    expect(Object.keys(strategyParams(scenario, 'S1'))).toEqual(['gup', 'flushOnZap', 'hugeFolioRemoval']);
    expect(strategyParams(scenario, 'S0')).toEqual({});
  });
});

describe('capabilityOf', () => {
  it("names S2's page-list flush as not upstream, also right after a scenario without it (rows are cached by their fields)", () => {
    const listed = (range: string) =>
      capabilityOf('S2', setParameter(scenario, 'strategies.S2.flushRange', range)).reliesOnNotUpstream;
    expect(listed('eachPage').some((r) => r.includes('list of scattered pages'))).toBe(false);
    expect(listed('pageList').some((r) => r.includes('list of scattered pages'))).toBe(true);
    expect(listed('coveringRange').some((r) => r.includes('list of scattered pages'))).toBe(false);
  });
});
