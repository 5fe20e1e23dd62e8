// gmemlab export-bundle
import { out, parseExperimentId, printJson, UsageError, withApp, type Command } from '../shared.ts';

export const exportBundleCommand: Command = {
  name: 'export-bundle',
  summary: 'write experiments with their scenarios, runs, metrics, tags and notes to a bundle file',
  usage: 'gmemlab export-bundle ID [ID...] --out FILE [--db PATH] [--json]',
  options: { out: { type: 'string' } },
  async run({ positionals, values, json }) {
    if (positionals.length === 0)
      throw new UsageError('export-bundle needs at least one experiment ID (see the history)');
    const ids = positionals.map(parseExperimentId);
    const file = values['out'];
    if (typeof file !== 'string' || file === '') throw new UsageError('export-bundle needs --out FILE');
    return withApp(
      values,
      async (app) => {
        const { experiments, runs, scenarios } = await app.local.exportBundleFile(ids, file);
        if (json) printJson({ out: file, experiments, runs, scenarios });
        else out(`wrote ${experiments} experiment(s) with ${runs} run(s) to ${file}`);
        return 0;
      },
      { readOnly: true },
    );
  },
};
