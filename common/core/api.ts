// The public shape of the simulation core. Everything outside common/core (store, runner,
// handlers, renderer, exports, CLI) depends only on these types and on the functions exported
// from ./index.ts, never on the core's internals.
//
// The core is pure: no electron, no database, no file system, no clock. Scenario in, results out.

export const STRATEGY_IDS = ['S0', 'S1', 'S2', 'S3', 'S4', 'S5'] as const;
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
}

export interface CapabilityRow {
  needsGup: boolean;
  needsKernelVaCarveOut: boolean;
  needsOtherArchBuyIn: boolean;
  needsLassForFullPromise: boolean;
  /** Touchpoint ids this strategy cannot serve at all (with the reason). */
  cannotServe: { touchpoint: string; reason: string }[];
  notes: string;
}

export interface LatencyDistribution {
  /** Histogram bucket upper bounds in microseconds, and counts per bucket. */
  bucketUpperUs: number[];
  counts: number[];
}

export interface StrategyResult {
  strategy: StrategyId;
  /** The strategy's parameters as used (defaults filled in). */
  params: Record<string, unknown>;
  metrics: Record<MetricKey, Estimate>;
  /** Per touchpoint latency histograms (DES only; empty for analytic). */
  distributions: Record<string, LatencyDistribution>;
  capability: CapabilityRow;
}

export interface CostEntry {
  key: string;
  label: string;
  /** Value in cycles unless unit says otherwise. */
  value: number;
  unit: string;
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
