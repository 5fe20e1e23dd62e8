// A run's metrics or breakdown as a simulation worker packs them (runner/wire.ts), and the one
// reader of that layout. Its own module, with no imports: the simulation workers load it.

/**
 * A run's metrics or its breakdown as a simulation worker packed them (runner/wire.ts): its
 * keys, and their numbers in `values` from `at` on, `perKey` a key: a metric's mean, ci95 and
 * n (3), a breakdown term's value (1).
 */
export interface PackedValues {
  keys: string[];
  values: Float64Array;
  at: number;
  perKey: 1 | 3;
}

/**
 * Calls `visit` with each key of `packed` and its mean, ci95 and n (a breakdown term: its value,
 * 0 and 1), in order, until `visit` returns true: the one reader of PackedValues' layout.
 */
export function visitPacked(
  packed: PackedValues,
  visit: (key: string, mean: number, ci95: number, n: number) => boolean | void,
): void {
  const { keys, values, perKey } = packed;
  let v = packed.at;
  for (const key of keys) {
    if (perKey === 3 ? visit(key, values[v]!, values[v + 1]!, values[v + 2]!) : visit(key, values[v]!, 0, 1)) return;
    v += perKey;
  }
}
