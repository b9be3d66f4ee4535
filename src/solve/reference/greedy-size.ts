import type { Problem } from '../../problem/types.js';

/** Neighbours of each buffer: the buffers that overlap it in time, by start. */
export function conflictGraph(problem: Problem): number[][] {
  const bs = problem.buffers;
  const byStart = bs.map((_, i) => i).sort((a, b) => bs[a]!.start - bs[b]!.start || a - b);
  const neighbours: number[][] = bs.map(() => []);
  for (let i = 0; i < byStart.length; i++) {
    const a = byStart[i]!;
    for (let j = i + 1; j < byStart.length; j++) {
      const c = byStart[j]!;
      if (bs[c]!.start >= bs[a]!.end) break;
      neighbours[a]!.push(c);
      neighbours[c]!.push(a);
    }
  }
  return neighbours;
}

/** Movable buffers largest first; ties by earlier start, then index (the kernel's order). */
export function sizeOrder(problem: Problem): number[] {
  const bs = problem.buffers;
  return bs
    .map((_, i) => i)
    .filter((i) => bs[i]!.offset === undefined)
    .sort((a, b) => bs[b]!.size - bs[a]!.size || bs[a]!.start - bs[b]!.start || a - b);
}

/** Best fit in the given order: the smallest gap among placed neighbours that fits, else on top. */
export function decodeBestFit(problem: Problem, neighbours: number[][], order: number[]): { offsets: number[]; peak: number } {
  const bs = problem.buffers;
  const offsets = bs.map((b) => b.offset ?? 0);
  const placed = bs.map((b) => b.offset !== undefined);
  let peak = 0;
  for (const b of bs) if (b.offset !== undefined) peak = Math.max(peak, b.offset + b.size);
  for (const b of order) {
    const size = bs[b]!.size;
    const align = bs[b]!.align ?? 1;
    const near = neighbours[b]!.filter((c) => placed[c]).sort((x, y) => offsets[x]! - offsets[y]!);
    let cur = 0;
    let best = -1;
    let bestGap = Infinity;
    for (const c of near) {
      const lo = offsets[c]!;
      if (lo > cur) {
        const cand = Math.ceil(cur / align) * align;
        if (cand + size <= lo && lo - cur < bestGap) {
          bestGap = lo - cur;
          best = cand;
        }
      }
      cur = Math.max(cur, lo + bs[c]!.size);
    }
    if (best < 0) best = Math.ceil(cur / align) * align;
    offsets[b] = best;
    placed[b] = true;
    peak = Math.max(peak, best + size);
  }
  return { offsets, peak };
}

/**
 * Greedy by size in plain TypeScript: the same algorithm and tie-breaks as the WASM kernel
 * (largest first; smallest gap that fits among placed buffers overlapping in time; else on top).
 * Kept for differential tests and to measure WASM against JS.
 */
export function greedySizeReference(problem: Problem): { offsets: number[]; peak: number } {
  return decodeBestFit(problem, conflictGraph(problem), sizeOrder(problem));
}
