// Describes a zod 4 schema as form fields, so the scenario builder and the sweep picker follow
// whatever `scenarioSchema` the core exports today (groups, units and bounds included) instead
// of hard-coding its fields. Reads zod's public definition objects (`_zod.def`, the global
// registry for .describe()/.meta()); anything it cannot render as a field becomes 'json'.
import { z } from 'zod';
import { decidesRunPlan, type ParameterValue } from '../core/index.ts';

export type FieldKind = 'group' | 'number' | 'boolean' | 'enum' | 'literal' | 'string' | 'record' | 'array' | 'json';

export interface FieldNode {
  /** Dotted path from the root ('' for the root). */
  path: string;
  key: string;
  label: string;
  unit: string;
  /** The schema's description as written; `help` is what the label and unit leave of it. */
  description: string;
  help: string;
  kind: FieldKind;
  optional: boolean;
  defaultValue?: unknown;
  integer?: boolean;
  /** Bounds; exclusive bounds are reported with the flag so the hint can say "> 0". */
  min?: number;
  minExclusive?: boolean;
  max?: number;
  maxExclusive?: boolean;
  options?: ParameterValue[];
  literal?: unknown;
  children?: FieldNode[];
  /** For records and arrays: the schema of each entry (described on demand per key). */
  entry?: z.ZodType;
  /** For records whose keys are an enum: the keys allowed. */
  keyOptions?: string[];
  schema: z.ZodType;
}

interface Def {
  type: string;
  checks?: { _zod: { def: { check: string; value?: unknown; inclusive?: boolean; format?: string } } }[];
  innerType?: z.ZodType;
  in?: z.ZodType;
  getter?: () => z.ZodType;
  defaultValue?: unknown;
  shape?: Record<string, z.ZodType>;
  entries?: Record<string, string | number>;
  values?: unknown[];
  options?: z.ZodType[];
  valueType?: z.ZodType;
  keyType?: z.ZodType;
  element?: z.ZodType;
  items?: z.ZodType[];
}

const defOf = (s: z.ZodType): Def => (s as unknown as { _zod: { def: Def } })._zod.def;

type FieldMeta = { title?: string; label?: string; unit?: string; description?: string; retired?: boolean };

function metaOf(s: z.ZodType): FieldMeta {
  return (z.globalRegistry.get(s) as FieldMeta | undefined) ?? {};
}

/** 'mmioPerSecPerVcpu' -> 'mmio per sec per vcpu'; 'ghz' stays. */
export function labelFromKey(key: string): string {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/_/g, ' ')
    .toLowerCase();
}

/** Strips optional/default/nullable/readonly/pipe/lazy/catch wrappers, keeping what they say. */
function unwrap(s: z.ZodType): {
  inner: z.ZodType;
  optional: boolean;
  defaultValue?: unknown;
  metas: ReturnType<typeof metaOf>[];
} {
  let inner = s;
  let optional = false;
  let defaultValue: unknown;
  const metas = [metaOf(s)];
  for (let i = 0; i < 20; i++) {
    const d = defOf(inner);
    if (
      d.type === 'optional' ||
      d.type === 'nullable' ||
      d.type === 'readonly' ||
      d.type === 'catch' ||
      d.type === 'nonoptional'
    ) {
      if (d.type === 'optional') optional = true;
      inner = d.innerType!;
    } else if (d.type === 'default' || d.type === 'prefault') {
      optional = true;
      defaultValue = d.defaultValue;
      inner = d.innerType!;
    } else if (d.type === 'pipe') inner = d.in!;
    else if (d.type === 'lazy') inner = d.getter!();
    else break;
    metas.push(metaOf(inner));
  }
  return defaultValue === undefined ? { inner, optional, metas } : { inner, optional, defaultValue, metas };
}

/** Longest label shown as it is; a longer description is cut at a clause boundary for its label. */
const MAX_LABEL = 48;

/**
 * Splits a schema description into what the form shows. The core writes descriptions as
 * "Label [unit]: help" (common/core/scenario.ts); a description in another style still gives a
 * readable label: the whole text when short, else its first clause, with the full text as help.
 */
