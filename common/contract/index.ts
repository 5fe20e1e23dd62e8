// The one contract between the renderer and main. Every API call is named here with its input
// schema and output type. Main's handlers implement exactly these (and validate every input with
// these schemas: the renderer is untrusted), the preload exposes exactly these as
// `window.gmemlab`, and the renderer calls them through one client (renderer/src/lib/api.ts),
// over IPC in Electron or HTTP in the browser mode.
//
// Plain TypeScript: no electron, no node: imports. Shared by main, preload and renderer.
import { z } from 'zod';
import { scenarioSchema } from '../core/index.ts';
import { dottedPathSchema, shardSchema, sweepSchema, type Point, type SweepDefinition } from '../core/index.ts';
import type { CostDelta, MetricDelta, PathDiff } from '../analysis/diff.ts';
import type { Sensitivity } from '../analysis/sensitivity.ts';
import type { Matrix } from '../analysis/matrix.ts';
import { EXPORT_THEMES, type ExportTheme } from '../analysis/chart-draw.ts';
import { Y_SCALE_CHOICES } from '../analysis/symlog.ts';
import type {
  PerfImportResult,
  MetricInfo,
  Preset,
  Scenario,
  StrategyId,
  ValidationIssue,
  Estimate,
  CapabilityRow,
  CostEntry,
  LatencyDistribution,
  Method,
  ResultFlag,
} from '../core/index.ts';
import { STRATEGY_IDS, type ErrorCode } from '../core/index.ts';
import type { ImportSummary } from './bundle.ts';
import type { ExperimentData, RunsData } from './run-table.ts';
export {
  columnsAsJson,
  doneRunIds,
  experimentDetail,
  runDetails,
  runsInContext,
  type ExperimentData,
  type RunContext,
  type RunsData,
  type RunTable,
} from './run-table.ts';
import { calibrationCalls } from './calibration.ts';
export type { CalibrationResult, HostProfileSummary } from './calibration.ts';

/** Declares a call: `call<Output>()(inputSchema)`. The output type is a phantom (types only). */
function call<O>() {
  return <I extends z.ZodType>(input: I): { input: I; output: O } => ({ input, output: undefined as O });
}

const id = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const empty = z.object({}).strict();

/** What an experiment (and each of its runs) is doing or did: the one list. */
export const EXPERIMENT_STATUSES = ['queued', 'running', 'done', 'failed', 'cancelled', 'interrupted'] as const;
export type ExperimentStatus = (typeof EXPERIMENT_STATUSES)[number];
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
  /** What a sweep varies: each swept parameter and its number of values (empty for a single run). */
  swept: { path: string; count: number }[];
}

export interface RunDetail {
  id: number;
  strategy: StrategyId;
  /** Values of the swept parameters at this run's point, by dotted path ({} for a single run). */
  point: Point;
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
  /** Series the run produced (x/y pairs, e.g. a figure over simulated time); {} when none. */
  series?: Record<string, RunSeries>;
  /** Why this run's figures need care (model 2.0); absent on runs saved by earlier versions. */
  flags?: ResultFlag[];
  /** Extra cycles per second on the whole host by `${touchpoint}.${component}` (model 2.0); absent before. */
  breakdown?: Record<string, number>;
}

export interface RunSeries {
  x: number[];
  y: number[];
}

export interface ExperimentDetail extends ExperimentSummary {
  scenario: Scenario;
  /** The swept parameters and their values, as started (null for a single run). */
  sweep: SweepDefinition | null;
  /** For a sweep split across machines: which of its shards this experiment holds. */
  shards: ShardSet | null;
  costTable: CostEntry[] | null;
  runs: RunDetail[];
}

export interface ExperimentPage {
  total: number;
  items: ExperimentSummary[];
}

