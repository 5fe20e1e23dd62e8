// docs/validation.md, generated: published measurements from primary sources, each set up as a
// scenario, the model's figure beside it and a tolerance. `node docs/validation.ts --write`
// rewrites the file; docs/validation.test.ts fails when the model drifts out of a tolerance or
// the file no longer matches what this script makes.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DEFAULT_COST_TABLE,
  MODEL_VERSION,
  PRESETS,
  runAnalytic,
  setParameter,
  type Scenario,
} from '../common/core/index.ts';

export interface ValidationCase {
  id: string;
  title: string;
  /** The published figure, quoted, with who measured it, where and on what. */
  published: string;
  source: string;
  setup: string;
  /** The published figure and the model's, in the same unit. */
  publishedValue: number;
  modelValue: () => number;
  unit: string;
  /** Allowed relative gap (0.25: within 25%), or a factor (3: within 3x either way). */
  tolerance: { relative: number } | { factor: number };
  /**
   * counted: an independent check; circular: a default was taken from this same figure; shown:
   * the model cannot speak to it fully (said why), or disagrees for a known reason.
   */
  kind: 'counted' | 'circular' | 'shown';
  note: string;
}

const preset = (id: string): Scenario => PRESETS.find((p) => p.id === id)!.scenario;
const metric = (s: Scenario, strategy: string, key: string): number =>
  runAnalytic(s).strategies.find((r) => r.strategy === strategy)!.metrics[key]!.mean;
const set = (s: Scenario, changes: Record<string, unknown>): Scenario =>
  Object.entries(changes).reduce((x, [path, value]) => setParameter(x, path, value), s);

/** A quiet host with only the given KVM touchpoint active, for per-event figures. */
function only(touchpoint: string, changes: Record<string, unknown> = {}): Scenario {
  let s = preset('quiet-cloud-vm');
  for (const id of Object.keys(s.workload.touchpoints)) s = setParameter(s, `workload.touchpoints.${id}.ratePerSec`, 0);
  return set(s, { [`workload.touchpoints.${touchpoint}.ratePerSec`]: 1, ...changes });
}

/**
 * Host cycles one single-page kernel-range shootdown costs: S1 population with the flush on, one
 * page a second, the breakdown's flush terms (the initiator, the receivers, the exits they take,
 * refills), without the zap and the split direct map.
 */
function flushCostPerPage(changes: Record<string, unknown>): number {
  const s = only('populate', { 'vm.vcpus': 1, 'host.irqPerSecPerCpu': 0, ...changes });
  const breakdown = runAnalytic(s).strategies.find((r) => r.strategy === 'S1')!.breakdown!;
  return ['initiatorFlush', 'receivers', 'inducedExits', 'tlbRefill'].reduce(
    (n, comp) => n + (breakdown[`populate.${comp}`] ?? 0),
    0,
  );
}

/**
 * Host cycles a page under XPFO as S2 sets it up (restore and remove: the unmap at allocation and
 * the map-back at free, two PTE updates, and a flush), one page an event with nothing copied,
 * every busy CPU in host mode, KPTI on (4.20 on Meltdown-affected CPUs). The lasting split-
 * direct-map penalty is left out: it is not a cost a page. No sched-ins: under "deferred" the
 * full flushes at mm switches are not counted (the posting does not give their number).
 */
function xpfoCyclesPerPage(cpus: number, busy: number, flush: 'immediate' | 'deferred'): number {
  const rate = 1000;
  const s = only('hypercall', {
    'host.cpus': cpus,
    'vm.vcpus': busy,
    'vm.inKvmRunFraction': 0,
    'host.irqPerSecPerCpu': 0,
    'host.kpti': true,
    'vm.schedInsPerSecPerVcpu': 0,
    'workload.touchpoints.hypercall.ratePerSec': rate,
    'workload.touchpoints.hypercall.pagesPerEvent': 1,
    'workload.touchpoints.hypercall.bytesPerEvent': 0,
    'strategies.S2.flush': flush,
  });
  const breakdown = runAnalytic(s).strategies.find((r) => r.strategy === 'S2')!.breakdown!;
  const cycles = Object.entries(breakdown).reduce((n, [k, v]) => (k === 'none.directMapSplit' ? n : n + v), 0);
  return cycles / (busy * rate);
}

