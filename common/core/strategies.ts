// The strategies (DESIGN.md, "Strategies") and their static properties: the capability matrix.
// Each entry names the mechanism it rests on and its source; docs/model.md has the same table.
import type { CapabilityEntry, CapabilityRow, CapabilityUse, StrategyId } from './api.ts';
import { STRATEGY_IDS } from './api.ts';
import type { Scenario } from './scenario.ts';

export const STRATEGY_NAMES: Record<StrategyId, string> = {
  S0: 'status quo (direct map + VMM mmap)',
  S1: 'mmap, no direct map (upstream GUEST_MEMFD_FLAG_NO_DIRECT_MAP)',
  S2: 'on-demand direct map (restore, access, remove, flush)',
  S3: 'on-demand per-CPU window (local INVLPG)',
  S4: 'KVM-only CR3 (ASI-like)',
  S5: 'USER=1 kernel carve-out (STAC/CLAC)',
  S6: 'address-space isolation (ASI, restricted kernel)',
};

/** One line on how each strategy reaches guest memory, for legends and tooltips. */
export const STRATEGY_DESCRIPTIONS: Record<StrategyId, string> = {
  S0: 'Guest memory stays in the direct map and the VMM mmaps it: the baseline every cost is measured against.',
  S1: 'Folios are zapped from the direct map at population; KVM and the VMM use the VMM mmap (uaccess); gup() is refused.',
  S2: 'KVM restores direct-map PTEs for each access, removes them and flushes every CPU (or batches, defers, skips the flush).',
  S3: 'Each access maps the page into a per-CPU kernel slot and invalidates it locally; other CPUs only by option.',
  S4: "Guest memory is mapped only in KVM's own page tables; the CPU switches CR3 at KVM_RUN (or vcpu_load).",
  S5: 'All guest memory in a kernel VA carve-out with USER=1 PTEs, reached between STAC and CLAC.',
  S6: "The kernel runs in a restricted address space without guest data in its kernel mappings (KVM's keeps the VM's user half); touching it there exits ASI, re-entry is mitigated when tainted.",
};

/** Strategies that take guest memory out of the direct map (and so pay population and splits). */
export function removesFromDirectMap(id: StrategyId): boolean {
  return id !== 'S0' && id !== 'S6';
}

/** A tuple of one T per entry of tuple U. */
type OnePer<U extends readonly unknown[], T> = { -readonly [K in keyof U]: T };

/** Why a scenario with no strategy enabled is not run (the runner refuses it; the launcher says so first). */
export const NO_STRATEGY = 'no strategy is enabled, so there is nothing to run: enable at least one';

/** The scenario's enabled strategies, in STRATEGY_IDS order. */
export function enabledStrategies(scenario: Scenario): StrategyId[] {
  // Read by name (a read keyed by a varying id is a megamorphic lookup; this runs for every analytic point).
  const st = scenario.strategies;
  // One flag per STRATEGY_IDS entry, in its order (the tuple type fails to compile when one is added).
  const on: OnePer<typeof STRATEGY_IDS, boolean> = [
    st.S0.enabled,
    st.S1.enabled,
    st.S2.enabled,
    st.S3.enabled,
    st.S4.enabled,
    st.S5.enabled,
    st.S6.enabled,
  ];
  const out: StrategyId[] = [];
  for (let i = 0; i < STRATEGY_IDS.length; i++) if (on[i]) out.push(STRATEGY_IDS[i]!);
  return out;
}

/** Strategies whose result records how the VMM reaches guest memory (S2-S5: the VMM loses its mapping). */
export const recordsVmmAccess = (id: StrategyId): boolean => id !== 'S0' && id !== 'S1' && id !== 'S6';

/**
 * The parameters a strategy ran with, for the record of every run: its own, then
 * hugeFolioRemoval when it removes guest memory from the direct map (removesFromDirectMap), then
 * the VMM's access where it records it (recordsVmmAccess); strategies.test.ts holds each case to
 * those two rules.
 */
