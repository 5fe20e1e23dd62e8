import { describe, expect, it } from 'vitest';
import { PRESETS } from '../../../common/core/index.ts';
import { sweepableParameters } from '../../../common/analysis/schemaFields.ts';
import { scenarioSchema } from '../../../common/core/index.ts';
import { emptyParam, formOfSweep, formRuns, sweepOfForm, type LauncherForm } from './launcher-form.ts';

const scenario = PRESETS[0]!.scenario;
const sweepable = sweepableParameters(scenarioSchema, scenario);

describe('the launcher form', () => {
  it('shows a loaded sweep as lists, and stands for that sweep again', () => {
    const sweep = {
      parameters: [
        { path: 'vm.vcpus', values: [1, 2, 4] },
        { path: 'host.kpti', values: [false, true] },
      ],
    };
    const form = formOfSweep(sweep);
    expect(form.mode).toBe('sweep');
    expect(form.params.map((p) => [p.path, p.kind, p.text])).toEqual([
      ['vm.vcpus', 'list', '1, 2, 4'],
      ['host.kpti', 'list', 'false, true'],
    ]);
    expect(sweepOfForm(form, sweepable)).toEqual({ ok: true, value: sweep, notes: [] });
    expect(formRuns(form, scenario, sweep)).toBe(true);
    expect(formRuns(form, scenario, null)).toBe(false);
  });

  it('a single run stands for no sweep, whatever its parameters hold', () => {
    const form: LauncherForm = { mode: 'single', params: [{ ...emptyParam(), path: 'vm.vcpus', text: '1, 2' }] };
    expect(formOfSweep(null)).toEqual({ mode: 'single', params: [emptyParam()] });
    expect(sweepOfForm(form, sweepable)).toEqual({ ok: true, value: undefined, notes: [] });
    expect(formRuns(form, scenario, null)).toBe(true);
  });

  it('a range as typed stands for its values: a result of that range does not replace it', () => {
    const form: LauncherForm = {
      mode: 'sweep',
      params: [{ ...emptyParam(), path: 'vm.vcpus', kind: 'linear', from: 1, to: 4, count: 4 }],
    };
    expect(sweepOfForm(form, sweepable)).toEqual({
      ok: true,
      value: { parameters: [{ path: 'vm.vcpus', values: [1, 2, 3, 4] }] },
      notes: [],
    });
    // A log range of whole vCPUs repeats its small values: the form says how many are left.
    const crowded: LauncherForm = {
      mode: 'sweep',
      params: [{ ...emptyParam(), path: 'vm.vcpus', kind: 'log', from: 1, to: 8, count: 10 }],
    };
    const made = sweepOfForm(crowded, sweepable);
    expect(made.ok && made.notes).toEqual([
      `vm.vcpus: 10 values asked, ${made.ok ? made.value!.parameters[0]!.values.length : 0} distinct once rounded to whole numbers`,
    ]);
    expect(formRuns(form, scenario, { parameters: [{ path: 'vm.vcpus', values: [1, 2, 3, 4] }] })).toBe(true);
    expect(formRuns(form, scenario, { parameters: [{ path: 'vm.vcpus', values: [1, 2, 3] }] })).toBe(false);
  });

  it('says what is missing or wrong, naming the parameter; such a form stands for no sweep', () => {
    const unpicked: LauncherForm = { mode: 'sweep', params: [emptyParam()] };
    expect(sweepOfForm(unpicked, sweepable)).toEqual({ ok: false, message: 'parameter 1: pick a parameter' });
    const halfRange: LauncherForm = {
      mode: 'sweep',
      params: [{ ...emptyParam(), path: 'vm.vcpus', kind: 'log', from: 1, to: '' }],
    };
    expect(sweepOfForm(halfRange, sweepable)).toEqual({ ok: false, message: 'vm.vcpus: give from, to and count' });
    const badList: LauncherForm = { mode: 'sweep', params: [{ ...emptyParam(), path: 'vm.vcpus', text: '1, x' }] };
    const bad = sweepOfForm(badList, sweepable);
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.message).toMatch(/^vm\.vcpus: /);
    expect(formRuns(unpicked, scenario, null)).toBe(false);
  });
});