// ---- History queries (store) ----
const dottedPath = dottedPathSchema;
const finite = z.number().finite();
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(T(\d{2}):(\d{2})(:(\d{2})(\.\d{1,3})?)?Z?)?$/;
/** Whether a text of ISO_DATE's shape names a day and time that exist (no 2026-02-30, no 25:00). */
function existingDate(text: string): boolean {
  const parts = ISO_DATE.exec(text);
  if (parts === null) return true; // not of the shape: the regex above says so
  const [, y, mo, d, , h = '0', mi = '0', , sec = '0'] = parts;
  // setUTCFullYear, not Date.UTC: that reads years 0-99 as 1900-1999.
  const day = new Date(0);
  day.setUTCFullYear(Number(y), Number(mo) - 1, Number(d));
  return (
    day.getUTCFullYear() === Number(y) &&
    day.getUTCMonth() === Number(mo) - 1 &&
    day.getUTCDate() === Number(d) &&
    Number(h) < 24 &&
    Number(mi) < 60 &&
    Number(sec) < 60
  );
}
const isoDate = z
  .string()
  .regex(ISO_DATE, 'must be a date like 2026-05-13 or an ISO timestamp like 2026-05-13T09:30:00Z')
  .refine(existingDate, 'is not a day of the calendar (or its time is not a time of day)');
const tag = z
  .string()
  .trim()
  .min(1)
  .max(60)
  .regex(/^[^\p{Cc}]+$/u, 'must not contain control characters');

/** A scenario parameter (base scenario or swept value) within a range, or equal to a value. */
const parameterFilter = z
  .object({
    path: dottedPath,
    min: finite.optional(),
    max: finite.optional(),
    equals: z.union([finite, z.string().max(200), z.boolean()]).optional(),
  })
  .strict()
  .refine((f) => f.min !== undefined || f.max !== undefined || f.equals !== undefined, 'give min, max or equals');
/** A metric's mean within a range. */
const metricFilter = z
  .object({ key: dottedPath, min: finite.optional(), max: finite.optional() })
  .strict()
  .refine((f) => f.min !== undefined || f.max !== undefined, 'give min or max');

/**
 * Filters shared by the experiment and run history. Run-level filters (strategies, parameters,
 * metrics) select experiments that have at least one run matching all of them together.
 */
const historyFilterShape = {
  offset: z.number().int().min(0).max(10_000_000).default(0),
  limit: z.number().int().min(1).max(500).default(50),
  /** Full-text search on names and notes (word prefixes, all words must match). */
  search: z.string().max(200).optional(),
  /** Substring of the experiment name. */
  name: z.string().max(200).optional(),
  /** Experiments carrying every one of these tags. */
  tags: z.array(tag).max(20).optional(),
  strategies: z.array(z.enum(STRATEGY_IDS)).max(STRATEGY_IDS.length).optional(),
  statuses: z.array(z.enum(EXPERIMENT_STATUSES)).max(EXPERIMENT_STATUSES.length).optional(),
  /** Experiment creation date range, inclusive; a bare date as the upper bound covers that whole day. */
  createdFrom: isoDate.optional(),
  createdTo: isoDate.optional(),
  parameters: z.array(parameterFilter).max(10).optional(),
  metrics: z.array(metricFilter).max(10).optional(),
};
const sortDir = z.enum(['asc', 'desc']).default('desc');
export const experimentQuerySchema = z
  .object({
    ...historyFilterShape,
    sort: z
      .object({ by: z.enum(['createdAt', 'finishedAt', 'name', 'status', 'runsTotal']), dir: sortDir })
      .strict()
      .optional(),
  })
  .strict();
export type ExperimentQuery = z.output<typeof experimentQuerySchema>;
export const runQuerySchema = z
  .object({
    ...historyFilterShape,
    experimentId: id.optional(),
    /** Metric keys whose values each returned run carries (the sort and filter metrics always are). */
    include: z.array(dottedPath).max(20).optional(),
    sort: z
      .object({
        by: z.enum(['createdAt', 'finishedAt', 'strategy', 'status', 'experiment', 'metric']),
        key: dottedPath.optional(),
        dir: sortDir,
      })
      .strict()
      .refine((s) => s.by !== 'metric' || s.key !== undefined, {
        message: 'sorting by metric needs key',
        path: ['key'],
      })
      .optional(),
  })
  .strict();
