// Showing an experiment in Results: one way for every place that opens one (start-up, a run
// that ends or reports progress, History), so that the form always holds the scenario of the
// result on screen and answers that overtake each other never show an earlier pick.
import { experimentDetail } from '../../../common/contract/index.ts';
import { api } from './api.ts';
import { Latest } from './latest.ts';
import { app, loadDraft } from './state.svelte.ts';

const opens = new Latest();

/**
 * Shows experiment `id` in Results (the view itself is not switched), with its scenario and
 * sweep in the form so that Run runs what is shown; a refresh of the experiment on screen
 * leaves the form alone. Of opens that overlap only the newest is shown: resolves to false when
 * this one was overtaken. Throws what getExperiment throws.
 */
export async function openExperiment(id: number): Promise<boolean> {
  const isNewest = opens.ask();
  const detail = experimentDetail(await api.getExperiment({ experimentId: id }));
  if (!isNewest()) return false;
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
