/**
 * The largest and smallest of a list of numbers, by a loop: `Math.max(...xs)` passes every element as
 * an argument, and past about 10^5 elements V8 throws "Maximum call stack size exceeded" — so no
 * such spread may take a list whose length comes from the input (buffers, steps, lanes).
 */

/** The largest of `values`, or `floor` when it is larger (or the list empty). */
export function maxOf(values: Iterable<number>, floor = -Infinity): number {
  let m = floor;
  for (const v of values) if (v > m) m = v;
  return m;
}

/** The smallest of `values`, or `ceiling` when it is smaller (or the list empty). */
export function minOf(values: Iterable<number>, ceiling = Infinity): number {
  let m = ceiling;
  for (const v of values) if (v < m) m = v;
  return m;
}

/** Appends every element of `items` to `out` (Array.prototype.push(...items) has the same limit). */
export function pushAll<T>(out: T[], items: Iterable<T>): void {
  for (const x of items) out.push(x);
}