/** The tlb_flush2 check's share at another clock (whole %), for its note. */
const atClock = (ghz: number): string =>
  shootdownShareOfCpuTime(527_000, { 'host.cpus': 36, 'host.vendor': 'amd', 'host.ghz': ghz }).toFixed(0);

/**
 * The share of the host's CPU time (%) that `perSec` single-page kernel-range shootdowns take,
 * sent from every CPU: S1 population at that rate with a vCPU thread on each CPU, none in guest
 * mode (the test's threads run in the host), the breakdown's flush terms over N CPUs' cycles.
 */
function shootdownShareOfCpuTime(perSec: number, changes: Record<string, unknown>): number {
  const cpus = Number(changes['host.cpus']);
  const s = only('populate', {
    'vm.vcpus': cpus,
    'vm.inKvmRunFraction': 0,
    'host.irqPerSecPerCpu': 0,
    ...changes,
  });
  const scenario = set(s, { 'workload.touchpoints.populate.ratePerSec': perSec });
  const breakdown = runAnalytic(scenario).strategies.find((r) => r.strategy === 'S1')!.breakdown!;
  const cycles = ['initiatorFlush', 'receivers', 'inducedExits', 'tlbRefill'].reduce(
    (n, comp) => n + (breakdown[`populate.${comp}`] ?? 0),
    0,
  );
  return (100 * cycles) / (scenario.host.cpus * scenario.host.ghz * 1e9);
}

/**
 * What KPTI adds to a syscall (ns), with or without PCID: the latency of a VMM read()/write()
 * under S5 with host.kpti on less off, at 2.9 GHz (the clock cr3WritePcid was converted at).
 */
function kptiSyscallNs(pcid: boolean): number {
  // lseek copies nothing: no buffer to walk again after the switch.
  const s = only('virtio', { 'host.ghz': 2.9, 'host.pcid': pcid, 'workload.touchpoints.virtio.bytesPerEvent': 0 });
  const us = (kpti: boolean) => metric(set(s, { 'host.kpti': kpti }), 'S5', 'latency.virtio.meanUs');
  return (us(true) - us(false)) * 1000;
}

