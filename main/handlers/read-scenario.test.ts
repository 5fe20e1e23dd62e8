// readScenarioText: what the window's Open, Paste and drop hand to main.
import { describe, expect, it } from 'vitest';
import { GmemlabError, PRESETS } from '../../common/core/index.ts';
import { scenarioJson } from '../export/scenario-text.ts';
import { readScenarioText } from './workbench.ts';

describe('readScenarioText', () => {
  const preset = PRESETS[0]!.scenario;

  it('reads a scenario file as written, a mail that carries one, and a quoted reply', () => {
    const written = scenarioJson(preset).join('\n');
    expect(readScenarioText(written)).toEqual({ scenario: preset });
    const mail = `Hi all,\n\nsee below.\n-----8<----- s.json\n${written}\n----->8-----\n-- \nme\n`;
    expect(readScenarioText(mail)).toEqual({ scenario: preset });
    const reply = `On Tue, someone wrote:\n${mail
      .split('\n')
      .map((l) => `> ${l}`)
      .join('\r\n')}\n\nNo.\n`;
    expect(readScenarioText(reply)).toEqual({ scenario: preset });
  });

  it("returns a sweep's mail's sweep with its scenario", () => {
    const sweep = { parameters: [{ path: 'vm.vcpus', values: [1, 2, 4] }] };
    const mail = `-----8<----- sweep\n${scenarioJson(preset, sweep as never).join('\n')}\n----->8-----\n`;
    const read = readScenarioText(mail);
    expect(read.scenario).toEqual(preset);
    expect(read.sweep?.parameters[0]).toMatchObject({ path: 'vm.vcpus', values: [1, 2, 4] });
  });

  it('says so when the text holds no scenario, and names every problem of a bad one', () => {
    expect(() => readScenarioText('just some words')).toThrow(/holds no scenario/);
    let bad: unknown;
    try {
      readScenarioText(JSON.stringify({ ...preset, vm: { ...preset.vm, vcpus: 0 } }));
    } catch (err) {
      bad = err;
    }
    expect(bad).toBeInstanceOf(GmemlabError);
    expect((bad as GmemlabError).code).toBe('invalid_input');
    expect((bad as GmemlabError).issues).toEqual([{ path: 'text.vm.vcpus', message: 'must be >= 1' }]);
    expect((bad as GmemlabError).message).toContain('vm.vcpus (VM › vCPUs): must be >= 1');
  });
});
