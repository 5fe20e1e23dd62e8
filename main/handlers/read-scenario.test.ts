// readScenarioText: what the window's Open, Paste and drop hand to main.
import { describe, expect, it } from 'vitest';
import { PRESETS } from '../../common/core/index.ts';
import { scenarioJson } from '../export/text.ts';
import { readScenarioText } from './workbench.ts';

describe('readScenarioText', () => {
  const preset = PRESETS[0]!.scenario;

  it('reads a scenario file as written and a mail that carries one', () => {
    const written = scenarioJson(preset).join('\n');
    expect(readScenarioText(written)).toEqual({ ok: true, scenario: preset });
    const mail = `Hi all,\n\nsee below.\n-----8<----- s.json\n${written}\n----->8-----\n-- \nme\n`;
    expect(readScenarioText(mail)).toEqual({ ok: true, scenario: preset });
  });

  it('says so when the text holds no scenario, and names every problem of a bad one', () => {
    const none = readScenarioText('just some words');
    expect(none.ok).toBe(false);
    expect(!none.ok && none.message).toMatch(/holds no scenario/);
    const bad = readScenarioText(JSON.stringify({ ...preset, vm: { ...preset.vm, vcpus: 0 } }));
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.issues).toEqual([{ path: 'vm.vcpus', message: 'must be >= 1' }]);
    expect(!bad.ok && bad.message).toContain('vm.vcpus (VM › vCPUs): must be >= 1');
  });
});
