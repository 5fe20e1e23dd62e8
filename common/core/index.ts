// Public entry point of the simulation core. Everything outside common/core uses only these.
//
//   MODEL_VERSION                     bumped whenever a formula or a default changes
//   scenarioSchema, Scenario          the 'gmemlab/scenario@1' format (zod 4)
//   validateScenario(x)               every issue, with its dotted field path
//   PRESETS                           the six cases of DESIGN.md
//   METRIC_CATALOGUE                  every metric key a result can carry
//   DEFAULT_COSTS, resolveCostEntries sourced defaults, and a scenario's full table
//   runAnalytic(s)                    closed-form means, instant
//   runDes(s, hooks), runScenario(s)  the discrete-event simulator; the method the scenario asks for
//   setParameter(s, path, value)      sweeps (dotted path); parameterPaths(s) lists them
//   runPlan(s)                        what a run of s computes: method, strategies, seeds
//   parsePerfKvmStat, scenarioFromPerfReport   perf kvm stat import
export * from './api.ts';
export { runAnalytic, effectiveTouchpoints, FULL_FLUSH_CEILING } from './analytic.ts';
export {
  COST_KEYS,
  DEFAULT_COSTS,
  DEFAULT_COST_TABLE,
  costTableOf,
  resolveCostEntries,
  type CostKey,
  type CostTable,
} from './costs.ts';
export { ATTACKER_CONTEXTS, METRIC_CATALOGUE, METRIC_KEYS, type AttackerContext } from './metrics.ts';
export { decidesRunPlan, parameterPaths, runPlan, runPlanPathProblem, setParameter } from './params.ts';
export {
  mapExitReason,
  parsePerfKvmStat,
  PERF_IMPORT_BASE_PRESET,
  PerfImportError,
  scenarioFromPerfReport,
  type PerfImportResult,
  type PerfKvmStatReport,
  type PerfRateBasis,
} from './perf-import.ts';
export { PRESETS, type Preset } from './presets.ts';
export {
  formatIssue,
  INERT_FIELDS,
  scenarioSchema,
  validateScenario,
  type Scenario,
  type TouchpointSpec,
} from './scenario.ts';
export {
  STRATEGY_DESCRIPTIONS,
  STRATEGY_NAMES,
  capabilityOf,
  enabledStrategies,
  NO_STRATEGY,
  removesFromDirectMap,
} from './strategies.ts';
export { TOUCHPOINTS, TOUCHPOINT_IDS, type TouchpointId } from './touchpoints.ts';
export { MODEL_VERSION } from './version.ts';
export { DOTTED_PATH, dottedPathProblem, dottedPathSchema, isPrototypeKey } from './paths.ts';
export { ConflictError, ERROR_CODES, GmemlabError, NotFoundError, type ErrorCode } from './errors.ts';
export {
  checkSimulationSize,
  MAX_EVENTS_PER_RUN,
  runDes,
  runScenario,
  SimulationTooLargeError,
  type DesHooks,
} from './des/run.ts';
export { SimulationCancelled } from './des/simulate.ts';

import type { Scenario } from './scenario.ts';
import { resolveCostEntries } from './costs.ts';
import type { CostEntry } from './api.ts';

/** The full cost table a scenario runs with (defaults, overrides applied and marked). */
export function resolveCostTable(scenario: Scenario): CostEntry[] {
  return resolveCostEntries(scenario.host.costs, scenario.host.profile);
}
export * from './sweep.ts';
export * from './calibrate/index.ts';
