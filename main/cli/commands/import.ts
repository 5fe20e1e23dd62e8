// gmemlab import
import { readFileSync, statSync } from 'node:fs';
import { MAX_BUNDLE_FILE_BYTES } from '../../../common/contract/bundle.ts';
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
      // Refused before it is read: parsing costs about 18 bytes of memory per byte of bundle.
      const size = statSync(file).size;
      if (size > MAX_BUNDLE_FILE_BYTES)
        throw new UsageError(
          `${file} is ${(size / 2 ** 20).toFixed(0)} MiB; bundles over ${MAX_BUNDLE_FILE_BYTES / 2 ** 20} MiB are refused (export fewer experiments per bundle)`,
        );
      raw = JSON.parse(readFileSync(file, 'utf8'));
    } catch (err) {
      if (err instanceof UsageError) throw err;
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
