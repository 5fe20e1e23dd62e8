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

// In groups (cost, exposure, footprint, latency), each group's keys together: the window's table
// heads each group once, in this order.
export const METRIC_CATALOGUE: MetricInfo[] = [
  {
    key: 'cost.overheadPct',
    label: 'vCPU overhead vs S0',
    unit: '%',
    group: 'cost',
    lowerIsBetter: true,
    description:
      "Extra cycles per second on each vCPU thread (its own accesses, population, and the shootdowns it receives), as a share of that CPU's cycles. At 100% or more the guest slows down instead (cost.slowdownFactor, flag overloaded).",
  },
  {
    key: 'cost.slowdownFactor',
    label: 'guest slowdown factor',
    unit: 'x',
    group: 'cost',
    lowerIsBetter: true,
    description:
      "How much longer the guest takes for the same work: 1 + the vCPU overhead as a share (77% overhead: 1.77x), the strategy's cycles added to the guest's own, with the event rates tied to the guest's progress. From 100% overhead on the result is also flagged overloaded.",
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
      "All extra cycles on the host (this VM's and the other VMs' vCPUs, the VMM, shootdown work on other CPUs, the split direct map) as a share of all host cycles.",
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
      "TLB-shootdown IPIs per second received by a host CPU that runs no vCPU of this VM (other VMs' vCPUs included): every flush IPIs every online CPU but its initiator. 0 with broadcast invalidation, and where every host CPU runs a vCPU of this VM.",
  },
  {
    key: 'cost.receiverUtilization',
    label: 'shootdown receiver utilisation',
    unit: 'fraction',
    group: 'cost',
    lowerIsBetter: true,
    description:
      'Share of time each CPU spends taking shootdown IPIs (and the VM exits they induce); at 1 or more receivers fall behind and flushes pile up (a storm).',
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
  ...ATTACKER_CONTEXTS.flatMap((ctx): MetricInfo[] => [
    {
      key: `exposure.${ctx}.state`,
      label: `mapped for ${CONTEXT_LABEL[ctx]}`,
      unit: 'state',
      group: 'exposure',
      lowerIsBetter: true,
      description: `0: never, 1: in windows (see the longest), 2: some guest memory always reachable by ${CONTEXT_LABEL[ctx]}. Shown as words.`,
    },
    {
      key: `exposure.${ctx}.fraction`,
      label: `exposed to ${CONTEXT_LABEL[ctx]}`,
      unit: 'fraction',
      group: 'exposure',
      lowerIsBetter: true,
      description: `Fraction of guest memory x time mapped where ${CONTEXT_LABEL[ctx]} can reach it${ctx === 'kernel' || ctx === 'kvm' ? ', stale TLB entries included' : ''}.`,
    },
    {
      key: `exposure.${ctx}.longestWindowUs`,
      label: `longest window, ${CONTEXT_LABEL[ctx]}`,
      unit: 'us',
      group: 'exposure',
      lowerIsBetter: true,
      description: `How long a window lasts, in which a guest page is reachable by ${CONTEXT_LABEL[ctx]}: from the formulas the longest stretch of a typical window (a mean over windows: S2's batch from its first page to the end of its flush, S4's stay in KVM's address space); from the simulator the longest one seen in the run, which grows with the run's length. Present only when the state is 1 (in windows).`,
      onlyWhen: 'windows',
    },
  ]),
  {
    key: 'exposure.kernel.staleTlbFraction',
    label: 'reachable through stale TLB entries',
    unit: 'fraction',
    group: 'exposure',
    lowerIsBetter: true,
    description:
      'Fraction of guest memory x time that other CPUs may still reach through stale kernel TLB entries after a flush that was skipped or deferred (S1 without flushOnZap, S2 deferred or none, S3 without remote flush).',
  },
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
    description:
      'Most guest pages mapped at once by an on-demand mechanism (0 where memory is mapped permanently). The formulas give a bound, every thread at once with its largest event; the simulator the most it saw.',
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
