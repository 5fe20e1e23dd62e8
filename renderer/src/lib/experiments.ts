// Showing an experiment in Results: one way for every place that shows one, so that the form
// always holds the scenario of the result on screen and an answer that arrives late never shows
// an earlier pick. Two kinds of asking, each with its own newest: the user's opens (History), and
// the app following its runs (start-up, a run's progress and end). Between the two kinds the
// answer that lands last is shown, as a run's progress keeps Results on the run: a progress
// report must not cancel an open the user asked for, nor the other way round.
import { experimentDetail } from '../../../common/contract/index.ts';
import { api } from './api.ts';
import { Latest } from './latest.ts';
import { app, loadDraft } from './state.svelte.ts';

const opens = new Latest();
const follows = new Latest();
/** The experiment each kind's newest question asks for (undefined: none on its way). */
const asked = { opens: undefined as number | undefined, follows: undefined as number | undefined };

/**
 * Shows experiment `id` in Results, as the user asked (the view itself is not switched), with its
 * scenario and sweep in the form so that Run runs what is shown. Resolves to false when a later
 * open overtook it (then its errors are not thrown either); throws what getExperiment throws.
 */
export function openExperiment(id: number): Promise<boolean> {
  asked.opens = id;
  return show(id, opens.ask());
}

/** openExperiment for the app following a run or starting up: only the newest of these counts. */
export function followExperiment(id: number): Promise<boolean> {
  asked.follows = id;
  return show(id, follows.ask());
}

/**
 * Takes a deleted experiment out of Results: shown, it is no longer; on its way there, it does
 * not arrive (its open resolves to false). The form keeps its scenario, as after any result.
 */
export function forgetExperiment(id: number): void {
  if (asked.opens === id) opens.drop();
  if (asked.follows === id) follows.drop();
  if (app.current?.id === id) app.current = undefined;
}

async function show(id: number, isNewest: () => boolean): Promise<boolean> {
  let detail;
  try {
    detail = experimentDetail(await api.getExperiment({ experimentId: id }));
  } catch (err) {
    if (isNewest()) throw err;
    return false;
  }
  if (!isNewest()) return false;
  // A refresh of the experiment on screen leaves the form alone.
  const other = app.current?.id !== detail.id;
  app.current = detail;
  if (other)
    loadDraft(
      detail.scenario,
      { kind: 'result', experimentId: detail.id, scenarioId: detail.scenarioId, name: detail.name },
      detail.sweep,
    );
  return true;
}
