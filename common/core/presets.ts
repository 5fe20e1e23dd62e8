// Presets for the recognisable cases of DESIGN.md. Rates are illustrative orders of magnitude,
// each with where it comes from; import `perf kvm stat report` output to use a real VM's mix.
import type { Scenario, TouchpointSpec } from './scenario.ts';
import type { TouchpointId } from './touchpoints.ts';

export interface Preset {
  id: string;
  name: string;
  description: string;
  /** Where the rates come from. */
  source: string;
  /** Which vendor and host the preset describes. */
  host: string;
  scenario: Scenario;
}

const off = (pagesPerEvent: number, bytesPerEvent: number): TouchpointSpec => ({
  ratePerSec: 0,
  pagesPerEvent,
  bytesPerEvent,
});

/**
 * Page and byte footprints per event are properties of the touchpoint, shared by every preset.
 * MMIO's pages are its operands only: the presets set exitMix.instructionDecode "vendor", so the
 * instruction fetch and guest page-table walk come from host.vendor (docs/model.md, "Vendors").
 */
const TOUCHPOINTS_OFF: Record<TouchpointId, TouchpointSpec> = {
  mmio: off(0, 8), // a MOV to or from a device register: the operand is in a register
  pio: off(1, 512), // a REP INS/OUTS buffer (string forms only: exitMix.pioStringShare)
  nestedTdp: off(4, 32), // a 4-level walk of L1's tables, A/D bits written
  pfnCache: off(1, 64), // the kvmclock pvclock record
  hvaCache: off(1, 64), // the steal-time record
  hypercall: off(1, 256),
  dirtyLog: off(0, 0), // KVM updates its SPTEs and the dirty bitmap, not guest memory
  populate: off(1, 4096), // the page is cleared when first faulted in
  postCopy: off(1, 4096),
  migration: off(1, 4096),
  virtio: off(2, 1500), // descriptor page + one MTU-sized buffer
  snapshot: off(1, 4096),
};

/** The host every preset describes. */
export const PRESET_HOST =
  'a 2-socket Intel Xeon host: 64 CPUs at 2.5 GHz, 256 GiB, PCID, SMAP, no LASS, not Meltdown-affected (KPTI off), shootdowns by IPI, 1G direct map; guest memory in order-0 guest_memfd folios, as upstream';

function scenario(
  name: string,
  description: string,
  overrides: {
    vm?: Partial<Scenario['vm']>;
    exitMix?: Partial<Scenario['workload']['exitMix']>;
    rates: Partial<Record<TouchpointId, number>>;
  },
): Scenario {
  const touchpoints = Object.fromEntries(
    Object.entries(TOUCHPOINTS_OFF).map(([id, spec]) => [
      id,
      { ...spec, ratePerSec: overrides.rates[id as TouchpointId] ?? 0 },
    ]),
  ) as Record<TouchpointId, TouchpointSpec>;
  return {
    format: 'gmemlab/scenario@1',
    name,
    description,
    host: {
      cpus: 64,
      ghz: 2.5,
      vendor: 'intel',
      tlbInvalidation: 'ipi',
      memoryGiB: 256,
      otherVmVcpus: 0,
      pcid: true,
      kpti: false,
      meltdownAffected: false,
      smap: true,
      smapStopsSpeculation: false, // not assumed: a CPU must be known to stop speculative loads at SMAP
      lass: false,
      directMapPageSize: '1G',
      irqPerSecPerCpu: 1000, // 1000 Hz tick on a busy CPU plus device interrupts
      nmiPerSecPerCpu: 0.5, // perf-based NMI watchdog
      costs: {},
    },
    vm: {
      vcpus: 8,
      memoryGiB: 32,
      // guest_memfd with NO_DIRECT_MAP allocates order-0 folios upstream (huge folios are future work).
      backingPageSize: '4K',
      nested: false,
      dirtyLogging: false,
      postCopy: false,
      placement: 'pinned',
      userspaceExitsPerSecPerVcpu: 200,
      schedInsPerSecPerVcpu: 500,
      inKvmRunFraction: 0.98,
      ...overrides.vm,
    },
    workload: {
      touchpoints,
      exitMix: {
        instructionDecode: 'vendor',
        fastMmioShare: 0,
        pioStringShare: 1,
        guestPagingLevels: 4,
        ...overrides.exitMix,
      },
    },
    strategies: {
      S0: { enabled: true },
      S1: { enabled: true, gup: false, flushOnZap: true },
      S2: {
        enabled: true,
        batchPages: 1,
        flushAfterUs: 0,
        flush: 'immediate',
        flushRange: 'eachPage',
        keepPfnCacheRestored: true,
      },
      S3: { enabled: true, remoteFlush: 'none' },
      S4: { enabled: true, switchPoint: 'kvm_run' },
      S5: { enabled: true },
      S6: { enabled: true },
      hugeFolioRemoval: false,
      vmmAccess: 'syscall',
      selectiveMmapFraction: 0.05,
    },
    simulation: { method: 'analytic', durationSec: 1, seeds: [1, 2, 3, 4, 5] },
  };
}

