// The workbench's shared state: one object the views read and change (Svelte 5 runes).
import { GmemlabError, validateScenario, type MetricInfo, type Preset } from '../../../common/core/index.ts';
import type { ExperimentDetail, ExperimentStatus } from '../../../common/contract/index.ts';

export type View = 'results' | 'history' | 'compare' | 'diff';

export interface Progress {
  experimentId: number;
  runsDone: number;
  runsTotal: number;
  status: ExperimentStatus;
  startedAt: number;
}

export const app = $state({
  view: 'results' as View,
  presets: [] as Preset[],
  catalogue: [] as MetricInfo[],
  /** The scenario being edited (may be invalid while the user types). */
  draft: undefined as Record<string, unknown> | undefined,
  current: undefined as ExperimentDetail | undefined,
  progress: undefined as Progress | undefined,
  /** Runs picked for compare (from history), in pick order. */
  compareRunIds: [] as number[],
  /** Experiments ticked in history (their runs are in compareRunIds). */
  compareExperimentIds: [] as number[],
  /** What the diff view shows. */
  diff: { kind: 'runs' as 'runs' | 'scenarios', a: '', b: '' },
  /** Bumped whenever history changes (a run finished, a tag edited), so the table reloads. */
  historyVersion: 0,
  error: '',
});

// The draft checked once per change, by the same validateScenario main uses; the builder (issues
// beside fields) and the launcher (whether it can run) both read this one result.
const draftChecked = $derived(app.draft === undefined ? undefined : validateScenario(app.draft));

/** The draft's validation: every issue with its field path, or the valid scenario. */
export function draftValidation(): typeof draftChecked {
  return draftChecked;
}

export function describeError(err: unknown): string {
  if (err instanceof GmemlabError) {
    if (err.code === 'unknown_call') return `${err.message} (this feature arrives with a newer gmemlab main)`;
    return err.message;
  }
  return err instanceof Error ? err.message : String(err);
}

export function isRunning(): boolean {
  return app.progress !== undefined && (app.progress.status === 'running' || app.progress.status === 'queued');
}

export function metricInfo(key: string): MetricInfo {
  return (
    app.catalogue.find((m) => m.key === key) ?? {
      key,
      label: key,
      unit: '',
      group: 'cost',
      lowerIsBetter: true,
      description: '',
    }
  );
}

export function toggleCompare(runIds: number[], on: boolean): void {
  const set = new Set(app.compareRunIds);
  for (const id of runIds)
    if (on) set.add(id);
    else set.delete(id);
  app.compareRunIds = [...set];
}
