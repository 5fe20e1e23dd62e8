// Calls only code in this process makes (the CLI; the Electron edge could, for a file the user
// picked): they take file paths or wait on the runner, so no transport may carry them. They are
// not in the contract, dispatch does not know them, and neither IPC nor the web host exposes them.
// They throw the same errors as the handlers (GmemlabError and its kinds).
import { readFile } from 'node:fs/promises';
import type { ImportSummary } from '../../common/contract/bundle.ts';
import { GmemlabError } from '../../common/core/index.ts';
import type { HandlerDeps } from './index.ts';

export interface LocalCalls {
  /**
   * Imports a bundle file (validated in full first, all or nothing, never duplicated). The
   * one way in for a bundle too big for one request: the CLI's `import`, and the window's edge
   * for a file the user picked; the web host never offers it.
   */
  importBundleFile(path: string): Promise<ImportSummary>;
  /** Resolves when the experiment has finished, failed or been cancelled (at once if it is not running). */
  whenDone(experimentId: number): Promise<void>;
}

export function createLocalCalls({ store, runner }: HandlerDeps): LocalCalls {
  return {
    async importBundleFile(path) {
      let raw: unknown;
      try {
        // Whole, for now; a bundle past what memory holds comfortably wants a streaming parse here.
        raw = JSON.parse(await readFile(path, 'utf8'));
      } catch (err) {
        throw new GmemlabError('invalid_input', `cannot read ${path} as JSON: ${(err as Error).message}`, [
          { path: 'path', message: (err as Error).message },
        ]);
      }
      return store.importBundle(raw, { source: path });
    },
    whenDone: (experimentId) => runner.whenDone(experimentId),
  };
}
