// Default costs of the primitives every strategy is built from, each with its source, the
// hardware it was measured on, its class (primary, secondary, estimate) and the range its
// sources give. Values are cycles unless the unit says otherwise. Figures published in time
// units are converted at the clock stated in the note. An estimate has no primary measurement
// behind it: the reasoning is in the note, and a user with a measurement should override it
// (scenario host.costs) or calibrate it. docs/model.md lists the same table.
import type { CostEntry } from './api.ts';

export const COST_KEYS = [
  'vmExitRoundTrip',
  'nestedExitRoundTrip',
  'syscall',
  'stac',
  'clac',
  'pteUpdate',
  'pteWriteLocal',
  'invlpg',
  'invpcidOne',
  'fullTlbFlush',
  'cr3WritePcid',
  'cr3WriteNoPcid',
  'tlbRefillAfterFlush',
  'tlbRefillPerPage',
  'pagesPerCr3Switch',
  'shootdownBase',
  'shootdownPerTarget',
  'ipiReceiveWork',
  'invlpgbPerPage',
  'tlbsyncWait',
  'staleTlbLifetimeUs',
  'asiExit',
  'asiTaintMitigation',
  'copyBytesPerCycle',
  'userfaultRoundTrip',
  'directMapSplitOverheadPct',
] as const;
export type CostKey = (typeof COST_KEYS)[number];
export type CostTable = Record<CostKey, number>;

/**
 * Cost keys that model 2 no longer uses (a per-split TLB-miss rate with no source; a hardware
 * page walk, which no path charges since KVM's walks are software walks through uaccess; the
 * KVM_RUN return, identical for every strategy). A scenario may still override them (old
 * files keep reading); the override is ignored and the result says so (flag inputIgnored).
 */
export const RETIRED_COST_KEYS = ['directMapSplitTlbMisses', 'pageWalk', 'userspaceExitRoundTrip'] as const;

type Entry = CostEntry & { key: CostKey };

