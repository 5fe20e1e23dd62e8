// Sweep definitions are user (and renderer) input: fuzz the schema and the expansion, and check
// that a sweep too large to run is refused before anything is expanded or recorded.
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { PRESETS, runPlan, validateScenario, type Scenario } from './index.ts';
import {
  MAX_EVENTS_PER_EXPERIMENT,
  MAX_SIMULATIONS,
  MAX_SWEEP_POINTS,
  RunRequestError,
  applyPoint,
  checkEventBudget,
  checkRunBudget,
  expandSweep,
  scenarioAt,
  sweepPointCount,
  validScenarioAt,
  sweepSchema,
  type SweepDefinition,
} from './sweep.ts';

const base: Scenario = PRESETS[0]!.scenario;

afterEach(() => {
  // Nothing a sweep does may reach Object.prototype or its functions.
  expect(Object.prototype).not.toHaveProperty('polluted');
  expect(Object.prototype.toString).not.toHaveProperty('x');
});

/** Runs expandSweep on a schema-valid definition: it returns points or throws RunRequestError, nothing else. */
function expandOrRequestError(sweep: SweepDefinition): { points: number } | { error: RunRequestError } {
  try {
    return { points: expandSweep(base, sweep).length };
  } catch (err) {
    if (err instanceof RunRequestError) return { error: err };
    throw err;
  }
}

describe('sweepSchema', () => {
  it('never throws on arbitrary JSON, and what it accepts is within the limits', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const parsed = sweepSchema.safeParse(value);
        if (parsed.success) {
          expect(parsed.data.parameters.length).toBeGreaterThanOrEqual(1);
          expect(parsed.data.parameters.length).toBeLessThanOrEqual(2);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('accepts sweep-shaped input only when every field is right, and names the field otherwise', () => {
    const parameter = fc.record({
      path: fc.oneof(fc.constant('vm.vcpus'), fc.string({ maxLength: 30 })),
      values: fc.array(
        fc.oneof(fc.integer(), fc.double(), fc.string({ maxLength: 120 }), fc.boolean(), fc.constant(null)),
        { maxLength: 5 },
      ),
    });
    fc.assert(
      fc.property(fc.record({ parameters: fc.array(parameter, { maxLength: 3 }) }), (value) => {
        const parsed = sweepSchema.safeParse(value);
        if (!parsed.success) {
          for (const issue of parsed.error.issues) expect(issue.path[0]).toBe('parameters');
        }
      }),
      { numRuns: 300 },
    );
  });

  it('refuses paths through __proto__, constructor, prototype and other built-ins', () => {
    for (const path of [
      '__proto__.polluted',
      'vm.__proto__.polluted',
      'constructor.prototype.polluted',
      'vm.constructor',
      'toString.x',
      'vm.hasOwnProperty',
      'prototype',
    ]) {
      const parsed = sweepSchema.safeParse({ parameters: [{ path, values: [1] }] });
      expect(parsed.success, path).toBe(false);
    }
    expect(sweepSchema.safeParse({ parameters: [{ path: 'vm.vcpus', values: [1, 2] }] }).success).toBe(true);
  });

  it('refuses non-finite numbers, long strings and extra keys', () => {
    for (const values of [[Number.NaN], [Number.POSITIVE_INFINITY], ['x'.repeat(101)], [], [null], [{}]]) {
      expect(
        sweepSchema.safeParse({ parameters: [{ path: 'vm.vcpus', values }] }).success,
        JSON.stringify(values),
      ).toBe(false);
    }
    expect(sweepSchema.safeParse({ parameters: [{ path: 'vm.vcpus', values: [1], extra: 1 }] }).success).toBe(false);
    expect(sweepSchema.safeParse({ parameters: [{ path: 'vm.vcpus', values: [1] }], extra: 1 }).success).toBe(false);
    expect(
      sweepSchema.safeParse({ parameters: [1, 2, 3].map(() => ({ path: 'vm.vcpus', values: [1] })) }).success,
    ).toBe(false);
  });
});

describe('expandSweep', () => {
  it('expands valid values on vm.vcpus into the full cartesian product, one scenario per point', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 12 }), (values) => {
        const points = expandSweep(base, { parameters: [{ path: 'vm.vcpus', values }] });
        expect(points.map((p) => p.point['vm.vcpus'])).toEqual(values);
        expect(points.map((p) => (p.scenario as { vm: { vcpus: number } }).vm.vcpus)).toEqual(values);
        expect((base as { vm: { vcpus: number } }).vm.vcpus).toBe(
          (PRESETS[0]!.scenario as { vm: { vcpus: number } }).vm.vcpus,
        );
      }),
      { numRuns: 100 },
    );
  });

  it('returns points or a RunRequestError naming the parameter for any schema-valid sweep, never another error', () => {
    const segment = fc.oneof(
      fc.constantFrom('vm', 'vcpus', 'host', 'name', 'format', 'workload', 'x', '0'),
      fc.stringMatching(/^[A-Za-z0-9_]{1,8}$/),
    );
    const path = fc.array(segment, { minLength: 1, maxLength: 4 }).map((s) => s.join('.'));
    const value = fc.oneof(
      fc.integer({ min: -5, max: 2000 }),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.string({ maxLength: 10 }),
      fc.boolean(),
    );
    const parameter = fc.record({ path, values: fc.array(value, { minLength: 1, maxLength: 4 }) });
    fc.assert(
      fc.property(fc.array(parameter, { minLength: 1, maxLength: 2 }), (parameters) => {
        const parsed = sweepSchema.safeParse({ parameters });
        if (!parsed.success) return;
        const outcome = expandOrRequestError(parsed.data);
        if ('error' in outcome) {
          expect(outcome.error.issues.length).toBeGreaterThan(0);
          for (const issue of outcome.error.issues)
            expect(issue.path).toMatch(/^sweep\.parameters\.[01]\.(path|values\.\d+)$/);
        } else {
          expect(outcome.points).toBe(sweepPointCount(parsed.data));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('never writes through an inherited member (toString.x) or outside the scenario', () => {
    for (const path of ['toString.x', 'vm.toString.x', 'name.length', 'vm.vcpus.x', 'nothere.x']) {
      const outcome = expandOrRequestError({ parameters: [{ path, values: [1] }] });
      expect('error' in outcome, path).toBe(true);
    }
  });

  it('refuses the paths that decide which runs an experiment has: the method, its seeds, a strategy enabled', () => {
    const base = PRESETS[0]!.scenario;
    for (const [path, values] of [
      ['simulation.method', ['analytic', 'des']],
      ['simulation.seeds.0', [1, 2]],
      ['strategies.S3.enabled', [true, false]],
    ] as const) {
      let thrown: unknown;
      try {
        expandSweep(base, { parameters: [{ path, values: [...values] }] });
      } catch (err) {
        thrown = err;
      }
      expect(thrown, path).toBeInstanceOf(RunRequestError);
      expect((thrown as RunRequestError).issues).toEqual([
        { path: 'sweep.parameters.0.path', message: expect.stringContaining(`${path} decides which runs`) as string },
      ]);
    }
    // A strategy's own settings are parameters like any other.
    expect(expandSweep(base, { parameters: [{ path: 'strategies.S2.batchPages', values: [1, 4] }] })).toHaveLength(2);
  });

  it(`refuses more than ${MAX_SWEEP_POINTS} points before expanding any`, () => {
    const values = Array.from({ length: 101 }, (_, i) => i + 1);
    const sweep = {
      parameters: [
        { path: 'vm.vcpus', values },
        { path: 'vm.vcpus', values },
      ],
    };
    expect(sweepPointCount(sweep)).toBe(10_201);
    expect(() => expandSweep(base, sweep)).toThrow(
      new RegExp(`10201 points is more than the limit of ${MAX_SWEEP_POINTS}`),
    );
  });
});

describe('checkRunBudget', () => {
  it('refuses a discrete-event experiment of more than MAX_SIMULATIONS simulations, saying what to lower', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: MAX_SWEEP_POINTS }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 0, max: 100 }),
        (points, strategies, seeds) => {
          const total = points * strategies * seeds;
          if (total <= MAX_SIMULATIONS) expect(() => checkRunBudget(points, strategies, seeds)).not.toThrow();
          else
            expect(() => checkRunBudget(points, strategies, seeds)).toThrow(
              `would run ${total} simulations (${points} points x ${strategies} strategies x ${seeds} seeds); the limit is ${MAX_SIMULATIONS}: lower`,
            );
        },
      ),
    );
  });

  it('passes the presets as they are', () => {
    for (const preset of PRESETS) {
      const plan = runPlan(preset.scenario);
      expect(() => checkRunBudget(1, plan.strategies.length, plan.seeds.length), preset.id).not.toThrow();
    }
  });
});

