// gmemlab import
import { toAscii } from '../../export/wrap.ts';
import { out, printJson, UsageError, withApp, type Command } from '../shared.ts';

export const importCommand: Command = {
  name: 'import',
  summary: 'import experiments from a bundle file (validated first, all or nothing, never duplicated)',
  usage: 'gmemlab import BUNDLE.json [--db PATH] [--json]',
  options: {},
  async run({ positionals, values, json }) {
    const file = positionals[0];
    if (file === undefined) throw new UsageError('import needs a BUNDLE.json file (made by `gmemlab export-bundle`)');
    if (positionals.length > 1) throw new UsageError(`import takes one bundle file, got ${positionals.length}`);
    return withApp(values, async (app) => {
      const summary = await app.local.importBundleFile(file);
      if (json) printJson(summary);
      else {
        // IDs are the database's own: say which each experiment got, or already had.
        const verb = { imported: 'is now', merged: 'merged into', skipped: 'already here as' } as const;
        out(
          `imported ${summary.experimentsImported} experiment(s)${summary.shardsMerged > 0 ? ` and merged ${summary.shardsMerged} shard(s)` : ''} with ${summary.runsImported} run(s), ` +
            `${summary.scenariosImported} new scenario revision(s); ${summary.experimentsSkipped} already present, skipped` +
            summary.experiments
              .map(
                (e) =>
                  `\n  "${toAscii(e.name)}" (made ${e.createdAt.slice(0, 16).replace('T', ' ')} UTC) ${verb[e.outcome]} experiment ${e.id}`,
              )
              .join(''),
        );
      }
      return 0;
    });
  },
};
