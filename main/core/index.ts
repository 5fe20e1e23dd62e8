// Public entry point of the simulation core. See api.ts for the shared result types.
//
// Required exports (the rest of the app is written against exactly these):
//   MODEL_VERSION: string                       bumped whenever a formula or default changes
//   scenarioSchema: z.ZodType<Scenario>         zod 4 schema of 'gmemlab/scenario@1'
//   type Scenario                               z.infer of the schema
//   validateScenario(x: unknown): ValidationResult<Scenario>   every issue, with its field path
//   PRESETS: Preset[]                           { id, name, description, source, scenario }
//   METRIC_CATALOGUE: MetricInfo[]              every metric key a result can carry
//   DEFAULT_COSTS: CostEntry[]                  sourced defaults
//   runAnalytic(s: Scenario): RunOutput         closed-form, instant
//   setParameter(s: Scenario, path: string, value: unknown): Scenario   for sweeps (dotted path)
//   runPlan(s: Scenario): { method, strategies: StrategyId[], seeds: number[] }   what a run of s will compute
//
// THIS FILE IS A PLACEHOLDER written by the skeleton; the model issue replaces it.
import { z } from 'zod';
import type { CostEntry, Method, MetricInfo, RunOutput, StrategyId, ValidationResult } from './api.ts';
import { STRATEGY_IDS } from './api.ts';

export * from './api.ts';

export const MODEL_VERSION = '0.0.0-skeleton';

export const scenarioSchema = z
  .object({
    format: z.literal('gmemlab/scenario@1'),
    name: z.string().min(1).max(200),
    host: z.object({ cpus: z.number().int().min(1).max(4096), ghz: z.number().positive().max(10) }).strict(),
    vm: z.object({ vcpus: z.number().int().min(1).max(1024) }).strict(),
    workload: z.object({ mmioPerSecPerVcpu: z.number().min(0).max(1e7) }).strict(),
    strategies: z.array(z.enum(STRATEGY_IDS)).min(1),
  })
  .strict();
export type Scenario = z.infer<typeof scenarioSchema>;

export function validateScenario(input: unknown): ValidationResult<Scenario> {
  const parsed = scenarioSchema.safeParse(input);
  if (parsed.success) return { ok: true, value: parsed.data };
  return { ok: false, issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) };
}

export interface Preset {
  id: string;
  name: string;
  description: string;
  source: string;
  scenario: Scenario;
}

export const PRESETS: Preset[] = [
  {
    id: 'quiet-cloud-vm',
    name: 'Quiet cloud VM',
    description: 'placeholder',
    source: 'placeholder',
    scenario: {
      format: 'gmemlab/scenario@1',
      name: 'Quiet cloud VM',
      host: { cpus: 64, ghz: 2.5 },
      vm: { vcpus: 8 },
      workload: { mmioPerSecPerVcpu: 1000 },
      strategies: [...STRATEGY_IDS],
    },
  },
];

export const DEFAULT_COSTS: CostEntry[] = [];

export const METRIC_CATALOGUE: MetricInfo[] = [
  { key: 'cost.overheadPct', label: 'Overhead vs S0', unit: '%', group: 'cost', lowerIsBetter: true, description: '' },
];

export function runAnalytic(scenario: Scenario): RunOutput {
  const perAccess: Record<StrategyId, number> = { S0: 0, S1: 200, S2: 4000, S3: 600, S4: 300, S5: 20 };
  const hz = scenario.host.ghz * 1e9;
  return {
    modelVersion: MODEL_VERSION,
    method: 'analytic',
    seeds: [],
    costTable: DEFAULT_COSTS,
    strategies: scenario.strategies.map((strategy) => ({
      strategy,
      params: {},
      metrics: {
        'cost.overheadPct': { mean: (100 * perAccess[strategy] * scenario.workload.mmioPerSecPerVcpu) / hz, ci95: 0, n: 1 },
      },
      distributions: {},
      capability: { needsGup: false, needsKernelVaCarveOut: false, needsOtherArchBuyIn: false, needsLassForFullPromise: false, cannotServe: [], notes: '' },
    })),
  };
}

export function runPlan(scenario: Scenario): { method: Method; strategies: StrategyId[]; seeds: number[] } {
  return { method: 'analytic', strategies: [...scenario.strategies], seeds: [] };
}

export function setParameter(scenario: Scenario, path: string, value: unknown): Scenario {
  const copy = structuredClone(scenario) as Record<string, unknown>;
  const keys = path.split('.');
  let node: Record<string, unknown> = copy;
  for (const k of keys.slice(0, -1)) node = node[k] as Record<string, unknown>;
  node[keys[keys.length - 1]!] = value;
  return copy as Scenario;
}
