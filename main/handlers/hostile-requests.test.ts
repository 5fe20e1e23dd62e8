// Issue 15 item 8 through dispatch() with a real App (temp SQLite file, real workers): requests a
// schema accepted before and that broke later, refused as invalid input naming the field.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PRESETS } from '../../common/core/index.ts';
import { createApp, type App } from '../app.ts';
import { dispatch } from './index.ts';

let dir: string;
let app: App;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gmemlab-hostile-req-'));
  app = await createApp({ dbPath: join(dir, 'db.sqlite'), poolSize: 1 });
});
afterAll(async () => {
  await app.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('hostile requests (issue 15 item 8)', () => {
  it('the same sweep path twice is invalid input, and records nothing', async () => {
    const sweep = {
      parameters: [
        { path: 'vm.vcpus', values: [1, 2] },
        { path: 'vm.vcpus', values: [4, 8] },
      ],
    };
    const envelope = await dispatch(app.handlers, 'startExperiment', { scenario: PRESETS[0]!.scenario, sweep });
    expect(envelope.ok).toBe(false);
    if (envelope.ok) return;
    expect(envelope.error.code).toBe('invalid_input');
    expect(JSON.stringify(envelope.error)).toContain('must be different paths');
    const page = await dispatch(app.handlers, 'listExperiments', {});
    expect(page.ok && (page.value as { total: number }).total).toBe(0);
  });

  it('a wrong type says what it got, not "missing field"', async () => {
    const scenario = structuredClone(PRESETS[0]!.scenario) as unknown as { vm: { vcpus: unknown } };
    scenario.vm.vcpus = 'eight';
    const envelope = await dispatch(app.handlers, 'validateScenario', { scenario });
    expect(envelope.ok).toBe(true);
    if (!envelope.ok) return;
    expect((envelope.value as { issues: unknown[] }).issues).toContainEqual({
      path: 'vm.vcpus',
      message: 'expected number, got string',
    });
  });

  it('deeply nested JSON in a bundle pass-through field is invalid input, not an internal error', async () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    const bundle = {
      format: 'gmemlab/bundle@1',
      exportedAt: '2026-01-01T00:00:00Z',
      modelVersions: [],
      scenarios: [],
      costTables: [],
      experiments: [
        {
          uid: '0123456789abcdef0123456789abcdef',
          name: 'deep',
          kind: 'sweep',
          method: 'analytic',
          scenarioId: '0'.repeat(64),
          sweep: deep,
          status: 'done',
          createdAt: '2026-01-01T00:00:00Z',
          finishedAt: null,
          note: '',
          tags: [],
          runs: [],
        },
      ],
    };
    const envelope = await dispatch(app.handlers, 'importBundle', { bundle });
    expect(envelope.ok).toBe(false);
    if (envelope.ok) return;
    expect(envelope.error.code).toBe('invalid_input');
    expect(envelope.error.message).toContain('experiments.0.sweep: is nested deeper than 64 levels');
  });
});
