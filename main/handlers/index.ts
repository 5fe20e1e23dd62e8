// Main's implementation of the contract, and the one place that validates what crosses from the
// renderer (over IPC or HTTP). Transports call dispatch(); nothing else reaches a handler.
import { z } from 'zod';
import {
  METRIC_CATALOGUE,
  parsePerfKvmStat,
  PERF_IMPORT_BASE_PRESET,
  PerfImportError,
  PRESETS,
  scenarioFromPerfReport,
  validateScenario,
} from '../../common/core/index.ts';
import {
  CALL_NAMES,
  contract,
  type ApiErrorBody,
  type CallName,
  type CallOutput,
  type Envelope,
  type ExportFormat,
  type ExportView,
  type ParsedInput,
} from '../../common/contract/index.ts';
import type { ExportedFile } from '../export/index.ts';
import { saveExportedFile, type SaveDialog } from './save-export.ts';
import { RunnerConflictError, type ExperimentRunner } from '../runner/experiments.ts';
import { BundleError, StoreNotFoundError } from '../store/errors.ts';
import { RunRequestError } from '../../common/core/sweep.ts';
import type { Store } from '../store/store.ts';
import * as wb from './workbench.ts';
import { calibrationHandlers } from './calibration-handlers.ts';

export class ApiError extends Error {
  readonly body: ApiErrorBody;
  constructor(body: ApiErrorBody) {
    super(body.message);
    this.body = body;
  }
}

export type Handlers = { [K in CallName]: (input: ParsedInput<K>) => Promise<CallOutput<K>> };

export interface HandlerDeps {
  store: Store;
  runner: ExperimentRunner;
  /** The desktop window's native save dialog; absent in browser mode and the CLI. */
  saveDialog?: SaveDialog;
}

/** One experiment as a file (main/export), its refusals as invalid input naming the field. */
async function exportFile(
  store: Store,
  experimentId: number,
  format: ExportFormat,
  metric: string | undefined,
  view: ExportView | undefined,
): Promise<ExportedFile> {
  const detail = await store.getExperiment(experimentId);
  if (detail === undefined)
    throw new ApiError({ code: 'not_found', message: `experiment ${experimentId} does not exist` });
  // Loaded on first use: chart rendering pulls in a native canvas.
  const { exportExperiment, ExportError } = await import('../export/index.ts');
  try {
    return await exportExperiment(detail, format, metric, view);
  } catch (err) {
    if (err instanceof ExportError)
      throw new ApiError({
        code: 'invalid_input',
        message: err.message,
        issues: [{ path: err.field, message: err.message }],
      });
    throw err;
  }
}

