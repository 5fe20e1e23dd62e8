import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parameterPaths, setParameter } from './params.ts';
import { PRESETS } from './presets.ts';
import { validateChangedScenario, validateScenario, type Scenario } from './scenario.ts';

const base = PRESETS[0]!.scenario;

describe('validateScenario', () => {
  it('accepts every preset', () => {
    for (const p of PRESETS) expect(validateScenario(p.scenario)).toEqual({ ok: true, value: p.scenario });
  });

  it('reports every problem with its field path and a plain reason', () => {
    const bad = structuredClone(base) as unknown as Record<string, Record<string, unknown>>;
    bad['vm']!['vcpus'] = 0;
    bad['vm']!['turbo'] = true;
    delete bad['host']!['ghz'];
    bad['strategies']!['S4'] = { enabled: true, switchPoint: 'sometimes' };
    const result = validateScenario(bad);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues).toEqual(
      expect.arrayContaining([
        { path: 'vm.vcpus', message: 'must be >= 1' },
        { path: 'vm', message: 'unknown field: turbo' },
        { path: 'host.ghz', message: 'missing field (expected number)' },
        { path: 'strategies.S4.switchPoint', message: 'must be one of "kvm_run", "vcpu_load"' },
      ]),
    );
  });

  it("words what the form sends as a user would: a fraction of a count, an empty field (the form's NaN)", () => {
    const issueAt = (path: string, value: unknown): string | undefined => {
      const bad = structuredClone(base) as unknown as Record<string, Record<string, unknown>>;
      const [group, field] = path.split('.') as [string, string];
      bad[group]![field] = value;
      const result = validateScenario(bad);
      return result.ok ? undefined : result.issues.find((i) => i.path === path)?.message;
    };
    expect(issueAt('vm.vcpus', 1.5)).toBe('must be a whole number, not 1.5');
    expect(issueAt('vm.vcpus', Number.NaN)).toBe('must be a number (it is empty or not a number)');
    expect(issueAt('host.ghz', Number.NaN)).toBe('must be a number (it is empty or not a number)');
    expect(issueAt('host.ghz', 'fast')).toBe('expected number, got string');
  });

  it('names the format it expects, and says a newer one comes from a newer gmemlab', () => {
    const other = validateScenario({ ...base, format: 'something/else' });
    expect(other.ok).toBe(false);
    if (!other.ok) expect(other.issues[0]).toEqual({ path: 'format', message: 'must be one of "gmemlab/scenario@1"' });
    const newer = validateScenario({ ...base, format: 'gmemlab/scenario@2' });
    expect(newer.ok).toBe(false);
    if (!newer.ok)
      expect(newer.issues).toEqual([
        {
          path: 'format',
          message:
            'gmemlab/scenario@2 was written by a newer gmemlab; this version reads gmemlab/scenario@1: upgrade gmemlab to read it',
        },
      ]);
  });

  it('never throws, whatever it is given', () => {
    fc.assert(
      fc.property(fc.anything(), (input) => {
        const r = validateScenario(input);
        return (
          r.ok || (r.issues.length > 0 && r.issues.every((i) => typeof i.path === 'string' && i.message.length > 0))
        );
      }),
    );
    // Mutations of a valid scenario: one field replaced by anything.
    fc.assert(
      fc.property(
        fc.constantFrom('host', 'vm', 'workload', 'strategies', 'simulation', 'name'),
        fc.anything(),
        (key, value) => {
          const r = validateScenario({ ...base, [key]: value });
          return r.ok || r.issues.length > 0;
        },
      ),
    );
  });

  it('bounds what could make a run allocate or take without limit', () => {
    for (const [path, value] of [
      ['vm.vcpus', 100_000],
      ['host.cpus', 1e6],
      ['simulation.durationSec', 1e9],
    ] as const) {
      const s = structuredClone(base) as unknown as Record<string, Record<string, unknown>>;
      const [group, field] = path.split('.') as [string, string];
      s[group]![field] = value;
      const r = validateScenario(s);
      expect(r.ok, path).toBe(false);
      if (!r.ok) expect(r.issues[0]!.path).toBe(path);
    }
    const seeds = validateScenario({
      ...base,
      simulation: { ...base.simulation, seeds: Array.from({ length: 1000 }, (_, i) => i) },
    });
    expect(seeds.ok).toBe(false);
  });

  it('reads a file written with model 1.2 with every new field at its default, and the same file with them written out validates to the same value (so the same revision id)', () => {
    const old: unknown = JSON.parse(
      readFileSync(new URL('./fixtures/scenario-model-1.2.json', import.meta.url), 'utf8'),
    );
    const read = validateScenario(old);
    expect(read.ok).toBe(true);
    if (!read.ok) return;
    // Model 1's meaning is kept: MMIO pages as given, no population, no ASI, the upstream S1.
    expect(read.value.workload.exitMix.instructionDecode).toBe('given');
    expect(read.value.workload.touchpoints.populate.ratePerSec).toBe(0);
    expect(read.value.strategies.S6.enabled).toBe(false);
    expect(read.value.host.vendor).toBe('intel');
    // Model 2.5.0's S2 flush range: a flush a page unless the file says otherwise.
    expect(read.value.strategies.S2.flushRange).toBe('eachPage');
    const explicit = validateScenario(JSON.parse(JSON.stringify(read.value)));
    expect(explicit.ok && explicit.value).toEqual(read.value);
  });

  it("reads a touchpoint's retired `write` field (every file before model 2.2.1 has it) and leaves it out of the value", () => {
    const old: unknown = JSON.parse(
      readFileSync(new URL('./fixtures/scenario-model-1.2.json', import.meta.url), 'utf8'),
    );
    expect((old as { workload: { touchpoints: { mmio: { write?: boolean } } } }).workload.touchpoints.mmio.write).toBe(
      false,
    );
    const read = validateScenario(old);
    expect(read.ok).toBe(true);
    if (!read.ok) return;
    for (const tp of Object.values(read.value.workload.touchpoints)) expect(tp).not.toHaveProperty('write');
    // With or without it, the same value: the same revision id.
    const without = JSON.parse(JSON.stringify(old)) as {
      workload: { touchpoints: Record<string, { write?: boolean }> };
    };
    for (const tp of Object.values(without.workload.touchpoints)) delete tp.write;
    expect(validateScenario(without)).toEqual(read);
    // Still a boolean when given: a wrong type is an error, as before.
    const wrong = JSON.parse(JSON.stringify(old)) as { workload: { touchpoints: Record<string, unknown> } };
    wrong.workload.touchpoints['pio'] = { ratePerSec: 1, pagesPerEvent: 1, bytesPerEvent: 8, write: 'yes' };
    const refused = validateScenario(wrong);
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.issues[0]!.path).toBe('workload.touchpoints.pio.write');
  });
});