describe('checkEventBudget', () => {
  it(`refuses more than ${MAX_EVENTS_PER_EXPERIMENT / 1e9} billion events in one experiment`, () => {
    expect(() => checkEventBudget(MAX_EVENTS_PER_EXPERIMENT, 100)).not.toThrow();
    expect(() => checkEventBudget(MAX_EVENTS_PER_EXPERIMENT + 1e9, 100)).toThrow(
      /would simulate about 21 billion events over 100 points; the limit is 20 billion per experiment: lower the number of sweep values, seeds or strategies, or shorten simulation\.durationSec/,
    );
  });
});

describe('scenarioAt', () => {
  it("is the core's validated scenario at the point, or why the model rejects it", () => {
    const point = { 'vm.vcpus': 4 };
    const at = scenarioAt(base, point);
    expect(at).toEqual({ ok: true, scenario: (validateScenario(applyPoint(base, point)) as { value: unknown }).value });
    expect(validScenarioAt(base, point)).toEqual((at as { scenario: unknown }).scenario);
    expect(scenarioAt(base, { 'vm.vcpus': 0 })).toMatchObject({
      ok: false,
      message: expect.stringMatching(/^this model rejects the scenario: vm\.vcpus /),
    });
    expect(validScenarioAt(base, { 'vm.vcpus': 0 })).toBeUndefined();
  });

  it('fills in the defaults of fields a revision saved by an older model lacks', () => {
    // A stored scenario without a field added since (host.otherVmVcpus, default 0) computes with
    // the default.
    const { otherVmVcpus: _gone, ...olderHost } = base.host;
    const older = { ...base, host: olderHost } as unknown as Scenario;
    const at = scenarioAt(older, { 'vm.vcpus': 4 });
    if (!at.ok) throw new Error(at.message);
    expect(at.scenario.host.otherVmVcpus).toBe(0);
    expect(at.scenario.vm.vcpus).toBe(4);
  });

  it('refuses a point naming a path the scenario no longer has, naming the path', () => {
    expect(scenarioAt(base, { 'vm.gone': 1 })).toEqual({
      ok: false,
      message: 'this model rejects the scenario: vm unknown field: gone',
    });
    // A path through a value that is not an object cannot even be set.
    expect(scenarioAt(base, { 'vm.vcpus.count': 1 })).toEqual({
      ok: false,
      message: 'this model rejects the point: "vm.vcpus" has no fields',
    });
  });
});
