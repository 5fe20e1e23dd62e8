// The one contract between the renderer and main. Every API call is named here with its input
// schema and output type. Main's handlers implement exactly these (and validate every input with
// these schemas: the renderer is untrusted), the preload exposes exactly these as
// `window.gmemlab`, and the renderer calls them through one client (renderer/src/lib/api.ts),
// over IPC in Electron or HTTP in the browser mode.
//
// Plain TypeScript: no electron, no node: imports. Shared by main, preload and renderer.
import { z } from 'zod';
import { scenarioSchema } from '../core/index.ts';
import { sweepSchema } from '../runner/sweep.ts';
import type { MetricDelta, PathDiff } from '../analysis/diff.ts';
import type { MetricInfo, Preset, Scenario, StrategyId, ValidationIssue, Estimate, CapabilityRow, CostEntry, LatencyDistribution, Method } from '../core/index.ts';

/** Declares a call: `call<Output>()(inputSchema)`. The output type is a phantom (types only). */
function call<O>() {
  return <I extends z.ZodType>(input: I): { input: I; output: O } => ({ input, output: undefined as O });
}

const id = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const empty = z.object({}).strict();

export type ExperimentStatus = 'queued' | 'running' | 'done' | 'failed' | 'cancelled' | 'interrupted';
export type RunStatus = ExperimentStatus;

export interface ExperimentSummary {
  id: number;
  name: string;
  kind: 'single' | 'sweep';
  method: Method;
  scenarioId: string;
  scenarioName: string;
  status: ExperimentStatus;
  runsTotal: number;
  runsDone: number;
  modelVersion: string | null;
  createdAt: string;
  finishedAt: string | null;
  tags: string[];
  note: string;
}

export interface RunDetail {
  id: number;
  strategy: StrategyId;
  /** Values of the swept parameters at this run's point, by dotted path ({} for a single run). */
  point: Record<string, number | string | boolean>;
  seeds: number[];
  status: RunStatus;
  startedAt: string | null;
  finishedAt: string | null;
  modelVersion: string | null;
  error: string | null;
  params: Record<string, unknown>;
  capability: CapabilityRow | null;
  metrics: Record<string, Estimate>;
  distributions: Record<string, LatencyDistribution>;
}

export interface ExperimentDetail extends ExperimentSummary {
  scenario: Scenario;
  costTable: CostEntry[] | null;
  runs: RunDetail[];
}

export interface ExperimentPage {
  total: number;
  items: ExperimentSummary[];
}

/** The size of a sweep before it starts. */
export interface SweepPreview {
  points: number;
  /** points × strategies: the rows the history will hold. */
  runs: number;
  strategies: number;
  /** Seeds each run averages over (0 for analytic). */
  seedsPerRun: number;
}

/** A run with what compare and diff need to label it. */
export interface RunInContext extends RunDetail {
  experimentId: number;
  experimentName: string;
  experimentCreatedAt: string;
  scenarioId: string;
  scenarioName: string;
}

export interface RunDiff {
  a: RunInContext;
  b: RunInContext;
  /** Every leaf of the effective scenario (sweep point applied), strategy and params. */
  parameters: PathDiff[];
  metrics: MetricDelta[];
}

export interface ScenarioRevisionInfo {
  id: string;
  name: string;
  parentId: string | null;
  createdAt: string;
}

export interface ScenarioDiff {
  a: ScenarioRevisionInfo;
  b: ScenarioRevisionInfo;
  parameters: PathDiff[];
}

const scenarioRevisionId = z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, 'must be a scenario revision id (its content hash)');

export const contract = {
  listPresets: call<Preset[]>()(empty),
  metricCatalogue: call<MetricInfo[]>()(empty),
  validateScenario: call<{ ok: boolean; issues: ValidationIssue[] }>()(z.object({ scenario: z.unknown() }).strict()),
  startExperiment: call<{ experimentId: number; runsTotal: number }>()(
    z.object({ name: z.string().trim().min(1).max(200).optional(), scenario: scenarioSchema, sweep: sweepSchema.optional() }).strict(),
  ),
  cancelExperiment: call<{ cancelled: boolean }>()(z.object({ experimentId: id }).strict()),
  listExperiments: call<ExperimentPage>()(
    z
      .object({
        offset: z.number().int().min(0).max(10_000_000).default(0),
        limit: z.number().int().min(1).max(500).default(50),
        search: z.string().max(200).optional(),
      })
      .strict(),
  ),
  getExperiment: call<ExperimentDetail>()(z.object({ experimentId: id }).strict()),
  // Workbench UI (sweeps, compare, diff).
  previewSweep: call<SweepPreview>()(z.object({ scenario: scenarioSchema, sweep: sweepSchema }).strict()),
  getRuns: call<RunInContext[]>()(z.object({ runIds: z.array(id).min(1).max(5000) }).strict()),
  diffRuns: call<RunDiff>()(z.object({ runIdA: id, runIdB: id }).strict()),
  diffScenarios: call<ScenarioDiff>()(z.object({ scenarioIdA: scenarioRevisionId, scenarioIdB: scenarioRevisionId }).strict()),
} as const;

export type Contract = typeof contract;
export type CallName = keyof Contract;
export const CALL_NAMES = Object.keys(contract) as CallName[];
export type CallInput<K extends CallName> = z.input<Contract[K]['input']>;
export type ParsedInput<K extends CallName> = z.output<Contract[K]['input']>;
export type CallOutput<K extends CallName> = Contract[K]['output'];

/** Events pushed from main to the renderer (IPC send, or Server-Sent Events in browser mode). */
export interface EventMap {
  experimentProgress: { experimentId: number; runsDone: number; runsTotal: number; status: ExperimentStatus };
}
export type EventName = keyof EventMap;
export const EVENT_NAMES: EventName[] = ['experimentProgress'];

/** What every transport carries back: a value, or an error the renderer can show as it is. */
export type Envelope<T> = { ok: true; value: T } | { ok: false; error: ApiErrorBody };

export type ApiErrorCode = 'invalid_input' | 'forbidden' | 'unknown_call' | 'not_found' | 'conflict' | 'too_large' | 'internal';
export interface ApiErrorBody {
  code: ApiErrorCode;
  message: string;
  /** Field-level problems for invalid_input, with dotted paths relative to the call's input. */
  issues?: ValidationIssue[];
}

/** The API as the renderer sees it: one async function per call, and event subscription. */
export type GmemlabApi = {
  [K in CallName]: (input: CallInput<K>) => Promise<CallOutput<K>>;
} & {
  on<E extends EventName>(event: E, listener: (payload: EventMap[E]) => void): () => void;
};

/** IPC channel for a call; one channel per call so main can register exactly the contract. */
export const ipcChannel = (name: CallName): string => `gmemlab:call:${name}`;
export const ipcEventChannel = (name: EventName): string => `gmemlab:event:${name}`;