export const PRESETS: Preset[] = (
  [
    {
      id: 'quiet-cloud-vm',
      name: 'Quiet cloud VM',
      description:
        'An 8-vCPU general-purpose guest with virtio devices (ioeventfd), mostly idle: steal time at each sched-in, a few MMIO exits.',
      source:
        'Illustrative (estimates), on the preset host. hvaCache = sched-ins/s: steal time is written at every vCPU sched-in (record_steal_time, arch/x86/kvm/x86.c); kvmclock (pfnCache) is refreshed on KVM_REQ_CLOCK_UPDATE, rare for pinned vCPUs. MMIO exits mostly reach virtio-pci notify registers, which QEMU registers as zero-length ioeventfds when KVM allows any length (hw/virtio/virtio-pci.c): fastMmioShare 0.9. PIO: the odd IN/OUT to a legacy port, no string forms.',
      scenario: scenario('Quiet cloud VM', 'Mostly idle general-purpose guest.', {
        exitMix: { fastMmioShare: 0.9, pioStringShare: 0 },
        rates: { mmio: 100, pio: 5, pfnCache: 1, hvaCache: 500, hypercall: 20, virtio: 2000 },
      }),
    },
    {
      id: 'mmio-heavy-legacy',
      name: 'MMIO-heavy legacy device',
      description:
        'A guest driving an emulated device (e1000/IDE style) through MMIO and string port I/O: every access is an instruction KVM must fetch and decode.',
      source:
        'Illustrative (estimates), on the preset host. In the arm64 perf kvm stat sample (linux-kernel, Sep 2020, "perf kvm stat" for arm64) MMIO data aborts are 98.9% of 669,155 exits; 20,000 MMIO exits/s per vCPU is a busy emulated NIC. Every MMIO exit is emulated (no ioeventfd), and the IDE-style port I/O is string PIO.',
      scenario: scenario('MMIO-heavy legacy device', 'Emulated device driven by MMIO and string PIO.', {
        rates: { mmio: 20000, pio: 5000, pfnCache: 1, hvaCache: 500, hypercall: 20, virtio: 0 },
      }),
    },
    {
      id: 'virtio-network',
      name: 'Virtio-heavy network VM',
      description:
        'A network appliance pushing ~250k packets/s through a VMM-emulated virtio-net: the VMM touches descriptors and buffers.',
      source:
        'Illustrative (estimates), on the preset host: ~250k requests/s per VM is a userspace virtio-net at a few Gbit/s with MTU-sized packets; notifications go to zero-length ioeventfds (QEMU virtio-pci, as the quiet preset), so 90% of MMIO exits read nothing.',
      scenario: scenario('Virtio-heavy network VM', 'VMM-emulated virtio-net under load.', {
        exitMix: { fastMmioShare: 0.9 },
        rates: { mmio: 1000, pfnCache: 1, hvaCache: 2000, hypercall: 50, virtio: 250000 },
      }),
    },
    {
      id: 'nested-l2-boot',
      name: 'Nested hypervisor booting L2',
      description:
        'The guest is itself a hypervisor booting an L2: KVM shadows its EPT, walking L1 page tables in guest memory on every fault.',
      source:
        'Illustrative (estimates), on the preset host: a booting L2 faults in its memory; 50,000 shadow-EPT faults/s per vCPU, each a 4-level walk of L1 tables. Nested exits cost ~18,890 cycles (Kuznetsov, eVMCS commit). Nested, even ioeventfd fast MMIO decodes the instruction: no fast MMIO.',
      scenario: scenario('Nested hypervisor booting L2', 'L1 hypervisor booting L2 under shadow EPT.', {
        vm: { nested: true, userspaceExitsPerSecPerVcpu: 500 },
        rates: { mmio: 2000, nestedTdp: 50000, pfnCache: 1, hvaCache: 1000, hypercall: 2000, virtio: 5000 },
      }),
    },
    {
      id: 'live-migration',
      name: 'Live migration',
      description:
        'Pre-copy migration of a running VM: the VMM reads every dirty page, about 1 GB/s, while the guest keeps running.',
      source:
        'Illustrative (estimates), on the preset host: 250,000 pages/s of 4 KiB is ~1 GB/s, a typical pre-copy stream on a 10-25 Gbit/s link; dirty logging on, its faults touch no guest memory.',
      scenario: scenario('Live migration', 'Pre-copy live migration at ~1 GB/s.', {
        vm: { dirtyLogging: true },
        exitMix: { fastMmioShare: 0.9 },
        rates: {
          mmio: 100,
          pfnCache: 1,
          hvaCache: 500,
          hypercall: 20,
          dirtyLog: 20000,
          virtio: 2000,
          migration: 250000,
        },
      }),
    },
    {
      id: 'snapshot-restore',
      name: 'Snapshot restore with demand paging',
      description:
        'A VM restored from a snapshot: pages arrive on demand through post-copy faults while the VMM streams the rest.',
      source:
        'Illustrative (estimates), on the preset host: 100,000 demand faults/s and a 2 GB/s background stream (500,000 pages/s), as in fast-restore setups. Each demand fault is also a first touch: population = 100,000 pages/s (guest_memfd zaps each folio from the direct map as it is faulted in). A single userfaultfd serialises as vCPUs grow (Moorthy, Apr 2023), which the model does not capture. The 500,000 streamed pages/s are first touches too, by the VMM, which the model does not count (docs/model.md, What the model leaves out): under S1 each would also be zapped and flushed, so its S1 figures understate a restore.',
      scenario: scenario('Snapshot restore with demand paging', 'Restore with post-copy demand paging.', {
        vm: { postCopy: true },
        exitMix: { fastMmioShare: 0.9 },
        rates: {
          mmio: 100,
          pfnCache: 1,
          hvaCache: 500,
          hypercall: 20,
          populate: 100000,
          postCopy: 100000,
          snapshot: 500000,
        },
      }),
    },
  ] satisfies Omit<Preset, 'host'>[]
).map((p) => ({ ...p, host: PRESET_HOST }));
