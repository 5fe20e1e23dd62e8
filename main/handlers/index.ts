// Main's implementation of the contract, and the one place that validates what crosses from the
// renderer (over IPC or HTTP). Transports call dispatch(); nothing else reaches a handler.
import {
  ConflictError,
  GmemlabError,
  METRIC_CATALOGUE,
  NotFoundError,
  parsePerfKvmStat,
  PERF_IMPORT_BASE_PRESET,
  PRESETS,
  scenarioFromPerfReport,
  validateScenario,
} from '../../common/core/index.ts';
import {
  type CallName,
  type CallOutput,
  type Envelope,
  type ExportedFileBody,
  type ParsedInput,
} from '../../common/contract/index.ts';
import type { ExperimentRunner } from '../runner/experiments.ts';
import { saveExportedFile, type SaveDialog } from './save-export.ts';
import type { ExportedFile } from '../export/index.ts';
import type { Store } from '../store/store.ts';
import * as wb from './workbench.ts';
import { calibrationHandlers } from './calibration-handlers.ts';
import { inlineCompute, RequestBody, type Compute } from './compute.ts';
import { checkInput } from './check-input.ts';

export type Handlers = { [K in CallName]: (input: ParsedInput<K>) => Promise<CallOutput<K>> };

export interface HandlerDeps {
  store: Store;
  runner: ExperimentRunner;
  /** The desktop window's native save dialog; absent in browser mode and the CLI. */
  saveDialog?: SaveDialog;
  /** Where the heavy read-only calls run (compute.ts): the compute worker, or by default this thread. */
  compute?: Compute;
}

/** `value`, or a NotFoundError saying that `what` does not exist. */
function found<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new NotFoundError(`${what} does not exist`);
  return value;
}

/** An exported file as the contract carries it: text as it is, PNG bytes as base64. */
function fileBody(file: ExportedFile): ExportedFileBody {
  return typeof file.body === 'string'
    ? { filename: file.filename, mimeType: file.mimeType, text: file.body }
    : { filename: file.filename, mimeType: file.mimeType, base64: file.body.toString('base64') };
}

/** The desktop window's save dialog; refused in browser mode and the CLI, where exports download or are written. */
function dialog(saveDialog: SaveDialog | undefined): SaveDialog {
  if (saveDialog === undefined)
    throw new GmemlabError(
      'forbidden',
      'saving through a dialog is for the desktop window; in browser mode the export downloads',
    );
  return saveDialog;
}

/**
 * The contract's calls. A handler throws the core's errors (GmemlabError and its kinds) as they
 * come; dispatch turns them into the contract's error codes.
 */
