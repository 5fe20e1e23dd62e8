// Heavy read-only work behind the handlers: an experiment as a file (up to 60,000 runs, charts
// through a native canvas, a mail whose cost analysis re-runs the model per cost entry), the
// sensitivity of a run's point and the strategy matrix (many analytic evaluations), and the
// matrix as a file. Each task
// reads the history itself, so a big experiment never crosses a thread. The same tasks run on
// the calling thread (inlineCompute: the one-shot CLI) or in the compute worker
// (compute-worker.ts through ComputeWorkerClient: the window and the web host), which keeps
// them off the thread where IPC, HTTP and the store's writer live.
import { GmemlabError, NotFoundError } from '../../common/core/index.ts';
import { checkInput } from './check-input.ts';
import type { ParsedInput, CallOutput } from '../../common/contract/index.ts';
import type { ExportedFile } from '../export/index.ts';
import type { Reads } from '../store/read-client.ts';
import { bundleTextUpTo, writeBundleFile } from '../store/bundle-write.ts';
import type { BundleSummary } from '../store/bundle-export.ts';
import type { StoreReader } from '../store/reader.ts';
import { readBundle, type BundleMessage, type BundleOrigin, type BundleSource } from '../store/bundle-read.ts';
import { getMatrix, getSensitivity } from './workbench.ts';

/** The reads the tasks need: a StoreReader, or the Store itself. */
export type ComputeReads = Pick<Reads, 'getExperiment' | 'getRuns'> & Pick<StoreReader, 'bundleParts'>;

export type ExportRequest = ParsedInput<'exportExperiment'>;
export type MatrixFileRequest = ParsedInput<'exportMatrix'>;

/** What a bundle written by exportBundleFile or bundleText holds. */
export type BundleFileSummary = BundleSummary;

/**
 * Largest bundle the contract's exportBundle returns as one value (its text, UTF-8 bytes): the
 * value is copied to the main thread and serialised there (the web host's JSON, Electron's IPC),
 * so its size bounds how long that thread is busy. About 2,000 runs of an analytic sweep.
 * Bigger bundles are written as a file, where compute runs (`gmemlab export-bundle`).
 */
export const MAX_BUNDLE_TEXT_BYTES = 16 * 1024 * 1024;

/**
 * An importBundle request's whole body (JSON `{"bundle": ...}`) as the web host read it, given
 * as the call's `bundle` so that it is parsed and checked where compute runs, never on the thread
 * that answers. Only code in this process can make one: JSON and IPC's structured clone make
 * plain objects, never instances of a class.
 */
export class RequestBody {
  readonly bytes: Uint8Array;
  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
  }
}

/** What readBundle reads: a bundle file or value (bundle-read.ts), or an importBundle request's body. */
export type ComputeBundleSource = BundleSource | { body: Uint8Array };

/** The heavy calls, wherever they run. Errors are the handlers' own (GmemlabError and its kinds). */
export interface Compute {
  exportFile(request: ExportRequest): Promise<ExportedFile>;
  /** The presets × strategies matrix as a file. */
  matrixFile(request: MatrixFileRequest): Promise<ExportedFile>;
  sensitivity(request: ParsedInput<'getSensitivity'>): Promise<CallOutput<'getSensitivity'>>;
  matrix(request: ParsedInput<'getMatrix'>): Promise<CallOutput<'getMatrix'>>;
  /**
   * An untrusted bundle (a file, read as a stream, or a value) checked and then read in batches
   * (main/store/bundle-read.ts), for Store.importBundleFrom; refusals are BundleError's code and issues.
   */
  readBundle(request: { source: ComputeBundleSource; origin: BundleOrigin }): AsyncIterable<BundleMessage>;
  /**
   * Experiments as a bundle file at `path`, read from the store a page at a time and written as
   * they come (bundle-export.ts, bundle-write.ts); says what it holds.
   */
  exportBundleFile(request: { experimentIds: number[]; path: string }): Promise<BundleFileSummary>;
  /** Experiments as a bundle's text, read and written as exportBundleFile does; over MAX_BUNDLE_TEXT_BYTES, too_large. */
  bundleText(request: { experimentIds: number[] }): Promise<{ text: string; summary: BundleFileSummary }>;
  /**
   * A web request's body (UTF-8 JSON) parsed and checked against the call's schema (check-input.ts):
   * the input as dispatch would pass it; refused as dispatch refuses (invalid_input naming every
   * issue, unknown_call), or as invalid_input when it is not JSON. For bodies too big to parse on
   * the thread that answers.
   */
  parseRequest(request: { name: string; body: Uint8Array }): Promise<unknown>;
  close(): Promise<void>;
}

