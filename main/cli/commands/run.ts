// gmemlab run
import {
  call,
  formatExperiment,
  out,
  printJson,
  readScenarioFile,
  UsageError,
  withApp,
  type Command,
} from '../shared.ts';

export const runCommand: Command = {
  name: 'run',
  summary: 'run a scenario file and save the result',
  usage: 'gmemlab run SCENARIO.json [--name NAME] [--db PATH] [--json]',
  options: { name: { type: 'string' } },
  async run({ positionals, values, json }) {
    const file = positionals[0];
    if (file === undefined) throw new UsageError('run needs a SCENARIO.json file');
    const scenario = readScenarioFile(file);
    return withApp(values, async (app) => {
      const name = typeof values['name'] === 'string' ? values['name'] : undefined;
      const { experimentId } = await call(app, 'startExperiment', { name, scenario });
      await app.local.whenDone(experimentId);
      const detail = await call(app, 'getExperiment', { experimentId });
      if (json) printJson(detail);
      else out(formatExperiment(detail));
      return detail.status === 'done' ? 0 : 1;
    });
  },
};
