// gmemlab run
import { DEFAULT_EXPORT_METRIC, experimentDetail } from '../../../common/contract/index.ts';
import { GmemlabError } from '../../../common/core/index.ts';
import { resultsText } from '../../export/results.ts';
import { call, out, printJson, readScenarioFile, UsageError, withApp, type Command } from '../shared.ts';
import { runSweep } from './sweep.ts';
import { checkSingleRunView, POINT_USAGE, pointOptions, usageFromExport, viewFromOptions } from './view-options.ts';

export const runCommand: Command = {
  name: 'run',
  summary: 'run a scenario file (or a sweep carried in a gmemlab mail) and save the result',
  usage: `gmemlab run SCENARIO.json|MAIL [--name NAME] [--metric KEY] ${POINT_USAGE} [--db PATH] [--json]`,
  // --metric has no default here: a mail's sweep refuses it when given (printableResults defaults it).
  options: { name: { type: 'string' }, metric: { type: 'string' }, ...pointOptions },
  async run({ positionals, values, json }) {
    if (positionals.length !== 1)
      throw new UsageError(
        positionals.length === 0
          ? 'run needs a SCENARIO.json file (or a saved gmemlab mail)'
          : `run takes one SCENARIO.json file, got ${positionals.length}`,
      );
    const { scenario, sweep } = readScenarioFile(positionals[0]!);
    const name = typeof values['name'] === 'string' ? values['name'] : undefined;
    const shown = ['metric', 'point', 'at'].filter((o) => values[o] !== undefined);
    if (values['all'] === true) shown.push('all');
    // A mail exported from a sweep carries the sweep: run it as that sweep, which prints a summary.
    if (sweep !== undefined) {
      if (shown.length > 0)
        throw new UsageError(
          `${shown.map((o) => `--${o}`).join(', ')}: ${positionals[0]} carries a sweep, which prints a summary; choose what to see with \`gmemlab show ID\` once it has run`,
        );
      return runSweep({ scenario, sweep, name, values, json });
    }
    checkSingleRunView(values, String(values['metric'] ?? DEFAULT_EXPORT_METRIC));
    return withApp(values, async (app) => {
      const { experimentId } = await call(app, 'startExperiment', { name, scenario });
      await app.local.whenDone(experimentId);
      const detail = experimentDetail(await call(app, 'getExperiment', { experimentId }));
      if (json) printJson(detail);
      // A single run's one point is the run itself (checked above): its results, whether or not it finished.
      else out(printableResults(detail, { ...values, point: undefined }));
      return detail.status === 'done' ? 0 : 1;
    });
  },
};

/** The results table for run and show, with export's refusals as usage errors. */
export function printableResults(detail: Parameters<typeof resultsText>[0], values: Record<string, unknown>): string {
  try {
    return resultsText(detail, String(values['metric'] ?? DEFAULT_EXPORT_METRIC), viewFromOptions(values, detail));
  } catch (err) {
    if (err instanceof GmemlabError && err.code === 'invalid_input') throw usageFromExport(err);
    throw err;
  }
}