describe('validateChangedScenario (a sweep point: one value of a valid scenario changed)', () => {
  // Values of every kind a sweep may bring, in range and out of it, and the cross-field pairs.
  const numbers = [0, 1, 1.5, -1, 0.0005, 7, 64, 4096, 1e6, 1e12, Number.NaN, Number.POSITIVE_INFINITY];
  const strings = [
    'bogus',
    '',
    'arm64',
    'amd',
    'intel',
    'ipi',
    'broadcast',
    'shared',
    'pinned',
    'des',
    'analytic',
    '2M',
  ];

  it('gives what validateScenario gives, for every sweepable path of every preset', () => {
    let compared = 0;
    let refused = 0;
    for (const preset of PRESETS) {
      const checked = validateScenario(preset.scenario);
      if (!checked.ok) throw new Error(`preset ${preset.id} is not valid`);
      const valid = checked.value;
      for (const { path, type } of parameterPaths(valid)) {
        const values: unknown[] = type === 'number' ? numbers : type === 'boolean' ? [true, false] : strings;
        for (const value of values) {
          let candidate: Scenario;
          try {
            candidate = setParameter(valid, path, value);
          } catch {
            continue; // refused before validation either way (expandSweep reports it as a path error)
          }
          const expected = validateScenario(structuredClone(candidate));
          expect(validateChangedScenario(candidate, path), `${preset.id} ${path} = ${String(value)}`).toEqual(expected);
          compared++;
          if (!expected.ok) refused++;
        }
      }
    }
    // The comparison covered accepted and refused values alike.
    expect(compared).toBeGreaterThan(1000);
    expect(refused).toBeGreaterThan(200);
    expect(compared - refused).toBeGreaterThan(200);
  });

  it('drops a retired field the change sets, as validateScenario does', () => {
    const valid = validateScenario(PRESETS[0]!.scenario);
    if (!valid.ok) throw new Error('not valid');
    const path = 'workload.touchpoints.mmio.write';
    const candidate = setParameter(valid.value, path, true);
    const expected = validateScenario(structuredClone(candidate));
    expect(expected.ok && 'write' in expected.value.workload.touchpoints.mmio).toBe(false);
    expect(validateChangedScenario(candidate, path)).toEqual(expected);
  });

  it('reports a pair the hardware cannot have when the change makes one', () => {
    const valid = validateScenario(setParameter(PRESETS[0]!.scenario, 'host.tlbInvalidation', 'ipi'));
    if (!valid.ok) throw new Error('not valid');
    const arm = validateChangedScenario(setParameter(valid.value, 'host.vendor', 'arm64'), 'host.vendor');
    expect(arm.ok).toBe(false);
    expect(!arm.ok && arm.issues.map((i) => i.path)).toContain('host.tlbInvalidation');
  });
});
