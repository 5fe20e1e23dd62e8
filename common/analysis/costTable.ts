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

/** The cost entries a point sets (host.costs.KEY), by key. */
export function sweptCostKeys(point: Point): Set<string> {
  const prefix = 'host.costs.';
  return new Set(
    Object.keys(point)
      .filter((path) => path.startsWith(prefix))
      .map((path) => path.slice(prefix.length)),
  );
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
  if (experiment.costTable === null || sweptCostKeys(point).size === 0)
    return { table: experiment.costTable, firstPointOnly: false };
  const at = experiment.modelVersion === MODEL_VERSION ? validScenarioAt(experiment.scenario, point) : undefined;
  return at === undefined
    ? { table: experiment.costTable, firstPointOnly: true }
    : { table: resolveCostTable(at), firstPointOnly: false };
}
