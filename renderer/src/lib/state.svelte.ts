// The workbench's shared state: one object the views read and change (Svelte 5 runes).
import {
  GmemlabError,
  validateScenario,
  type MetricInfo,
  type Preset,
  type SweepDefinition,
} from '../../../common/core/index.ts';
import type { ExperimentDetail, ExperimentStatus } from '../../../common/contract/index.ts';
import { formOfSweep, formRuns, type LauncherForm } from './launcher-form.ts';

export type View = 'results' | 'history' | 'compare' | 'diff' | 'matrix';

export interface Progress {
  experimentId: number;
  runsDone: number;
  runsTotal: number;
  status: ExperimentStatus;
  startedAt: number;
}

/** Where the scenario in the form came from: shown above the form, so a user knows what Run runs. */
export type DraftOrigin =
  | { kind: 'preset'; id: string; name: string }
  | { kind: 'result'; experimentId: number; scenarioId: string; name: string }
  | { kind: 'revision'; id: string; name: string }
  | { kind: 'file'; name: string }
  | { kind: 'import'; name: string };

const SIDE_KEY = 'gmemlab.sidePanel';
const storedSide = ((): boolean => {
  try {
    return localStorage.getItem(SIDE_KEY) !== 'closed';
  } catch {
    return true;
  }
})();

/**
 * The result on screen, kept as it came, not made deeply reactive: wrapping a 70,000-run sweep's
 * run objects in state proxies one by one, as the views read them, kept the window busy for
 * minutes (issue 20). It is only ever replaced, never changed in place.
 */
let current = $state.raw<ExperimentDetail | undefined>(undefined);

export const app = $state({
  view: 'results' as View,
  presets: [] as Preset[],
  catalogue: [] as MetricInfo[],
  /** The scenario being edited (may be invalid while the user types). */
  draft: undefined as Record<string, unknown> | undefined,
  origin: undefined as DraftOrigin | undefined,
  /** The draft as it was loaded (JSON), to tell an edited draft from its origin. */
  originJson: '',
  /** The draft and launcher replaced by the last load, when either held edits: one step back. */
  previousDraft: undefined as
    | {
        draft: Record<string, unknown>;
        origin: DraftOrigin | undefined;
        /** What the form and the launcher held when loaded, to tell their edits apart once restored. */
        originJson: string;
        launcher: LauncherForm;
        launcherJson: string;
      }
    | undefined,
  /** The launcher's form: a single run, or the sweep as typed (a result's or a file's sweep lands here). */
  launcher: formOfSweep(null),
  /** The launcher's form as the last load left it (JSON), to tell an edited one. */
  launcherJson: JSON.stringify(formOfSweep(null)),
  /** Whether the scenario panel is shown beside Results (remembered). */
  sidePanel: storedSide,
  /** Text for the perf-kvm-stat import, handed over by a dropped file. */
  perfText: '',
  get current(): ExperimentDetail | undefined {
    return current;
  },
  set current(value: ExperimentDetail | undefined) {
    current = value;
  },
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

/** JSON with keys sorted, so two equal scenarios compare equal whatever their key order. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    typeof v === 'object' && v !== null && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/** Whether two scenarios are the same once the schema's defaults are filled in. */
function sameScenario(a: unknown, b: unknown): boolean {
  const va = validateScenario(a);
  const vb = validateScenario(b);
  return va.ok && vb.ok && canonical(va.value) === canonical(vb.value);
}

/** Whether the form holds something other than what was loaded into it. */
export function draftEdited(): boolean {
  return app.draft !== undefined && app.originJson !== '' && JSON.stringify(app.draft) !== app.originJson;
}

/**
 * Puts a scenario into the form, saying where it came from; a sweep given (null: a single run)
 * goes to the launcher, unless the launcher already runs that sweep (its ranges stay as typed).
 * Edits in the form and the launcher it replaces are kept one step back (restorePreviousDraft).
 */
export function loadDraft(
  scenario: unknown,
  origin: DraftOrigin,
  sweep: SweepDefinition | null | undefined = undefined,
): void {
  const launcher = $state.snapshot(app.launcher);
  const replacesSweep = sweep !== undefined && !formRuns(launcher, $state.snapshot(app.draft), sweep);
  // Edits are kept one step back, unless they are what is loaded now (a run of the edited form).
  const replacesEdits = app.draft !== undefined && draftEdited() && !sameScenario($state.snapshot(app.draft), scenario);
  const launcherEdited = JSON.stringify(launcher) !== app.launcherJson;
  if (app.draft !== undefined && (replacesEdits || (replacesSweep && launcherEdited)))
    app.previousDraft = {
      draft: $state.snapshot(app.draft),
      origin: $state.snapshot(app.origin),
      originJson: app.originJson,
      launcher,
      launcherJson: app.launcherJson,
    };
  const draft = structuredClone($state.snapshot(scenario)) as Record<string, unknown>;
  app.draft = draft;
  app.origin = origin;
  app.originJson = JSON.stringify(draft);
  if (replacesSweep) {
    app.launcher = formOfSweep(sweep);
    app.launcherJson = JSON.stringify(app.launcher);
  }
}

/** Puts back the form and the launcher as they were before the last load replaced their edits. */
export function restorePreviousDraft(): void {
  const prev = app.previousDraft;
  if (prev === undefined) return;
  app.previousDraft = undefined;
  app.draft = prev.draft;
  app.origin = prev.origin;
  app.originJson = prev.originJson;
  app.launcher = prev.launcher;
  app.launcherJson = prev.launcherJson;
}

export function setSidePanel(open: boolean): void {
  app.sidePanel = open;
  try {
    localStorage.setItem(SIDE_KEY, open ? 'open' : 'closed');
  } catch {
    // Storage refused (private mode): the choice lasts for this page only.
  }
}