export type RunQuery = z.output<typeof runQuerySchema>;

export interface RunSummary {
  id: number;
  experimentId: number;
  experimentName: string;
  scenarioId: string;
  strategy: StrategyId;
  point: Point;
  status: RunStatus;
  startedAt: string | null;
  finishedAt: string | null;
  modelVersion: string | null;
  error: string | null;
  metrics: Record<string, Estimate>;
}
export interface RunPage {
  total: number;
  items: RunSummary[];
}
export interface ScenarioRevisionSummary {
  id: string;
  name: string;
  parentId: string | null;
  createdAt: string;
  experiments: number;
}
export interface ScenarioRevisionPage {
  total: number;
  items: ScenarioRevisionSummary[];
}
export interface ScenarioRevision extends ScenarioRevisionSummary {
  scenario: Scenario;
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
/** Most run ids one getRuns call takes: a compare of 10,000 runs in one call, with room (issue 20). */
export const MAX_RUN_IDS = 20_000;

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
  /** Both runs' metrics, less the latencies of touchpoints with events in neither run (idleTouchpoints). */
  metrics: MetricDelta[];
  /** Touchpoints (ids) whose latency both runs carry with no events in either: left out of metrics. */
  idleTouchpoints: string[];
  /**
   * Touchpoints (ids) with events in one run only, by the run that has none: their latency stays
   * in metrics, but on that side it is what one event would take.
   */
  idleInOne: { a: string[]; b: string[] };
  /** The two runs' recorded cost tables, entry by entry (which entries a calibration changed). */
  costs: CostDelta[];
}

export type { SweepDefinition };

/** Shards of a split sweep (`gmemlab sweep --shard I/N`) that one experiment holds. */
export interface ShardSet {
  count: number;
  /** 1-based, sorted. */
  indices: number[];
}

