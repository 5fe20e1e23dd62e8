// saveExport as the desktop window uses it, against a real store: the file the dialog names is
// written whole (as exportExperiment would give it), a cancelled dialog writes nothing, a view
// the experiment lacks is refused as invalid input, and without a dialog (browser mode) the call
// is refused, so a page can never make main write a file.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PRESETS } from '../../common/core/index.ts';
import { Store } from '../store/store.ts';
import { recordExperiment, tempDir } from '../store/testing.ts';
import { createHandlers, dispatch } from './index.ts';
import type { ExperimentRunner } from '../runner/experiments.ts';

let dir: ReturnType<typeof tempDir>;
let store: Store;
let experimentId: number;
// saveExport never starts a run: a runner that refuses keeps the test to what it uses.
const runner = new Proxy(
  {},
  {
    get: () => () => {
      throw new Error('no runner in this test');
    },
  },
) as ExperimentRunner;

beforeAll(async () => {
  dir = tempDir('gmemlab-save-');
  store = await Store.open(join(dir.dir, 'gmemlab.sqlite'));
  ({ experimentId } = await recordExperiment(store, {
    name: 'saved',
    scenario: PRESETS[1]!.scenario,
    vcpus: [1, 4, 16],
  }));
});
afterAll(async () => {
  await store.close();
  dir.cleanup();
});

describe('saveExport', () => {
  it('writes the export where the dialog says, and nothing when it is cancelled', async () => {
    const asked: string[] = [];
    let answer: string | undefined = join(dir.dir, 'chosen.svg');
    const handlers = createHandlers({
      store,
      runner,
      saveDialog: {
        chooseSavePath: async (filename) => {
          asked.push(filename);
          return answer;
        },
      },
    });
    const request = { experimentId, format: 'svg', view: { strategies: ['S0', 'S2'] } };
    const saved = await dispatch(handlers, 'saveExport', request);
    expect(saved).toEqual({ ok: true, value: { saved: true, filename: asked[0], path: answer } });
    expect(asked[0]).toMatch(/^gmemlab-\d+-saved-cost-overheadPct\.svg$/);
    const exported = await dispatch(handlers, 'exportExperiment', request);
    expect(readFileSync(answer!, 'utf8')).toBe((exported as { value: { text: string } }).value.text);
    expect(readdirSync(dir.dir).some((f) => f.endsWith('.partial'))).toBe(false);

    answer = undefined;
    const cancelled = await dispatch(handlers, 'saveExport', { experimentId, format: 'text' });
    expect(cancelled).toEqual({ ok: true, value: { saved: false, filename: asked[1] } });
    expect(existsSync(join(dir.dir, asked[1]!))).toBe(false);

    const bad = await dispatch(handlers, 'saveExport', { experimentId, format: 'png', view: { x: 'vm.vcpu' } });
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(JSON.stringify(bad)).toContain('did you mean vm.vcpus?');
    expect(asked).toHaveLength(2);
  });

  it('is refused without a dialog (browser mode)', async () => {
    const handlers = createHandlers({ store, runner });
    const refused = await dispatch(handlers, 'saveExport', { experimentId, format: 'text' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const matrix = await dispatch(handlers, 'saveMatrixExport', { format: 'text' });
    expect(matrix).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it('saveMatrixExport writes the matrix the dialog names: the same file as exportMatrix', async () => {
    const answer = join(dir.dir, 'matrix.csv');
    const asked: string[] = [];
    const handlers = createHandlers({
      store,
      runner,
      saveDialog: {
        chooseSavePath: async (filename) => {
          asked.push(filename);
          return answer;
        },
      },
    });
    const request = { format: 'csv', experiments: [{ experimentId }] };
    expect(await dispatch(handlers, 'saveMatrixExport', request)).toEqual({
      ok: true,
      value: { saved: true, filename: `gmemlab-matrix-${experimentId}.csv`, path: answer },
    });
    const exported = await dispatch(handlers, 'exportMatrix', request);
    expect(readFileSync(answer, 'utf8')).toBe((exported as { value: { text: string } }).value.text);
    const bad = await dispatch(handlers, 'saveMatrixExport', { format: 'svg', cost: 'latency.mmio.meanUs' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_input', issues: [{ path: 'cost' }] } });
    expect(asked).toHaveLength(1);
  });
});
