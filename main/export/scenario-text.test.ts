// The one reader of scenario text: plain JSON, a saved mail, and the mail quoted in replies in
// the ways mail clients quote (depths, with and without a space, trailing spaces, CRLF), with
// the sweep a sweep's mail carries; and a clear refusal of text that holds no scenario.
import { describe, expect, it } from 'vitest';
import { PRESETS, type SweepDefinition } from '../../common/core/index.ts';
import { readScenarioText, scenarioJson, ScenarioTextError } from './scenario-text.ts';

const scenario = PRESETS[1]!.scenario;
const sweep: SweepDefinition = {
  parameters: [
    { path: 'vm.vcpus', values: [1, 2, 4, 8] },
    { path: 'vm.placement', values: ['pinned', 'shared'] },
  ],
};
const block = (json: string[]): string[] => ['-----8<----- s.json', ...json, '----->8-----'];
const mail = (json: string[]): string[] => ['Hi all,', '', 'numbers below.', '', ...block(json), '', '-- ', 'sig'];

/** A reply quoting `lines` with `prefix` (an empty line quoted as the prefix without its space). */
const quote = (lines: string[], prefix: string): string[] => [
  'On Tue, 25 Nov 2026, Someone wrote:',
  ...lines.map((l) => (l === '' ? prefix.trimEnd() : `${prefix}${l}`)),
];

describe('readScenarioText', () => {
  it('reads every preset back equal, from the JSON as written and from a mail', () => {
    for (const preset of PRESETS) {
      const lines = scenarioJson(preset.scenario);
      expect(lines.every((l) => l.length <= 72)).toBe(true);
      expect(readScenarioText(lines.join('\n'), 'f')).toEqual({ scenario: preset.scenario, from: 'json' });
      expect(readScenarioText(mail(lines).join('\n'), 'f')).toEqual({ scenario: preset.scenario, from: 'mail' });
    }
  });

  it('reads a sweep back from the mail quoted at any depth, with or without a space, CRLF and trailing spaces', () => {
    // A long string makes folded lines, whose continuation must survive the unquoting.
    const long = { ...scenario, description: `${'a long description with spaces '.repeat(8)}end` };
    const lines = mail(scenarioJson(long, sweep));
    expect(lines.some((l) => l.endsWith('\\'))).toBe(true);
    const variants = {
      once: quote(lines, '> '),
      twice: quote(quote(lines, '> '), '> '),
      'twice, no space': quote(quote(lines, '>'), '>'),
      'mixed clients': quote(quote(lines, '> '), '>'),
      'three deep': quote(quote(quote(lines, '> '), '>'), '> '),
    };
    for (const [name, quoted] of Object.entries(variants)) {
      for (const text of [quoted.join('\n'), quoted.map((l) => `${l}   `).join('\r\n')]) {
        const back = readScenarioText(`Subject: Re: numbers\n\n${text}\n\nThanks.\n`, name);
        expect(back, name).toEqual({ scenario: long, sweep, from: 'mail' });
      }
    }
  });

  it('says when the text holds no scenario, and names invalid fields with their path', () => {
    const fails = (text: string): ScenarioTextError => {
      try {
        readScenarioText(text, 'in.txt');
      } catch (err) {
        if (err instanceof ScenarioTextError) return err;
        throw err;
      }
      throw new Error('no error');
    };
    expect(fails('').message).toBe('in.txt is empty: it holds no scenario');
    expect(fails('Hi,\n> some quoted text\n').message).toContain(
      'in.txt holds no scenario: it is not JSON, and has no -----8<----- line',
    );
    expect(fails('{"a": 1}').message).toContain('in.txt holds no scenario: its JSON has no "format" field');
    // A file that opens as JSON and breaks is told where, as an editor counts lines and columns
    // (column 34: the second comma).
    expect(fails('{\n  "format": "gmemlab/scenario@1",,\n}').message).toBe(
      "in.txt is not valid JSON: found ',' at line 2, column 34 where a field name in double quotes goes",
    );
    expect(fails('{\n  "format": "gmemlab/scenario@1",\n  "host": {"cpus": ').message).toBe(
      'in.txt is not valid JSON: its last character, at line 3, column 18, ends it before the JSON is complete: a value (a number, a string in double quotes, true, false, null, { or [) is missing',
    );
    expect(fails(block(['{ "format": "gmemlab/scenario@1", ']).join('\n')).message).toContain(
      'the text between the -----8<----- marks is not valid JSON (its last character, at line 1 of the scenario between the marks, column 33, ends it before the JSON is complete: a field name in double quotes is missing)',
    );
    const invalid = fails(JSON.stringify({ ...scenario, vm: { ...scenario.vm, vcpus: -1 } }));
    expect(invalid.message).toBe('in.txt is not a valid scenario');
    expect(invalid.issues.map((i) => i.path)).toContain('vm.vcpus');
    const badSweep = fails(JSON.stringify({ format: 'gmemlab/sweep@1', scenario, sweep: { parameters: [] } }));
    expect(badSweep.issues[0]!.path).toBe('sweep.parameters');
  });
});
