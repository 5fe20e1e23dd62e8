// dispatch() is the one door from the renderer (IPC or HTTP) to main: fuzz it with arbitrary JSON
// for every call name against a real App (temp SQLite file, real worker pool). It must never
// throw, and bad input must come back as invalid_input naming the field, never as internal.
import fc from 'fast-check';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createApp, type App } from '../app.ts';
import { CALL_NAMES, type ApiErrorCode } from '../../common/contract/index.ts';
import {
  MAX_EVENTS_PER_RUN,
  PRESETS,
  checkSimulationSize,
  runPlan,
  setParameter,
  validateScenario,
  type Scenario,
} from '../../common/core/index.ts';
import {
  MAX_EVENTS_PER_EXPERIMENT,
  MAX_SIMULATIONS,
  RunRequestError,
  checkRunBudget,
} from '../../common/core/sweep.ts';
import { dispatch, type Handlers } from './index.ts';

let dir: string;
let app: App;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gmemlab-dispatch-'));
  app = await createApp({ dbPath: join(dir, 'gmemlab.sqlite'), poolSize: 1 });
});

afterAll(async () => {
  await app?.close();
  await rm(dir, { recursive: true, force: true });
});

/** Error codes a bad input may legitimately get: never 'internal'. */
const CLIENT_ERRORS: ApiErrorCode[] = ['invalid_input', 'not_found', 'forbidden', 'conflict', 'too_large'];

/** JSON that looks like call inputs: the contract's own field names, hostile keys and values. */
const hostileKey = fc.constantFrom(
  ...[
    '__proto__',
    'constructor',
    'prototype',
    'toString',
    'experimentId',
    'experimentIds',
    'offset',
    'limit',
    'search',
    'name',
    'scenario',
    'sweep',
  ],
  ...[
    'bundle',
    'tags',
    'note',
    'id',
    'parentId',
    'parameters',
    'metrics',
    'sort',
    'include',
    'createdFrom',
    'createdTo',
  ],
);
const hostileValue = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom(
    -1,
    0,
    1e308,
    -0,
    Number.MAX_SAFE_INTEGER + 2,
    '1; DROP TABLE experiments; --',
    "%' OR 1=1 --",
    '../../etc/passwd',
    'x'.repeat(10_000),
  ),
  // Full-text query syntax and JSON-path metacharacters, which must reach SQLite as data only.
  fc.constantFrom(
    '"',
    'NEAR(a b',
    'a OR b*',
    '^x',
    'a AND NOT',
    '$."x"',
    'vm.vcpus") or 1=1 --',
    [{ path: '__proto__', min: 0 }],
    [{ path: 'a"]', equals: 1 }],
  ),
);
const inputLike = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  fc.dictionary(hostileKey, hostileValue, { maxKeys: 4 }),
  fc.constant(undefined),
  fc.constant(null),
);

