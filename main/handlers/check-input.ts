// The one check of a call's name and input against the contract, for dispatch (index.ts) and for
// a large web request parsed in the compute worker (compute.ts), so both refuse alike.
import type { z } from 'zod';
import { CALL_NAMES, contract, type ApiErrorBody, type CallName } from '../../common/contract/index.ts';
import { formatIssue } from '../../common/core/index.ts';

export const isCallName = (name: string): name is CallName => (CALL_NAMES as string[]).includes(name);

/** Each issue with its dotted path, in the same words a scenario's issues use (formatIssue). */
function issuesOf(error: z.ZodError): { path: string; message: string }[] {
  return error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: formatIssue(i) }));
}

/** The call's input parsed with its schema, or the error dispatch answers (unknown_call, invalid_input with every issue). */
export function checkInput(
  name: string,
  rawInput: unknown,
): { ok: true; name: CallName; input: unknown } | { ok: false; error: ApiErrorBody } {
  if (!isCallName(name)) return { ok: false, error: { code: 'unknown_call', message: `unknown call "${name}"` } };
  const parsed = contract[name].input.safeParse(rawInput ?? {});
  if (parsed.success) return { ok: true, name, input: parsed.data };
  const issues = issuesOf(parsed.error);
  const summary = issues
    .slice(0, 3)
    .map((i) => `${i.path || '(input)'}: ${i.message}`)
    .join('; ');
  return { ok: false, error: { code: 'invalid_input', message: `invalid input for ${name}: ${summary}`, issues } };
}
