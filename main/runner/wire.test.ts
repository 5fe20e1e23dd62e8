// Outcomes packed for the trip from a worker to the main thread come back as they were.
import { MessageChannel, receiveMessageOnPort } from 'node:worker_threads';
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { PRESETS, runScenario, setParameter, type Estimate, type RunOutput } from '../../common/core/index.ts';
import type { ScenarioOutcome } from './protocol.ts';
import type { PackedValues } from '../store/store.ts';
import { packedValuesOf, packOutcomes, unpackResults, type PackedOutcomes } from './wire.ts';

/** Every field's name in the order it was made, all the way down: what toEqual does not check. */
function shape(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(shape);
  return Object.entries(value).map(([k, v]) => [k, shape(v)]);
}

/** Packs, sends through a real message port (the numbers' buffer transferred) and, unless told not to, unpacks. */
function roundTrip(outcomes: ScenarioOutcome[], unpack = true): { back: ScenarioOutcome[]; packed: PackedOutcomes } {
  const packed = packOutcomes(structuredClone(outcomes));
  const { port1, port2 } = new MessageChannel();
  port1.postMessage(packed, [packed.values.buffer]);
  const received = receiveMessageOnPort(port2)!.message as PackedOutcomes;
  port1.close();
  expect(packed.values.byteLength).toBe(0); // handed over, not copied
  if (unpack) unpackResults(packedValuesOf(received));
  return { back: received.outcomes, packed: received };
}

const analytic = PRESETS.map((p): ScenarioOutcome => ({ ok: true, output: runScenario(p.scenario) }));
const des: ScenarioOutcome = {
  ok: true,
  output: runScenario({
    ...PRESETS[1]!.scenario,
    simulation: { method: 'des', durationSec: 0.05, seeds: [1, 2] },
  }),
};

describe('packOutcomes / unpackResults', () => {
  it("gives back every preset's analytic output and a simulation's, failed outcomes between, field for field and in order", () => {
    const outcomes = [...analytic, { ok: false as const, message: 'no' }, des];
    const { back, packed } = roundTrip(outcomes);
    expect(isDeepStrictEqual(back, outcomes)).toBe(true);
    expect(shape(back)).toEqual(shape(outcomes));
    // Every result was packed (a -1 stands for a missing breakdown only).
    for (let i = 0; i < packed.lists.length; i += 2) expect(packed.lists[i]).toBeGreaterThanOrEqual(0);
  });

  it("sends a sweep's keys once per distinct list, not once per run", () => {
    const base = PRESETS[1]!.scenario;
    const sweep = Array.from({ length: 50 }, (_, i): ScenarioOutcome => ({
      ok: true,
      output: runScenario(setParameter(base, 'vm.vcpus', i + 1)),
    }));
    const { back, packed } = roundTrip(sweep);
    expect(isDeepStrictEqual(back, sweep)).toBe(true);
    const strategies = sweep[0]!.ok ? sweep[0]!.output.strategies.length : 0;
    expect(packed.lists.length).toBe(2 * 50 * strategies);
    expect(packed.keyLists.length).toBeLessThanOrEqual(2 * strategies);
  });

  it('keeps numbers that JSON would not (NaN, infinities, -0) and a result without a breakdown', () => {
    const output = structuredClone(analytic[0]!) as { ok: true; output: RunOutput };
    const [first, second] = output.output.strategies;
    const key = Object.keys(first!.metrics)[0]!;
    first!.metrics[key] = { mean: NaN, ci95: Infinity, n: -0 };
    delete second!.breakdown;
    const { back } = roundTrip([output]);
    const [b1, b2] = (back[0] as { ok: true; output: RunOutput }).output.strategies;
    expect(Number.isNaN(b1!.metrics[key]!.mean)).toBe(true);
    expect(b1!.metrics[key]!.ci95).toBe(Infinity);
    expect(Object.is(b1!.metrics[key]!.n, -0)).toBe(true);
    expect('breakdown' in b2!).toBe(false);
    expect(isDeepStrictEqual(back, [output])).toBe(true);
  });

  it('sends a result with a metric that is not a plain { mean, ci95, n } as it is', () => {
    const output = structuredClone(analytic[0]!) as { ok: true; output: RunOutput };
    const result = output.output.strategies[0]!;
    const key = Object.keys(result.metrics)[0]!;
    (result.metrics[key] as unknown as Record<string, unknown>)['unit'] = 'us';
    const { back, packed } = roundTrip([output]);
    expect(packed.lists[0]).toBe(-1);
    expect(isDeepStrictEqual(back, [output])).toBe(true);
  });
});

/** What packed values stand for, made as objects from their keys and numbers (the form they replace). */
function objectOf(p: PackedValues): Record<string, unknown> {
  return Object.fromEntries(
    p.keys.map((key, i) => {
      const v = p.at + p.perKey * i;
      return [key, p.perKey === 3 ? { mean: p.values[v], ci95: p.values[v + 1], n: p.values[v + 2] } : p.values[v]];
    }),
  );
}

describe('packedValuesOf', () => {
  it("says where every packed result's numbers are: they read as unpackResults makes them, result by result", () => {
    const outcomes = [...analytic, { ok: false as const, message: 'no' }, des];
    const odd = structuredClone(analytic[0]!) as { ok: true; output: RunOutput };
    // One result with a metric packing cannot carry (a new object: results may share estimates).
    const oddMetrics = odd.output.strategies[0]!.metrics;
    const oddKey = Object.keys(oddMetrics)[0]!;
    oddMetrics[oddKey] = { ...oddMetrics[oddKey]!, unit: 'us' } as Estimate;
    delete odd.output.strategies[1]!.breakdown;
    const { packed } = roundTrip([...outcomes, odd], false);
    const values = packedValuesOf(packed);
    // Read before unpacking (unpacking fills the results in place).
    const read = [...values].map(([result, v]) => ({
      result,
      metrics: objectOf(v.metrics),
      breakdown: v.breakdown === undefined ? undefined : objectOf(v.breakdown),
    }));
    unpackResults(values);
    const back = packed.outcomes;
    const results = back.flatMap((o) => (o.ok ? o.output.strategies : []));
    // Every result but the one sent as it was, in order, each with its own numbers.
    expect(read.map((r) => r.result)).toEqual(
      results.filter((r) => r !== results[results.length - odd.output.strategies.length]),
    );
    for (const r of read) {
      expect(isDeepStrictEqual(r.metrics, r.result.metrics)).toBe(true);
      expect(r.breakdown).toEqual(r.result.breakdown);
    }
    expect(read.some((r) => r.breakdown === undefined)).toBe(true);
  });
});