// Frozen: results share this table when a scenario overrides nothing. Each entry's class says
// what its source is worth (api.ts, CostClass); low and high are the range its sources give.
export const DEFAULT_COSTS: Entry[] = [
  {
    key: 'vmExitRoundTrip',
    label: 'VM exit + entry round trip',
    value: 1350,
    unit: 'cycles',
    class: 'estimate',
    low: 1100,
    high: 2800,
    source:
      'linux-kernel, Dec 2020, "KVM: SVM: use vmsave/vmload for saving/restoring additional host state" (Michael Roth): the VMRUN-to-#VMEXIT segment of a KVM_RUN, a split not found again in the posting',
    hardware: 'AMD EPYC (SVM)',
    note: 'The 1,350-cycle split could not be found again in the posting, which gives ~4,600 -> ~2,800 cycles for a whole kvm_arch_vcpu_ioctl_run of a HLT loop; so this is kept as an estimate. docs/validation.md checks it against a kvm-unit-tests vmcall figure (1,559 cycles, Skylake-SP). Only used as the baseline of exit latency and as the VM exit a shootdown IPI induces on a vCPU in guest mode.',
  },

  {
    key: 'nestedExitRoundTrip',
    label: 'nested exit (L2 to L1 through L0)',
    value: 18890,
    unit: 'cycles',
    class: 'primary',
    low: 8304,
    high: 18890,
    source:
      'KVM commit "x86/kvm/vmx: use enlightened VMCS ... static key" (Vitaly Kuznetsov): tight CPUID loop in a nested guest, 18,890 cycles; 8,304 with enlightened VMCS',
    hardware: 'KVM on Hyper-V, as posted',
    note: 'Baseline of nested TDP fault latency; identical for every strategy.',
  },
  {
    key: 'syscall',
    label: 'syscall round trip',
    value: 1000,
    unit: 'cycles',
    class: 'primary',
    low: 550,
    high: 1400,
    source:
      'FreeBSD review D13985: getppid 339 ns without PTI (478 ns with PTI and PCID); Dave Hansen, KAISER v2 cover, lore.kernel.org/all/20171031223146.6B47C861@viggo.jf.intel.com/ : lseek 192 ns without KAISER',
    hardware: 'Intel Haswell; converted at an assumed 2.9 GHz (339 ns = 983 cycles), rounded',
    note: 'Charged to VMM accesses that must use read()/write() on guest_memfd; with host.kpti the two CR3 switches of the crossing are added (cr3WritePcid).',
  },
  {
    key: 'stac',
    label: 'STAC',
    value: 5,
    unit: 'cycles',
    class: 'estimate',
    low: 1,
    high: 30,
    source:
      'estimate: no published cycle count. Andrew Cooper, Oct 2024, lore.kernel.org/all/1dfa6677-169c-42bd-ac28-2f5d340ef335@citrix.com/ : STAC/CLAC are not LFENCEs and EFLAGS.AC is not renamed on current parts',
    hardware: 'recent Intel/AMD',
    note: 'A few cycles when not serialising; tens if a part serialises on AC. Only paths that add a STAC/CLAC pair against today pay it (S5 on kernel-mapping paths). Sweep it or calibrate.',
  },
  {
    key: 'clac',
    label: 'CLAC',
    value: 5,
    unit: 'cycles',
    class: 'estimate',
    low: 1,
    high: 30,
    source: 'estimate, as STAC',
    hardware: 'recent Intel/AMD',
    note: 'As STAC.',
  },

  {
    key: 'pteUpdate',
    label: 'direct-map PTE update (set_direct_map_*)',
    value: 300,
    unit: 'cycles',
    class: 'estimate',
    low: 100,
    high: 1000,
    source: 'estimate: no published figure for set_direct_map_{invalid,default}_noflush',
    hardware: 'x86',
    note: 'A walk of the kernel page tables, one PTE write and cpa bookkeeping, under the direct-map (cpa) lock; no TLB flush (flushes are charged separately). Measure it with the kit in measure/ (funclatency).',
  },
  {
    key: 'pteWriteLocal',
    label: 'per-CPU slot PTE write',
    value: 20,
    unit: 'cycles',
    class: 'estimate',
    low: 5,
    high: 100,
    source: 'estimate',
    hardware: 'x86',
    note: 'A plain store to a PTE whose location is known (a fixmap or mm-local slot), no walk, no lock.',
  },
  {
    key: 'invlpg',
    label: 'INVLPG (local, one page)',
    value: 260,
    unit: 'cycles',
    class: 'primary',
    low: 80,
    high: 400,
    source:
      'Ingo Molnar, linux-kernel, 8 Jun 2015, lore.kernel.org/lkml/20150608195237.GA15429@gmail.com/ : 260 cycles per __flush_tlb_one; Dave Hansen, Feb 2014, lore.kernel.org/lkml/20140218193017.ECDF1089@viggo.jf.intel.com/ : ~230 cycles per extra page of flush_tlb_mm_range',
    hardware:
      'CPU not named in the posting (it speaks of "most Intel and AMD CPUs"); 80 cycles on AMD K8 (optimization guide)',
    note: 'Paid per page by the initiator and by every receiver of a flush up to tlb_single_page_flush_ceiling (33 pages), and per page by S3.',
  },
  {
    key: 'invpcidOne',
    label: 'INVPCID of one address in the user PCID (KPTI)',
    value: 350,
    unit: 'cycles',
    class: 'primary',
    low: 300,
    high: 450,
    source:
      'Dave Hansen, "x86 TLB flushing: INVPCID vs. deferred CR3 write", 5 Dec 2017, lore.kernel.org/r/3062e486-3539-8a1f-5724-16199420be71@intel.com : "INVPCID is around 1.75x the cost of doing an INVLPG alone (INVLPG is ~200 cycles and INVLPG+INVPCID is ~550)", on PTI kernels; commit 6cff64b86aaa links it ("INVPCID is _slow_")',
    hardware: '4-core Skylake desktop, as posted',
    note: "With KPTI and PCID, flush_tlb_one_kernel() flushes each page from the kernel PCID (INVLPG) and from the user PCID of the loaded mm (invpcid_flush_one() in native_flush_tlb_one_user(), arch/x86/mm/tlb.c): paid per page by the initiator and every receiver, up to the ceiling. Without INVPCID the user PCID is flushed whole at the next return to user instead. Added to this table's invlpg (260, another machine): 610 cycles a page under KPTI, against the 550 Hansen measured for the pair where INVLPG was ~200 (his 1.75x ratio would give 715): an override of either entry moves it.",
  },
  {
    key: 'fullTlbFlush',
    label: 'full TLB flush (global entries included)',
    value: 290,
    unit: 'cycles',
    class: 'primary',
    low: 96,
    high: 1000,
    source:
      'Nikita Kalyazin, "Re: [PATCH v7 06/12] KVM: guest_memfd: add module param for disabling TLB flushing", 7 Nov 2025, lore.kernel.org/all/3a87167e-32fb-4ce7-8c70-40dfa9d0f2a2@amazon.com: flushing all entries in the local TLB (no broadcast), proposed at each VM entry, "take ~100 ns on x86 and ~220 ns on ARM"',
    hardware:
      'x86, CPU, clock and instruction not stated (Amazon); "all entries" read as global ones included; ~100 ns converted at an assumed 2.9 GHz (as cr3WritePcid): 200-350 cycles at 2.0-3.5 GHz',
    note: "Above 33 pages flush_tlb_kernel_range flushes everything on every CPU; the refill that follows is tlbRefillAfterFlush. A rough figure from a remark, not a benchmark: the range stays wide. Its low end is Ingo Molnar's CR3-reload flush, 96 cycles without global entries (8 Jun 2015, link as invlpg; the default until model 2.8.0 was 200, an estimate from it). On arm64 the same post gives ~220 ns (~640 cycles at 2.9 GHz); there, with invalidation broadcast, the model charges this entry only where a CPU flushes itself (S2's deferred flushes): override it for an arm64 host.",
  },
  {
    key: 'cr3WritePcid',
    label: 'CR3 write with PCID, no flush',
    value: 200,
    unit: 'cycles',
    class: 'primary',
    low: 100,
    high: 300,
    source:
      'FreeBSD review D13985: two CR3 switches add ~139 ns to getppid (478 vs 339 ns); Dave Hansen, KAISER cover (link as syscall): +141 ns per lseek with PCID',
    hardware: 'Intel Haswell, PTI + PCID; ~70 ns each, converted at an assumed 2.9 GHz',
    note: 'Both figures are whole KPTI deltas (two CR3 writes with the trampoline and stack switch around them): right for the syscall path with KPTI, an upper bound for the CR3 write alone, which Documentation/arch/x86/pti.rst puts "on the order of a hundred cycles" (the low end). Twice per switch-point crossing under S4; twice per syscall with KPTI.',
  },
  {
    key: 'cr3WriteNoPcid',
    label: 'CR3 write without PCID',
    value: 200,
    unit: 'cycles',
    class: 'estimate',
    low: 150,
    high: 300,
    source: 'estimate: taken as cr3WritePcid for the write itself; no source measures a CR3 write without PCID alone',
    hardware: 'Intel Haswell',
    note: 'The TLB refill that follows is pagesPerCr3Switch x tlbRefillPerPage: the pages the path touches, not a whole working set.',
  },
  {
    key: 'tlbRefillAfterFlush',
    label: 'TLB refill after a full flush',
    value: 9900,
    unit: 'cycles',
    class: 'primary',
    low: 4950,
    high: 100000,
    source:
      'Andy Lutomirski, PCID v4 cover, 29 Jun 2017, lore.kernel.org/all/cover.1498751203.git.luto@kernel.org/ (and commit 10af6235e0d3): an eventfd ping-pong between two mms takes 1.22 us with PCID and 1.33 us without; touching 512 pages each iteration, 1.8 us with PCID and 6.2 us without (11M vs 207M dTLB misses). Refill: (6.2 - 1.33) - (1.8 - 1.22) = 4.29 us an iteration',
    hardware: 'Skylake laptop at 2.3 GHz, turbo off, in a KVM guest (idle=poll): 4.29 us = 9,900 cycles',
    note: 'Taken as the refill of one flush: the posting does not say whether both sides of the ping-pong touch the pages; if both do, it is half (the low end) (~9.6 cycles a walk instead of ~19; ~17 cycles a DTLB walk is the usual figure). Measured in a guest, so with two-dimensional (EPT) walks: a host refill is cheaper. A best case otherwise: 512 entries mapping the zero page, cache-hot page tables. Model 2.3.0: 11,000 -> 9,900 (the clock of the measurement). A host full flush leaves a guest\'s VPID/ASID-tagged entries alone: vCPUs in guest mode do not pay it. Depends on the working set: since model 2.6.0 a CR3 write without PCID refills only the pages its path touches (pagesPerCr3Switch x tlbRefillPerPage); this entry is the refill of a full flush, which a CPU pays for whatever it then runs. Cold or large working sets cost more ("tens-of-thousands of cycles which it costs to fully reload the TLB", Hansen, Dec 2017, link as invpcidOne; 20,000-100,000 cycles, secondary: onedfrk newsletter "PCID", 2026-06-02: the high end).',
  },
  {
    key: 'tlbRefillPerPage',
    label: 'TLB refill, one page walk after a flush',
    value: 19.3,
    unit: 'cycles',
    class: 'primary',
    low: 9.6,
    high: 40,
    source:
      'Andy Lutomirski, PCID v4 cover, 29 Jun 2017 (link as tlbRefillAfterFlush): 4.29 us of refill an iteration for 512 touched pages at 2.3 GHz, 9,900 cycles / 512 = 19.3 cycles a page',
    hardware: 'Skylake laptop at 2.3 GHz, in a KVM guest (two-dimensional walks, cache-hot page tables)',
    note: 'Low end: half, if both sides of the ping-pong touched the pages; high end: walks that miss the caches. Charged for the pages a path touches after a CR3 write without PCID (pagesPerCr3Switch).',
  },
  {
    key: 'pagesPerCr3Switch',
    label: 'pages a short kernel path touches after a CR3 write',
    value: 5,
    unit: 'pages',
    class: 'estimate',
    low: 2,
    high: 50,
    source:
      'estimate: counted for a short syscall path with the kernel image global, as upstream PTI maps it without PCID (pti_kernel_image_global_ok(), arch/x86/mm/pti.c): the user stack and code, the kernel stack, the task and the file or vCPU data, about 5 pages a switch',
    hardware: 'x86 without PCID',
    note: "Without PCID a CR3 write flushes every non-global entry, so the path refills only what it then touches, not a working set of hundreds of pages (tlbRefillAfterFlush, for full flushes). Set with Dave Hansen's lseek1 figures in view (KAISER, 1 Nov 2017, lore.kernel.org/all/8ea53aa4-34ee-15ab-c28c-04cf3c2e979b@linux.intel.com/: 2.5M lseeks/s with KAISER's shared entry areas global and no PCID against 3.0M with PCID, ~67 ns of refill a syscall, ~5 pages a switch at 19.3 cycles): docs/validation.md counts that check as circular. A VMM touching its device model between syscalls refills more (the high end); the data a read()/write() copies is added per event.",
  },
  {
    key: 'shootdownBase',
    label: 'TLB shootdown, fixed part (initiator)',
    value: 2500,
    unit: 'cycles',
    class: 'secondary',
    low: 1150,
    high: 5000,
    source:
      'secondary: unseel.com "TLB shootdown"; onedfrk newsletter 2026-05-25/27: ~1 us base + ~0.2 us per receiving CPU. Low end primary: Nadav Amit, "x86/mm: Flush remote and local TLBs concurrently", RFC, 25 May 2019, lore.kernel.org/all/20190525082203.6531-1-namit@vmware.com/ : a one-page MADV_DONTNEED flush takes 661 / 663 ns on 1 CPU, 1,436 / 1,225 ns on 2 and 1,571 / 1,421 ns on 4, before / with the concurrent flush (mainline since 4ce94eabac16): one remote CPU adds 562 ns (1,225 - 663; ~1,150 cycles less one target), each further one ~98 ns',
    hardware: 'modern Xeons; 1 us converted at 2.5 GHz (Amit: Haswell, bare metal, clock not given)',
    note: "Fit: 4 CPUs ~1.6 us, 64 ~14 us, 256 ~50 us. Amit measured less at 2-4 CPUs on one socket. No primary figure covers tens of CPUs over sockets, so the default is uncalibrated at scale: it stays on the fit because the one published scaling from a few CPUs to ~100 (XPFO, 4 against 96 CPUs, a weak proxy: different CPUs, concurrent initiators) was met by it and missed with Amit's figures (+55% against a tolerance of 50%, tried in model 2.3.0); that check was thereby used to choose and no longer counts (docs/validation.md). Calibrate from flush_tlb_kernel_range latencies on the host in question (gmemlab calibrate).",
  },
  {
    key: 'shootdownPerTarget',
    label: 'TLB shootdown, per receiving CPU (initiator waits)',
    value: 500,
    unit: 'cycles',
    class: 'secondary',
    low: 245,
    high: 750,
    source:
      'same fit as shootdownBase: ~0.2 us per receiving CPU. Low end primary: Nadav Amit, RFC, 25 May 2019 (link as shootdownBase): 4 CPUs take 196 ns more than 2 with the concurrent flush (~98 ns, 245 cycles, per further receiver; 135 ns before it)',
    hardware: 'modern Xeons; converted at 2.5 GHz',
    note: 'flush_tlb_kernel_range IPIs every other online CPU (kernel mappings have no mm cpumask) and waits for all of them. Why the default stays on the fit: see shootdownBase.',
  },
  {
    key: 'ipiReceiveWork',
    label: 'shootdown IPI handling on each receiving CPU',
    value: 1000,
    unit: 'cycles',
    class: 'estimate',
    low: 500,
    high: 3000,
    source: 'estimate: no published figure for the receiver side alone',
    hardware: 'x86',
    note: 'Interrupt entry, do_kernel_range_flush() (do_flush_tlb_all() above the ceiling) and exit, the INVLPGs themselves not included (invlpg per page, or fullTlbFlush). A CPU in guest mode also takes a VM exit for it (vmExitRoundTrip).',
  },
  {
    key: 'invlpgbPerPage',
    label: 'INVLPGB broadcast invalidation, per page',
    value: 50,
    unit: 'cycles',
    class: 'estimate',
    low: 20,
    high: 300,
    source:
      "estimate: Rik van Riel's INVLPGB series (lore.kernel.org/all/20250223194943.3518952-1-riel@surriel.com/) gives throughput (tlb_flush2 on 36-core Milan: TLB invalidation from 40% to 4% of CPU time), no per-instruction latency",
    hardware: 'AMD Zen 3+ (arm64 TLBI by analogy)',
    note: 'Issued by the initiator only; receivers take no interrupt.',
  },
  {
    key: 'tlbsyncWait',
    label: 'TLBSYNC wait for a broadcast invalidation',
    value: 3000,
    unit: 'cycles',
    class: 'estimate',
    low: 500,
    high: 10000,
    source: 'estimate: no published latency (as invlpgbPerPage); taken as about a cross-socket round trip',
    hardware: 'AMD Zen 3+',
    note: 'The initiator waits until every CPU has done the invalidation.',
  },
  {
    key: 'staleTlbLifetimeUs',
    label: 'life of a stale kernel TLB entry with no flush',
    value: 1000,
    unit: 'us',
    class: 'estimate',
    low: 10,
    high: 100000,
    source:
      'estimate: direct-map entries leave a TLB only by eviction, an INVLPG of their address or a full flush (global entries survive CR3 switches; with KPTI they are PCID-tagged and survive switches too)',
    hardware: 'x86',
    note: 'How long a CPU may still reach a page removed from the direct map when no flush was sent (S1 without flushOnZap, S2 flush "none", S3 without remote flush). A deferred flush bounds it by the next sched-in instead.',
  },
  {
    key: 'asiExit',
    label: 'ASI exit to the unrestricted address space',
    value: 1500,
    unit: 'cycles',
    class: 'estimate',
    low: 500,
    high: 5000,
    source:
      'estimate: Brendan Jackman, "ASI is fast again", Aug 2025, lore.kernel.org/all/20250812173109.295750-1-jackmanb@google.com/ gives whole-workload figures only (FIO randread -13.1%, kernel build +7.6% native, +5.8% in a guest, with an IBPB in asi_exit), no per-exit cost',
    hardware: 'the posted figures: Intel Sapphire Rapids with setcpuid=retbleed',
    note: 'The page fault on sensitive data that triggers it and the CR3 switch (S6). Not the IBPB the posted configuration adds in asi_exit() (setcpuid=retbleed, "selectively-paranoid" in its author\'s words): add it here for such a host. Not charged either: the exit the posted branch takes on every context switch (Google\'s internal version only on an mm switch).',
  },
  {
    key: 'asiTaintMitigation',
    label: 'ASI re-entry mitigation when tainted',
    value: 5000,
    unit: 'cycles',
    class: 'estimate',
    low: 1000,
    high: 30000,
    source: 'estimate (as asiExit): the flush done on the way back to the guest when sensitive data was touched',
    hardware: 'x86',
    note: 'L1D/predictor flushes and their refill; taint tracking skips it when nothing sensitive was touched (S6).',
  },
  {
    key: 'copyBytesPerCycle',
    label: 'copy bandwidth',
    value: 16,
    unit: 'bytes/cycle',
    class: 'estimate',
    low: 4,
    high: 40,
    source:
      "estimate: no published measurement of a cache-hot 4 KiB copy_to_user/copy_from_user was found. A 4 KiB user copy is one REP MOVSB (copy_user_generic(), arch/x86/include/asm/uaccess_64.h; FSRM covers 1-128 bytes only, Tony Luck, lkml.kernel.org/r/20191216214254.26492-1-tony.luck@intel.com), bounded by the core's L1 store width (32-64 bytes/cycle) and a start-up of a few tens of cycles: ~25-40 bytes/cycle from L1, ~10-20 from L2/LLC, ~4-5 from DRAM",
    hardware: 'x86 server cores (Skylake-SP and later, Zen 3+)',
    note: 'The model charges bytes / this rate, with no REP MOVSB start-up (tens of cycles), so copies of a few bytes cost next to nothing; without ERMS the kernel copies with a MOVSQ loop (rep_movs_alternative). Model 2.3.0 replaced 10 bytes/cycle, a Stack Overflow question (43343231) whose 26 GB/s counted both the read and the write of a 1 GiB DRAM copy (~13 GB/s, ~5 bytes/cycle). Measure it on the host (perf bench mem memcpy -s 4KB) and override. The extra copies of read()/write() on guest_memfd depend on it, and so do the lengths of the windows in which a page is mapped for its copy (uaccess, S2, S3, S6): exposure, not only cost.',
  },
  {
    key: 'userfaultRoundTrip',
    label: 'userfaultfd fault round trip',
    value: 19500,
    unit: 'cycles',
    class: 'primary',
    low: 10000,
    high: 60000,
    source:
      'makedist.com, "Measuring userfaultfd page-fault latency" (2016): mean 7.8 us over 100,000 faults; 19,500 cycles at 2.5 GHz',
    hardware: 'idle x86 desktop',
    note: 'Fault, wake of the handler thread, UFFDIO_COPY, wake of the faulting thread; one uffd serialises as vCPUs grow (Moorthy, Apr 2023), which is not modelled. Baseline of post-copy fault latency; identical for every strategy.',
  },
  {
    key: 'directMapSplitOverheadPct',
    label: 'lasting cost of a split direct map',
    value: 0.5,
    unit: '% of host cycles, per split share',
    class: 'estimate',
    low: 0,
    high: 2,
    source:
      'estimate: Mike Rapoport, LSF/MM 2023 (lwn.net/Articles/931406/): measured differences between 4K, 2M and 1G direct maps were small; Xing Zhengjun (Intel, Jan 2021, 259 tests on 4 servers): 1G best in 45% of tests, 4K lowest on all 4 machines, no single figure',
    hardware: 'x86 servers',
    note: "Charged on the share of host memory (not guest memory, which is no longer reached through the direct map) that lies in split huge pages. Possibly low: Song Liu (7 May 2022, lore.kernel.org/all/719D99A4-3100-49EC-A7D6-6F9CDBA053C4@fb.com/) measured 0.5-0.7% more throughput once BPF programs split fewer direct-map pages (splits removed not given; part of the gain is the programs' text in fewer pages), at or above this entry with all host memory split.",
  },
];

