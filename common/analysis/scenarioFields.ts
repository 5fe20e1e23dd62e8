// The scenario form's fields with the names the core gives them: the schema's own descriptions
// (schemaFields.ts), and for keys that stand for something the core catalogues — a strategy
// (STRATEGY_NAMES), a touchpoint (TOUCHPOINTS), a cost entry (DEFAULT_COSTS) — that catalogue's
// name, so the form, the sweep picker and every table say "S2 on-demand direct map" and
// "MMIO / emulated instruction", never "s2" or "mmio". New strategies, touchpoints and cost
// entries appear as the core adds them.
import { nearestMatches, orList } from './suggest.ts';
import {
  DEFAULT_COSTS,
  INERT_FIELDS,
  scenarioSchema,
  STRATEGY_DESCRIPTIONS,
  STRATEGY_IDS,
  STRATEGY_NAMES,
  TOUCHPOINTS,
  type CostEntry,
  type StrategyId,
} from '../core/index.ts';
import {
  describeSchema,
  labelFromKey,
  sweepableParameters,
  type FieldNode,
  type SweepableParameter,
} from './schemaFields.ts';

export interface StrategyLabel {
  id: string;
  /** The name without its parenthesised gloss: "on-demand direct map". */
  name: string;
  /** The core's name with its gloss and its one-line description (STRATEGY_DESCRIPTIONS). */
  description: string;
}

const isStrategy = (id: string): id is StrategyId => (STRATEGY_IDS as readonly string[]).includes(id);

/** A strategy's short name and one-line description; an id the core does not know is named as is. */
export function strategyLabel(id: string): StrategyLabel {
  const full = isStrategy(id) ? STRATEGY_NAMES[id] : '';
  const name = full.replace(/\s*\(.*\)\s*$/, '').trim();
  const line = isStrategy(id) ? STRATEGY_DESCRIPTIONS[id] : '';
  return { id, name: name === '' ? id : name, description: [full, line].filter((t) => t !== '').join(': ') };
}

/** "S2 on-demand direct map", for legends and headers. */
export function strategyTitle(id: string): string {
  const s = strategyLabel(id);
  return s.name === id ? id : `${id} ${s.name}`;
}

export type CostClass = 'primary' | 'secondary' | 'estimate';

/**
 * How well a cost figure is sourced. Model 2.0 entries say so (`class`); older tables are read
 * from how their source begins ("estimate...", "secondary:..."), which is how they said it.
 */
export function costClass(entry: CostEntry): CostClass {
  const declared = (entry as CostEntry & { class?: unknown }).class;
  if (declared === 'primary' || declared === 'secondary' || declared === 'estimate') return declared;
  if (/^estimate/i.test(entry.source)) return 'estimate';
  if (/^secondary/i.test(entry.source)) return 'secondary';
  return 'primary';
}

/** The default cost entry for a key of host.costs, if the core has one. */
export function defaultCost(key: string): CostEntry | undefined {
  return DEFAULT_COSTS.find((c) => c.key === key);
}

/** The stated range of a cost entry (model 2.0: `low`/`high`), when it has one. */
export function costRange(entry: CostEntry): { low: number; high: number } | undefined {
  const e = entry as CostEntry & { low?: unknown; high?: unknown };
  return typeof e.low === 'number' && typeof e.high === 'number' ? { low: e.low, high: e.high } : undefined;
}

function touchpointInfo(key: string): { label: string; rateUnit: string; touches: string } | undefined {
  return (TOUCHPOINTS as Record<string, { label: string; rateUnit: string; touches: string } | undefined>)[key];
}

/** Relabels the nodes whose key names a catalogued thing. */
function relabel(node: FieldNode): FieldNode {
  const parent = node.path.split('.').slice(0, -1).join('.');
  if (parent === 'strategies' && isStrategy(node.key)) {
    const s = strategyLabel(node.key);
    node.label = strategyTitle(node.key);
    node.help = s.description;
  } else if (parent === 'workload.touchpoints') {
    const tp = touchpointInfo(node.key);
    if (tp !== undefined) {
      node.label = tp.label;
      node.help = `${tp.rateUnit}; touches ${tp.touches}`;
      node.unit = tp.rateUnit;
    }
  } else if (parent === 'host.costs') {
    const c = defaultCost(node.key);
    if (c !== undefined) {
      node.label = c.label;
      node.unit = c.unit;
      node.help = c.note;
    } else {
      // A key an older model used: still read from old files, ignored by this model.
      node.label = `${labelFromKey(node.key)} (retired, ignored)`;
      node.help = 'A cost this model no longer uses: an override is read from old files and ignored.';
    }
  }
  for (const child of node.children ?? []) relabel(child);
  return node;
}

/** The scenario schema as form fields, labelled from the core's descriptions and catalogues. */
export function describeScenario(): FieldNode {
  return relabel(describeSchema(scenarioSchema));
}

