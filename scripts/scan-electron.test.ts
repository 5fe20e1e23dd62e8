// The scan gate's own logic: reading Electronegativity's SARIF (shape taken from a real 1.10.3
// run), the allowlist's checks, and the verdict. The scan itself runs as `npm run scan`.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ALLOWLIST_FILE, judge, parseAllowlist, parseSarif } from './scan-electron.ts';

const repo = join(import.meta.dirname, '..');

const sarif = JSON.stringify({
  version: '2.1.0',
  runs: [
    {
      tool: { driver: { name: 'Electronegativity', version: '1.10.3' } },
      results: [
        {
          ruleId: 'CSP_GLOBAL_CHECK',
          level: 'warning',
          message: { text: 'No CSP has been detected in the target application' },
          locations: [{ physicalLocation: { artifactLocation: { uri: 'file:///' }, region: { startLine: 1 } } }],
        },
        {
          ruleId: 'SANDBOX_JS_CHECK',
          level: 'warning',
          message: { text: 'Use sandbox for untrusted origins' },
          locations: [
            { physicalLocation: { artifactLocation: { uri: 'main/electron/main.ts' }, region: { startLine: 76 } } },
          ],
        },
        {
          ruleId: 'NODE_INTEGRATION_JS_CHECK',
          level: 'warning',
          message: { text: 'Disable nodeIntegration for untrusted origins' },
          locations: [
            { physicalLocation: { artifactLocation: { uri: 'main/electron/other.ts' }, region: { startLine: 3 } } },
          ],
        },
      ],
    },
  ],
});

describe('parseSarif', () => {
  it('reads rule, file (empty for whole-app checks), line and message', () => {
    expect(parseSarif(sarif)).toEqual([
      { rule: 'CSP_GLOBAL_CHECK', file: '', line: 1, message: 'No CSP has been detected in the target application' },
      {
        rule: 'SANDBOX_JS_CHECK',
        file: 'main/electron/main.ts',
        line: 76,
        message: 'Use sandbox for untrusted origins',
      },
      {
        rule: 'NODE_INTEGRATION_JS_CHECK',
        file: 'main/electron/other.ts',
        line: 3,
        message: 'Disable nodeIntegration for untrusted origins',
      },
    ]);
  });

  it('refuses something that is not a SARIF log rather than passing it', () => {
    expect(() => parseSarif('{}')).toThrow(/not a SARIF log/);
    expect(() => parseSarif('not json')).toThrow();
  });
});

describe('judge', () => {
  const allow = [
    { rule: 'CSP_GLOBAL_CHECK', file: '', why: 'header set by protocol.handle' },
    { rule: 'SANDBOX_JS_CHECK', file: 'main/electron/main.ts', why: 'from WINDOW_WEB_PREFERENCES' },
    { rule: 'SANDBOX_JS_CHECK', file: 'main/electron/gone.ts', why: 'stale entry' },
  ];

  it('fails findings no entry covers, by rule and file', () => {
    const verdict = judge(parseSarif(sarif), allow);
    expect(verdict.allowed.map((f) => f.rule)).toEqual(['CSP_GLOBAL_CHECK', 'SANDBOX_JS_CHECK']);
    expect(verdict.failing).toEqual([
      expect.objectContaining({ rule: 'NODE_INTEGRATION_JS_CHECK', file: 'main/electron/other.ts' }),
    ]);
    expect(verdict.unused).toEqual([allow[2]]);
  });

  it('does not let an entry for one file cover the same rule in another', () => {
    const verdict = judge(
      [{ rule: 'SANDBOX_JS_CHECK', file: 'main/electron/second-window.ts', line: 1, message: '' }],
      allow,
    );
    expect(verdict.failing).toHaveLength(1);
  });
});

describe('the allowlist', () => {
  it('is well-formed, justified, and referenced from SECURITY.md', async () => {
    const entries = parseAllowlist(await readFile(join(repo, ALLOWLIST_FILE), 'utf8'));
    expect(entries.length).toBeGreaterThan(0);
    const security = await readFile(join(repo, 'SECURITY.md'), 'utf8');
    expect(security).toContain(ALLOWLIST_FILE);
    for (const entry of entries) expect(security, entry.rule).toContain(entry.rule);
  });

  it('refuses entries without a rule, a file or a justification', () => {
    expect(() => parseAllowlist('{}')).toThrow(/must be an array/);
    expect(() => parseAllowlist('[{"file":"","why":"a long enough justification"}]')).toThrow(/\[0\]\.rule/);
    expect(() => parseAllowlist('[{"rule":"X","why":"a long enough justification"}]')).toThrow(/\[0\]\.file/);
    expect(() => parseAllowlist('[{"rule":"X","file":"","why":"ok"}]')).toThrow(/\[0\]\.why/);
  });
});