/** One experiment as a file (main/export); its refusals name the field at fault (ExportError). */
export async function exportFile(reads: ComputeReads, request: ExportRequest): Promise<ExportedFile> {
  const detail = await reads.getExperiment(request.experimentId);
  if (detail === undefined) throw new NotFoundError(`experiment ${request.experimentId} does not exist`);
  // Loaded on first use: chart rendering pulls in chart.js and a native canvas.
  const { exportExperiment } = await import('../export/index.ts');
  return exportExperiment(detail, request.format, request.metric, request.view);
}

/**
 * The presets × strategies matrix as a file (main/export/matrix.ts), computed as getMatrix
 * computes it for the window; refusals name the field (ExportError: cost, exposure; experiments.N).
 */
export async function matrixFile(reads: ComputeReads, request: MatrixFileRequest): Promise<ExportedFile> {
  const { exportMatrix, matrixViewMetrics, resolveMatrixView } = await import('../export/index.ts');
  const view = resolveMatrixView(request);
  const matrix = await getMatrix(reads, matrixViewMetrics(view), request.experiments);
  return exportMatrix(matrix, request, view);
}

/** The tasks on this thread, on `reads`: for a one-shot command, where a worker would only add its start-up. */
export function inlineCompute(reads: ComputeReads): Compute {
  return {
    exportFile: (request) => exportFile(reads, request),
    matrixFile: (request) => matrixFile(reads, request),
    sensitivity: ({ runId, metric, samples }) => getSensitivity(reads, runId, metric, samples),
    matrix: ({ metrics, experiments }) => getMatrix(reads, metrics, experiments),
    readBundle: ({ source, origin }) => readBundleAsync(source, origin),
    exportBundleFile: ({ experimentIds, path }) => writeBundleFile(reads.bundleParts(experimentIds), path),
    bundleText: ({ experimentIds }) =>
      bundleTextUpTo(
        reads.bundleParts(experimentIds),
        MAX_BUNDLE_TEXT_BYTES,
        ({ runs }) =>
          `the bundle of ${runs} runs is over ${MAX_BUNDLE_TEXT_BYTES / 2 ** 20} MiB, the most returned in one answer: ` +
          `write it to a file instead (\`gmemlab export-bundle ${[...new Set(experimentIds)].join(' ')} --out FILE\`)`,
      ),
    parseRequest: async ({ name, body }) => parseRequest(name, body),
    close: async () => {},
  };
}

/**
 * The bundle's messages (bundle-read.ts); a request body is parsed and checked first, as the
 * importBundle call's input (parseRequest), and refused as dispatch would refuse it.
 */
export function* readBundleFrom(source: ComputeBundleSource, origin: BundleOrigin): Generator<BundleMessage> {
  if ('body' in source) {
    const { bundle } = parseRequest('importBundle', source.body) as { bundle: unknown };
    yield* readBundle({ bundle }, origin);
  } else yield* readBundle(source, origin);
}

/** readBundleFrom's messages as an async iterable (what Store.importBundleFrom takes). */
export async function* readBundleAsync(
  source: ComputeBundleSource,
  origin: BundleOrigin,
): AsyncGenerator<BundleMessage> {
  yield* readBundleFrom(source, origin);
}

/** Compute's parseRequest, on this thread. */
export function parseRequest(name: string, body: Uint8Array): unknown {
  let value: unknown;
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(body);
    value = text.trim() === '' ? {} : JSON.parse(text);
  } catch {
    throw new GmemlabError('invalid_input', 'request body is not valid JSON');
  }
  const checked = checkInput(name, value);
  if (!checked.ok) throw new GmemlabError(checked.error.code, checked.error.message, checked.error.issues);
  return checked.input;
}