export function strategyParams(scenario: Scenario, id: StrategyId): Record<string, unknown> {
  const { strategies: st, host } = scenario;
  // One literal a strategy: properties added after a literal are stores whose object shape
  // differs by strategy (megamorphic), and this runs for every strategy of every analytic point.
  switch (id) {
    case 'S0':
    case 'S6':
      return {};
    case 'S1':
      return { gup: st.S1.gup, flushOnZap: st.S1.flushOnZap, hugeFolioRemoval: st.hugeFolioRemoval };
    case 'S2':
      return {
        batchPages: st.S2.batchPages,
        flushAfterUs: st.S2.flushAfterUs,
        flush: st.S2.flush,
        flushRange: st.S2.flushRange,
        keepPfnCacheRestored: st.S2.keepPfnCacheRestored,
        hugeFolioRemoval: st.hugeFolioRemoval,
        vmmAccess: st.vmmAccess,
        selectiveMmapFraction: st.selectiveMmapFraction,
      };
    case 'S3':
      return {
        remoteFlush: st.S3.remoteFlush,
        hugeFolioRemoval: st.hugeFolioRemoval,
        vmmAccess: st.vmmAccess,
        selectiveMmapFraction: st.selectiveMmapFraction,
      };
    case 'S4':
      return {
        switchPoint: st.S4.switchPoint,
        hugeFolioRemoval: st.hugeFolioRemoval,
        vmmAccess: st.vmmAccess,
        selectiveMmapFraction: st.selectiveMmapFraction,
      };
    case 'S5':
      return {
        lass: host.lass,
        kpti: host.kpti,
        smapStopsSpeculation: host.smapStopsSpeculation,
        hugeFolioRemoval: st.hugeFolioRemoval,
        vmmAccess: st.vmmAccess,
        selectiveMmapFraction: st.selectiveMmapFraction,
      };
  }
}

type CapabilityRows = Partial<Record<StrategyId, CapabilityRow>>;

/** Rows already built, by the scenario fields they depend on (capabilityKey), then by strategy. */
const capabilityCache = new Map<string, CapabilityRows>();

/** The scenario fields a capability row depends on (for any strategy). */
interface CapabilityFields {
  vmmAccess: string;
  selectiveMmapFraction: number;
  gup: boolean;
  keepPfnCacheRestored: boolean;
  flushRange: string;
  lass: boolean;
  kpti: boolean;
  vendor: string;
  postCopy: boolean;
}

function capabilityFields(scenario: Scenario): CapabilityFields {
  const { strategies: st, host } = scenario;
  return {
    vmmAccess: st.vmmAccess,
    selectiveMmapFraction: st.selectiveMmapFraction,
    gup: st.S1.gup,
    keepPfnCacheRestored: st.S2.keepPfnCacheRestored,
    flushRange: st.S2.flushRange,
    lass: host.lass,
    kpti: host.kpti,
    vendor: host.vendor,
    postCopy: scenario.vm.postCopy,
  };
}

/** The fields as one key: fields that are === give the same key. */
function capabilityKey(f: CapabilityFields): string {
  return `${f.vmmAccess}|${f.selectiveMmapFraction}|${f.gup}|${f.keepPfnCacheRestored}|${f.flushRange}|${f.lass}|${f.kpti}|${f.vendor}|${f.postCopy}`;
}

/** The last scenario's fields and rows: the points of a sweep mostly share them (no key to build then). */
let last: { fields: CapabilityFields; rows: CapabilityRows } | undefined;

function sameFields(f: CapabilityFields, scenario: Scenario): boolean {
  const { strategies: st, host } = scenario;
  return (
    f.vmmAccess === st.vmmAccess &&
    f.selectiveMmapFraction === st.selectiveMmapFraction &&
    f.gup === st.S1.gup &&
    f.keepPfnCacheRestored === st.S2.keepPfnCacheRestored &&
    f.flushRange === st.S2.flushRange &&
    f.lass === host.lass &&
    f.kpti === host.kpti &&
    f.vendor === host.vendor &&
    f.postCopy === scenario.vm.postCopy
  );
}

/**
 * The capability rows of a scenario, by strategy: `capabilityOf` for every strategy of one
 * scenario, looked up once. Rows are shared between results: do not mutate.
 */
export function capabilityRows(scenario: Scenario): (id: StrategyId) => CapabilityRow {
  let rows: CapabilityRows;
  if (last !== undefined && sameFields(last.fields, scenario)) rows = last.rows;
  else {
    const fields = capabilityFields(scenario);
    const key = capabilityKey(fields);
    let found = capabilityCache.get(key);
    if (found === undefined) {
      if (capabilityCache.size > 1000) capabilityCache.clear();
      found = {};
      capabilityCache.set(key, found);
    }
    rows = found;
    last = { fields, rows };
  }
  return (id) => (rows[id] ??= buildCapability(id, scenario));
}

/** The capability row of a strategy; rows are shared between results: do not mutate. */
export function capabilityOf(id: StrategyId, scenario: Scenario): CapabilityRow {
  return capabilityRows(scenario)(id);
}

