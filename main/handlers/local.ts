// Calls only code in this process makes (the CLI; the Electron edge could, for a file the user
// picked): they take file paths or wait on the runner, so no transport may carry them. They are
// not in the contract, dispatch does not know them, and neither IPC nor the web host exposes them.
// They throw the same errors as the handlers (GmemlabError and its kinds).
import type { ImportSummary } from '../../common/contract/bundle.ts';
import { inlineCompute, type BundleFileSummary } from './compute.ts';
import type { HandlerDeps } from './index.ts';

export interface LocalCalls {
  /**
   * Imports a bundle file (read as a stream and checked in full first, then written all or
   * nothing, never duplicated; memory does not grow with the file). The
   * one way in for a bundle too big for one request: the CLI's `import`, and the window's edge
   * for a file the user picked; the web host never offers it.
   */
  importBundleFile(path: string): Promise<ImportSummary>;
  /**
   * Writes experiments as a bundle file (built and written as a stream where compute runs: the
   * compute worker in the window); the path comes from this process (the CLI, a save dialog).
   */
  exportBundleFile(experimentIds: number[], path: string): Promise<BundleFileSummary>;
  /**
   * A web request's body too big to parse on the thread that answers, parsed and checked where
   * compute runs (the compute worker in the web host): the call's input, or dispatch's refusal
   * thrown as a GmemlabError (Compute.parseRequest).
   */
  parseRequestBody(name: string, body: Uint8Array): Promise<unknown>;
  /** Resolves when the experiment has finished, failed or been cancelled (at once if it is not running). */
  whenDone(experimentId: number): Promise<void>;
}

export function createLocalCalls({ store, runner, compute = inlineCompute(store) }: HandlerDeps): LocalCalls {
  return {
    // Read as a stream where compute runs (the compute worker in the window), written here.
    importBundleFile: (path) =>
      store.importBundleFrom(compute.readBundle({ source: { path }, origin: { source: path } })),
    exportBundleFile: (experimentIds, path) => compute.exportBundleFile({ experimentIds, path }),
    parseRequestBody: (name, body) => compute.parseRequest({ name, body }),
    whenDone: (experimentId) => runner.whenDone(experimentId),
  };
}
