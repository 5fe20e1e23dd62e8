// The strategies (DESIGN.md, "Strategies") and their static properties: the capability matrix.
import type { CapabilityRow, StrategyId } from './api.ts';
import { STRATEGY_IDS } from './api.ts';
import type { Scenario } from './scenario.ts';

export const STRATEGY_NAMES: Record<StrategyId, string> = {
  S0: 'status quo (direct map + VMM mmap)',
  S1: 'mmap everything (uaccess via memslot HVA)',
  S2: 'on-demand direct map (restore, access, remove, flush)',
  S3: 'on-demand per-CPU window (local INVLPG)',
  S4: 'KVM-only CR3 (ASI-like)',
  S5: 'USER=1 kernel carve-out (STAC/CLAC)',
};

export function enabledStrategies(scenario: Scenario): StrategyId[] {
  return STRATEGY_IDS.filter((id) => scenario.strategies[id].enabled);
}

/** The parameters a strategy ran with, for the record of every run. */
export function strategyParams(scenario: Scenario, id: StrategyId): Record<string, unknown> {
  const { strategies } = scenario;
  const vmm =
    id === 'S0' || id === 'S1'
      ? {}
      : { vmmAccess: strategies.vmmAccess, selectiveMmapFraction: strategies.selectiveMmapFraction };
  switch (id) {
    case 'S2':
      return { batchPages: strategies.S2.batchPages, flushAfterUs: strategies.S2.flushAfterUs, ...vmm };
    case 'S4':
      return { switchPoint: strategies.S4.switchPoint, ...vmm };
    case 'S5':
      return { lass: scenario.host.lass, smapStopsSpeculation: scenario.host.smapStopsSpeculation, ...vmm };
    default:
      return vmm;
  }
}

const capabilityCache = new Map<string, CapabilityRow>();

/** The capability row of a strategy; rows are shared between results: do not mutate. */
export function capabilityOf(id: StrategyId, scenario: Scenario): CapabilityRow {
  const key = `${id}|${scenario.strategies.vmmAccess}|${scenario.strategies.selectiveMmapFraction}`;
  let row = capabilityCache.get(key);
  if (row === undefined) {
    if (capabilityCache.size > 1000) capabilityCache.clear();
    row = buildCapability(id, scenario);
    capabilityCache.set(key, row);
  }
  return row;
}

function buildCapability(id: StrategyId, scenario: Scenario): CapabilityRow {
  const vmmNote =
    scenario.strategies.vmmAccess === 'syscall'
      ? 'VMM-side touchpoints use read()/write() on guest_memfd.'
      : `VMM-side touchpoints use a selective mmap of ${(scenario.strategies.selectiveMmapFraction * 100).toFixed(0)}% of guest memory.`;
  switch (id) {
    case 'S0':
      return {
        needsGup: false,
        needsKernelVaCarveOut: false,
        needsOtherArchBuyIn: false,
        needsLassForFullPromise: false,
        cannotServe: [],
        notes: 'The baseline: no protection.',
      };
    case 'S1':
      return {
        needsGup: true,
        needsKernelVaCarveOut: false,
        needsOtherArchBuyIn: false,
        needsLassForFullPromise: false,
        cannotServe: [],
        notes:
          'The upstream GUEST_MEMFD_FLAG_NO_DIRECT_MAP approach: KVM reaches memory through the memslot userspace_addr, which requires gup() on guest_memfd. arm64 cannot zap block-mapped direct-map entries (break-before-make).',
      };
    case 'S2':
      return {
        needsGup: false,
        needsKernelVaCarveOut: false,
        needsOtherArchBuyIn: false,
        needsLassForFullPromise: false,
        cannotServe: [
          {
            touchpoint: 'pfnCache',
            reason:
              'updates from a host timer or with IRQs off cannot take the direct-map lock or wait for a shootdown IPI',
          },
        ],
        notes: `flush_tlb_kernel_range IPIs every online CPU and must run with IRQs enabled. ${vmmNote}`,
      };
    case 'S3':
      return {
        needsGup: false,
        needsKernelVaCarveOut: true,
        needsOtherArchBuyIn: false,
        needsLassForFullPromise: false,
        cannotServe: [],
        notes: `A small per-CPU VA window (kmap_local style); preemption off during the access. Multi-page operands need one slot per page. ${vmmNote}`,
      };
    case 'S4':
      return {
        needsGup: false,
        needsKernelVaCarveOut: false,
        needsOtherArchBuyIn: true,
        needsLassForFullPromise: false,
        cannotServe: [
          {
            touchpoint: 'postCopy',
            reason: "VMM threads do not hold KVM's CR3: only via read()/write() or a selective mmap",
          },
          { touchpoint: 'migration', reason: 'as postCopy' },
          { touchpoint: 'virtio', reason: 'as postCopy' },
          { touchpoint: 'snapshot', reason: 'as postCopy' },
        ],
        notes: `Imperfect by design: IRQ, NMI and softirq handlers run with KVM's CR3 and see guest memory. ${vmmNote}`,
      };
    case 'S5':
      return {
        needsGup: false,
        needsKernelVaCarveOut: true,
        needsOtherArchBuyIn: true,
        needsLassForFullPromise: true,
        cannotServe: [],
        notes: `Without LASS any host userspace can read guest memory through the USER=1 mapping; kernel code only speculatively, unless SMAP stops speculative loads. ${vmmNote}`,
      };
  }
}
