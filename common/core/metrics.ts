// Every metric a result can carry. Keys are flat and dotted so the store keeps them in one
// narrow table and compare/diff treat them alike. docs/model.md defines each precisely.
import type { MetricInfo } from './api.ts';
import { TOUCHPOINT_IDS, TOUCHPOINTS } from './touchpoints.ts';

export const ATTACKER_CONTEXTS = ['kernel', 'kvm', 'vmm', 'userspace'] as const;
export type AttackerContext = (typeof ATTACKER_CONTEXTS)[number];

const CONTEXT_LABEL: Record<AttackerContext, string> = {
  kernel: 'host kernel at large',
  kvm: "code in KVM's context (IRQ/NMI included)",
  vmm: 'the VMM',
  userspace: 'any host userspace',
};

export const METRIC_CATALOGUE: MetricInfo[] = [
  {
    key: 'cost.overheadPct',
    label: 'vCPU overhead vs S0',
    unit: '%',
    group: 'cost',
    lowerIsBetter: true,
    description: "Extra cycles per second on each vCPU thread, as a share of that CPU's cycles.",
  },
  {
    key: 'cost.cyclesPerSecPerVcpu',
    label: 'extra cycles per vCPU',
    unit: 'cycles/s',
    group: 'cost',
    lowerIsBetter: true,
    description: 'Cycles per second each vCPU thread spends beyond S0 on the same scenario.',
  },
  {
    key: 'cost.hostOverheadPct',
    label: 'host overhead vs S0',
    unit: '%',
    group: 'cost',
    lowerIsBetter: true,
    description:
      'All extra cycles on the host (vCPUs, VMM, shootdown work on other CPUs, split direct map) as a share of all host cycles.',
  },
  {
    key: 'cost.cyclesPerSecHost',
    label: 'extra cycles, whole host',
    unit: 'cycles/s',
    group: 'cost',
    lowerIsBetter: true,
    description: 'Sum over all host CPUs of the cycles per second spent beyond S0.',
  },
  {
    key: 'cost.bystanderIpisPerSec',
    label: 'shootdown IPIs per bystander CPU',
    unit: 'IPIs/s',
    group: 'cost',
    lowerIsBetter: true,
    description:
      'TLB-shootdown IPIs per second received by a host CPU that runs no vCPU (noisy-neighbour interference).',
  },
  {
    key: 'cost.lockUtilization',
    label: 'direct-map lock utilisation',
    unit: 'fraction',
    group: 'cost',
    lowerIsBetter: true,
    description:
      'Share of time the direct-map lock is held (S2); at 1 or more the lock is saturated and the means no longer hold.',
  },
  ...(['kernel', 'kvm', 'vmm', 'userspace'] as const).flatMap((ctx): MetricInfo[] => [
    {
      key: `exposure.${ctx}.fraction`,
      label: `exposed to ${CONTEXT_LABEL[ctx]}`,
      unit: 'fraction',
      group: 'exposure',
      lowerIsBetter: true,
      description: `Fraction of guest memory x time mapped where ${CONTEXT_LABEL[ctx]} can reach it.`,
    },
    {
      key: `exposure.${ctx}.longestWindowUs`,
      label: `longest window, ${CONTEXT_LABEL[ctx]}`,
      unit: 'us',
      group: 'exposure',
      lowerIsBetter: true,
      description: `Longest single stretch a guest page stays reachable by ${CONTEXT_LABEL[ctx]} (the whole run when always mapped; 0 when never).`,
    },
  ]),
  {
    key: 'exposure.kvm.irqNmiWithGuestMappedPerSec',
    label: 'IRQ/NMI handlers run with guest memory mapped',
    unit: 'handlers/s',
    group: 'exposure',
    lowerIsBetter: true,
    description:
      'Host IRQ and NMI handler invocations per second (whole host) that run while guest memory is mapped on their CPU.',
  },
  {
    key: 'footprint.directMapSplits',
    label: 'direct-map huge pages split',
    unit: 'pages',
    group: 'footprint',
    lowerIsBetter: true,
    description: 'Direct-map 1G and 2M pages broken up to take guest memory out of the direct map.',
  },
  {
    key: 'footprint.peakPagesMapped',
    label: 'peak pages mapped on demand',
    unit: 'pages',
    group: 'footprint',
    lowerIsBetter: true,
    description: 'Most guest pages mapped at once by an on-demand mechanism (0 where memory is mapped permanently).',
  },
  ...TOUCHPOINT_IDS.map((tp): MetricInfo => ({
    key: `latency.${tp}.meanUs`,
    label: `mean latency, ${TOUCHPOINTS[tp].label}`,
    unit: 'us',
    group: 'latency',
    lowerIsBetter: true,
    description: `Mean time to handle one ${TOUCHPOINTS[tp].label} event: baseline handling, the copy, and the strategy's own work.`,
  })),
  ...TOUCHPOINT_IDS.flatMap((tp): MetricInfo[] =>
    (['p50', 'p99', 'max'] as const).map((q) => ({
      key: `latency.${tp}.${q}Us`,
      label: `${q} latency, ${TOUCHPOINTS[tp].label}`,
      unit: 'us',
      group: 'latency',
      lowerIsBetter: true,
      description: `${q === 'max' ? 'Longest' : `${q.slice(1)}th percentile of the`} time to handle one ${TOUCHPOINTS[tp].label} event, queueing included (simulator only).`,
      onlyFrom: 'des',
    })),
  ),
];

export const METRIC_KEYS = new Set(METRIC_CATALOGUE.map((m) => m.key));
