// A small scenario whose numbers can be worked out by hand (1 GHz: one cycle is one ns).
import { PRESETS } from './presets.ts';
import type { CostComponent, StrategyResult } from './api.ts';
import type { Scenario } from './scenario.ts';
import { TOUCHPOINT_IDS } from './touchpoints.ts';

export function handScenario(): Scenario {
  const s = structuredClone(PRESETS[0]!.scenario);
  s.host = {
    ...s.host,
    cpus: 4,
    ghz: 1,
    pcid: true,
    smapStopsSpeculation: false,
    lass: false,
    directMapPageSize: '1G',
    irqPerSecPerCpu: 1000,
    nmiPerSecPerCpu: 0,
    costs: {},
  };
  s.vm = {
    ...s.vm,
    vcpus: 2,
    memoryGiB: 1,
    backingPageSize: '2M',
    userspaceExitsPerSecPerVcpu: 100,
    schedInsPerSecPerVcpu: 50,
    inKvmRunFraction: 0.9,
  };
  for (const id of TOUCHPOINT_IDS) s.workload.touchpoints[id].ratePerSec = 0;
  s.workload.touchpoints.mmio = { ratePerSec: 1000, pagesPerEvent: 1, bytesPerEvent: 8, write: false };
  // The hand-worked numbers count MMIO pages as given, as model 1.x did.
  s.workload.exitMix = { instructionDecode: 'given', fastMmioShare: 0, pioStringShare: 1, guestPagingLevels: 4 };
  // Written out, not taken from the preset: the hand-worked S2 figures must not move with it.
  s.strategies.S2 = {
    enabled: true,
    batchPages: 1,
    flushAfterUs: 0,
    flush: 'immediate',
    flushRange: 'eachPage',
    keepPfnCacheRestored: true,
  };
  s.strategies.S4 = { enabled: true, switchPoint: 'kvm_run' };
  s.simulation = { method: 'analytic', durationSec: 1, seeds: [1] };
  return s;
}

/** A result's breakdown of one component, summed over touchpoints (host cycles/s). */
export function componentTotal(result: StrategyResult, component: CostComponent): number {
  let sum = 0;
  for (const [key, cycles] of Object.entries(result.breakdown!)) if (key.endsWith(`.${component}`)) sum += cycles;
  return sum;
}