/** What an experiment can be exported as (main/export). */
export const EXPORT_FORMATS = ['text', 'csv', 'svg', 'png', 'json'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
/** The metric an export charts when none is named. */
export const DEFAULT_EXPORT_METRIC = 'cost.overheadPct';

/** Chart themes an export can be drawn in: the window's two, or one for paper (black on white). */
export { EXPORT_THEMES, type ExportTheme };

/**
 * The charts an export can draw, one per view of a result: the metric against the swept
 * parameter (per strategy for a single run), the trade-off plane, where the cycles go, and the
 * sensitivity tornado. A new view is one more entry here and one more case in main/export.
 */
export const EXPORT_CHARTS = ['metric', 'tradeoff', 'cycles', 'sensitivity', 'heatmap'] as const;
export type ExportChart = (typeof EXPORT_CHARTS)[number];
/** The trade-off plane's exposure axis: the exposed fraction, or the longest window. */
export const EXPOSURE_MEASURES = ['fraction', 'longestWindowUs'] as const;
/** How "where the cycles go" stacks each strategy's extra cycles. */
export const BREAKDOWN_GROUPINGS = ['component', 'touchpoint'] as const;
/** A metric key's shape (the catalogue is open-ended: main checks that it names a metric). */
const metricKey = z
  .string()
  .max(200)
  .regex(/^[A-Za-z0-9_.]+$/, 'must be a metric key like cost.overheadPct');
const strategyId = z.string().regex(/^S[0-9]{1,2}$/, 'must be a strategy id like S2');

/**
 * What the window shows, for an export to show the same (main/export/view.ts resolves it against
 * the experiment): the point the tables report, the chart's x axis and slice, its scales, the
 * strategies drawn, the theme, and the PNG's scale. Every field is optional.
 */
export const exportViewSchema = z
  .object({
    /** Values of swept parameters (all or some): the first point that matches them is reported. */
    point: z.record(dottedPath, z.union([finite, z.string().max(100), z.boolean()])).optional(),
    /** The swept parameter on the chart's x axis. */
    x: dottedPath.optional(),
    /** Values of the other swept parameters for the chart's slice; unset: those of `point`. */
    slice: z.record(dottedPath, z.union([finite, z.string().max(100), z.boolean()])).optional(),
    /** A log x axis; unset: log when the values span two decades or a steady ratio (the window's rule). */
    logX: z.boolean().optional(),
    /** A log y axis (as yScale "log"): kept for views saved before yScale. */
    logY: z.boolean().optional(),
    /**
     * The y axis of the metric chart: linear, log (zero and below not drawn), symlog (zero has its
     * place); unset or auto: the window's own choice for the figures drawn (symlog.ts: chooseYScale).
     */
    yScale: z.enum(Y_SCALE_CHOICES).optional(),
    /** The strategies drawn (the others are hidden); unset: all. */
    strategies: z.array(strategyId).min(1).max(100).optional(),
    theme: z.enum(EXPORT_THEMES).optional(),
    /** PNG pixels per chart unit (2 gives a 2000 x 1120 image). */
    scale: z.number().min(0.5).max(4).optional(),
    /** Every metric in the mail's table, not only the headline ones. */
    all: z.boolean().optional(),
    /** Which chart the CSV, SVG and PNG draw; unset: the metric against the swept parameter. */
    chart: z.enum(EXPORT_CHARTS).optional(),
    /** The trade-off plane's cost axis and the sensitivity's metric (a cost metric key). */
    cost: metricKey.optional(),
    /** The trade-off plane's attacker context (exposure.<context>.*), and fraction or longest window. */
    context: z
      .string()
      .regex(/^[A-Za-z0-9_]{1,40}$/, 'must be an attacker context like kernel')
      .optional(),
    measure: z.enum(EXPOSURE_MEASURES).optional(),
    /** Where the cycles go: stacked by cost component or touchpoint; as shares of each total. */
    by: z.enum(BREAKDOWN_GROUPINGS).optional(),
    share: z.boolean().optional(),
    /** The strategy whose sensitivity tornado (or metric heatmap) is drawn; unset: the costliest at the point (S2 for the heatmap). */
    strategy: strategyId.optional(),
    /**
     * The heatmap's exposure budget: given, each cell shows the cheapest strategy (cost: `cost`)
     * whose exposure (`context`, `measure`) is at most this; unset, one strategy's metric.
     */
    budget: z.number().finite().min(0).optional(),
  })
  .strict();
export type ExportView = z.output<typeof exportViewSchema>;

/** What to export: an experiment, a format, the metric charted, and the view on screen. */
export const exportRequestSchema = z
  .object({
    experimentId: id,
    format: z.enum(EXPORT_FORMATS),
    metric: metricKey.optional(),
    view: exportViewSchema.optional(),
  })
  .strict();

export interface ExportedFileBody {
  filename: string;
  mimeType: string;
  text?: string;
  base64?: string;
}

export type PerfImportSummary = PerfImportResult & {
  /** Which scenario the rates were put into: the one given, or this preset. */
  base: string;
};

/** A revision as diff labels it. */
export type ScenarioRevisionInfo = Omit<ScenarioRevisionSummary, 'experiments'>;

export interface ScenarioDiff {
  a: ScenarioRevisionInfo;
  b: ScenarioRevisionInfo;
  parameters: PathDiff[];
}

const scenarioRevisionId = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,128}$/, 'must be a scenario revision id (its content hash)');

/** The most joint draws getSensitivity makes (each is one analytic run of every strategy). */
export const MAX_SENSITIVITY_SAMPLES = 2000;

/** getSensitivity's answer: the analysis, and the method that made the run (the analysis is always analytic). */
export interface SensitivityAnswer extends Sensitivity {
  runId: number;
  runMethod: Method;
}