// Sources the entries below rest on (docs/model.md, "Capability matrix").
const SRC = {
  noDirectMap:
    'GUEST_MEMFD_FLAG_NO_DIRECT_MAP series (Roy v4 Feb 2025 ... Kalyazin v12 Apr 2026; AS_NO_DIRECT_MAP: lore.kernel.org/all/20250912091708.17502-4-roypat@amazon.co.uk/)',
  pfncacheSeries: 'guest_memfd support in pfncache (Takahiro Itazuri, RFC v3, Mar 2026): maps the page with vmap()',
  gmemWrite: 'write() on guest_memfd (out of tree; guest_memfd has no read())',
  uffdMinor: 'userfaultfd minor faults on guest_memfd, or KVM Userfault (both out of tree in 2026)',
  asi: 'ASI (Brendan Jackman: RFC v2 Jan 2025; "ASI is fast again", lore.kernel.org/all/20250812173109.295750-1-jackmanb@google.com/)',
  carveOut: 'a USER=1 kernel VA carve-out and its accessors (not posted)',
  perCpuWindow:
    'a per-CPU mapping window: new fixmap slots, an mm-local region (Hillenbrand 2019) or ASI ephmap (Jackman, Aug 2025)',
  kvmCr3: "KVM-owned page tables and CR3 switching on KVM_RUN (not posted; Sean Christopherson's sketch, May 2024)",
  iommufdGmem: 'iommufd mapping guest_memfd without pinning through gup() (not upstream)',
} as const;

const works = (how: string): CapabilityEntry => ({ status: 'works', how });
const notUpstream = (how: string): CapabilityEntry => ({ status: 'notUpstream', how });
const cannot = (how: string): CapabilityEntry => ({ status: 'cannot', how });

function vmmEntry(scenario: Scenario): CapabilityEntry {
  return scenario.strategies.vmmAccess === 'syscall'
    ? notUpstream(`read()/write() on guest_memfd: relies on ${SRC.gmemWrite}`)
    : works(
        `a selective mmap of ${(scenario.strategies.selectiveMmapFraction * 100).toFixed(0)}% of guest memory (guest_memfd mmap, Linux 6.18), which is exposed as under S1`,
      );
}

/** Uses every strategy that keeps guest memory out of the direct map shares. */
function sharedUses(scenario: Scenario): Pick<Record<CapabilityUse, CapabilityEntry>, 'kdump' | 'hibernation'> {
  void scenario;
  return {
    kdump: works(
      'the dump kernel reads memory by physical address (/proc/vmcore maps it again): guest memory lands in the dump unless makedumpfile learns to filter guest_memfd',
    ),
    hibernation: notUpstream(
      'swsusp maps non-present pages for the image (hibernate_map_page); secretmem blocks hibernation by policy, and whether NO_DIRECT_MAP guest_memfd does is not verified',
    ),
  };
}

