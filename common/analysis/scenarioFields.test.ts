import { describe, expect, it } from 'vitest';
import {
  DEFAULT_COSTS,
  PRESETS,
  scenarioSchema,
  STRATEGY_IDS,
  TOUCHPOINT_IDS,
  validateScenario,
} from '../core/index.ts';
import {
  costClass,
  describeIssue,
  describeScenario,
  parameterLabel,
  parameterTitle,
  pointTitle,
  parameterUnit,
  scenarioLabels,
  scenarioSweepables,
  strategyLabel,
  strategyTitle,
} from './scenarioFields.ts';
import { labelFromKey, splitDescription, sweepableParameters } from './schemaFields.ts';

describe('splitDescription', () => {
  it('reads "Label [unit]: help"', () => {
    expect(splitDescription('Clock [GHz]: converts cycles to time')).toEqual({
      label: 'Clock',
      unit: 'GHz',
      help: 'converts cycles to time',
    });
    expect(splitDescription('vCPUs [vCPUs]: virtual CPUs')).toMatchObject({ label: 'vCPUs', unit: 'vCPUs' });
  });

  it('gives a long description in another style a first-clause label and keeps all of it as help', () => {
    const text = 'share of time a vCPU thread spends inside KVM_RUN (guest mode included), per second of wall time';
    const said = splitDescription(text);
    expect(said.label).toBe('Share of time a vCPU thread spends inside KVM_RUN');
    expect(said.help).toBe(text);
    expect(splitDescription('SMAP enabled')).toEqual({ label: 'SMAP enabled', unit: '', help: '' });
  });
});

describe('the scenario form', () => {
  const labels = scenarioLabels();

  it('has a human label (from a description or a core catalogue) for every field, never a key', () => {
    for (const [path, node] of labels) {
      if (path === '') continue;
      expect(node.label, path).not.toBe('');
      // The machine-made label is what the issue complained about ("memory gi b").
      if (!/^[a-z]+$/.test(node.key)) expect(node.label, path).not.toBe(labelFromKey(node.key));
    }
  });

  it('names strategies, touchpoints and cost entries from the core', () => {
    for (const id of STRATEGY_IDS) expect(labels.get(`strategies.${id}`)?.label).toBe(strategyTitle(id));
    for (const tp of TOUCHPOINT_IDS) expect(labels.get(`workload.touchpoints.${tp}`)?.label).not.toBe(labelFromKey(tp));
    for (const c of DEFAULT_COSTS) {
      const node = labels.get(`host.costs.${c.key}`);
      expect(node, c.key).toMatchObject({ label: c.label, unit: c.unit });
    }
    expect(describeScenario().children?.map((c) => c.key)).toContain('host');
  });

  it('offers every sweepable field but the retired cost entries, which the model ignores', () => {
    const scenario = PRESETS[0]!.scenario;
    const offered = scenarioSweepables(scenario).map((p) => p.path);
    const retired = sweepableParameters(scenarioSchema, scenario)
      .map((p) => p.path)
      .filter((p) => p.startsWith('host.costs.') && !DEFAULT_COSTS.some((c) => `host.costs.${c.key}` === p));
    expect(retired.length).toBeGreaterThan(0);
    for (const p of retired) expect(offered).not.toContain(p);
    for (const c of DEFAULT_COSTS) expect(offered).toContain(`host.costs.${c.key}`);
    expect(offered).toContain('vm.vcpus');
    // Read but unused by the model: S4's switch point is not offered either.
    expect(sweepableParameters(scenarioSchema, scenario).map((p) => p.path)).toContain('strategies.S4.switchPoint');
    expect(offered).not.toContain('strategies.S4.switchPoint');
  });

  it('labels parameters outside the form by their group and field', () => {
    expect(parameterLabel('vm.vcpus')).toBe('VM › vCPUs');
    expect(parameterLabel('workload.touchpoints.mmio.ratePerSec')).toBe('MMIO / emulated instruction › Rate');
    expect(parameterLabel('no.such.path')).toBe('no.such.path');
    // An axis names a touchpoint's rate with what it counts and what it is per.
    expect(parameterTitle('workload.touchpoints.mmio.ratePerSec')).toBe(
      'MMIO / emulated instruction › Rate (exits/s per vCPU)',
    );
    expect(parameterTitle('workload.touchpoints.populate.ratePerSec')).toContain('(pages first touched/s per VM)');
    expect(parameterTitle('vm.memoryGiB')).toBe('VM › Guest memory (GiB)');
    expect(pointTitle({ 'vm.vcpus': 2, 'vm.memoryGiB': 4 })).toBe('VM › vCPUs = 2, VM › Guest memory = 4 GiB');
    expect(pointTitle({ 'workload.touchpoints.mmio.ratePerSec': 5000 })).toBe(
      'MMIO / emulated instruction › Rate = 5000 exits/s per vCPU',
    );
    expect(pointTitle({ 'no.such.path': true })).toBe('no.such.path = true');
    expect(pointTitle({})).toBe('');
    expect(parameterUnit('host.ghz')).toBe('GHz');
    expect(describeIssue({ path: 'vm.vcpus', message: 'must be >= 1' })).toBe('vm.vcpus (VM › vCPUs): must be >= 1');
    expect(describeIssue({ path: 'vm.turbo', message: 'unknown' })).toBe('vm.turbo: unknown');
  });

  it("names the nearest fields the schema has beside a mistyped one, as the core's validation reports it", () => {
    const costs = { ...PRESETS[0]!.scenario.host.costs, vmExitRoundtrip: 5, shootdownPerTargets: 3, ipiSendCycle: 1 };
    const checked = validateScenario({ ...PRESETS[0]!.scenario, host: { ...PRESETS[0]!.scenario.host, costs } });
    expect(checked.ok).toBe(false);
    const issue = !checked.ok && checked.issues.find((i) => i.path === 'host.costs')!;
    expect(describeIssue(issue as { path: string; message: string })).toBe(
      'host.costs (Host › Costs): unknown fields: vmExitRoundtrip (did you mean vmExitRoundTrip?), shootdownPerTargets (did you mean shootdownPerTarget?), ipiSendCycle',
    );
    expect(describeIssue({ path: 'vm', message: 'unknown field: vcpuz' })).toBe(
      'vm (VM): unknown field: vcpuz (did you mean vcpus?)',
    );
    // Nothing known there to suggest (a path the schema does not have): the message as it was.
    expect(describeIssue({ path: 'vm.nothing', message: 'unknown field: x' })).toBe('vm.nothing: unknown field: x');
  });
});

describe('strategies and costs', () => {
  it('splits a strategy name from its gloss', () => {
    expect(strategyLabel('S2')).toMatchObject({ name: 'on-demand direct map' });
    expect(strategyLabel('S2').description).toContain('restores direct-map PTEs');
    expect(strategyTitle('S2')).toBe('S2 on-demand direct map');
    expect(strategyLabel('S99')).toEqual({ id: 'S99', name: 'S99', description: '' });
  });

  it('classes every default cost, estimates included', () => {
    const classes = DEFAULT_COSTS.map(costClass);
    expect(classes).toContain('estimate');
    expect(classes).toContain('primary');
    expect(costClass({ ...DEFAULT_COSTS[0]!, class: 'estimate' } as never)).toBe('estimate');
  });
});
