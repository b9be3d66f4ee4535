import type { Problem } from '../../problem/types.js';

/**
 * The distinct sets of buffers live together: one per step at which a buffer starts (the live set
 * only grows there), with dominated sets dropped. Every pair that overlaps in time shares one.
 */
export function liveSets(problem: Problem): number[][] {
  const bs = problem.buffers;
  const starts = [...new Set(bs.map((b) => b.start))].sort((a, b) => a - b);
  const sets = starts.map((t) => bs.map((_, i) => i).filter((i) => bs[i]!.start <= t && t < bs[i]!.end));
  // Drop a set contained in the next or previous one (keeps the model small).
  return sets.filter((set, k) => {
    const within = (other: number[] | undefined): boolean =>
      other !== undefined && other.length > set.length && set.every((i) => other.includes(i));
    return !within(sets[k - 1]) && !within(sets[k + 1]);
  });
}

/** Pairs (i < j) of buffers that overlap in time. */
export function conflictPairs(problem: Problem): [number, number][] {
  const bs = problem.buffers;
  const pairs: [number, number][] = [];
  for (let i = 0; i < bs.length; i++) {
    for (let j = i + 1; j < bs.length; j++) {
      if (bs[i]!.start < bs[j]!.end && bs[j]!.start < bs[i]!.end) pairs.push([i, j]);
    }
  }
  return pairs;
}