/** Most metrics and experiments one getMatrix call takes (each experiment is a few dozen analytic runs). */
export const MAX_MATRIX_METRICS = 8;
export const MAX_MATRIX_EXPERIMENTS = 50;
/** The matrix's rows when not every preset: experiments, each at a point (unset: its first with finished runs). */
const matrixExperiments = z
  .array(
    z
      .object({
        experimentId: id,
        point: z.record(dottedPath, z.union([finite, z.string().max(100), z.boolean()])).optional(),
      })
      .strict(),
  )
  .min(1)
  .max(MAX_MATRIX_EXPERIMENTS);

/** What the presets × strategies matrix can be exported as: the table for a mail, CSV, an SVG or PNG image. */
export const MATRIX_EXPORT_FORMATS = ['text', 'csv', 'svg', 'png'] as const;
export type MatrixExportFormat = (typeof MATRIX_EXPORT_FORMATS)[number];
/**
 * The matrix as the Matrix view shows it, for an export: its rows (every preset, or `experiments`),
 * the cost and the exposure each cell gives (metric keys; defaults those of the view), the theme
 * and the PNG's scale.
 */
export const matrixExportRequestSchema = z
  .object({
    format: z.enum(MATRIX_EXPORT_FORMATS),
    experiments: matrixExperiments.optional(),
    cost: metricKey.optional(),
    exposure: metricKey.optional(),
    theme: z.enum(EXPORT_THEMES).optional(),
    scale: z.number().min(0.5).max(4).optional(),
  })
  .strict();
export type MatrixExportRequest = z.output<typeof matrixExportRequestSchema>;