export const VALIDATION_CASES: ValidationCase[] = [
  {
    id: 'kpti-pcid',
    title: 'KPTI with PCID: what two CR3 switches add to a syscall',
    published: '"kaiser+ pcid: 3.0M" lseeks/s against "no kaiser: 5.2M": 333 ns against 192 ns, +141 ns per syscall',
    source:
      'Dave Hansen, KAISER v2 cover letter, 31 Oct 2017, lore.kernel.org/all/20171031223146.6B47C861@viggo.jf.intel.com/',
    setup:
      'will-it-scale lseek1, one thread, CPU not stated (PCID: Haswell or later). Model: S5 with the VMM reaching guest memory by read()/write(), host.kpti on against off, at 2.9 GHz (the clock the default was converted at); the difference in the latency of a VMM event.',
    publishedValue: 141,
    modelValue: () => kptiSyscallNs(true),
    unit: 'ns',
    tolerance: { relative: 0.25 },
    kind: 'counted',
    note: 'The default cr3WritePcid comes from another measurement of the same quantity (FreeBSD review D13985, 139 ns for two switches); this one is independent of it.',
  },
  {
    id: 'kpti-nopcid-global',
    title: "KPTI without PCID, KAISER's shared entry areas global: what a syscall pays",
    published:
      '"kaiser+nopcid+ge: 2.5M" lseeks/s against "no kaiser: 5.2M": 400 ns against 192 ns, +208 ns per syscall ("ge", "Global Entry": the areas KAISER maps in both page tables global, "the process stack" too; not the kernel image)',
    source:
      'Dave Hansen, reply to the KAISER v2 cover, 1 Nov 2017, lore.kernel.org/all/8ea53aa4-34ee-15ab-c28c-04cf3c2e979b@linux.intel.com/',
    setup:
      'will-it-scale lseek1, one thread, as the PCID check. Model: the same, with host.pcid off: two CR3 writes, and after each the refill of the pages the path touches (pagesPerCr3Switch x tlbRefillPerPage); lseek copies nothing.',
    publishedValue: 208,
    modelValue: () => kptiSyscallNs(false),
    unit: 'ns',
    tolerance: { relative: 0.25 },
    kind: 'circular',
    note: "Not upstream's mapping: since 4.17 PTI without PCID also leaves the kernel text global (pti_kernel_image_global_ok(); Hansen, \"x86/pti: leave kernel text global for !PCID\", Apr 2018, lore.kernel.org/all/20180404011011.82027E0C@viggo.jf.intel.com/), which on an Atom microserver took lseek1 from 7.53M lseeks/s with the entry areas alone to 8.43M (6.08M with nothing global): 14 ns less an lseek. So a syscall on upstream's mapping pays less than the 208 ns here; the model charges pagesPerCr3Switch pages after each switch whatever is global. The page count (5, an estimate counted for a short syscall path) was set with Hansen's figures in view, so the check does not count. Until model 2.6.0 the refill was Lutomirski's 512 touched pages (tlbRefillAfterFlush): 6,966 ns against the 208 here.",
  },
  {
    id: 'kpti-nopcid',
    title: 'KPTI without PCID or global kernel entries: what a syscall pays',
    published: '"kaiser+nopcid: 2.2M" lseeks/s against "no kaiser: 5.2M": 455 ns against 192 ns, +262 ns per syscall',
    source:
      'Dave Hansen, KAISER v2 cover letter, 31 Oct 2017, lore.kernel.org/all/20171031223146.6B47C861@viggo.jf.intel.com/',
    setup:
      'will-it-scale lseek1, one thread, as the PCID check, but with no global kernel entries (KAISER v2 as posted). Model: as the check above; it has no setting for a kernel image that is not global.',
    publishedValue: 262,
    modelValue: () => kptiSyscallNs(false),
    unit: 'ns',
    tolerance: { relative: 0.25 },
    kind: 'shown',
    note: "Not upstream's mapping: without global entries the kernel text the path runs is walked again after each switch too (54 ns more a syscall here than with them), which the model, following upstream, does not charge. Shown for the scale: it rests on the same estimate as the check above.",
  },
  {
    id: 'demand-paging',
    title: 'Post-copy demand paging through one userfaultfd, one vCPU',
    published: '150 thousand pages/s with 1 vCPU, all guest memory on one userfaultfd ("without new caps")',
    source:
      'Anish Moorthy, KVM_EXIT_MEMORY_FAULT v3 cover letter, 12 Apr 2023, lore.kernel.org/kvm/20230412213510.1220557-1-amoorthy@google.com/',
    setup:
      'demand_paging_test -b 64M -u MINOR -s shmem, x86 with 256 cores (clock not stated). Model: the S0 latency of a post-copy fault at 2.5 GHz, as pages per second of one faulting vCPU.',
    publishedValue: 150_000,
    modelValue: () => 1e6 / metric(only('postCopy', { 'vm.postCopy': true }), 'S0', 'latency.postCopy.meanUs'),
    unit: 'pages/s',
    tolerance: { relative: 0.3 },
    kind: 'counted',
    note: 'The default userfaultRoundTrip is a different measurement (makedist, 2016, 7.8 us). The model has no contention on the userfaultfd: at 256 vCPUs the same table falls to 36 thousand pages/s in all, which it does not reproduce (below).',
  },
  {
    id: 'nested-exit',
    title: 'A nested exit (L2 to L1 through L0)',
    published: 'nested vmexit.flat cpuid: 14,886 cycles (13,142 after the series)',
    source:
      'Paolo Bonzini, "[PATCH 00/43] VMX optimizations", kvm list (found in a patchwork digest; date and hardware not given)',
    setup:
      'kvm-unit-tests vmexit cpuid, run in an L1 guest. Model: the baseline latency of a nested TDP fault with nothing copied, in cycles.',
    publishedValue: 14_886,
    modelValue: () =>
      metric(
        only('nestedTdp', { 'vm.nested': true, 'workload.touchpoints.nestedTdp.bytesPerEvent': 0 }),
        'S0',
        'latency.nestedTdp.meanUs',
      ) * 2500,
    unit: 'cycles',
    tolerance: { relative: 0.35 },
    kind: 'counted',
    note: "The default (18,890 cycles) is Vitaly Kuznetsov's measurement of KVM on Hyper-V, a different host.",
  },
  {
    id: 'vmexit',
    title: 'A VM exit and entry (kvm-unit-tests vmcall)',
    published: '"Before patch: vmcall 1559" cycles',
    source: 'Wanpeng Li, kvm list, 12 Mar 2020 (message 1584007547-4802-1-git-send-email-wanpengli@tencent.com)',
    setup:
      'kvm-unit-tests vmexit.flat on a Skylake-SP server. Model: the S0 latency of a hypercall with nothing copied, in cycles.',
    publishedValue: 1559,
    modelValue: () =>
      metric(
        only('hypercall', { 'workload.touchpoints.hypercall.bytesPerEvent': 0 }),
        'S0',
        'latency.hypercall.meanUs',
      ) * 2500,
    unit: 'cycles',
    tolerance: { relative: 0.25 },
    kind: 'counted',
    note: 'The default vmExitRoundTrip (1,350 cycles, AMD) is an estimate whose split could not be found again in its posting.',
  },
  {
    id: 'invlpg',
    title: 'An INVLPG of one kernel page',
    published: '"INVLPG is ~200 cycles and INVLPG+INVPCID is ~550"',
    source:
      'Dave Hansen, "x86 TLB flushing: INVPCID vs. deferred CR3 write", 5 Dec 2017, lore.kernel.org/r/3062e486-3539-8a1f-5724-16199420be71@intel.com',
    setup:
      "A 4-core Skylake desktop on a PTI kernel, flushing single pages. Model: the per-page cost of S3's local window without KPTI (one INVLPG and two PTE writes) less the two writes (an estimate, 2 x 20 cycles).",
    publishedValue: 200,
    modelValue: () => {
      const s = only('hypercall', {
        'workload.touchpoints.hypercall.pagesPerEvent': 1,
        'workload.touchpoints.hypercall.bytesPerEvent': 0,
        'host.kpti': false,
      });
      return metric(s, 'S3', 'cost.cyclesPerSecPerVcpu') / s.workload.touchpoints.hypercall.ratePerSec - 2 * 20;
    },
    unit: 'cycles',
    tolerance: { relative: 0.35 },
    kind: 'counted',
    note: "The default invlpg (260 cycles) is Ingo Molnar's 2015 measurement and Hansen's 2014 one of flush_tlb_mm_range, other CPUs; the INVPCID figure of this same posting is the default invpcidOne, which this check does not touch. 35% as for the nested exit: one instruction on another microarchitecture.",
  },
  {
    id: 'xpfo-scaling',
    title: 'A kernel-range shootdown per page, 4 CPUs against 96',
    published:
      'system time of a kernel build with XPFO\'s eager flush: 2.614x on 4 cores ("make -j4"), 26.366x on 96 cores ("make -j60"): the flush overhead grows 15.7x',
    source:
      'Khalid Aziz, XPFO v7 cover letter, 10 Jan 2019, lore.kernel.org/all/cover.1547153058.git.khalid.aziz@oracle.com/',
    setup:
      'Core i5-3550 (4 cores) and Xeon Platinum 8160 (96 cores), Linux 4.20: one flush_tlb_kernel_range of a page per user-page allocation. Model: the host cycles of one single-page shootdown (S1 population with the flush on, less the zap), 96 CPUs over 4. The build does the same allocations on both, so the ratio of the excess system time is the ratio of cost per flush.',
    publishedValue: (26.366 - 1) / (2.614 - 1),
    modelValue: () => flushCostPerPage({ 'host.cpus': 96 }) / flushCostPerPage({ 'host.cpus': 4 }),
    unit: 'x',
    tolerance: { relative: 0.5 },
    kind: 'circular',
    note: "Used in model 2.3.0 to choose the shootdown defaults (Amit's one-socket figures gave +55% here, the secondary fit +35%), so it no longer counts. A weak proxy besides: two different CPUs, -j4 against -j60 (concurrent initiators queue on the receivers), and system time holds what XPFO does besides flushing, which the ratio cancels only in part.",
  },
  {
    id: 'xpfo-deferred',
    title: "XPFO's deferred flush: what it leaves of the eager flush's cost, 4 CPUs",
    published:
      'system time of "make -j4 all": 607.671 s on 4.20, 1588.646 s with XPFO (2.61x), 803.989 s with XPFO and its deferred flush (1.32x): the deferred flush leaves 20% of the eager excess (196.3 s of 981.0 s)',
    source:
      'Khalid Aziz, XPFO v8 cover letter, 13 Feb 2019, lore.kernel.org/all/cover.1550088114.git.khalid.aziz@oracle.com/ ; the same table in v9 12/13, "xpfo, mm: Defer TLB flushes for non-current CPUs (x86 only)", 3 Apr 2019, lore.kernel.org/all/4495dda4bfc4a06b3312cc4063915b306ecfaecb.1554248002.git.khalid.aziz@oracle.com/',
    setup:
      'Core i5-3550 (4 cores, 3.3 GHz), Linux 4.20 with PTI: each page allocated to userspace is unmapped from the direct map and flushed; deferred, the flush is local and every other CPU flushes its whole TLB at its next mm switch (switch_mm_irqs_off(), a global pending mask). Model: S2, one page an event with nothing copied (restore and remove), 4 busy CPUs in host mode, KPTI and PCID on; host cycles a page with flush "deferred" over "immediate", the split-direct-map penalty left out, no sched-ins.',
    publishedValue: (803.989 - 607.671) / (1588.646 - 607.671),
    modelValue: () => xpfoCyclesPerPage(4, 4, 'deferred') / xpfoCyclesPerPage(4, 4, 'immediate'),
    unit: 'ratio',
    tolerance: { factor: 2 },
    kind: 'shown',
    note: `Shown, not counted. The eager denominator rests on the shootdown entries, kept on their fit because they met this posting's eager scaling (the check above); and the posting gives no count of mm switches, each of which costs a full flush and a refill under the deferred flush (fullTlbFlush + tlbRefillAfterFlush, ${Math.round(DEFAULT_COST_TABLE.fullTlbFlush + DEFAULT_COST_TABLE.tlbRefillAfterFlush).toLocaleString('en-US')} cycles). Without them the model's figure is a lower bound (${Math.round(xpfoCyclesPerPage(4, 4, 'deferred')).toLocaleString('en-US')} cycles a page against ${Math.round(xpfoCyclesPerPage(4, 4, 'immediate')).toLocaleString('en-US')} eager); ~0.08 switches an allocated page would close the gap. On 96 CPUs (-j60) the posting gives ${((1372.874 - 950.966) / (25073.169 - 950.966)).toFixed(4)} against the model's ${(xpfoCyclesPerPage(96, 60, 'deferred') / xpfoCyclesPerPage(96, 60, 'immediate')).toFixed(4)}: there idle CPUs that pick up a task switch mm too, and every allocation writes one global cpumask, which the model has no term for.`,
  },
  {
    id: 'shootdown-share-36',
    title: 'Single-page shootdowns from every CPU of 36: their share of CPU time',
    published:
      '"vanilla kernel: 527k loops/second" of will-it-scale tlb_flush2_threads, and "TLB invalidation went down from 40% of the total CPU time" (in the profile of that rate)',
    source:
      'Rik van Riel, "AMD broadcast TLB invalidation" v5 cover letter, Jan 2025 (mail.spinics.net/lists/linux-mm/msg420067.html); the same figures in RFC v2, 22 Dec 2024 (lkml.iu.edu/hypermail/linux/kernel/2412.2/08821.html); the loop: will-it-scale tests/tlb_flush2.c',
    setup:
      "AMD Milan with 36 cores, clock not stated (2.5 GHz taken). Each loop of tlb_flush2 touches a page and madvise(MADV_DONTNEED)s it: one single-page flush to the other 35 CPUs, which all run the test. Model: 527,000 single-page shootdowns a second over IPIs on 36 CPUs, sent from all of them (S1 population at that rate, a thread on each CPU, none in guest mode); the initiators' and the receivers' cycles over the 36 CPUs'.",
    publishedValue: 40,
    modelValue: () => shootdownShareOfCpuTime(527_000, { 'host.cpus': 36, 'host.vendor': 'amd', 'host.ghz': 2.5 }),
    unit: '%',
    tolerance: { relative: 0.35 },
    kind: 'shown',
    note: `Shown, not counted: the INVLPGB check below is counted on the same posting's 40%, and this tolerance was set with the clock's spread in view. It checks the shootdown entries (shootdownBase, shootdownPerTarget: a secondary fit; ipiReceiveWork: an estimate) at 36 CPUs, which no default was taken from. The clock moves it: ${atClock(2)}% at 2.0 GHz, ${atClock(3)}% at 3.0 GHz. A user-range flush goes to the mm's CPUs, here all 36, as a kernel-range one goes to every CPU; a profile's share stands in for cycles. Hence 35%.`,
  },
  {
    id: 'invlpgb',
    title: 'Broadcast invalidation (INVLPGB) against IPIs',
    published: '"TLB invalidation went down from 40% of the total CPU time to only around 4% of CPU time" with INVLPGB',
    source:
      'Rik van Riel, INVLPGB RFC v2, 22 Dec 2024 (lkml.iu.edu/hypermail/linux/kernel/2412.2/08821.html), repeated in later versions',
    setup:
      'will-it-scale tlb_flush2_threads on a 36-core AMD Milan (user-range flushes). Model: the host cycles of one single-page shootdown, broadcast over IPIs, 36 CPUs.',
    publishedValue: 4 / 40,
    modelValue: () =>
      flushCostPerPage({ 'host.cpus': 36, 'host.vendor': 'amd', 'host.tlbInvalidation': 'broadcast' }) /
      flushCostPerPage({ 'host.cpus': 36, 'host.vendor': 'amd' }),
    unit: 'ratio',
    tolerance: { factor: 3 },
    kind: 'counted',
    note: 'A weak check: a share of CPU time after the change (contention moved to the LRU lock) stands in for a cost per flush, and invlpgbPerPage and tlbsyncWait are estimates. Hence the wide tolerance.',
  },
  {
    id: 'refill',
    title: 'The TLB refill of 512 touched pages after a CR3 switch without PCID',
    published:
      'eventfd ping-pong between two mms: 1.22 us with PCID, 1.33 us without; touching 512 pages each iteration: 1.8 us with PCID, 6.2 us without. Refill: (6.2 - 1.33) - (1.8 - 1.22) = 4.29 us an iteration, taken as one flush (whether both sides touch the pages is not said)',
    source:
      'Andy Lutomirski, PCID v4 cover letter, 29 Jun 2017, lore.kernel.org/all/cover.1498751203.git.luto@kernel.org/',
    setup:
      'Skylake laptop at 2.3 GHz, turbo off, in a KVM guest (commit 10af6235e0d3). Model: S4 without PCID, the path touching 512 pages after each switch (host.costs.pagesPerCr3Switch = 512), the refill per switch at 2.3 GHz.',
    publishedValue: 4.29,
    modelValue: () => {
      const s = only('hypercall', { 'host.costs.pagesPerCr3Switch': 512 });
      const noPcid = metric(set(s, { 'host.pcid': false }), 'S4', 'cost.cyclesPerSecPerVcpu');
      const pcid = metric(s, 'S4', 'cost.cyclesPerSecPerVcpu');
      const crossings = s.vm.userspaceExitsPerSecPerVcpu + s.vm.schedInsPerSecPerVcpu;
      return (noPcid - pcid) / (2 * crossings) / 2300;
    },
    unit: 'us',
    tolerance: { relative: 0.05 },
    kind: 'circular',
    note: 'tlbRefillPerPage (and tlbRefillAfterFlush, the refill of a full flush) were taken from this figure: it shows the model uses them as intended, nothing more.',
  },
  {
    id: 'shootdown-small',
    title: 'A shootdown to one other CPU',
    published:
      'MADV_DONTNEED of one page, with the local and remote flushes done concurrently (mainline since 4ce94eabac16): 663 ns with 1 thread, 1,225 ns with 2: one remote CPU adds 562 ns (775 ns before that change)',
    source: 'Nadav Amit, May 2019, lore.kernel.org/all/20190525082203.6531-1-namit@vmware.com/',
    setup:
      'Haswell, bare metal (clock not given, 2.5 GHz taken). Model: the fixed part of an S1 population shootdown on 2 CPUs, with no vCPU receiving.',
    publishedValue: 562,
    modelValue: () => (flushCostPerPage({ 'host.cpus': 2, 'vm.inKvmRunFraction': 0 }) - 1000 - 260) / 2.5,
    unit: 'ns',
    tolerance: { relative: 0.25 },
    kind: 'shown',
    note: 'Outside what a default should allow: shootdownBase and shootdownPerTarget follow a secondary fit for tens to hundreds of CPUs across sockets (4 CPUs ~1.6 us, 256 ~50 us), uncalibrated at scale; Amit measured less on one socket. The range of both entries includes his figures; calibrate on the host in question.',
  },
  {
    id: 'gmem-flush',
    title: 'guest_memfd faults with and without the flush',
    published:
      '"TLB flushes resulted in a up to 40x elongation of page faults in guest_memfd (scaling with the number of CPU cores), or a 5x elongation of memory population"',
    source:
      'Patrick Roy, "KVM: guest_memfd: Add flag to remove from direct map", v4 03/12, 21 Feb 2025, lore.kernel.org/all/20250221160728.1584559-4-roypat@amazon.co.uk/',
    setup:
      'Not published: no CPU, CPU count, memory size or baseline. Model: S1 population latency with the flush on over off, on the preset host (64 CPUs), for a first touch that costs only the zap and clearing the page.',
    publishedValue: 40,
    modelValue: () => {
      const s = only('populate');
      const on = metric(s, 'S1', 'latency.populate.meanUs');
      return on / metric(set(s, { 'strategies.S1.flushOnZap': false }), 'S1', 'latency.populate.meanUs');
    },
    unit: 'x',
    tolerance: { factor: 3 },
    kind: 'shown',
    note: 'Shown, not counted: without the set-up, 40x cannot be set up as a scenario; the model gives the order of magnitude for a 64-CPU host when the fault itself is cheap.',
  },
];

