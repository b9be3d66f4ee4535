import { hasTies } from './relative.js';
import type { Bytes, Problem } from './types.js';

/**
 * The step every canonical plan's peak is a multiple of (bytes): the greatest common divisor of the
 * sizes, of the alignments above 1 and of the fixed offsets; 1 for a problem with gaps or aliases.
 *
 * Why it holds: every plan can be pushed down, without raising its peak, until each movable buffer
 * sits at offset 0 or at the top of a buffer it overlaps in time, aligned up (MiniMalloc's canonical
 * solutions, Moffitt, ASPLOS 2023; the premise of assembly/exact.ts). By induction on the offsets,
 * every top is then a multiple of g: a top is an offset plus a size; an offset is 0, a fixed offset, a
 * top, or a top aligned up to a multiple of an alignment a > 1 (a multiple of g). The peak is a top.
 * So the minimum peak is a multiple of g, and any lower bound can be rounded up to one (see
 * roundUpToGranularity): "no plan with peak <= c" proves the bound roundUp(c + 1, g), not just c + 1.
 * (MiniMalloc's challenging instances: g = 1024, so each such proof is worth 1 KiB.)
 */
export function planGranularity(problem: Problem): Bytes {
  if (problem.buffers.length === 0 || hasTies(problem)) return 1;
  let g = 0;
  for (const b of problem.buffers) {
    g = gcd(g, b.size);
    const a = b.align ?? 1;
    if (a > 1) g = gcd(g, a);
    if (b.offset !== undefined && b.offset > 0) g = gcd(g, b.offset);
    if (g === 1) return 1;
  }
  return g;
}

/** The least multiple of `g` (bytes, >= 1) at or above `bound` (bytes): a lower bound still (planGranularity). */
export function roundUpToGranularity(bound: Bytes, g: Bytes): Bytes {
  return g <= 1 ? bound : Math.ceil(bound / g) * g;
}

/** Greatest common divisor of two safe non-negative integers (gcd(0, x) = x). */
function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}