for (const entry of DEFAULT_COSTS) Object.freeze(entry);
Object.freeze(DEFAULT_COSTS);

export const DEFAULT_COST_TABLE: CostTable = Object.fromEntries(
  DEFAULT_COSTS.map((c) => [c.key, c.value]),
) as CostTable;

/**
 * The full table a scenario runs with: every default, with the scenario's overrides applied and
 * marked. When the overrides came from a host profile (`host.profile`), they say which.
 */
export function resolveCostEntries(
  overrides: Partial<Record<string, number | undefined>>,
  profile?: { id: string; name: string; entries?: readonly string[] | undefined },
): CostEntry[] {
  if (!hasOwnKeys(overrides)) return DEFAULT_COSTS;
  const measured =
    profile === undefined
      ? ''
      : `host profile "${profile.name}" (${profile.id.slice(0, 12)}), measured on the host (gmemlab calibrate)`;
  return DEFAULT_COSTS.map((entry) => {
    const value = overrides[entry.key];
    if (value === undefined || value === entry.value) return entry;
    // Set by the profile (every override, for a scenario that does not list the profile's entries).
    const fromProfile = profile !== undefined && (profile.entries === undefined || profile.entries.includes(entry.key));
    return {
      ...entry,
      value,
      // The default's class and range describe the default's sources, not this figure: one
      // measured on the host (a profile) is primary, a number typed into the scenario cannot be
      // told from an estimate. The range is the default's, widened to hold the value.
      class: fromProfile ? 'primary' : 'estimate',
      low: Math.min(entry.low, value),
      high: Math.max(entry.high, value),
      source: fromProfile ? measured : 'scenario override',
      note: `default ${entry.value} ${entry.unit} (${entry.source}) overridden by the scenario${
        fromProfile ? `; the range measured is in the profile (gmemlab profiles ${profile.id.slice(0, 12)})` : ''
      }`,
    };
  });
}