export function splitDescription(text: string): { label: string; unit: string; help: string } {
  const trimmed = text.trim();
  if (trimmed === '') return { label: '', unit: '', help: '' };
  const colon = /^([^:]{1,60}?):\s+(.+)$/s.exec(trimmed);
  const head = colon?.[1] ?? trimmed;
  const help = colon?.[2] ?? '';
  const unitMatch = /\s*\[([^\]]{1,40})\]/.exec(head);
  const unit = unitMatch?.[1] ?? '';
  let label = (unitMatch === null ? head : head.replace(unitMatch[0], '')).trim();
  let rest = help;
  if (label.length > MAX_LABEL) {
    // No "Label: help" form: the first clause is the label, the whole text the help.
    const clause = /^(.{8,64}?)(?:\s+\(|[,;:]\s|\s+-\s)/.exec(label)?.[1];
    rest = trimmed;
    label = clause ?? label;
  }
  // "vCPUs" and "SMAP" keep their case; "clock" becomes "Clock".
  const first = label.split(/\s/, 1)[0] ?? '';
  if (first === first.toLowerCase()) label = label.charAt(0).toUpperCase() + label.slice(1);
  return { label, unit, help: rest };
}

export function describeSchema(schema: z.ZodType, path = '', key = ''): FieldNode {
  const { inner, optional, defaultValue, metas } = unwrap(schema);
  const meta = Object.assign({}, ...[...metas].reverse()) as ReturnType<typeof metaOf>;
  const description = meta.description ?? '';
  const said = splitDescription(description);
  const label = meta.title ?? meta.label ?? (said.label !== '' ? said.label : labelFromKey(key));
  const node: FieldNode = {
    path,
    key,
    label,
    unit: meta.unit ?? said.unit,
    description,
    help: said.help,
    kind: 'json',
    optional,
    schema: inner,
  };
  if (defaultValue !== undefined) node.defaultValue = defaultValue;
  const d = defOf(inner);
  switch (d.type) {
    case 'object':
      node.kind = 'group';
      // Retired fields are read so older files load, but the model does not use them: no form shows them.
      node.children = Object.entries(d.shape ?? {})
        .filter(([, v]) => metaOf(v).retired !== true)
        .map(([k, v]) => describeSchema(v, path === '' ? k : `${path}.${k}`, k));
      break;
    case 'number':
    case 'int':
      node.kind = 'number';
      node.integer = d.type === 'int';
      for (const c of d.checks ?? []) {
        const cd = c._zod.def;
        if (cd.check === 'number_format' && cd.format !== undefined && /int/.test(cd.format)) node.integer = true;
        if (cd.check === 'greater_than' && typeof cd.value === 'number') {
          node.min = cd.value;
          node.minExclusive = cd.inclusive === false;
        }
        if (cd.check === 'less_than' && typeof cd.value === 'number') {
          node.max = cd.value;
          node.maxExclusive = cd.inclusive === false;
        }
      }
      break;
    case 'boolean':
      node.kind = 'boolean';
      break;
    case 'string':
      node.kind = 'string';
      break;
    case 'enum':
      node.kind = 'enum';
      node.options = Object.values(d.entries ?? {});
      break;
    case 'literal':
      if ((d.values ?? []).length === 1) {
        node.kind = 'literal';
        node.literal = d.values![0];
      } else {
        node.kind = 'enum';
        node.options = (d.values ?? []) as ParameterValue[];
      }
      break;
    case 'union': {
      // A union of literals is an enum; anything else is edited as JSON.
      const lits = (d.options ?? []).map((o) => defOf(unwrap(o).inner));
      if (lits.length > 0 && lits.every((l) => l.type === 'literal')) {
        node.kind = 'enum';
        node.options = lits.flatMap((l) => (l.values ?? []) as ParameterValue[]);
      }
      break;
    }
    case 'record': {
      node.kind = 'record';
      node.entry = d.valueType!;
      const key = describeSchema(d.keyType!);
      if (key.kind === 'enum') node.keyOptions = (key.options ?? []).map(String);
      break;
    }
    case 'array':
      node.kind = 'array';
      node.entry = d.element!;
      break;
    default:
      break;
  }
  return node;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The children of a node for a given value: a group's fields, or a record's/array's entries. */
export function childrenOf(node: FieldNode, value: unknown): FieldNode[] {
  if (node.kind === 'group') return node.children ?? [];
  const join = (k: string): string => (node.path === '' ? k : `${node.path}.${k}`);
  if (node.kind === 'record' && isObj(value))
    return Object.keys(value).map((k) => describeSchema(node.entry!, join(k), k));
  if (node.kind === 'array' && Array.isArray(value)) {
    const entry = describeSchema(node.entry!, '', '');
    // Arrays of scalars are edited as a whole (e.g. a list of seeds); of objects, per item.
    if (entry.kind !== 'group') return [];
    return value.map((_, i) => describeSchema(node.entry!, join(String(i)), `${node.key} ${i + 1}`));
  }
  return [];
}

export interface SweepableParameter {
  path: string;
  label: string;
  unit: string;
  kind: 'number' | 'boolean' | 'enum';
  integer: boolean;
  min?: number;
  max?: number;
  options?: ParameterValue[];
}

/**
 * Every numeric, boolean and enum leaf reachable in `value` (records by their present keys) but
 * those that decide an experiment's runs (decidesRunPlan: the method, seeds, strategies enabled).
 */
export function sweepableParameters(schema: z.ZodType, value: unknown): SweepableParameter[] {
  const out: SweepableParameter[] = [];
  const visit = (node: FieldNode, v: unknown, labels: string[]): void => {
    if (node.kind === 'number' || node.kind === 'boolean' || node.kind === 'enum') {
      if (decidesRunPlan(node.path)) return;
      const p: SweepableParameter = {
        path: node.path,
        label: [...labels, node.label].filter((l) => l !== '').join(' › '),
        unit: node.unit,
        kind: node.kind,
        integer: node.integer === true,
      };
      if (node.min !== undefined) p.min = node.min;
      if (node.max !== undefined) p.max = node.max;
      if (node.options !== undefined) p.options = node.options;
      out.push(p);
      return;
    }
    for (const c of childrenOf(node, v))
      visit(
        c,
        isObj(v) ? v[c.key] : Array.isArray(v) ? v[Number(c.path.split('.').pop())] : undefined,
        node.path === '' ? labels : [...labels, node.label],
      );
  };
  visit(describeSchema(schema), value, []);
  return out;
}

/** The value at a dotted path, or undefined. */
export function getPath(value: unknown, path: string): unknown {
  let node: unknown = value;
  for (const k of path === '' ? [] : path.split('.')) {
    if (isObj(node)) node = node[k];
    else if (Array.isArray(node)) node = node[Number(k)];
    else return undefined;
  }
  return node;
}

/** A copy of `root` with `path` set to `v` (objects along the way are created). */
export function setPath<T>(root: T, path: string, v: unknown): T {
  if (path === '') return v as T;
  const copy = structuredClone(root) as unknown;
  const keys = path.split('.');
  let node = copy as Record<string, unknown>;
  for (const [i, k] of keys.slice(0, -1).entries()) {
    const next = Array.isArray(node) ? (node as unknown[])[Number(k)] : node[k];
    // A missing container is an array when it is indexed by a number ('strategies.0').
    if (typeof next !== 'object' || next === null) node[k] = /^\d+$/.test(keys[i + 1]!) ? [] : {};
    node = (Array.isArray(node) ? (node as unknown[])[Number(k)] : node[k]) as Record<string, unknown>;
  }
  const last = keys[keys.length - 1]!;
  if (Array.isArray(node)) (node as unknown[])[Number(last)] = v;
  else node[last] = v;
  return copy as T;
}

/**
 * A value the schema accepts where possible, for a newly added record entry or array item:
 * the schema's default, else the lowest allowed number, false, the first option, and objects
 * filled field by field (optional fields left out).
 */
export function defaultValueOf(schema: z.ZodType): unknown {
  const node = describeSchema(schema);
  if (node.defaultValue !== undefined) return structuredClone(node.defaultValue);
  switch (node.kind) {
    case 'group': {
      const out: Record<string, unknown> = {};
      for (const c of node.children ?? [])
        if (!c.optional || c.defaultValue !== undefined)
          out[c.key] = c.defaultValue !== undefined ? structuredClone(c.defaultValue) : defaultValueOf(c.schema);
      return out;
    }
    case 'number': {
      if (node.min === undefined) return 0;
      const step = node.integer ? 1 : node.min === 0 ? 1 : Math.abs(node.min);
      return node.minExclusive ? node.min + step : node.min;
    }
    case 'boolean':
      return false;
    case 'enum':
      return node.options?.[0];
    case 'literal':
      return node.literal;
    case 'string':
      return '';
    case 'record':
      return {};
    case 'array':
      return [];
    default:
      return null;
  }
}