export const contract = {
  listPresets: call<Preset[]>()(empty),
  metricCatalogue: call<MetricInfo[]>()(empty),
  validateScenario: call<{ ok: boolean; issues: ValidationIssue[] }>()(z.object({ scenario: z.unknown() }).strict()),
  startExperiment: call<{ experimentId: number; runsTotal: number }>()(
    z
      .object({
        name: z.string().trim().min(1).max(200).optional(),
        scenario: scenarioSchema,
        sweep: sweepSchema.optional(),
        /** Run only this shard of the sweep's points (`gmemlab sweep --shard I/N`). */
        shard: shardSchema.optional(),
      })
      .strict(),
  ),
  cancelExperiment: call<{ cancelled: boolean }>()(z.object({ experimentId: id }).strict()),
  listExperiments: call<ExperimentPage>()(experimentQuerySchema),
  /** The runs come as columns (run-table.ts: experimentDetail makes them RunDetail objects). */
  getExperiment: call<ExperimentData>()(z.object({ experimentId: id }).strict()),
  listRuns: call<RunPage>()(runQuerySchema),
  setExperimentTags: call<{ tags: string[] }>()(z.object({ experimentId: id, tags: z.array(tag).max(50) }).strict()),
  setExperimentNote: call<{ note: string }>()(z.object({ experimentId: id, note: z.string().max(20_000) }).strict()),
  deleteExperiment: call<{ deleted: boolean }>()(z.object({ experimentId: id }).strict()),
  rerunExperiment: call<{ experimentId: number; runsTotal: number }>()(z.object({ experimentId: id }).strict()),
  listScenarioRevisions: call<ScenarioRevisionPage>()(
    z
      .object({
        offset: z.number().int().min(0).max(10_000_000).default(0),
        limit: z.number().int().min(1).max(500).default(50),
        name: z.string().max(200).optional(),
      })
      .strict(),
  ),
  getScenarioRevision: call<ScenarioRevision>()(
    z.object({ id: z.string().regex(/^[0-9a-f]{64}$/, 'must be a scenario revision hash') }).strict(),
  ),
  /**
   * Experiments as a bundle file's text (`text`: what `gmemlab export-bundle` writes; give it to
   * importBundle as JSON.parse(text), or save it). Read from the store a page at a time and
   * written as text off the thread that answers (main/handlers/compute.ts). Answered as one
   * value, so capped: a bundle over 16 MiB (about 2,000 runs) is refused as too_large, naming
   * `gmemlab export-bundle IDS --out FILE`, the file export, which streams and has no limit.
   */
  exportBundle: call<ExportedFileBody>()(z.object({ experimentIds: z.array(id).min(1).max(10_000) }).strict()),
  /** The bundle is validated in full by the store (bundleSchema) before anything is written. */
  importBundle: call<ImportSummary>()(z.object({ bundle: z.unknown() }).strict()),
  /** Saves a scenario as an immutable revision (its id is its content hash); an edit names its parent. */
  saveScenarioRevision: call<{ id: string; created: boolean }>()(
    z
      .object({
        scenario: scenarioSchema,
        parentId: z
          .string()
          .regex(/^[0-9a-f]{64}$/, 'must be a scenario revision hash')
          .optional(),
      })
      .strict(),
  ),
  // Workbench UI (sweeps, compare, diff).
  previewSweep: call<SweepPreview>()(z.object({ scenario: scenarioSchema, sweep: sweepSchema }).strict()),
  /** The runs come as columns (run-table.ts: runsInContext makes them RunInContext objects, in the order asked). */
  getRuns: call<RunsData>()(z.object({ runIds: z.array(id).min(1).max(MAX_RUN_IDS) }).strict()),
  diffRuns: call<RunDiff>()(z.object({ runIdA: id, runIdB: id }).strict()),
  /**
   * How a run's point reacts to the cost table (common/analysis/sensitivity.ts), computed with
   * the formulas in main (a few hundred analytic points: too slow for the page's thread).
   */
  getSensitivity: call<SensitivityAnswer>()(
    z
      .object({
        runId: id,
        metric: z
          .string()
          .max(200)
          .regex(/^[A-Za-z0-9_.]+$/, 'must be a metric key like cost.overheadPct'),
        samples: z.number().int().min(1).max(MAX_SENSITIVITY_SAMPLES).default(200),
      })
      .strict(),
  ),
  /**
   * Every strategy's figures across scenarios on one slide (common/analysis/matrix.ts): all the
   * presets computed with the formulas, or the given experiments' stored runs at a point (their
   * first when none is given); each figure marked with the estimate-class costs it rests on.
   */
  getMatrix: call<Matrix>()(
    z
      .object({
        metrics: z.array(metricKey).min(1).max(MAX_MATRIX_METRICS),
        experiments: matrixExperiments.optional(),
      })
      .strict(),
  ),
  diffScenarios: call<ScenarioDiff>()(
    z.object({ scenarioIdA: scenarioRevisionId, scenarioIdB: scenarioRevisionId }).strict(),
  ),
  // Exports and imports (main/export, common/core/perf-import.ts).
  /** One experiment as a file; PNG comes as base64, every other format as text. */
  exportExperiment: call<ExportedFileBody>()(exportRequestSchema),
  /**
   * The same file saved where the user picks in the desktop window's native save dialog (main
   * writes it; the renderer never names a path). Refused in browser mode, which downloads instead.
   */
  saveExport: call<{ saved: boolean; filename: string; path?: string }>()(exportRequestSchema),
  /** The presets × strategies matrix as a file (main/export/matrix.ts); PNG as base64. */
  exportMatrix: call<ExportedFileBody>()(matrixExportRequestSchema),
  /** The same file saved through the desktop window's native save dialog (as saveExport). */
  saveMatrixExport: call<{ saved: boolean; filename: string; path?: string }>()(matrixExportRequestSchema),
  /**
   * The scenario in a text the user opened, pasted or dropped: a scenario file, or a mail that
   * carries one, quoted or not (main/export/scenario-text.ts, the one reader); with the sweep a
   * sweep's mail carries. Every problem named if it holds none.
   */
  readScenarioText: call<{ scenario: Scenario; sweep?: SweepDefinition }>()(
    z
      .object({ text: z.string().min(1, 'the text is empty').max(5_000_000, 'is over 5 MB: not a scenario or a mail') })
      .strict(),
  ),
  /** A scenario from `perf kvm stat report` text: `base` (a scenario) with the report's exit rates. */
  importPerfReport: call<PerfImportSummary>()(
    z
      .object({
        text: z
          .string()
          .min(1, 'paste the report text')
          .max(1_000_000, 'is over 1 MB: is this a perf kvm stat report?'),
        durationSec: z.number().positive().finite().max(1e7).optional(),
        totalExitsPerSec: z.number().positive().finite().max(1e12).optional(),
        base: scenarioSchema.optional(),
      })
      .strict()
      .refine((v) => (v.durationSec === undefined) !== (v.totalExitsPerSec === undefined), {
        message:
          'give either the recording duration (durationSec) or the total exit rate (totalExitsPerSec), not both and not neither',
        path: ['durationSec'],
      }),
  ),
  // Host calibration (common/contract/calibration.ts).
  ...calibrationCalls,
} as const;