function buildCapability(id: StrategyId, scenario: Scenario): CapabilityRow {
  const { strategies: st } = scenario;
  const postCopy: CapabilityEntry = notUpstream(`post-copy on guest_memfd relies on ${SRC.uffdMinor}`);
  const vhostUser = works('another process mmaps the guest_memfd (shared fd) and reaches it like the VMM');
  const noDirectIo = (why: string): CapabilityEntry =>
    cannot(`O_DIRECT and io_uring fixed buffers into guest memory, vhost-net zerocopy: ${why}`);
  switch (id) {
    case 'S0':
      return {
        needsGup: false,
        needsKernelVaCarveOut: false,
        needsOtherArchBuyIn: false,
        needsLassForFullPromise: false,
        cannotServe: [],
        uses: {
          pfnCache: works('kmap of the pfn through the direct map'),
          nestedStatePages: works('kvm_vcpu_map() through the direct map'),
          vmmAccess: works('the VMM mmaps guest memory'),
          postCopy: works('userfaultfd on the VMM mapping (anonymous or shmem memory)'),
          directIo: works('gup() pins the pages for the I/O'),
          vhostNet: works("vhost kernel threads use the VMM's mm (uaccess)"),
          vhostUser,
          vfioDma: works('pinned with gup() and mapped in the IOMMU'),
          kdump: works('in the dump'),
          hibernation: works('in the image'),
        },
        reliesOnNotUpstream: [],
        notes: 'The baseline: no protection.',
      };
    case 'S1': {
      const gup = st.S1.gup;
      return {
        needsGup: gup,
        needsKernelVaCarveOut: false,
        needsOtherArchBuyIn: false,
        needsLassForFullPromise: true,
        cannotServe: [],
        uses: {
          pfnCache: notUpstream(
            `the pfn is not in the direct map, so kmap fails: relies on ${SRC.pfncacheSeries} (a kernel alias of each cached page)`,
          ),
          nestedStatePages: notUpstream(
            'kvm_vcpu_map() of the virtual-APIC page, posted-interrupt descriptor, MSR bitmap and eVMCS breaks the same way (by the same reasoning; not tested upstream)',
          ),
          vmmAccess: works('the VMM mmap of guest_memfd (Linux 6.18)'),
          postCopy,
          directIo: gup
            ? works('gup() is allowed in this variant')
            : noDirectIo('gup() is refused, as for secretmem (AS_NO_DIRECT_MAP)'),
          vhostNet: works("vhost kernel threads copy with uaccess through the VMM's mm (not zerocopy: that pins)"),
          vhostUser,
          vfioDma: gup
            ? works('gup() is allowed in this variant: pinned and mapped in the IOMMU')
            : notUpstream(`gup() is refused (AS_NO_DIRECT_MAP): relies on ${SRC.iommufdGmem}`),
          ...sharedUses(scenario),
        },
        reliesOnNotUpstream: gup
          ? ['gup() on guest_memfd (the seed thread variant; upstream refuses it)', SRC.pfncacheSeries]
          : [SRC.pfncacheSeries],
        notes: gup
          ? 'The seed thread variant: guest_memfd allows gup(), with the reclaim, migration and pinning questions it opens.'
          : `As upstream (${SRC.noDirectMap}): KVM reaches guest memory by uaccess through the memslot userspace_addr; gup() is refused as for secretmem. Each folio is zapped from the direct map when first faulted in and, since v8, flushed on every CPU.`,
      };
    }
    case 'S2':
      return {
        needsGup: false,
        needsKernelVaCarveOut: false,
        needsOtherArchBuyIn: false,
        needsLassForFullPromise: false,
        cannotServe: st.S2.keepPfnCacheRestored
          ? []
          : [
              {
                touchpoint: 'pfnCache',
                reason:
                  'updates from a host timer or with IRQs off cannot take the direct-map lock or wait for a shootdown IPI',
              },
            ],
        uses: {
          pfnCache: st.S2.keepPfnCacheRestored
            ? notUpstream(
                'each cached page stays restored in the direct map while the cache lives (Patrick Roy, RFC v1/v2 2024; the series dropped it in v4)',
              )
            : cannot('updates in IRQ context cannot restore and flush'),
          nestedStatePages: notUpstream('restored for as long as KVM maps them (as the pfn cache)'),
          vmmAccess: vmmEntry(scenario),
          postCopy,
          directIo: noDirectIo(
            'no user mapping to pin (only with a selective mmap, where gup() is refused as under S1)',
          ),
          vhostNet: cannot('no user mapping for vhost to copy through (only with a selective mmap)'),
          vhostUser: cannot('no mapping to share (only with a selective mmap)'),
          vfioDma: notUpstream(`no gup(): relies on ${SRC.iommufdGmem}`),
          ...sharedUses(scenario),
        },
        reliesOnNotUpstream: [
          'on-demand restore in KVM (RFC 2024; the series dropped it in v4 for its cost)',
          ...(st.S2.flushRange === 'pageList'
            ? ['one IPI that invalidates a list of scattered pages (flush_tlb_kernel_range takes one range)']
            : []),
        ],
        notes:
          'flush_tlb_kernel_range IPIs every online CPU (AMD INVLPGB and arm64 TLBI broadcast instead) and must run with IRQs enabled. Upstream dropped this approach: v4 03/12 says restoring on demand "turned out to have a significant performance impact".',
      };
    case 'S3':
      return {
        needsGup: false,
        needsKernelVaCarveOut: true,
        needsOtherArchBuyIn: false,
        needsLassForFullPromise: false,
        cannotServe: [],
        uses: {
          pfnCache: works('the page is mapped in the window for each update'),
          nestedStatePages: notUpstream(
            'long-lived kvm_vcpu_map() users would hold a slot: a window per mapping, or remap per use',
          ),
          vmmAccess: vmmEntry(scenario),
          postCopy,
          directIo: noDirectIo(
            'no user mapping to pin (only with a selective mmap, where gup() is refused as under S1)',
          ),
          vhostNet: cannot('no user mapping for vhost to copy through (only with a selective mmap)'),
          vhostUser: cannot('no mapping to share (only with a selective mmap)'),
          vfioDma: notUpstream(`no gup(): relies on ${SRC.iommufdGmem}`),
          ...sharedUses(scenario),
        },
        reliesOnNotUpstream: [SRC.perCpuWindow],
        notes:
          'On x86-64 kmap_local_page() is page_address(): there is no per-CPU window today. Preemption is off during the access; multi-page operands need one slot per page. Jackman (ephmap, Aug 2025): a local flush is enough for correctness, remote flushes are needed for mitigation.',
      };
    case 'S4':
      return {
        needsGup: false,
        needsKernelVaCarveOut: false,
        needsOtherArchBuyIn: true,
        needsLassForFullPromise: false,
        // The VMM's touchpoints are served as under S2, S3 and S5: by read()/write() (switching to
        // KVM's CR3 inside the syscall, charged) or a selective mmap; see uses.vmmAccess.
        cannotServe: [],
        uses: {
          pfnCache: notUpstream(
            "inside KVM_RUN for free; updates outside it (irqfd, Xen event channels in IRQ context, async PF completion, VM ioctls) would switch to KVM's CR3 and back (charged), but x86 switches mms in process context only: those updates must be deferred to the vCPU, which is new work",
          ),
          nestedStatePages: works("mapped in KVM's page tables"),
          vmmAccess: vmmEntry(scenario),
          postCopy,
          directIo: noDirectIo(
            'no user mapping to pin (only with a selective mmap, where gup() is refused as under S1)',
          ),
          vhostNet: cannot("vhost threads do not run on KVM's CR3 (only with a selective mmap)"),
          vhostUser: cannot('no mapping to share (only with a selective mmap)'),
          vfioDma: notUpstream(`no gup(): relies on ${SRC.iommufdGmem}`),
          ...sharedUses(scenario),
        },
        reliesOnNotUpstream: [SRC.kvmCr3],
        notes:
          "Imperfect by design: inside KVM_RUN every host kernel path on that CPU (IRQ, NMI, softirq, the page-fault handler on stage-2 faults, the scheduler on HLT) runs on KVM's CR3 and sees guest memory. Each extra CR3 competes for the 6 dynamic ASIDs per CPU (TLB_NR_DYN_ASIDS, two PCIDs each with KPTI).",
      };
    case 'S5':
      return {
        needsGup: false,
        needsKernelVaCarveOut: true,
        needsOtherArchBuyIn: true,
        needsLassForFullPromise: true,
        cannotServe: [],
        uses: {
          pfnCache: notUpstream('every khva user converted to STAC/CLAC accessors of the carve-out'),
          nestedStatePages: notUpstream('as the pfn caches: kvm_vcpu_map() users converted to STAC/CLAC accessors'),
          vmmAccess: vmmEntry(scenario),
          postCopy,
          directIo: noDirectIo('no user mapping to pin (only with a selective mmap)'),
          vhostNet: notUpstream(
            'vhost copies through user addresses checked by access_ok(): a kernel-half carve-out fails it and needs new accessors',
          ),
          vhostUser: cannot('no mapping to share (only with a selective mmap)'),
          vfioDma: notUpstream(`no gup(): relies on ${SRC.iommufdGmem}`),
          ...sharedUses(scenario),
        },
        reliesOnNotUpstream: [SRC.carveOut],
        notes:
          'With KPTI the carve-out sits in an uncloned kernel PGD slot that user page tables do not map; without KPTI userspace reaches it unless LASS stops user access to the upper half. The kernel reaches it speculatively unless SMAP stops speculative loads (not assumed).',
      };
    case 'S6':
      return {
        needsGup: false,
        needsKernelVaCarveOut: false,
        needsOtherArchBuyIn: true,
        needsLassForFullPromise: false,
        cannotServe: [],
        uses: {
          pfnCache: works('after an ASI exit (charged per update)'),
          nestedStatePages: works('after an ASI exit'),
          vmmAccess: works('the VMM keeps its mapping (ASI does not change user mappings)'),
          postCopy: works('userfaultfd on the VMM mapping'),
          directIo: works('gup() pins the pages as today'),
          vhostNet: works('after an ASI exit'),
          vhostUser,
          vfioDma: works('pinned with gup() as today'),
          kdump: works('in the dump'),
          hibernation: works('in the image'),
        },
        reliesOnNotUpstream: [SRC.asi],
        notes:
          "Guest memory stays in the unrestricted address space's physmap (the direct map is intact); the restricted one's physmap has no guest data, but KVM's maps the VM's own memory at its user addresses (Shahid's 2022 KVM ASI RFC: the memslots through asi_map_user() as they are faulted in), so KVM's uaccess paths do not exit. Exposure is the time a CPU spends unrestricted after touching guest data, and the user half. The cost is what keeping guest memory out of the restricted physmap adds: ASI's own cost (exits for other sensitive data; Jackman's +5.8% for a kernel build in a guest) is not counted.",
      };
  }
}
