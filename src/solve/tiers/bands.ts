/**
 * Memory tiers when the time limit leaves too little for the heuristic's way (src/solve/tiers/planner.ts):
 * one arena of every buffer, placed once, cut by address into the memories, fastest first — memory 0
 * takes the band [0, C0), memory 1 the band [C0, C0 + C1), ..., the last (unbounded) memory everything
 * from the sum of the others' capacities up. A buffer that lies within one band keeps its offset there
 * (less the band's start), so each memory's buffers are a part of a valid placement, itself valid; a buffer
 * across a band's edge (or off its alignment there) goes to the last memory, first fit among those there
 * (firstFitInto). One solve and two passes over the buffers: no live sets, no rounds of placements.
 */
import { liveBound } from '../../problem/bounds.js';
import { maxOf } from '../../problem/extent.js';
import type { MemoryTier, Problem } from '../../problem/types.js';
import { verifyTieredPlan } from '../../problem/verify.js';
import type { SolveResult } from '../solve.js';
import { firstFitInto } from './greedy.js';
import { alignIn } from './instance.js';
import type { TieredPlan } from './planner.js';
import {  } from '../../format/plural.js';

/**
 * Whether the bands are open to `problem` over `memories`: every memory but the last bounded, the last
 * unbounded, none read-only, and no buffer that names its memories, has a fixed offset or may not leave
 * the first memory (without gaps or aliases: the caller checks that). Any buffer may then live in any memory.
 */
export function bandsOpen(problem: Problem, memories: readonly MemoryTier[]): boolean {
  const k = memories.length;
  if (k < 2 || memories[k - 1]!.capacity !== undefined || memories.some((m, j) => m.readOnly === true || (j < k - 1 && m.capacity === undefined))) return false;
  return problem.buffers.every((b) => b.memories === undefined && b.offset === undefined && b.spillable !== false);
}

/**
 * The plan of the bands (see the file's head) from `whole`, a placement of every buffer of `problem` in one
 * arena (its offsets in the order of the buffers). `cut` is the line that says why the limit chose the
 * bands (TieredPlan.limitCuts); `t0` the planner's start (performance.now(), ms). The lower bound on the
 * cost is every buffer's traffic at the cheapest memory's cost; each memory's bound is the live bound of
 * its buffers. Checked by verifyTieredPlan (throws an internal error when invalid).
 */
export function bandsPlan(problem: Problem, memories: readonly MemoryTier[], whole: SolveResult, cut: string, t0: number): TieredPlan {
  const bs = problem.buffers;
  const k = memories.length;
  const last = k - 1;
  const starts: number[] = [0];
  for (let m = 0; m < last; m++) starts.push(starts[m]! + memories[m]!.capacity!);
  const memory = new Array<number>(bs.length).fill(last);
  const offsets = new Array<number>(bs.length).fill(0);
  const members: number[][] = memories.map(() => []);
  const across: number[] = [];
  for (let i = 0; i < bs.length; i++) {
    const o = whole.offsets[i]!;
    // The band the buffer starts in: the last whose start is at or below its offset.
    let m = last;
    while (m > 0 && starts[m]! > o) m--;
    const at = o - starts[m]!;
    const within = m === last || at + bs[i]!.size <= memories[m]!.capacity!;
    if (within && at % alignIn(problem, i, memories[m]!) === 0) {
      memory[i] = m;
      offsets[i] = at;
      members[m]!.push(i);
    } else across.push(i);
  }
  const peaks = members.map((idx) => maxOf(idx.map((i) => offsets[i]! + bs[i]!.size), 0));
  if (across.length > 0) {
    peaks[last] = Math.max(peaks[last]!, firstFitInto({ problem, memories }, last, members[last]!, across, offsets));
    members[last]!.push(...across);
  }
  const verdict = verifyTieredPlan(problem, memories, memory, offsets, peaks);
  if (!verdict.valid) throw new Error(`internal error: the tiered plan of bands is invalid:\n  ${verdict.errors.join('\n  ')}`);
  const weight = (i: number): number => bs[i]!.weight ?? bs[i]!.size;
  const cost = bs.reduce((s, _, i) => s + weight(i) * memories[memory[i]!]!.cost, 0);
  const cheapest = Math.min(...memories.map((m) => m.cost));
  const bound = Math.min(cost, bs.reduce((s, _, i) => s + weight(i) * cheapest, 0));
  const proven = cost <= bound * (1 + 1e-12) + 1e-9;
  return {
    memories: [...memories],
    memory,
    offsets,
    usage: memories.map((mem, m) => {
      const idx = members[m]!;
      return {
        name: mem.name,
        ...(mem.capacity !== undefined ? { capacity: mem.capacity } : {}),
        cost: mem.cost,
        used: peaks[m]!,
        bound: liveBound({ buffers: idx.map((i) => bs[i]!) }),
        method: idx.length === 0 ? '-' : m === last && across.length > 0 ? `${whole.method} + first fit` : whole.method,
        buffers: idx.length,
        bytes: idx.reduce((s, i) => s + bs[i]!.size, 0),
        traffic: idx.reduce((s, i) => s + weight(i), 0),
      };
    }),
    cost,
    bound,
    gap: proven ? 0 : bound > 0 ? (cost - bound) / bound : Infinity,
    status: proven ? 'optimal' : 'feasible',
    how: 'bands',
    rounds: 1,
    baselineCost: Infinity,
    baselineCut: true,
    limitCuts: [`${cut}; ${across.length === 1 ? 'the buffer' : `the ${across.length} buffers`} across a band's edge went to ${memories[last]!.name}, placed first fit among those there`],
    timeMs: performance.now() - t0,
  };
}
