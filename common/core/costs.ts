// Default costs of the primitives every strategy is built from, each with its source and the
// hardware it was measured on (../shared/reference/costs.md, extended). Values are cycles unless
// the unit says otherwise. Figures published in time units are converted at the clock stated in
// the note. "estimate" means no primary measurement was found: the reasoning is in the note, and
// a user with a measurement should override it (scenario host.costs).
import type { CostEntry } from './api.ts';

export const COST_KEYS = [
  'vmExitRoundTrip',
  'userspaceExitRoundTrip',
  'nestedExitRoundTrip',
  'syscall',
  'stac',
  'clac',
  'pageWalk',
  'pteUpdate',
  'pteWriteLocal',
  'invlpg',
  'cr3WritePcid',
  'cr3WriteNoPcid',
  'tlbRefillAfterFlush',
  'shootdownBase',
  'shootdownPerTarget',
  'ipiReceiveWork',
  'copyBytesPerCycle',
  'userfaultRoundTrip',
  'directMapSplitTlbMisses',
] as const;
export type CostKey = (typeof COST_KEYS)[number];
export type CostTable = Record<CostKey, number>;

// Frozen: results share this table when a scenario overrides nothing.
export const DEFAULT_COSTS: CostEntry[] = [
  {
    key: 'vmExitRoundTrip',
    label: 'VM exit + entry round trip',
    value: 1350,
    unit: 'cycles',
    source:
      'linux-kernel, Dec 2020, "KVM: SVM: use vmsave/vmload for saving/restoring additional host state" (cycle stamps around VMRUN)',
    hardware: 'AMD (SVM), as posted',
    note: 'VMRUN to #VMEXIT segment inside a ~2,530-cycle KVM_RUN; kvm-unit-tests vmexit measures it on a given host. Only used as the baseline of exit latency; identical for every strategy.',
  },
  {
    key: 'userspaceExitRoundTrip',
    label: 'exit to userspace and back (KVM_RUN return)',
    value: 1150,
    unit: 'cycles',
    source: 'same Dec 2020 measurement: the KVM_RUN ioctl entry/exit bracket around VMRUN',
    hardware: 'AMD (SVM), as posted',
    note: "Excludes the VMM's own handling. Baseline only.",
  },
  {
    key: 'nestedExitRoundTrip',
    label: 'nested exit (L2 to L1 through L0)',
    value: 18890,
    unit: 'cycles',
    source:
      'KVM commit "x86/kvm/vmx: use enlightened VMCS ... static key" (Vitaly Kuznetsov): tight CPUID loop in a nested guest',
    hardware: 'KVM on Hyper-V, as posted (8,304 with enlightened VMCS)',
    note: 'Baseline of nested TDP fault latency; identical for every strategy.',
  },
  {
    key: 'syscall',
    label: 'syscall round trip',
    value: 1000,
    unit: 'cycles',
    source: 'FreeBSD review D13985: getppid 339 ns without PTI',
    hardware: 'Intel Haswell; converted at an assumed 2.9 GHz (339 ns = 983 cycles), rounded',
    note: 'Charged to VMM accesses that must use read()/write() on guest_memfd.',
  },
  {
    key: 'stac',
    label: 'STAC',
    value: 5,
    unit: 'cycles',
    source: 'estimate',
    hardware: 'recent Intel/AMD',
    note: 'costs.md: "order of a few cycles each" (Intel optimization manual / uops.info to be checked). A serialising implementation would cost tens of cycles: override if measured.',
  },
  {
    key: 'clac',
    label: 'CLAC',
    value: 5,
    unit: 'cycles',
    source: 'estimate',
    hardware: 'recent Intel/AMD',
    note: 'As STAC.',
  },
  {
    key: 'pageWalk',
    label: 'TLB miss (page walk)',
    value: 40,
    unit: 'cycles',
    source: 'secondary: onedfrk newsletter "PCID", 2026-06-02 (range 20-100 cycles)',
    hardware: 'x86, unspecified',
    note: 'Default inside the published range: walks of kernel/user mappings mostly hit the paging-structure caches.',
  },
  {
    key: 'pteUpdate',
    label: 'direct-map PTE update (set_direct_map_*)',
    value: 300,
    unit: 'cycles',
    source: 'estimate',
    hardware: 'x86',
    note: 'A walk of the kernel page tables plus one PTE write and cpa bookkeeping, under the direct-map lock; no TLB flush included (flushes are charged separately).',
  },
  {
    key: 'pteWriteLocal',
    label: 'per-CPU slot PTE write',
    value: 20,
    unit: 'cycles',
    source: 'estimate',
    hardware: 'x86',
    note: 'A plain store to a PTE whose location is known (kmap_local-style slot), no walk, no lock.',
  },
  {
    key: 'invlpg',
    label: 'INVLPG (local, one page)',
    value: 200,
    unit: 'cycles',
    source:
      'estimate: the AMD64 optimization guide lists 80 cycles in 64-bit mode (K8, as quoted at zwillow.blogspot.com, 2006); costs.md gives an unsourced 100-250',
    hardware: 'x86 (80 cycles: AMD K8)',
    note: 'No modern primary figure found. 200 sits in the upper part of 80-250 because INVLPG of a global page with PTI/PCID is slower on recent Intel parts. Sweep it where it matters (S3 pays it per page).',
  },
  {
    key: 'cr3WritePcid',
    label: 'CR3 write with PCID, no flush',
    value: 200,
    unit: 'cycles',
    source: 'FreeBSD review D13985: two CR3 switches add ~139 ns to getppid (478 vs 339 ns)',
    hardware: 'Intel Haswell, PTI + PCID; ~70 ns each, converted at an assumed 2.9 GHz',
    note: 'Charged twice per switch-point crossing under S4.',
  },
  {
    key: 'cr3WriteNoPcid',
    label: 'CR3 write without PCID',
    value: 200,
    unit: 'cycles',
    source: 'as cr3WritePcid for the write itself',
    hardware: 'Intel Haswell',
    note: 'The TLB refill that follows is tlbRefillAfterFlush.',
  },
  {
    key: 'tlbRefillAfterFlush',
    label: 'TLB refill after a full flush',
    value: 40000,
    unit: 'cycles',
    source: 'secondary: onedfrk newsletter "PCID", 2026-06-02 (20,000-100,000 cycles to refill a working set)',
    hardware: 'x86, unspecified',
    note: 'Default in the lower half of the range: a vCPU thread inside KVM has a small host working set.',
  },
  {
    key: 'shootdownBase',
    label: 'TLB shootdown, fixed part (initiator)',
    value: 2500,
    unit: 'cycles',
    source:
      'secondary: unseel.com "TLB shootdown"; onedfrk newsletter 2026-05-25/27: ~1 us base + ~0.2 us per receiving CPU',
    hardware: 'modern Xeons; 1 us converted at 2.5 GHz',
    note: 'Fit: 4 CPUs ~1.6 us, 64 ~14 us, 256 ~50 us. A primary microbenchmark (Amit et al., USENIX ATC 2017) is still to be checked.',
  },
  {
    key: 'shootdownPerTarget',
    label: 'TLB shootdown, per receiving CPU (initiator waits)',
    value: 500,
    unit: 'cycles',
    source: 'same fit as shootdownBase: ~0.2 us per receiving CPU',
    hardware: 'modern Xeons; converted at 2.5 GHz',
    note: 'flush_tlb_kernel_range IPIs every other online CPU and waits for all of them.',
  },
  {
    key: 'ipiReceiveWork',
    label: 'shootdown work on each receiving CPU',
    value: 1000,
    unit: 'cycles',
    source: 'estimate',
    hardware: 'x86',
    note: 'Interrupt entry, the flush itself and exit on a CPU that did nothing to deserve it (~0.4 us at 2.5 GHz): the noisy-neighbour cost.',
  },
  {
    key: 'copyBytesPerCycle',
    label: 'copy bandwidth',
    value: 10,
    unit: 'bytes/cycle',
    source: 'Stack Overflow question 43343231 (2017): memcpy at 26 GB/s on an i7-6700HQ at its 2.6 GHz base clock',
    hardware: 'Intel Skylake i7-6700HQ, DDR4-2400 dual channel',
    note: 'A DRAM-bound large copy; copies of a few KiB in cache are faster, so this is conservative. Only the extra copies of read()/write() on guest_memfd depend on it; the access copy itself is the same under every strategy.',
  },
  {
    key: 'userfaultRoundTrip',
    label: 'userfaultfd fault round trip',
    value: 19500,
    unit: 'cycles',
    source:
      'makedist.com, "Measuring userfaultfd page-fault latency" (2016): mean 7.8 us over 100,000 faults; 19,500 cycles at 2.5 GHz',
    hardware: 'idle x86 desktop',
    note: 'Fault, wake of the handler thread, UFFDIO_COPY, wake of the faulting thread; excludes fetching the page over the network. Baseline of post-copy fault latency; identical for every strategy.',
  },
  {
    key: 'directMapSplitTlbMisses',
    label: 'extra direct-map TLB misses per split huge page',
    value: 0.5,
    unit: 'misses/s per CPU per split',
    source: 'estimate',
    hardware: 'x86',
    note: 'Direct-map fragmentation costs are discussed (LSF/MM) but not published as a rate; each split huge page is charged this many extra page walks per second on every CPU. Override with a measurement.',
  },
];

for (const entry of DEFAULT_COSTS) Object.freeze(entry);
Object.freeze(DEFAULT_COSTS);

export const DEFAULT_COST_TABLE: CostTable = Object.fromEntries(
  DEFAULT_COSTS.map((c) => [c.key, c.value]),
) as CostTable;

/** The full table a scenario runs with: every default, with the scenario's overrides applied and marked. */
export function resolveCostEntries(overrides: Partial<Record<CostKey, number | undefined>>): CostEntry[] {
  if (Object.keys(overrides).length === 0) return DEFAULT_COSTS;
  return DEFAULT_COSTS.map((entry) => {
    const value = overrides[entry.key as CostKey];
    if (value === undefined || value === entry.value) return entry;
    return {
      ...entry,
      value,
      source: 'scenario override',
      note: `default ${entry.value} ${entry.unit} (${entry.source}) overridden by the scenario`,
    };
  });
}

export function costTableOf(entries: CostEntry[]): CostTable {
  if (entries === DEFAULT_COSTS) return DEFAULT_COST_TABLE;
  return Object.fromEntries(entries.map((c) => [c.key, c.value])) as CostTable;
}