describe('dispatch under arbitrary input', () => {
  it('never throws, and answers every bad input with a client error, never internal', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...CALL_NAMES), inputLike, async (name, input) => {
        const envelope = await dispatch(app.handlers, name, input);
        if (!envelope.ok) {
          expect(CLIENT_ERRORS, `${name} ${JSON.stringify(input)?.slice(0, 200)}: ${envelope.error.message}`).toContain(
            envelope.error.code,
          );
          expect(envelope.error.message).not.toMatch(/\n\s+at /);
        }
      }),
      { numRuns: 400 },
    );
    // Whatever arrived, the prototype is untouched and nothing was started.
    expect(Object.prototype).not.toHaveProperty('polluted');
    const page = await dispatch(app.handlers, 'listExperiments', {});
    expect(page.ok && page.value).toMatchObject({ total: 0 });
  });

  it('reports invalid input with the call name and the field path', async () => {
    const envelope = await dispatch(app.handlers, 'getExperiment', { experimentId: 'abc' });
    expect(envelope).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    if (envelope.ok) return;
    expect(envelope.error.message).toMatch(/^invalid input for getExperiment: experimentId: /);
    expect(envelope.error.issues?.[0]?.path).toBe('experimentId');
  });

  it('refuses unknown keys (strict objects), so __proto__ cannot ride along', async () => {
    const input = JSON.parse('{"offset":0,"__proto__":{"limit":100000,"polluted":true}}') as unknown;
    const envelope = await dispatch(app.handlers, 'listExperiments', input);
    expect(envelope).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(Object.prototype).not.toHaveProperty('polluted');
  });

  it('answers unknown call names, including built-in property names, with unknown_call', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.string(), fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf')),
        async (name) => {
          fc.pre(!(CALL_NAMES as string[]).includes(name));
          const envelope = await dispatch(app.handlers, name, {});
          expect(envelope).toMatchObject({ ok: false, error: { code: 'unknown_call' } });
        },
      ),
      { numRuns: 200 },
    );
  });

  it('treats a search string as data, not SQL', async () => {
    for (const search of [
      "%' OR 1=1 --",
      '%',
      '_',
      '\\',
      "'; DROP TABLE experiments; --",
      '"',
      'NEAR(a b',
      'x* OR y',
      '^a',
    ]) {
      const envelope = await dispatch(app.handlers, 'listExperiments', { search });
      expect(envelope, search).toMatchObject({ ok: true, value: { total: 0, items: [] } });
    }
  });

  it('refuses sizes beyond the contract (page limit, offsets, ids)', async () => {
    for (const [name, input] of [
      ['listExperiments', { limit: 501 }],
      ['listExperiments', { offset: -1 }],
      ['listExperiments', { limit: 1.5 }],
      ['listExperiments', { search: 'x'.repeat(201) }],
      ['getExperiment', { experimentId: 0 }],
      ['getExperiment', { experimentId: Number.MAX_SAFE_INTEGER + 2 }],
      ['cancelExperiment', { experimentId: -3 }],
      ['startExperiment', { scenario: PRESETS[0]!.scenario, name: 'x'.repeat(201) }],
    ] as const) {
      expect(await dispatch(app.handlers, name, input), `${name} ${JSON.stringify(input).slice(0, 60)}`).toMatchObject({
        ok: false,
        error: { code: 'invalid_input' },
      });
    }
  });

  it('does not leak stack traces from a failing handler', async () => {
    const failing = Object.fromEntries(
      CALL_NAMES.map((name) => [
        name,
        async () => {
          throw new Error('disk on fire');
        },
      ]),
    ) as unknown as Handlers;
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    const envelope = await dispatch(failing, 'listPresets', {});
    expect(logged).toHaveBeenCalledOnce(); // the stack goes to main's log, not to the caller
    logged.mockRestore();
    expect(envelope).toEqual({ ok: false, error: { code: 'internal', message: 'listPresets failed: disk on fire' } });
  });
});

describe('run budget', () => {
  /** A preset switched to the discrete-event simulator (the expensive method). */
  function desScenario(durationSec: number): Scenario {
    const checked = validateScenario(
      setParameter(
        setParameter(PRESETS[0]!.scenario, 'simulation.method', 'des'),
        'simulation.durationSec',
        durationSec,
      ),
    );
    if (!checked.ok) throw new Error(JSON.stringify(checked.issues));
    return checked.value;
  }

  it('refuses an experiment of too many simulations before recording anything', async () => {
    const values = Array.from({ length: 10_000 }, () => 1);
    const started = app.runner.start({
      scenario: desScenario(1),
      sweep: {
        parameters: [
          { path: 'vm.vcpus', values },
          { path: 'vm.vcpus', values },
        ],
      },
    });
    await expect(started).rejects.toThrow(RunRequestError);
    await expect(started).rejects.toThrow(
      `the limit is ${MAX_SIMULATIONS}: lower the number of sweep values, strategies or seeds`,
    );
    expect(await app.store.listExperiments({ offset: 0, limit: 10 })).toMatchObject({ total: 0 });
  });

  it('refuses a sweep whose points each fit but add up to hours of simulation', async () => {
    // Each point is under the core's per-run cap; a hundred-odd of them are not.
    const scenario = desScenario(60);
    expect(checkSimulationSize(scenario)).toBeLessThan(MAX_EVENTS_PER_RUN);
    const points = Math.ceil(MAX_EVENTS_PER_EXPERIMENT / checkSimulationSize(scenario)) + 1;
    const started = app.runner.start({
      scenario,
      sweep: { parameters: [{ path: 'simulation.durationSec', values: Array.from({ length: points }, () => 60) }] },
    });
    await expect(started).rejects.toThrow(
      `over ${points} points; the limit is ${MAX_EVENTS_PER_EXPERIMENT / 1e9} billion per experiment`,
    );
    expect(await app.store.listExperiments({ offset: 0, limit: 10 })).toMatchObject({ total: 0 });
  });

  it('lets a 10,000-point analytic sweep through (instant, bounded by the point limit)', () => {
    expect(() => checkRunBudget(10_000, 6, runPlan(PRESETS[0]!.scenario).seeds.length)).not.toThrow();
  });
});