export function createHandlers({ store, runner, saveDialog, compute = inlineCompute(store) }: HandlerDeps): Handlers {
  return {
    listPresets: async () => PRESETS,
    metricCatalogue: async () => METRIC_CATALOGUE,
    validateScenario: async ({ scenario }) => {
      const result = validateScenario(scenario);
      return result.ok ? { ok: true, issues: [] } : { ok: false, issues: result.issues };
    },
    startExperiment: async (request) => runner.start(request),
    cancelExperiment: async ({ experimentId }) => ({ cancelled: runner.cancel(experimentId) }),
    listExperiments: async (query) => store.listExperiments(query),
    getExperiment: async ({ experimentId }) =>
      found(await store.getExperimentData(experimentId), `experiment ${experimentId}`),
    listRuns: async (query) => store.listRuns(query),
    setExperimentTags: async ({ experimentId, tags }) => ({ tags: await store.setTags(experimentId, tags) }),
    setExperimentNote: async ({ experimentId, note }) => ({ note: await store.setNote(experimentId, note) }),
    deleteExperiment: async ({ experimentId }) => {
      if (runner.activeIds().includes(experimentId))
        throw new ConflictError(`experiment ${experimentId} is running; cancel it before deleting it`);
      return { deleted: await store.deleteExperiment(experimentId) };
    },
    rerunExperiment: async ({ experimentId }) => runner.rerun(experimentId),
    listScenarioRevisions: async (query) => store.listScenarioRevisions(query),
    getScenarioRevision: async ({ id }) => found(await store.getScenarioRevision(id), `scenario revision ${id}`),
    // Read and written as text where compute runs (the compute worker in the window and the web
    // host), never built or serialised whole on this thread; capped (MAX_BUNDLE_TEXT_BYTES).
    exportBundle: async ({ experimentIds }) => {
      const { text } = await compute.bundleText({ experimentIds });
      const ids = [...new Set(experimentIds)].sort((a, b) => a - b);
      const more = ids.length > 1 ? `-and-${ids.length - 1}-more` : '';
      return { filename: `gmemlab-bundle-${ids[0]}${more}.json`, mimeType: 'application/json', text };
    },
    // Issue paths under `bundle`, the field of this call's input that holds it.
    importBundle: async ({ bundle }) =>
      store.importBundleFrom(
        compute.readBundle({
          // The web host's large bodies come unparsed (RequestBody): parsed where compute runs.
          source: bundle instanceof RequestBody ? { body: bundle.bytes } : { bundle },
          origin: { at: 'bundle' },
        }),
      ),
    saveScenarioRevision: async ({ scenario, parentId }) => store.saveScenarioRevision(scenario, parentId ?? null),
    // Workbench UI (sweeps, compare, diff): main/handlers/workbench.ts.
    previewSweep: async ({ scenario, sweep }) => wb.previewSweep(scenario, sweep),
    getRuns: async ({ runIds }) => store.getRunsData(runIds),
    diffRuns: async ({ runIdA, runIdB }) => wb.diffRuns(store, runIdA, runIdB),
    getSensitivity: async (request) => compute.sensitivity(request),
    getMatrix: async (request) => compute.matrix(request),
    diffScenarios: async ({ scenarioIdA, scenarioIdB }) => wb.diffScenarios(store, scenarioIdA, scenarioIdB),
    exportExperiment: async (request) => fileBody(await compute.exportFile(request)),
    saveExport: async (request) => saveExportedFile(await compute.exportFile(request), dialog(saveDialog)),
    exportMatrix: async (request) => fileBody(await compute.matrixFile(request)),
    saveMatrixExport: async (request) => saveExportedFile(await compute.matrixFile(request), dialog(saveDialog)),
    readScenarioText: async ({ text }) => wb.readScenarioText(text),
    importPerfReport: async ({ text, durationSec, totalExitsPerSec, base }) => {
      const preset = PRESETS.find((p) => p.id === PERF_IMPORT_BASE_PRESET)!;
      const basis = durationSec !== undefined ? { durationSec } : { totalExitsPerSec: totalExitsPerSec! };
      const result = scenarioFromPerfReport(parsePerfKvmStat(text), basis, base ?? preset.scenario);
      const checked = validateScenario(result.scenario);
      if (!checked.ok)
        throw new GmemlabError(
          'invalid_input',
          `the scenario made from this report is not valid: ${checked.issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
          checked.issues,
        );
      return { ...result, base: base === undefined ? `preset ${preset.id}` : 'the scenario given' };
    },
    ...calibrationHandlers(store),
  };
}

/**
 * Validates and runs one call from an untrusted caller. Never throws: every outcome is an
 * envelope, and internal errors are reported without stack traces.
 */
export async function dispatch(handlers: Handlers, name: string, rawInput: unknown): Promise<Envelope<unknown>> {
  const checked = checkInput(name, rawInput);
  if (!checked.ok) return checked;
  try {
    const handler = handlers[checked.name] as (input: unknown) => Promise<unknown>;
    return { ok: true, value: await handler(checked.input) };
  } catch (err) {
    if (err instanceof GmemlabError) {
      const { code, message, issues } = err;
      return { ok: false, error: issues === undefined ? { code, message } : { code, message, issues } };
    }
    console.error(`gmemlab: ${name} failed:`, err);
    return {
      ok: false,
      error: { code: 'internal', message: `${name} failed: ${err instanceof Error ? err.message : String(err)}` },
    };
  }
}