/** Every field's label by dotted path (groups included), for tables and sweep pickers. */
export function scenarioLabels(): Map<string, FieldNode> {
  const out = new Map<string, FieldNode>();
  const visit = (n: FieldNode): void => {
    out.set(n.path, n);
    for (const c of n.children ?? []) visit(c);
  };
  visit(describeScenario());
  return out;
}

let cached: Map<string, FieldNode> | undefined;

/**
 * "vm.vcpus" -> "VM › vCPUs", "workload.touchpoints.mmio.ratePerSec" -> "MMIO / emulated
 * instruction › Rate": the field's label after its nearest group's, for a parameter shown outside
 * the form (sweep pickers, axes, diff rows). Paths the schema does not know come back as they are.
 */
export function parameterLabel(path: string, { withGroups = true }: { withGroups?: boolean } = {}): string {
  cached ??= scenarioLabels();
  const keys = path.split('.');
  const labels: string[] = [];
  for (let i = 1; i <= keys.length; i++) {
    const node = cached.get(keys.slice(0, i).join('.'));
    if (node === undefined) return path;
    labels.push(node.label);
  }
  return withGroups ? labels.slice(-2).join(' › ') : (labels[labels.length - 1] ?? path);
}

/**
 * A sweep point as the window names it: "VM › vCPUs = 2, VM › Guest memory = 4 GiB", each
 * parameter by parameterLabel, with its unit unless the label already says it ("vCPUs"). The CLI
 * and the exports write the paths instead (points.ts: pointLabel), the --param syntax a reader
 * can run again. '' for the point of a single run.
 */
export function pointTitle(point: Record<string, unknown>, separator = ', '): string {
  return Object.entries(point)
    .map(([path, value]) => {
      const unit = unitNotInLabel(path);
      return `${parameterLabel(path)} = ${String(value)}${unit === '' ? '' : ` ${unit}`}`;
    })
    .join(separator);
}

/**
 * A parameter as an axis names it: "VM › Guest memory (GiB)", "VM › vCPUs" (the label says the
 * unit), "MMIO / emulated instruction › Rate (exits/s per vCPU)".
 */
export function parameterTitle(path: string): string {
  const unit = unitNotInLabel(path);
  return `${parameterLabel(path)}${unit === '' ? '' : ` (${unit})`}`;
}

/** The parameter's unit, or '' where there is none or its label already ends with it ("vCPUs"). */
function unitNotInLabel(path: string): string {
  const unit = parameterUnit(path);
  return parameterLabel(path).endsWith(unit) ? '' : unit;
}

/**
 * The parameters of a scenario a sweep can vary, as the launcher and `gmemlab sweep` offer them:
 * every sweepable field but a retired cost entry or an inert field (read from old files, ignored
 * by the model: sweeping it changes nothing).
 */
export function scenarioSweepables(scenario: unknown): SweepableParameter[] {
  return sweepableParameters(scenarioSchema, scenario).filter((p) => {
    if (INERT_FIELDS.some((f) => f.path === p.path)) return false;
    const cost = /^host\.costs\.([^.]+)$/.exec(p.path);
    return cost === null || defaultCost(cost[1]!) !== undefined;
  });
}

/** A parameter's unit (from the schema), or ''. */
export function parameterUnit(path: string): string {
  // A touchpoint's rate: what it counts and what it is per ("exits/s per vCPU", "pages first
  // touched/s per VM"), which the schema's one unit for every rate does not say.
  const rate = /^workload\.touchpoints\.([A-Za-z]+)\.ratePerSec$/.exec(path);
  const touchpoint = rate === null ? undefined : TOUCHPOINTS[rate[1] as keyof typeof TOUCHPOINTS];
  if (touchpoint !== undefined) return touchpoint.rateUnit;
  cached ??= scenarioLabels();
  return cached.get(path)?.unit ?? '';
}

/**
 * A validation problem as a person reads it, with the field's label from the schema:
 * "vm.vcpus (VM › vCPUs): must be >= 1". Used by the CLI and by main's readers of scenario text.
 */
export function describeIssue(issue: { path: string; message: string }): string {
  const message = withSuggestions(issue);
  if (issue.path === '') return `(root): ${message}`;
  const label = parameterLabel(issue.path);
  return `${issue.path}${label === issue.path ? '' : ` (${label})`}: ${message}`;
}

/**
 * The core's "unknown field(s): a, b" with the nearest fields the schema has there after each
 * mistyped one ("vmExitRoundtrip (did you mean vmExitRoundTrip?)"): a cost entry or a touchpoint
 * field spelt a little wrong is then found without reading the whole schema.
 */
function withSuggestions(issue: { path: string; message: string }): string {
  const unknown = /^(unknown fields?: )(.+)$/.exec(issue.message);
  if (unknown === null) return issue.message;
  cached ??= scenarioLabels();
  const known = (cached.get(issue.path)?.children ?? []).map((c) => c.key);
  if (known.length === 0) return issue.message;
  const suggested = (key: string): string => {
    const near = nearestMatches(key, known);
    return near.length === 0 ? key : `${key} (did you mean ${orList(near)}?)`;
  };
  return unknown[1] + unknown[2]!.split(', ').map(suggested).join(', ');
}