export function createHandlers({ store, runner, saveDialog }: HandlerDeps): Handlers {
  return {
    listPresets: async () => PRESETS,
    metricCatalogue: async () => METRIC_CATALOGUE,
    validateScenario: async ({ scenario }) => {
      const result = validateScenario(scenario);
      return result.ok ? { ok: true, issues: [] } : { ok: false, issues: result.issues };
    },
    startExperiment: async ({ name, scenario, sweep }) => {
      try {
        return await runner.start({ name, scenario, sweep });
      } catch (err) {
        if (err instanceof RunRequestError)
          throw new ApiError({ code: 'invalid_input', message: err.message, issues: err.issues });
        throw err;
      }
    },
    cancelExperiment: async ({ experimentId }) => ({ cancelled: runner.cancel(experimentId) }),
    listExperiments: async (query) => store.listExperiments(query),
    getExperiment: async ({ experimentId }) => {
      const detail = await store.getExperiment(experimentId);
      if (detail === undefined)
        throw new ApiError({ code: 'not_found', message: `experiment ${experimentId} does not exist` });
      return detail;
    },
    listRuns: async (query) => store.listRuns(query),
    setExperimentTags: async ({ experimentId, tags }) =>
      storeCall(async () => ({ tags: await store.setTags(experimentId, tags) })),
    setExperimentNote: async ({ experimentId, note }) =>
      storeCall(async () => ({ note: await store.setNote(experimentId, note) })),
    deleteExperiment: async ({ experimentId }) => {
      if (runner.activeIds().includes(experimentId)) {
        throw new ApiError({
          code: 'conflict',
          message: `experiment ${experimentId} is running; cancel it before deleting it`,
        });
      }
      return { deleted: await store.deleteExperiment(experimentId) };
    },
    rerunExperiment: async ({ experimentId }) =>
      storeCall(async () => {
        try {
          return await runner.rerun(experimentId);
        } catch (err) {
          if (err instanceof RunnerConflictError) throw new ApiError({ code: 'conflict', message: err.message });
          if (err instanceof RunRequestError)
            throw new ApiError({ code: 'invalid_input', message: err.message, issues: err.issues });
          throw err;
        }
      }),
    listScenarioRevisions: async (query) => store.listScenarioRevisions(query),
    getScenarioRevision: async ({ id }) => {
      const revision = await store.getScenarioRevision(id);
      if (revision === undefined)
        throw new ApiError({ code: 'not_found', message: `scenario revision ${id} does not exist` });
      return revision;
    },
    exportBundle: async ({ experimentIds }) => storeCall(() => store.exportBundle(experimentIds)),
    importBundle: async ({ bundle }) => storeCall(() => store.importBundle(bundle)),
    saveScenarioRevision: async ({ scenario, parentId }) =>
      storeCall(() => store.saveScenarioRevision(scenario, parentId ?? null)),
    // Workbench UI (sweeps, compare, diff): main/handlers/workbench.ts.
    previewSweep: async ({ scenario, sweep }) => workbenchCall(() => wb.previewSweep(scenario, sweep)),
    getRuns: async ({ runIds }) => workbenchCall(() => wb.getRuns(store, runIds)),
    diffRuns: async ({ runIdA, runIdB }) => workbenchCall(() => wb.diffRuns(store, runIdA, runIdB)),
    diffScenarios: async ({ scenarioIdA, scenarioIdB }) =>
      workbenchCall(() => wb.diffScenarios(store, scenarioIdA, scenarioIdB)),
    exportExperiment: async ({ experimentId, format, metric, view }) => {
      const file = await exportFile(store, experimentId, format, metric, view);
      return typeof file.body === 'string'
        ? { filename: file.filename, mimeType: file.mimeType, text: file.body }
        : { filename: file.filename, mimeType: file.mimeType, base64: file.body.toString('base64') };
    },
    saveExport: async ({ experimentId, format, metric, view }) => {
      if (saveDialog === undefined)
        throw new ApiError({
          code: 'forbidden',
          message: 'saving through a dialog is for the desktop window; in browser mode the export downloads',
        });
      return saveExportedFile(await exportFile(store, experimentId, format, metric, view), saveDialog);
    },
    importPerfReport: async ({ text, durationSec, totalExitsPerSec, base }) => {
      const preset = PRESETS.find((p) => p.id === PERF_IMPORT_BASE_PRESET)!;
      try {
        const basis = durationSec !== undefined ? { durationSec } : { totalExitsPerSec: totalExitsPerSec! };
        const result = scenarioFromPerfReport(parsePerfKvmStat(text), basis, base ?? preset.scenario);
        return { ...result, base: base === undefined ? `preset ${preset.id}` : 'the scenario given' };
      } catch (err) {
        if (err instanceof PerfImportError)
          throw new ApiError({
            code: 'invalid_input',
            message: err.message,
            issues: [{ path: 'text', message: err.message }],
          });
        throw err;
      }
    },
    ...calibrationHandlers(store),
  };
}

/** Maps the workbench reads' errors onto the contract's error codes. */
async function workbenchCall<T>(fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof RunRequestError)
      throw new ApiError({ code: 'invalid_input', message: err.message, issues: err.issues });
    if (err instanceof wb.NotFoundError) throw new ApiError({ code: 'not_found', message: err.message });
    throw err;
  }
}

/** Maps the store's own errors to API errors (field paths of bundle issues are relative to the input). */
async function storeCall<T>(body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (err) {
    if (err instanceof StoreNotFoundError) throw new ApiError({ code: 'not_found', message: err.message });
    if (err instanceof BundleError) {
      throw new ApiError({
        code: 'invalid_input',
        message: err.message,
        issues: err.issues.map((i) => ({ path: i.path === '' ? 'bundle' : `bundle.${i.path}`, message: i.message })),
      });
    }
    throw err;
  }
}

const isCallName = (name: string): name is CallName => (CALL_NAMES as string[]).includes(name);

function issuesOf(error: z.ZodError): { path: string; message: string }[] {
  return error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
}

/**
 * Validates and runs one call from an untrusted caller. Never throws: every outcome is an
 * envelope, and internal errors are reported without stack traces.
 */
export async function dispatch(handlers: Handlers, name: string, rawInput: unknown): Promise<Envelope<unknown>> {
  if (!isCallName(name)) return { ok: false, error: { code: 'unknown_call', message: `unknown call "${name}"` } };
  const parsed = contract[name].input.safeParse(rawInput ?? {});
  if (!parsed.success) {
    const issues = issuesOf(parsed.error);
    const summary = issues
      .slice(0, 3)
      .map((i) => `${i.path || '(input)'}: ${i.message}`)
      .join('; ');
    return { ok: false, error: { code: 'invalid_input', message: `invalid input for ${name}: ${summary}`, issues } };
  }
  try {
    const handler = handlers[name] as (input: unknown) => Promise<unknown>;
    return { ok: true, value: await handler(parsed.data) };
  } catch (err) {
    if (err instanceof ApiError) return { ok: false, error: err.body };
    console.error(`gmemlab: ${name} failed:`, err);
    return {
      ok: false,
      error: { code: 'internal', message: `${name} failed: ${err instanceof Error ? err.message : String(err)}` },
    };
  }
}
