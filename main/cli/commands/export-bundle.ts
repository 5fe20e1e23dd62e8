// gmemlab export-bundle
import { renameSync, writeFileSync } from 'node:fs';
import { call, out, parseExperimentId, printJson, UsageError, withApp, type Command } from '../shared.ts';

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
        const bundle = await call(app, 'exportBundle', { experimentIds: ids });
        // Write beside the target and rename, so a failed write never leaves half a bundle.
        const partial = `${file}.partial`;
        try {
          writeFileSync(partial, `${JSON.stringify(bundle, null, 2)}\n`);
          renameSync(partial, file);
        } catch (err) {
          throw new UsageError(`cannot write ${file}: ${(err as Error).message}`);
        }
        const runs = bundle.experiments.reduce((n, e) => n + e.runs.length, 0);
        if (json)
          printJson({ out: file, experiments: bundle.experiments.length, runs, scenarios: bundle.scenarios.length });
        else out(`wrote ${bundle.experiments.length} experiment(s) with ${runs} run(s) to ${file}`);
        return 0;
      },
      { readOnly: true },
    );
  },
};
