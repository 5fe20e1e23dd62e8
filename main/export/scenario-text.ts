// A scenario (or a sweep: the scenario and its swept parameters) as text that survives mail, and
// the one reader for every form it comes back in: a plain JSON file, a saved mail, or that mail
// quoted in replies (any depth of '>' or '> ', attribution lines and other text around it,
// trailing spaces added, CRLF line ends). The CLI's run and sweep read files only through here.
import { jsonProblem } from './json-problem.ts';
import {
  GmemlabError,
  sweepSchema,
  validateScenario,
  type Scenario,
  type SweepDefinition,
} from '../../common/core/index.ts';
import type { ValidationIssue } from '../../common/core/index.ts';

export const MAIL_WIDTH = 72;
/** The format of a sweep carried in a mail: the scenario with the parameters it is swept over. */
export const SWEEP_FORMAT = 'gmemlab/sweep@1';
const SCENARIO_FORMAT = 'gmemlab/scenario@1';
/** The scissors lines around the JSON in a mail (`-----8<----- NAME`, `----->8-----`). */
export const SCISSORS_OPEN = '-----8<-----';
export const SCISSORS_CLOSE = '----->8-----';

/**
 * The scenario as JSON, laid out to stay readable within 72 columns: an object or array goes on
 * one line when it fits. A line that still does not fit (a long string) is cut and continued
 * after a trailing backslash; readScenarioText joins such lines back. With a sweep, the JSON is
 * a gmemlab/sweep@1 document holding both.
 */
export function scenarioJson(scenario: Scenario, sweep?: SweepDefinition | null): string[] {
  const out: string[] = [];
  const value = sweep == null ? scenario : { format: SWEEP_FORMAT, sweep, scenario };
  layout(value, '', '', '', out);
  return out.flatMap(foldLine);
}

/** JSON with every non-ASCII character escaped (\uXXXX): the same value, ASCII only. */
const asciiJson = (value: unknown): string =>
  JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

function layout(value: unknown, indent: string, prefix: string, suffix: string, out: string[]): void {
  const inline = asciiJson(value);
  if (
    indent.length + prefix.length + inline.length + suffix.length <= MAIL_WIDTH ||
    value === null ||
    typeof value !== 'object'
  ) {
    out.push(`${indent}${prefix}${inline}${suffix}`);
    return;
  }
  const entries: [string, unknown][] = Array.isArray(value)
    ? value.map((v) => ['', v])
    : Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  out.push(`${indent}${prefix}${Array.isArray(value) ? '[' : '{'}`);
  entries.forEach(([key, v], i) =>
    layout(v, `${indent}  `, Array.isArray(value) ? '' : `${asciiJson(key)}: `, i < entries.length - 1 ? ',' : '', out),
  );
  out.push(`${indent}${Array.isArray(value) ? ']' : '}'}${suffix}`);
}

function foldLine(line: string): string[] {
  const parts: string[] = [];
  let rest = line;
  while (rest.length > MAIL_WIDTH) {
    parts.push(`${rest.slice(0, MAIL_WIDTH - 1)}\\`);
    rest = rest.slice(MAIL_WIDTH - 1);
  }
  parts.push(rest);
  return parts;
}

/** What a scenario file or mail holds. */
export interface ScenarioText {
  scenario: Scenario;
  /** Present when the text carries a sweep (a gmemlab/sweep@1 document). */
  sweep?: SweepDefinition;
  /** Whether it was read from between scissors marks (a mail) or as plain JSON. */
  from: 'json' | 'mail';
  /** The model a mail says its results were computed with ("To reproduce (model X)"), if it says. */
  mailModel?: string;
}

/** Text that holds no readable scenario; `issues` when it holds one that is invalid. */
export class ScenarioTextError extends GmemlabError {
  declare readonly issues: ValidationIssue[];
  constructor(message: string, issues: ValidationIssue[] = []) {
    super('invalid_input', message, issues);
  }
}

/** The quote prefix of a line: '>' marks with any spaces around them ('> > ', '>>', ' >'). */
const QUOTE = /^[ \t]*(?:>[ \t]*)*/;

/**
 * The JSON between the first scissors marks, its quoting removed: each line loses as many '>'
 * marks as the opening mark's line has (spaces between them as they come, one space after
 * them when the opening line has one), and trailing spaces; folded lines are joined. undefined
 * when the text has no opening mark.
 */