export interface CaseOutcome {
  c: ValidationCase;
  model: number;
  gap: number;
  within: boolean;
}

export function evaluateCases(): CaseOutcome[] {
  return VALIDATION_CASES.map((c) => {
    const model = c.modelValue();
    const gap = (model - c.publishedValue) / c.publishedValue;
    const within =
      'relative' in c.tolerance
        ? Math.abs(gap) <= c.tolerance.relative
        : model <= c.publishedValue * c.tolerance.factor && model >= c.publishedValue / c.tolerance.factor;
    return { c, model, gap, within };
  });
}

const fmt = (v: number): string => (Math.abs(v) >= 100 ? Math.round(v).toLocaleString('en-US') : v.toPrecision(3));

/** The whole of docs/validation.md. */
export function renderValidation(): string {
  const outcomes = evaluateCases();
  const counted = outcomes.filter((o) => o.c.kind === 'counted');
  const lines = [
    '# Validation against published measurements',
    '',
    `Generated by \`node docs/validation.ts --write\` from model ${MODEL_VERSION} (analytic engine);`,
    '`docs/validation.test.ts` fails when a counted check leaves its tolerance or this file no',
    'longer matches what the script makes. Each check: a measurement published by whoever made it,',
    "its set-up, the scenario that sets it up, the model's figure and the tolerance. Only",
    'independent checks are counted; a check whose figure a default was taken from is labelled',
    'circular, and one the model cannot fully set up, or misses for a known reason, is shown with',
    'the reason.',
    '',
    `Counted: ${counted.filter((o) => o.within).length} of ${counted.length} within tolerance.`,
    '',
    '| check | published | model | gap | tolerance | kind |',
    '| --- | ---: | ---: | ---: | --- | --- |',
    ...outcomes.map(
      (o) =>
        `| ${o.c.title} | ${fmt(o.c.publishedValue)} ${o.c.unit} | ${fmt(o.model)} ${o.c.unit} | ${o.gap >= 0 ? '+' : ''}${(o.gap * 100).toFixed(0)}% | ${'relative' in o.c.tolerance ? `within ${o.c.tolerance.relative * 100}%` : `within ${o.c.tolerance.factor}x`} | ${o.c.kind}${o.within ? '' : ', outside'} |`,
    ),
    '',
  ];
  for (const o of outcomes)
    lines.push(
      `## ${o.c.title}`,
      '',
      `- Published: ${o.c.published}.`,
      `- Source: ${o.c.source}.`,
      `- Set-up: ${o.c.setup}`,
      `- Model: ${fmt(o.model)} ${o.c.unit} against ${fmt(o.c.publishedValue)} ${o.c.unit} (${o.gap >= 0 ? '+' : ''}${(o.gap * 100).toFixed(1)}%), ${o.within ? 'within' : 'outside'} the tolerance; ${o.c.kind}.`,
      `- ${o.c.note}`,
      '',
    );
  lines.push(
    '## Published results the model cannot set up',
    '',
    '- ASI (Brendan Jackman, "ASI is fast again", Aug 2025, lore.kernel.org/all/20250812173109.295750-1-jackmanb@google.com/):',
    '  FIO randread -13.1%, kernel build +7.6% native and +5.8% in a guest, on Sapphire Rapids with an IBPB in asi_exit().',
    '  The model has no workload for a native kernel build or FIO on tmpfs, and its asiExit and',
    '  asiTaintMitigation entries are estimates: these figures bound what S6 may cost, they do not check it.',
    '- On-demand direct-map restore (Patrick Roy, RFC v1, 9 Jul 2024, lore.kernel.org/kvm/20240709132041.3625501-1-roypat@amazon.co.uk/):',
    '  fio on virtio-blk with 1 vCPU on a 64-core Xeon Platinum 8375C fell from ~600 MB/s to ~50 MB/s',
    '  with a prototype using set_memory_np()/set_memory_p(); the cover letter says "the cache flushes caused',
    '  throughput to drop", and that with set_direct_map_{invalid,default}_noflush() (what RFC v1 posted: no',
    '  TLB flush either) "the pure impact of the direct map manipulation is indistinguishable from noise".',
    '  The model disagrees on the cause: clearing or setting _PAGE_PRESENT flushes no cache',
    '  (change_page_attr_set_clr(): cache = !!pgprot2cachemode(mask_set), 0 for write-back,',
    '  arch/x86/mm/pat/set_memory.c; Ashish Kalra says the same of these two calls on the SEV-SNP thread),',
    '  but each call flushes the TLB: two shootdowns an access, of which the model charges the removal',
    '  (S2, flush "immediate", flushRange "eachPage"). It cannot set the run up: the I/O sizes, how many',
    '  pages each request restored and the bounce path through the VMM are not given.',
    '- Direct-map fragmentation (Song Liu, 7 May 2022, lore.kernel.org/all/719D99A4-3100-49EC-A7D6-6F9CDBA053C4@fb.com/):',
    '  packing BPF programs so that they split fewer direct-map pages gave 0.5-0.7% more throughput (0.6-0.9%',
    "  with 2M pages) on Meta's web-service benchmark. The number of splits removed is not given, and part of",
    "  the gain is the programs' own text in fewer pages. The model charges a split direct map in proportion to",
    '  the share of host memory split, at most directMapSplitOverheadPct (0.5%, an estimate) with all of it',
    "  split: this gain from part of the fragmentation is at or above the model's cost of all of it, so that",
    '  entry may be low, or the cost is not proportional to the share split (a few hot regions cost more).',
    '- Demand paging as vCPUs grow (Moorthy, above): one userfaultfd falls from 150 to 36 thousand',
    '  pages/s from 1 to 256 vCPUs; Peter Xu measured 39.5 thousand per vCPU at 1 vCPU on a Xeon',
    '  E5-2630 v4 with one userfaultfd per vCPU. The model has no contention on the userfaultfd.',
    '',
  );
  return lines.join('\n');
}

export const VALIDATION_FILE = join(import.meta.dirname, 'validation.md');

if (process.argv[1] !== undefined && process.argv[1].endsWith('validation.ts') && process.argv.includes('--write')) {
  writeFileSync(VALIDATION_FILE, renderValidation());
  console.log(`wrote ${VALIDATION_FILE}`);
}
