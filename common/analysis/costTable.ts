// The cost table a point's runs were computed with. A sweep of a cost entry (host.costs.KEY)
// has another table at each point, while an experiment keeps one table for show, its first
// run's: the mail's cost section and the window's Costs tab named that one's value at every
// point (ipiReceiveWork 1000 beside figures computed at 3000).
import {
  MODEL_VERSION,
  resolveCostTable,
  validScenarioAt,
  type CostEntry,
  type Point,
  type Scenario,
} from '../core/index.ts';

/** Whether a point sets a cost entry of its own. */
export function pointSetsCosts(point: Point): boolean {
  return Object.keys(point).some((path) => path.startsWith('host.costs.'));
}

/**
 * The cost table the runs at `point` were computed with: the experiment's stored one where the
 * point sets no cost entry; where it does, the point's own, as today's model resolves it for runs
 * of today's model. For runs of another model that table cannot be told (the stored one is the
 * first point's), and `firstPointOnly` says so.
 */
export function costTableAt(
  experiment: { scenario: Scenario; modelVersion: string | null; costTable: CostEntry[] | null },
  point: Point,
): { table: CostEntry[] | null; firstPointOnly: boolean } {
  if (experiment.costTable === null || !pointSetsCosts(point))
    return { table: experiment.costTable, firstPointOnly: false };
  const at = experiment.modelVersion === MODEL_VERSION ? validScenarioAt(experiment.scenario, point) : undefined;
  return at === undefined
    ? { table: experiment.costTable, firstPointOnly: true }
    : { table: resolveCostTable(at), firstPointOnly: false };
}
