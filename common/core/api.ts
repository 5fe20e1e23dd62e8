// The public shape of the simulation core. Everything outside common/core (store, runner,
// handlers, renderer, exports, CLI) depends only on these types and on the functions exported
// from ./index.ts, never on the core's internals.
//
// The core is pure: no electron, no database, no file system, no clock. Scenario in, results out.

export const STRATEGY_IDS = ['S0', 'S1', 'S2', 'S3', 'S4', 'S5', 'S6'] as const;
export type StrategyId = (typeof STRATEGY_IDS)[number];

export type Method = 'analytic' | 'des';

/** A figure with its uncertainty. Analytic results have ci95 = 0 and n = 1. */
export interface Estimate {
  mean: number;
  /** Half-width of the 95% confidence interval over seeds (0 when exact or n = 1). */
  ci95: number;
  /** Number of independent samples (seeds) behind the mean. */
  n: number;
}

/**
 * Metrics are flat, dotted keys (e.g. 'cost.overheadPct', 'exposure.kvm.fraction',
 * 'latency.mmio.p99Us') so that the store can keep them in a narrow table and compare/diff can
 * treat them generically. METRIC_CATALOGUE (index.ts) describes every key: label, unit, and
 * whether lower is better.
 */
export type MetricKey = string;

export interface MetricInfo {
  key: MetricKey;
  label: string;
  /** Unit as shown to users, e.g. 'cycles/s', '%', 'IPIs/s', 'us', 'pages', 'fraction'. */
  unit: string;
  group: 'cost' | 'exposure' | 'footprint' | 'latency';
  lowerIsBetter: boolean;
  description: string;
  /** Set when only the discrete-event simulator produces this metric (percentiles). */
  onlyFrom?: 'des';
  /** Set when the metric is present only in some results: 'windows', only when exposure is in windows (state 1). */
  onlyWhen?: 'windows';
}

/** Host users of guest memory a maintainer asks about, beyond the touchpoints (capability rows). */
export const CAPABILITY_USES = [
  'pfnCache',
  'nestedStatePages',
  'vmmAccess',
  'postCopy',
  'directIo',
  'vhostNet',
  'vhostUser',
  'vfioDma',
  'kdump',
  'hibernation',
] as const;
export type CapabilityUse = (typeof CAPABILITY_USES)[number];

/** Whether a strategy serves a use: as the kernel is today, only with work not upstream yet, or not at all. */
export interface CapabilityEntry {
  status: 'works' | 'notUpstream' | 'cannot';
  /** How it is served, or why it cannot be; with what it relies on that is not upstream. */
  how: string;
}

export interface CapabilityRow {
  needsGup: boolean;
  needsKernelVaCarveOut: boolean;
  needsOtherArchBuyIn: boolean;
  needsLassForFullPromise: boolean;
  /** Touchpoint ids this strategy cannot serve at all (with the reason). */
  cannotServe: { touchpoint: string; reason: string }[];
  /** Each host user of guest memory and how this strategy serves it. */
  uses: Record<CapabilityUse, CapabilityEntry>;
  /** What the strategy relies on that is not in mainline Linux (named series or work). */
  reliesOnNotUpstream: string[];
  notes: string;
}

/**
 * Why a figure should be read with care; the one representation the window, the CLI and the
 * mail all show.
 * - saturated: a queue's utilisation is 1 or more (the direct-map lock, the shootdown
 *   receivers); means past it are capped and do not hold.
 * - infeasible: the set-up cannot exist as stated (more pinned vCPUs than host CPUs).
 * - overloaded: the strategy's extra work is 100% of a vCPU or more: the guest slows down by the
 *   factor given instead of paying a share.
 * - fullFlushCeiling: flushes of more than 33 pages become full TLB flushes.
 * - simulatorNeeded: contention where the analytic means are approximations; run the simulator.
 * - inputIgnored: a field has a value the model does not use in this set-up (say which).
 */
export type ResultFlagCode =
  'saturated' | 'infeasible' | 'overloaded' | 'fullFlushCeiling' | 'simulatorNeeded' | 'inputIgnored';

export interface ResultFlag {
  code: ResultFlagCode;
  message: string;
}

/**
 * Components of a strategy's extra cycles (the breakdown's vocabulary, one list for every view
 * and export). Keys of `StrategyResult.breakdown` are `${touchpoint}.${component}`, with
 * touchpoint 'none' for terms tied to no touchpoint.
 */
export const COST_COMPONENTS = [
  'uaccess',
  'pteUpdate',
  'lockWait',
  'initiatorFlush',
  'receivers',
  'inducedExits',
  'tlbRefill',
  'windowMap',
  'cr3Switch',
  'asiTransition',
  'syscallCopy',
  'directMapSplit',
] as const;
export type CostComponent = (typeof COST_COMPONENTS)[number];

export interface LatencyDistribution {
  /** Histogram bucket upper bounds in microseconds, and counts per bucket. */
  bucketUpperUs: number[];
  counts: number[];
}

/**
 * One strategy's result. Results share objects with each other (estimates of 0 and 1, capability
 * rows, empty flag lists and distributions, frozen where shared): treat them as read-only.
 */
export interface StrategyResult {
  strategy: StrategyId;
  /** The strategy's parameters as used (defaults filled in). */
  params: Record<string, unknown>;
  metrics: Record<MetricKey, Estimate>;
  /** Per touchpoint latency histograms (DES only; empty for analytic). */
  distributions: Record<string, LatencyDistribution>;
  capability: CapabilityRow;
  /** Why figures of this result need care (empty when none). */
  flags: ResultFlag[];
  /**
   * Extra cycles per second on the whole host by `${touchpoint}.${component}` (COST_COMPONENTS);
   * the terms sum to the metric 'cost.cyclesPerSecHost'. Zero terms are left out. Always there
   * for the simulator; for the formulas unless the caller asked for metrics only
   * (runAnalytic's `breakdown: false`), as it can be computed again from the scenario.
   */
  breakdown?: Record<string, number>;
}

/**
 * primary: measured and published by whoever measured it (a list posting, commit, paper, manual);
 * secondary: a figure reported by someone else (newsletter, blog); estimate: no published figure,
 * reasoned in the note. Only primary counts as sourced.
 */
export type CostClass = 'primary' | 'secondary' | 'estimate';

export interface CostEntry {
  key: string;
  label: string;
  /** Value in cycles unless unit says otherwise. */
  value: number;
  unit: string;
  class: CostClass;
  /** The range the sources give (or the stated +- of an estimate); the sensitivity view varies it. */
  low: number;
  high: number;
  source: string;
  hardware: string;
  note: string;
}

export interface RunOutput {
  modelVersion: string;
  method: Method;
  seeds: number[];
  /** The full cost table actually used (defaults with the scenario's overrides applied). */
  costTable: CostEntry[];
  strategies: StrategyResult[];
}

export interface ValidationIssue {
  /** Dotted field path, e.g. 'vm.vcpus' or 'workload.touchpoints.mmio.rate'. '' for the root. */
  path: string;
  message: string;
}

export type ValidationResult<T> = { ok: true; value: T } | { ok: false; issues: ValidationIssue[] };
