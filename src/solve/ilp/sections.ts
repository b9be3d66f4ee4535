import type { Problem } from '../../problem/types.js';

/**
 * The distinct sets of buffers live together: one per step at which a buffer starts (the live set
 * only grows there), with dominated sets dropped. Every pair that overlaps in time shares one.
 * Each set lists its buffers' indices ascending; the sets come in step order.
 *
 * One sweep over the starts in step order (not a scan of every buffer per step): the live set at a
 * start is the one before it less the buffers that ended, plus those that start there, so the work is
 * O(n log n) plus the sets' total size. A set is dropped when the next one contains it: every buffer
 * of it still lives at the next start (its earliest end is past that start). The next set is then
 * larger (it holds the buffers starting there); the previous one never contains it (it lacks the
 * buffers starting at this set's step).
 */
export function liveSets(problem: Problem): number[][] {
  const bs = problem.buffers;
  const n = bs.length;
  const byStart = Array.from({ length: n }, (_, i) => i).sort((x, y) => bs[x]!.start - bs[y]!.start || x - y);
  const sets: number[][] = [];
  let live: number[] = [];
  for (let k = 0; k < n; ) {
    const t = bs[byStart[k]!]!.start;
    live = live.filter((i) => bs[i]!.end > t);
    for (; k < n && bs[byStart[k]!]!.start === t; k++) live.push(byStart[k]!);
    // The next start (Infinity after the last): the set is dropped when all of it is still live there.
    const next = k < n ? bs[byStart[k]!]!.start : Infinity;
    let firstEnd = Infinity;
    for (const i of live) firstEnd = Math.min(firstEnd, bs[i]!.end);
    if (firstEnd > next) continue;
    sets.push(Array.from(Uint32Array.from(live).sort()));
  }
  return sets;
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

/**
 * How many pairs (i < j) of buffers overlap in time — conflictPairs(problem).length without listing
 * them: O(n log n). A buffer overlaps each buffer started before it (in start order) that has not ended
 * by its start; one that ended by then started before it, so it is among those counted before.
 */
export function overlapPairCount(problem: Problem): number {
  const bs = problem.buffers;
  const starts = Float64Array.from(bs, (b) => b.start).sort();
  const ends = Float64Array.from(bs, (b) => b.end).sort();
  let pairs = 0;
  let ended = 0;
  for (let k = 0; k < starts.length; k++) {
    while (ended < ends.length && ends[ended]! <= starts[k]!) ended++;
    pairs += k - ended;
  }
  return pairs;
}
