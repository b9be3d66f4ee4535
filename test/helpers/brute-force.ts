import type { Problem } from '../../src/problem/types.js';

/**
 * The minimum peak of a small problem, by trying every order of the movable buffers and putting
 * each at the lowest aligned offset free of the buffers before it. Exact: taking the buffers of an
 * optimal plan by increasing offset, this rule never puts one higher than that plan did.
 * Written apart from the engine on purpose (plain pairwise checks, no shared code).
 */
export function bruteForceMinPeak(problem: Problem): number {
  const bs = problem.buffers;
  const fixed = bs.map((b, i) => i).filter((i) => bs[i]!.offset !== undefined);
  const movable = bs.map((b, i) => i).filter((i) => bs[i]!.offset === undefined);
  if (movable.length > 8) throw new Error('brute force is for 8 movable buffers at most');
  const overlaps = (i: number, j: number): boolean => bs[i]!.start < bs[j]!.end && bs[j]!.start < bs[i]!.end;
  let best = Infinity;
  const offsets = new Array<number>(bs.length).fill(0);
  for (const i of fixed) offsets[i] = bs[i]!.offset!;
  const fixedTop = Math.max(0, ...fixed.map((i) => bs[i]!.offset! + bs[i]!.size));

  const lowest = (b: number, placed: number[]): number => {
    const a = bs[b]!.align ?? 1;
    // Candidates: 0 and the top of every placed buffer, aligned up; the lowest that is free wins.
    const cands = [0, ...placed.map((c) => offsets[c]! + bs[c]!.size)].map((o) => Math.ceil(o / a) * a).sort((x, y) => x - y);
    for (const o of cands) {
      if (placed.every((c) => !overlaps(b, c) || o + bs[b]!.size <= offsets[c]! || offsets[c]! + bs[c]!.size <= o)) return o;
    }
    throw new Error('unreachable: the top of all placed buffers is always free');
  };

  const permute = (rest: number[], placed: number[], peak: number): void => {
    if (peak >= best) return;
    if (rest.length === 0) {
      best = peak;
      return;
    }
    for (let k = 0; k < rest.length; k++) {
      const b = rest[k]!;
      offsets[b] = lowest(b, placed);
      permute([...rest.slice(0, k), ...rest.slice(k + 1)], [...placed, b], Math.max(peak, offsets[b]! + bs[b]!.size));
    }
  };
  permute(movable, fixed, fixedTop);
  return best;
}
