// Who touches guest memory (DESIGN.md, "touchpoints"). KVM-context touchpoints run on a vCPU
// thread and their rates are per vCPU; VMM-context touchpoints run on VMM threads and their
// rates are per VM.

export const TOUCHPOINT_IDS = [
  'mmio',
  'pio',
  'nestedTdp',
  'pfnCache',
  'hypercall',
  'postCopy',
  'migration',
  'virtio',
  'snapshot',
] as const;
export type TouchpointId = (typeof TOUCHPOINT_IDS)[number];

export type TouchpointContext = 'kvm' | 'vmm';

export interface TouchpointInfo {
  id: TouchpointId;
  label: string;
  context: TouchpointContext;
  /** What the rate counts: events per second per vCPU (kvm) or per VM (vmm). */
  rateUnit: string;
  touches: string;
}

export const TOUCHPOINTS: Record<TouchpointId, TouchpointInfo> = {
  mmio: {
    id: 'mmio',
    label: 'MMIO / emulated instruction',
    context: 'kvm',
    rateUnit: 'exits/s per vCPU',
    touches: 'instruction bytes (fetch + decode, may straddle two pages) and string/memory operands',
  },
  pio: {
    id: 'pio',
    label: 'port I/O string instruction',
    context: 'kvm',
    rateUnit: 'exits/s per vCPU',
    touches: 'the data buffer',
  },
  nestedTdp: {
    id: 'nestedTdp',
    label: 'nested TDP (shadow EPT/NPT) fault',
    context: 'kvm',
    rateUnit: 'faults/s per vCPU',
    touches: "L1's page-table entries: up to 4 (5 with LA57) reads per walk, A/D-bit writes",
  },
  pfnCache: {
    id: 'pfnCache',
    label: 'pfn-cache users (kvmclock, steal time, PV EOI, Xen shared info)',
    context: 'kvm',
    rateUnit: 'updates/s per vCPU',
    touches: 'one page, written periodically (steal time at every vCPU sched-in)',
  },
  hypercall: {
    id: 'hypercall',
    label: 'hypercall with guest buffer',
    context: 'kvm',
    rateUnit: 'hypercalls/s per vCPU',
    touches: 'the buffer',
  },
  postCopy: {
    id: 'postCopy',
    label: 'post-copy / demand-paging fault',
    context: 'vmm',
    rateUnit: 'faults/s per VM',
    touches: 'one whole page written',
  },
  migration: {
    id: 'migration',
    label: 'live-migration pre-copy',
    context: 'vmm',
    rateUnit: 'dirty pages read/s per VM',
    touches: 'every dirty page read',
  },
  virtio: {
    id: 'virtio',
    label: 'virtio device emulation in the VMM',
    context: 'vmm',
    rateUnit: 'requests/s per VM',
    touches: 'descriptors and data buffers',
  },
  snapshot: {
    id: 'snapshot',
    label: 'snapshot / restore',
    context: 'vmm',
    rateUnit: 'pages/s per VM',
    touches: 'whole memory, sequentially',
  },
};
