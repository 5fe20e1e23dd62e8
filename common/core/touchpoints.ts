// Who touches guest memory (DESIGN.md, "touchpoints"). A touchpoint runs in KVM (on a vCPU
// thread) or in the VMM (on its own threads); its rate is counted per vCPU or per VM.

export const TOUCHPOINT_IDS = [
  'mmio',
  'pio',
  'nestedTdp',
  'pfnCache',
  'hvaCache',
  'hypercall',
  'dirtyLog',
  'populate',
  'postCopy',
  'migration',
  'virtio',
  'snapshot',
] as const;
export type TouchpointId = (typeof TOUCHPOINT_IDS)[number];

export type TouchpointContext = 'kvm' | 'vmm';

/** A VM feature (scenario `vm.<flag>`) without which the touchpoint has no events. */
export type TouchpointGate = 'nested' | 'dirtyLogging' | 'postCopy';

export interface TouchpointInfo {
  id: TouchpointId;
  label: string;
  context: TouchpointContext;
  /** Whether `ratePerSec` counts events per vCPU or per VM (spread over the vCPUs for KVM touchpoints). */
  ratePer: 'vcpu' | 'vm';
  /** What the rate counts. */
  rateUnit: string;
  touches: string;
  gate?: TouchpointGate;
  /**
   * How KVM reaches guest memory here today (for 'kvm' touchpoints): through a userspace
   * address (uaccess: copy_{to,from}_user, __get_user) or through a kernel mapping of the pfn
   * (gfn_to_pfn_cache, kvm_vcpu_map). Strategies that keep a user mapping (S1, S5) cost nothing
   * extra on the uaccess paths; the kernel-mapping paths break when the direct map is gone.
   */
  kvmPath?: 'uaccess' | 'kernelMap';
}

export const TOUCHPOINTS: Record<TouchpointId, TouchpointInfo> = {
  mmio: {
    id: 'mmio',
    label: 'MMIO / emulated instruction',
    context: 'kvm',
    ratePer: 'vcpu',
    rateUnit: 'exits/s per vCPU',
    touches:
      'the instruction (fetch and the guest page-table walk to find it, on Intel; nothing on AMD with decode assists or arm64 with a valid syndrome) and string/memory operands',
    kvmPath: 'uaccess',
  },
  pio: {
    id: 'pio',
    label: 'port I/O exit',
    context: 'kvm',
    ratePer: 'vcpu',
    rateUnit: 'exits/s per vCPU',
    touches: 'the data buffer of string forms (INS/OUTS); IN/OUT touch no guest memory',
    kvmPath: 'uaccess',
  },
  nestedTdp: {
    id: 'nestedTdp',
    label: 'nested TDP (shadow EPT/NPT) fault',
    context: 'kvm',
    ratePer: 'vcpu',
    rateUnit: 'faults/s per vCPU',
    touches: "L1's page-table entries: up to 4 (5 with LA57) reads per walk, A/D-bit writes",
    gate: 'nested',
    kvmPath: 'uaccess',
  },
  pfnCache: {
    id: 'pfnCache',
    label: 'pfn-cache users (kvmclock, Xen shared info / vcpu_info)',
    context: 'kvm',
    ratePer: 'vcpu',
    rateUnit: 'updates/s per vCPU',
    touches: 'one page, mapped in the kernel through the gfn_to_pfn_cache and written',
    kvmPath: 'kernelMap',
  },
  hvaCache: {
    id: 'hvaCache',
    label: 'hva-cache users (steal time, PV EOI)',
    context: 'kvm',
    ratePer: 'vcpu',
    rateUnit: 'updates/s per vCPU',
    touches: 'one record, written through a gfn_to_hva_cache (uaccess; steal time at every vCPU sched-in)',
    kvmPath: 'uaccess',
  },
  hypercall: {
    id: 'hypercall',
    label: 'hypercall with guest buffer',
    context: 'kvm',
    ratePer: 'vcpu',
    rateUnit: 'hypercalls/s per vCPU',
    touches: 'the buffer',
    kvmPath: 'uaccess',
  },
  dirtyLog: {
    id: 'dirtyLog',
    label: 'dirty-logging fault (write-protect or PML-full exit)',
    context: 'kvm',
    ratePer: 'vcpu',
    rateUnit: 'faults/s per vCPU',
    touches: 'KVM updates its own SPTEs and the dirty bitmap or ring; guest memory only where a page count is given',
    gate: 'dirtyLogging',
    kvmPath: 'uaccess',
  },
  populate: {
    id: 'populate',
    label: 'population (first touch of a guest page)',
    context: 'kvm',
    ratePer: 'vm',
    rateUnit: 'pages first touched/s per VM',
    touches:
      'a page faulted into guest_memfd for the first time (boot, balloon deflate, restore, post-copy first touch): it is zapped from the direct map',
    kvmPath: 'uaccess',
  },
  postCopy: {
    id: 'postCopy',
    label: 'post-copy / demand-paging fault',
    context: 'vmm',
    ratePer: 'vm',
    rateUnit: 'faults/s per VM',
    touches: 'one whole page written',
    gate: 'postCopy',
  },
  migration: {
    id: 'migration',
    label: 'live-migration pre-copy',
    context: 'vmm',
    ratePer: 'vm',
    rateUnit: 'dirty pages read/s per VM',
    touches: 'every dirty page read',
    gate: 'dirtyLogging',
  },
  virtio: {
    id: 'virtio',
    label: 'virtio device emulation in the VMM',
    context: 'vmm',
    ratePer: 'vm',
    rateUnit: 'requests/s per VM',
    touches: 'descriptors and data buffers',
  },
  snapshot: {
    id: 'snapshot',
    label: 'snapshot / restore',
    context: 'vmm',
    ratePer: 'vm',
    rateUnit: 'pages/s per VM',
    touches: 'whole memory, sequentially',
  },
};
