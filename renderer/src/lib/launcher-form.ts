// The launcher's form (single run, or a sweep of one or two parameters as typed: a list or a
// range) and the sweep it stands for. In the shared state rather than the launcher, so that a
// result loaded into the form (state.svelte.ts: loadDraft) can put its sweep there and keep the
// form it replaces one step back, as it does the scenario's edits.
import type { ParameterValue, SweepDefinition } from '../../../common/core/index.ts';
import type { SweepableParameter } from '../../../common/analysis/schemaFields.ts';
import { scenarioSweepables } from '../../../common/analysis/scenarioFields.ts';
import { parameterTypeOf, sweepNote, sweepValues, type SweepSpec } from '../../../common/analysis/sweepValues.ts';

/** One swept parameter as typed (range bounds as the number inputs hold them). */
export interface ParamForm {
  path: string;
  kind: SweepSpec['kind'];
  text: string;
  from: string | number | null;
  to: string | number | null;
  count: string | number | null;
}

export interface LauncherForm {
  mode: 'single' | 'sweep';
  params: ParamForm[];
}

export function emptyParam(): ParamForm {
  return { path: '', kind: 'list', text: '', from: '', to: '', count: '5' };
}

/** The form that shows `sweep` (a list of its values per parameter); a single run for null. */
export function formOfSweep(sweep: SweepDefinition | null): LauncherForm {
  if (sweep === null) return { mode: 'single', params: [emptyParam()] };
  return {
    mode: 'sweep',
    params: sweep.parameters.map((p) => ({ ...emptyParam(), path: p.path, text: p.values.map(String).join(', ') })),
  };
}

export type FormSweep =
  { ok: true; value: SweepDefinition | undefined; notes: string[] } | { ok: false; message: string };

/**
 * The sweep the form stands for, given the scenario's sweepable parameters (their types):
 * undefined for a single run, or what is still missing or wrong, naming the parameter.
 */
export function sweepOfForm(form: LauncherForm, sweepable: SweepableParameter[]): FormSweep {
  if (form.mode === 'single') return { ok: true, value: undefined, notes: [] };
  const out: { path: string; values: ParameterValue[] }[] = [];
  const notes: string[] = [];
  for (const [i, p] of form.params.entries()) {
    if (p.path === '') return { ok: false, message: `parameter ${i + 1}: pick a parameter` };
    // A range being typed in is not a sweep yet: no preview of from = 0 while "from" is empty.
    const blank = (v: unknown): boolean => String(v ?? '').trim() === '';
    if (p.kind !== 'list' && (blank(p.from) || blank(p.to) || blank(p.count)))
      return { ok: false, message: `${p.path}: give from, to and count` };
    const spec: SweepSpec =
      p.kind === 'list'
        ? { kind: 'list', text: p.text }
        : { kind: p.kind, from: Number(p.from), to: Number(p.to), count: Number(p.count) };
    const type = parameterTypeOf(sweepable.find((s) => s.path === p.path));
    const v = sweepValues(spec, type);
    if (!v.ok) return { ok: false, message: `${p.path}: ${v.message}` };
    const note = sweepNote(spec, type, v);
    if (note !== undefined) notes.push(`${p.path}: ${note}`);
    out.push({ path: p.path, values: v.values });
  }
  return { ok: true, value: { parameters: out }, notes };
}

/** Whether the form, on `draft`, stands for `sweep` (null: a single run). */
export function formRuns(form: LauncherForm, draft: unknown, sweep: SweepDefinition | null): boolean {
  const mine = sweepOfForm(form, draft === undefined ? [] : scenarioSweepables(draft));
  if (!mine.ok) return false;
  return JSON.stringify(mine.value ?? null) === JSON.stringify(sweep);
}
