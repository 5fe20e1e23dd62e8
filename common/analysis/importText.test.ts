import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PRESETS } from '../core/index.ts';
import { classifyImport } from './importText.ts';

const fixtures = join(import.meta.dirname, '..', 'core', 'fixtures');

describe('classifyImport', () => {
  it('recognises real perf kvm stat reports (the core’s fixtures)', () => {
    for (const file of ['perf-x86-2021-10-20.txt', 'perf-arm64-2020-09.txt'])
      expect(classifyImport(readFileSync(join(fixtures, file), 'utf8'))).toBe('perf-report');
  });

  it('takes anything else for a scenario or a mail', () => {
    expect(classifyImport(JSON.stringify(PRESETS[0]!.scenario, null, 2))).toBe('scenario');
    expect(classifyImport('Hi all,\n-----8<----- s.json\n{}\n----->8-----\n')).toBe('scenario');
    // A mail that merely mentions the word "Samples" is not a report.
    expect(classifyImport('Samples were taken, see Samples% below')).toBe('scenario');
  });
});
