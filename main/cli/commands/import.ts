// gmemlab import
import { readFileSync } from 'node:fs';
import { BundleError } from '../../store/errors.ts';
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
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(file, 'utf8'));
    } catch (err) {
      throw new UsageError(`cannot read ${file} as JSON: ${(err as Error).message}`);
    }
    return withApp(values, async (app) => {
      let summary;
      try {
        summary = await app.store.importBundle(raw);
      } catch (err) {
        if (err instanceof BundleError) {
          const lines = err.issues.slice(0, 20).map((i) => `  ${i.path || '(bundle)'}: ${i.message}`);
          if (err.issues.length > 20) lines.push(`  ... and ${err.issues.length - 20} more`);
          throw new UsageError(`${file} is not a valid gmemlab bundle; nothing was imported:\n${lines.join('\n')}`);
        }
        throw err;
      }
      if (json) printJson(summary);
      else {
        out(
          `imported ${summary.experimentsImported} experiment(s)${summary.shardsMerged > 0 ? ` and merged ${summary.shardsMerged} shard(s)` : ''} with ${summary.runsImported} run(s), ` +
            `${summary.scenariosImported} new scenario revision(s); ${summary.experimentsSkipped} already present, skipped`,
        );
      }
      return 0;
    });
  },
};
