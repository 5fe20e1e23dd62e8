// gmemlab preset
import { printJson, UsageError, type Command } from '../shared.ts';
import { PRESETS } from '../../../common/core/index.ts';

export const presetCommand: Command = {
  name: 'preset',
  summary: 'print one preset scenario (JSON, ready for `gmemlab run`)',
  usage: 'gmemlab preset NAME',
  options: {},
  async run({ positionals }) {
    const name = positionals[0];
    if (name === undefined) throw new UsageError('preset needs a NAME (see `gmemlab presets`)');
    const preset = PRESETS.find((p) => p.id === name);
    if (preset === undefined)
      throw new UsageError(`no preset named "${name}"; known: ${PRESETS.map((p) => p.id).join(', ')}`);
    printJson(preset.scenario);
    return 0;
  },
};
