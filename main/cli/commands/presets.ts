// gmemlab presets
import { out, printJson, type Command } from '../shared.ts';
import { PRESETS } from '../../../common/core/index.ts';

export const presetsCommand: Command = {
  name: 'presets',
  summary: 'list the scenario presets',
  usage: 'gmemlab presets [--json]',
  options: {},
  async run({ json }) {
    if (json) printJson(PRESETS.map(({ id, name, description, source }) => ({ id, name, description, source })));
    else for (const p of PRESETS) out(`${p.id.padEnd(28)} ${p.name}`);
    return 0;
  },
};