export function unquotedBlock(text: string): string | undefined {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  const open = lines.findIndex((l) => {
    const prefix = QUOTE.exec(l)![0];
    return l.slice(prefix.length).startsWith(SCISSORS_OPEN);
  });
  if (open < 0) return undefined;
  const prefix = QUOTE.exec(lines[open]!)![0];
  const depth = (prefix.match(/>/g) ?? []).length;
  const spaceAfter = depth > 0 && /[ \t]$/.test(prefix);
  const unquote = (line: string): string => {
    let i = 0;
    for (let marks = 0; marks < depth; marks++) {
      let j = i;
      while (line[j] === ' ' || line[j] === '\t') j++;
      if (line[j] !== '>') break;
      i = j + 1;
    }
    if (spaceAfter && line[i] === ' ') i++;
    return line.slice(i).trimEnd();
  };
  const body: string[] = [];
  for (const line of lines.slice(open + 1)) {
    const plain = unquote(line);
    if (plain.startsWith(SCISSORS_CLOSE)) break;
    body.push(plain);
  }
  return body.join('\n').replace(/\\\n/g, '');
}

/**
 * The JSON text of a scenario file or mail: the block between the scissors marks with its
 * quoting removed, or the text itself when it has no marks. For callers that parse and validate
 * it themselves; readScenarioText does both.
 */
export function unfoldScenarioText(text: string): string {
  return unquotedBlock(text) ?? text;
}

/**
 * Reads a scenario or a sweep from text as described above. `name` (a file name) begins every
 * error message. Throws ScenarioTextError when the text holds no scenario, or an invalid one.
 */
export function readScenarioText(text: string, name: string): ScenarioText {
  const block = unquotedBlock(text);
  const json = block ?? text.replace(/^\uFEFF/, '');
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (err) {
    // Where it went wrong, in the scanner's words (JSON.parse's quote the text, control
    // characters included, and give no position for some mistakes).
    const why = (origin?: string): string =>
      jsonProblem(json, origin) ??
      [...String((err as Error).message)].map((c) => (c < ' ' || c === '\x7f' ? ' ' : c)).join('');
    if (block !== undefined)
      throw new ScenarioTextError(
        `${name}: the text between the ${SCISSORS_OPEN} marks is not valid JSON (${why('the scenario between the marks')}); was it edited or re-wrapped?`,
      );
    if (text.trim() === '') throw new ScenarioTextError(`${name} is empty: it holds no scenario`);
    // Text that opens as JSON does is a scenario file with a mistake: say where it is.
    if (/^\s*[{[]/.test(json)) throw new ScenarioTextError(`${name} is not valid JSON: ${why()}`);
    throw new ScenarioTextError(
      `${name} holds no scenario: it is not JSON, and has no ${SCISSORS_OPEN} line marking a scenario in a gmemlab mail`,
    );
  }
  const from = block === undefined ? 'json' : 'mail';
  const format =
    raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, unknown>)['format'] : null;
  if (format === SWEEP_FORMAT) {
    const doc = raw as Record<string, unknown>;
    const scenario = checkScenario(doc['scenario'], name, 'scenario.');
    const sweep = sweepSchema.safeParse(doc['sweep']);
    if (!sweep.success)
      throw new ScenarioTextError(
        `${name} is not a valid sweep`,
        sweep.error.issues.map((i) => ({ path: ['sweep', ...i.path].join('.'), message: i.message })),
      );
    return { scenario, sweep: sweep.data, from, ...mailModelOf(text, block) };
  }
  if (format !== SCENARIO_FORMAT)
    throw new ScenarioTextError(
      `${name} holds no scenario: its JSON has ${format === null || format === undefined ? 'no "format" field' : `"format": ${JSON.stringify(format)}`} (a scenario has "format": "${SCENARIO_FORMAT}", a sweep "${SWEEP_FORMAT}")`,
    );
  return { scenario: checkScenario(raw, name, ''), from, ...mailModelOf(text, block) };
}

/** How a mail's line to reproduce it begins, before its model version (text.ts writes it, mailModelOf reads it). */
export const REPRODUCE_MODEL = 'To reproduce (model ';

/** The model version a gmemlab mail names in its "To reproduce (model X)" line, for a mail only. */
function mailModelOf(text: string, block: string | undefined): { mailModel?: string } {
  if (block === undefined) return {};
  const at = text.indexOf(REPRODUCE_MODEL);
  const named = at < 0 ? null : /^([0-9]+\.[0-9]+\.[0-9]+)[);]/.exec(text.slice(at + REPRODUCE_MODEL.length));
  return named === null ? {} : { mailModel: named[1]! };
}

function checkScenario(raw: unknown, name: string, prefix: string): Scenario {
  const checked = validateScenario(raw);
  if (checked.ok) return checked.value;
  throw new ScenarioTextError(
    `${name} is not a valid scenario`,
    checked.issues.map((i) => ({ path: `${prefix}${i.path}`.replace(/\.$/, ''), message: i.message })),
  );
}