export type Contract = typeof contract;
export type CallName = keyof Contract;
export const CALL_NAMES = Object.keys(contract) as CallName[];
export type CallInput<K extends CallName> = z.input<Contract[K]['input']>;
export type ParsedInput<K extends CallName> = z.output<Contract[K]['input']>;
export type CallOutput<K extends CallName> = Contract[K]['output'];

/** Commands of the Electron window's application menu, carried to the renderer (main/electron/menu.ts). */
export const MENU_COMMANDS = [
  'run',
  'cancel',
  'search',
  'results',
  'history',
  'compare',
  'diff',
  'matrix',
  'toggle-scenario',
  'save-scenario',
  'open-text',
] as const;
export type MenuCommand = (typeof MENU_COMMANDS)[number];

/** Events pushed from main to the renderer (IPC send, or Server-Sent Events in browser mode). */
export interface EventMap {
  /** A menu command; 'open-text' carries a file's text and name (Open scenario…, a recent scenario). */
  menuCommand: { command: MenuCommand; text?: string; name?: string };
  /** fraction counts runs in progress too (a long simulation moves it before any run is done). */
  experimentProgress: {
    experimentId: number;
    runsDone: number;
    runsTotal: number;
    fraction: number;
    status: ExperimentStatus;
  };
}
export type EventName = keyof EventMap;
export const EVENT_NAMES: EventName[] = ['experimentProgress', 'menuCommand'];

/** What every transport carries back: a value, or an error the renderer can show as it is. */
export type Envelope<T> = { ok: true; value: T } | { ok: false; error: ApiErrorBody };

/** The codes of the one error vocabulary (common/core/errors.ts: GmemlabError carries one). */
export type ApiErrorCode = ErrorCode;
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
/**
 * Largest request either edge passes to main: the web host's body limit in bytes, and in the
 * preload the JSON length of a call's input (Electron's IPC has no limit of its own).
 */
export const MAX_REQUEST_BYTES = 64 * 1024 * 1024;

/**
 * The web host's body limit for a call that does not need more: what every call's largest valid
 * input takes (a scenario with a 10,000-point sweep, 20,000 run ids) with room to spare. A body
 * this size is parsed on the thread that answers (tens of ms at worst); bigger ones, which only
 * the calls below may send, are parsed off it (main/web/server.ts).
 */
export const DEFAULT_REQUEST_BYTES = 1024 * 1024;

/** Calls whose valid input can be bigger: their body limits, in bytes (JSON may escape a character as 6). */
const REQUEST_BYTES: Partial<Record<string, number>> = {
  importBundle: MAX_REQUEST_BYTES,
  calibrateHost: MAX_REQUEST_BYTES, // up to 50 tool outputs of 5 MB
  readScenarioText: 32 * 1024 * 1024, // 5,000,000 characters
  importPerfReport: 8 * 1024 * 1024, // 1,000,000 characters
};

/** The largest request body the web host reads for the call `name` (any name: unknown ones get the default). */
export const maxRequestBytes = (name: string): number =>
  Object.hasOwn(REQUEST_BYTES, name) ? REQUEST_BYTES[name]! : DEFAULT_REQUEST_BYTES;

export const ipcChannel = (name: CallName): string => `gmemlab:call:${name}`;
export const ipcEventChannel = (name: EventName): string => `gmemlab:event:${name}`;
