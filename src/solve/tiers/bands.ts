/**
 * Memory tiers when the time limit leaves too little for the heuristic's way (src/solve/tiers/planner.ts):
 * one arena of every buffer, placed once, cut by address into the memories, fastest first — memory 0
 * takes the band [0, C0), memory 1 the band [C0, C0 + C1), ..., the last memory everything from the sum
 * of the others' capacities up (when the last is bounded too, the plan holds only if that top part, with
 * the buffers moved there, fits its capacity; bandsPlan says when not). A buffer that lies within one band keeps its offset there
 * (less the band's start), so each memory's buffers are a part of a valid placement, itself valid; a buffer
 * across a band's edge (or off its alignment there) goes to the last memory, first fit among those there
 * (firstFitInto). One solve and two passes over the buffers: no live sets, no rounds of placements. Then,
 * in the time left, buffers move up into the faster memories where they fit (greedy.ts moveUp): the cut
 * alone leaves the first memory what lies lowest in the arena (1 buffer of 64 KiB's room at 20,000 buffers).
 */
import { plural, verb } from '../../format/plural.js';
import { liveBound } from '../../problem/bounds.js';
import { maxOf } from '../../problem/extent.js';
import type { MemoryTier, Problem } from '../../problem/types.js';
import { verifyTieredPlan } from '../../problem/verify.js';
import type { SolveResult } from '../solve.js';
import { firstFitInto, moveUp } from './greedy.js';
import { alignIn } from './instance.js';
import type { TieredPlan } from './planner.js';

/**
 * Whether the bands are open to `problem` over `memories`: every memory but the last bounded, the last
 * bounded or not, none read-only, and no buffer that names its memories, has a fixed offset or may not leave
 * the first memory (without gaps or aliases: the caller checks that). Any buffer may then live in any memory.
 * With a bounded last memory, not when the live bound is above every capacity together (no plan fits), and
 * whether the cut fits it is known only once the arena is placed (bandsPlan).
 */
export function bandsOpen(problem: Problem, memories: readonly MemoryTier[]): boolean {
  const k = memories.length;
  if (k < 2 || memories.some((m, j) => m.readOnly === true || (j < k - 1 && m.capacity === undefined))) return false;
  if (!problem.buffers.every((b) => b.memories === undefined && b.offset === undefined && b.spillable !== false)) return false;
  // Every memory bounded and the live bound above their capacities together: no plan at all (not worth the arena).
  return memories[k - 1]!.capacity === undefined || liveBound(problem) <= memories.reduce((s, m) => s + m.capacity!, 0);
}

/**
 * The plan of the bands (see the file's head) from `whole`, a placement of every buffer of `problem` in one
 * arena (its offsets in the order of the buffers). `cut` is the line that says why the limit chose the
 * bands (TieredPlan.limitCuts); `t0` the planner's start (performance.now(), ms). With `raise` (the
 * planner's: when the time is up), buffers then move up into faster memories where they fit (moveUp), until
 * `raise()` says the time is up (the line says so); without it, the cut alone. The lower bound on the
 * cost is every buffer's traffic at the cheapest memory's cost; each memory's bound is the live bound of
 * its buffers. Checked by verifyTieredPlan (throws an internal error when invalid). Undefined when the last
 * memory is bounded and what goes there (the top of the arena and the buffers across an edge) does not fit
 * its capacity: the bands give no plan then.
 */
export function bandsPlan(problem: Problem, memories: readonly MemoryTier[], whole: SolveResult, cut: string, t0: number, raise?: () => boolean): TieredPlan | undefined {
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
    // First fit reads only the buffers there that overlap a moved one in time (the same offsets as with them
    // all, without a tree of every buffer in the last memory: most of them at 10^4..10^5 buffers).
    peaks[last] = Math.max(peaks[last]!, firstFitInto({ problem, memories }, last, meetingAny(problem, members[last]!, across), across, offsets));
    members[last]!.push(...across);
  }
  const lastCapacity = memories[last]!.capacity;
  if (lastCapacity !== undefined && peaks[last]! > lastCapacity) return undefined;
  // Up into the faster memories where they fit, by benefit: each memory's buffers and peak again after.
  const gained = memories.map(() => false);
  let raised = '';
  if (raise !== undefined) {
    const before = memory.slice();
    const up = moveUp({ problem, memories }, memory, offsets, raise);
    for (const idx of members) idx.length = 0;
    memory.forEach((m, i) => {
      members[m]!.push(i);
      if (m !== before[i]) gained[m] = true;
    });
    members.forEach((idx, m) => (peaks[m] = maxOf(idx.map((i) => offsets[i]! + bs[i]!.size), 0)));
    raised =
      `; then ${plural(up.moved, 'buffer')} moved up into faster memories where ${verb(up.moved, 'it fits', 'they fit')} (first fit over the live range, by benefit)` +
      (up.cut ? ', until the time limit stopped it' : '');
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
        method: idx.length === 0 ? '-' : (m === last && across.length > 0) || gained[m] ? `${whole.method} + first fit` : whole.method,
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
    limitCuts: [`${cut}; ${across.length === 1 ? 'the buffer' : `the ${across.length} buffers`} across a band's edge went to ${memories[last]!.name}, placed first fit among those there${raised}`],
    timeMs: performance.now() - t0,
  };
}

/**
 * The buffers of `placed` (indices into problem.buffers) whose live range [start, end) meets that of some
 * buffer of `add`, in the order of `placed`: the union of the ranges of `add`, merged, then a binary search
 * per buffer. O((p + a) log a).
 */
export function meetingAny(problem: Problem, placed: readonly number[], add: readonly number[]): number[] {
  const bs = problem.buffers;
  const ranges = add.map((i) => [bs[i]!.start, bs[i]!.end] as [number, number]).sort((x, y) => x[0] - y[0]);
  const merged: [number, number][] = [];
  for (const r of ranges) {
    const top = merged[merged.length - 1];
    if (top !== undefined && r[0] <= top[1]) top[1] = Math.max(top[1], r[1]);
    else merged.push([r[0], r[1]]);
  }
  return placed.filter((i) => {
    const { start, end } = bs[i]!;
    // The last merged range starting before `end`: the only one that can meet [start, end).
    let lo = 0;
    let hi = merged.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (merged[mid]![0] < end) lo = mid + 1;
      else hi = mid;
    }
    return lo > 0 && merged[lo - 1]![1] > start;
  });
}