/** Whether an object has an own enumerable key (Object.keys(o).length > 0, without making the array: once per analytic point). */
export function hasOwnKeys(o: object): boolean {
  for (const key in o) if (Object.hasOwn(o, key)) return true;
  return false;
}

/**
 * What a CR3 write costs, and the refill it leaves: none with PCID (the kernel's and the user's
 * entries keep their tags), else the pages the path then touches (pagesPerCr3Switch, Lutomirski's
 * walk each). The formulas and the simulator charge the same.
 */
export function cr3SwitchCosts(c: CostTable, pcid: boolean): Cr3SwitchCosts {
  return pcid
    ? { write: c.cr3WritePcid, refill: 0, flushes: false }
    : { write: c.cr3WriteNoPcid, refill: c.pagesPerCr3Switch * c.tlbRefillPerPage, flushes: true };
}

export interface Cr3SwitchCosts {
  write: number;
  /** The refill of the pages the path touches after the write. */
  refill: number;
  /** Whether the write flushes the non-global entries (no PCID): any page touched after it is walked again. */
  flushes: boolean;
}

export function costTableOf(entries: CostEntry[]): CostTable {
  if (entries === DEFAULT_COSTS) return DEFAULT_COST_TABLE;
  return Object.fromEntries(entries.map((c) => [c.key, c.value])) as CostTable;
}
