/**
 * The model's version: the formulas and the default cost table together. Every run records it
 * (and its full cost table), and compare flags runs made with another version.
 * 1.0.0  first model.
 * 1.1.0  sourced defaults: copyBytesPerCycle 8 -> 10 (measured memcpy bandwidth),
 *        userfaultRoundTrip 20,000 -> 19,500 cycles (measured 7.8 us); INVLPG's source named.
 * 1.2.0  formulas: S2 batches closed on a page count hold B pages or more, as whole-page events
 *        fill them (common/core/batches.ts); with one page an event, or B = 1, nothing changes.
 *        Costs unchanged. Simulator: S2's lock requests are events at the time they are made,
 *        served in that order (1.1.0 booked both of a job's holds when it started, so others
 *        waited through its copy); a batch flushed by its timer holds only pages already
 *        removed; arrivals and interrupts are drawn as one merged Poisson stream, so a seed
 *        gives other (equally distributed) arrivals than under 1.1.0. New option:
 *        simulation.arrivals "fixed" (fixed-interval arrivals; "poisson" is the default).
 * 2.0.0  what upstream built and measured since the seed thread (docs/model.md, "Model 2"):
 *        S1 is GUEST_MEMFD_FLAG_NO_DIRECT_MAP (uaccess through the memslot address, no gup();
 *        the seed's gup() variant as strategies.S1.gup); population zaps each folio and flushes
 *        every CPU (workload.touchpoints.populate, strategies.S1.flushOnZap); the receivers of
 *        every shootdown are charged (interrupt, INVLPG per page, the VM exit a vCPU in guest
 *        mode takes), other VMs' vCPUs included (host.otherVmVcpus), and a flush waits for them;
 *        a flush costs per page up to the 33-page ceiling; broadcast invalidation
 *        (host.tlbInvalidation); vendors (host.vendor) decide what an MMIO exit reads
 *        (workload.exitMix); the same 4K removal for every strategy that removes, splits bounded
 *        by host memory, a small lasting penalty on host data in split pages; S2 flush policies
 *        (immediate, deferred as XPFO, none) and a stale-TLB metric; cost classes and ranges;
 *        a breakdown by touchpoint and component; flags (saturated, infeasible, overloaded,
 *        fullFlushCeiling, simulatorNeeded, inputIgnored); "always"/"never" as a state.
 *        Simulator: exits are synchronous (latency from the start of handling), receivers and
 *        their queue are simulated (storms), population and other VMs' flushes are events.
 *        Costs: invlpg 200 -> 260 (Molnar), tlbRefillAfterFlush
 *        40,000 -> 11,000 (Lutomirski); pageWalk and userspaceExitRoundTrip retired; new entries (fullTlbFlush, invlpgbPerPage, tlbsyncWait,
 *        staleTlbLifetimeUs, asiExit, asiTaintMitigation, directMapSplitOverheadPct, which
 *        replaces directMapSplitTlbMisses).
 * 2.1.0  S3's remote flush (none, batched, broadcast), S4's charges and exposure (vcpu_load
 *        crosses as often as KVM_RUN; host code inside KVM_RUN is kernel exposure; pfn-cache
 *        updates outside KVM_RUN switch), S5 and S1 cost nothing extra on uaccess paths (the
 *        pfn cache split from steal time and PV EOI: hvaCache), KPTI and Meltdown
 *        (host.kpti, host.meltdownAffected), LASS and SMAP for S1 too, S2 keeping pfn-cache pages
 *        restored, real ASI as S6, capability uses (pfn caches, nested state pages, vhost-net,
 *        vhost-user, VFIO, kdump, hibernation) and what each relies on that is not upstream,
 *        vm.nested / vm.dirtyLogging / vm.postCopy gate their touchpoints. Both parts landed
 *        together: no run was ever recorded as 2.0.0.
 * 2.2.0  time-sharing (placement "shared" with V + O > N): the simulator gives vCPUs round-robin
 *        turns of EEVDF's base slice on their CPU (exits only in a vCPU's turns; a job past the
 *        end of its turn resumes at the next one), and the formulas multiply a KVM exit's mean
 *        latency by the turns a CPU, (V + O) / N. Nothing changes with pinned vCPUs or without
 *        overcommit. Costs unchanged.
 * 2.3.0  after a review as x86-mm maintainers would read it: S2's direct-map lock is the host's
 *        cpa_lock, taken a 4K page at a time, so other VMs' vCPUs and every population zap
 *        contend on it too; arm64 has no such lock (both methods). With KPTI and PCID a kernel
 *        flush also does an INVPCID a page in the user PCID, on the initiator and every receiver
 *        (new cost invpcidOne, 350 cycles, Hansen Dec 2017). Costs: tlbRefillAfterFlush 11,000
 *        -> 9,900 (Lutomirski's figure at his 2.3 GHz); copyBytesPerCycle 10 -> 16, now an
 *        estimate (the old source counted read and write of a DRAM copy); cr3WritePcid's range
 *        now reaches the CR3 write alone (its value, a whole KPTI delta, is an upper bound for
 *        S4); the shootdown entries name Amit's 2019 measurements as their low end (the
 *        defaults stay on the fit: docs/validation.md).
 * 2.4.0  after a third review: S2's batches hold pages from their first page on, not from the
 *        events of no pages before it (they counted S2's IRQs/NMIs with guest memory mapped up
 *        to 400 times the simulator's, and its longest window from the batch's start); S5's
 *        carve-out is in the kernel half every mm shares, so the kernel at large reaches it on
 *        every CPU (2.3.0 weighted it by the CPUs running the VMM's mm, as for S1's user-half
 *        mapping). Pages reachable through stale TLB entries (a flush skipped or deferred) count
 *        in the kernel's and KVM's exposure (userspace's under Meltdown), at most for an entry's
 *        life; S2's flush timer is armed at a batch's first page, as in the simulator.
 *        Simulator: S5's STAC/CLAC pair takes time only on the paths that pay for it
 *        (kernel mappings, syscalls), as its cycles always did. Formulas: a VMM touchpoint's
 *        latency adds the mean wait for the VMM's thread (M/G/1, the closing flush's variance
 *        included), as the simulator's requests queue. Costs unchanged.
 * 2.5.0  after a fourth review: S2 flushes pages removed together (an event's, a batch's) as the
 *        kernel can, strategies.S2.flushRange: a kernel-range flush a page by default (eachPage,
 *        as set_memory_np() sends one; a full flush over 33 pages, as cpa_flush()), or one over
 *        their covering range (coveringRange: scattered order-0 pages put it over the 33-page
 *        ceiling, a full flush everywhere); until 2.5.0 one IPI invalidated each page, which
 *        nothing offers for removing guest pages (now pageList, labelled not upstream). A
 *        burst of flushes sent back to back queues at the receivers as one job (M/G/1 with the
 *        bursts' second moment), and an initiator waits only for the part of the queue's wait
 *        its own part does not cover (the simulator's max()). S6 exits ASI only where KVM
 *        reaches guest memory through a kernel mapping (the pfn caches) or zeroes a new page:
 *        KVM's restricted address space maps the VM's own user half, as S6's exposure already
 *        said; so KVM's context reaches guest memory always, as under S1 (it was weighted by the
 *        CPUs running the VMM's mm). A mean page count is taken as the whole counts either side of it (as the simulator
 *        draws them); the fullFlushCeiling flag is raised for flushes that are sent (not under
 *        "none" or "deferred"). Simulator: a vCPU refills after a host full flush only for its
 *        host-mode share, as the formulas charge it; the other VMs' vCPUs flush as this VM's do,
 *        each kind of flush with its own size and burst (it drew one mean size, its VMM's flushes
 *        included); under S6 population exits ASI there too. Costs unchanged.
 * 2.6.0  a CR3 write without PCID (S4's switches, KPTI's two a syscall) refills the pages its path
 *        then touches, pagesPerCr3Switch x tlbRefillPerPage (new costs: 5 pages, an estimate,
 *        at Lutomirski's 19.3 cycles a walk), and a read()/write() its two buffers again; it
 *        paid tlbRefillAfterFlush, a 512-page working set (KPTI without PCID: +6,966 ns an lseek
 *        against Hansen's +208). Upstream PTI keeps the kernel image global without PCID. Full
 *        flushes keep tlbRefillAfterFlush. Only hosts without PCID change.
 * 2.7.0  on arm64 a population zap flushes twice: set_direct_map_valid_noflush() is
 *        set_memory_valid() there, which flushes when it clears PTE_VALID, and guest_memfd flushes
 *        again (zapFlushes); without flushOnZap the zap's own flush stays and nothing is left
 *        stale. host.directMapPageSize "4K" (arm64's default linear map, x86 debug_pagealloc): no
 *        splits, no host-wide lock; arm64 with block mappings takes pgtable_split_lock for each
 *        change (until 2.7.0 arm64 never waited). MMIO and PIO exits are two classes in both
 *        methods, reaching guest memory or not (touchClasses; until 2.7.0 one merged mean, so the
 *        simulator's MMIO percentiles were wrong); with B = 1 S2's pages mapped are summed
 *        touchpoint by touchpoint; S3's IRQ/NMI count includes the VMM's windows. Costs unchanged
 *        (invlpg's and asiExit's notes corrected; an overridden entry's class and range are its own).
 * 2.8.0  costs: fullTlbFlush 200 -> 290 cycles and primary (Kalyazin, Nov 2025: a local flush of
 *        every TLB entry ~100 ns on x86, CPU and clock not stated; it was an estimate from Molnar's
 *        96-cycle CR3 reload). Formulas unchanged; what moves is every flush past the 33-page
 *        ceiling (S2's covering ranges and batches, huge-folio removal, S3's broadcast remote
 *        flush of many pages) and S2's deferred flushes.
 * 2.9.0  formulas: the longest window of exposure that counts stale TLB entries is at least an
 *        entry's life (S3 without remote flushes 0.14 -> 1000 us; S2 deferred or unflushed), both
 *        methods; shootdown IPIs per bystander CPU are 0 where no CPU is a bystander; the
 *        saturated and overloaded flags' words. Costs unchanged (directMapSplitOverheadPct's note
 *        names Song Liu's bpf_prog_pack figure).
 * 2.9.1  simulator flags: a simulated run no longer carries the formulas' saturated and
 *        overloaded flags (demand at the offered rates) beside its own measurements; it flags, by
 *        name, the lock, the receivers or the VMM thread with work booked for the whole run, and
 *        overload as the work it booked (at least: exits still waiting are said). A touchpoint
 *        with no event in any seed has no latency (the formulas' mean stood there, n 1, beside
 *        simulated figures).
 */
export const MODEL_VERSION = '2.9.1';
