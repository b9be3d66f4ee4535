/**
 * TFLM's GreedyMemoryPlanner (tensorflow/lite/micro/memory_planner/greedy_memory_planner.cc),
 * step for step, so arenapack can say where the runtime will put the buffers it plans online
 * (kernel scratch) around an offline plan, and how large the head then is.
 *
 * The rule: buffers with an offline offset keep it and are taken first, in the order they were
 * added; the others follow, largest first (a stable sort of the online buffers in *reverse* order of
 * addition, as TFLM fills that part of its array from the tail). Each online buffer goes into the
 * first gap, walking the placed buffers in offset order and looking only at those whose lifetimes
 * overlap its own, where it fits; else above the last of them. Lifetimes are inclusive:
 * [first, last] in TFLM's allocation scopes.
 */
import { alignUp } from '../../format/bytes.js';
import { indicesByKey } from '../../problem/sweep.js';
import { TimeIndex } from '../../problem/time-index.js';
import type { Problem } from '../../problem/types.js';

/** One buffer given to the planner (TFLM's BufferRequirements). */
export interface PlannerBuffer {
  /** Bytes (TFLM passes them already rounded up to 16). */
  size: number;
  /** First and last allocation scope the buffer is used in, inclusive. */
  first: number;
  last: number;
  /** The offline plan's offset, or undefined for a buffer the planner places. */
  offline?: number;
}

/** Where the planner put every buffer, and the head: the highest end of any buffer. */
export interface PlannerResult {
  /** offsets[i]: the offset of buffers[i] in bytes. */
  offsets: number[];
  /** max(offset + size) over all buffers (GetMaximumMemorySize); 0 with no buffers. */
  size: number;
}

/** Shell sort's gaps (Ciura's), then each next one by 2.25: in place, no allocation per call. */
const GAPS = [701, 301, 132, 57, 23, 10, 4, 1];

/**
 * The lowest offset of a gap of at least `size` bytes among the ranges [lo[p], hi[p]) for p < k,
 * walked in order of lo (TFLM's walk of its list, skipping buffers not live): sorts the k pairs in place.
 */
function firstGap(lo: Float64Array, hi: Float64Array, k: number, size: number): number {
  let gap = GAPS[0]!;
  while (gap * 2.25 < k) gap = Math.floor(gap * 2.25);
  for (let g = 0; gap >= 1; gap = gap > GAPS[0]! ? Math.floor(gap / 2.25) : GAPS[++g] ?? 0) {
    if (gap >= k) continue;
    for (let p = gap; p < k; p++) {
      const l = lo[p]!;
      const h = hi[p]!;
      let q = p;
      for (; q >= gap && lo[q - gap]! > l; q -= gap) {
        lo[q] = lo[q - gap]!;
        hi[q] = hi[q - gap]!;
      }
      lo[q] = l;
      hi[q] = h;
    }
  }
  let candidate = 0;
  for (let p = 0; p < k; p++) {
    if (lo[p]! - candidate >= size) break;
    candidate = Math.max(candidate, hi[p]!);
  }
  return candidate;
}

/**
 * Places `buffers` as TFLM's GreedyMemoryPlanner does (see the module comment). TFLM walks every
 * placed buffer for each new one (O(n^2)); this finds the placed ones live at the same time through a
 * TimeIndex and sorts only those by offset, which gives the same offsets (the first gap in offset
 * order does not depend on the order among equal offsets): a million buffers in seconds.
 */
export function greedyPlan(buffers: readonly PlannerBuffer[]): PlannerResult;
/**
 * greedyPlan with a budget: undefined once the placement has done more than `maxWork` work (a unit per
 * buffer met while gathering a buffer's live neighbours, and k log2(k + 2) for sorting the k placed ones
 * by offset) — a bound on its time that does not depend on the machine, for a baseline that must not
 * take the time of the plan itself.
 */
export function greedyPlan(buffers: readonly PlannerBuffer[], maxWork: number): PlannerResult | undefined;
export function greedyPlan(buffers: readonly PlannerBuffer[], maxWork = Infinity): PlannerResult | undefined {
  const n = buffers.length;
  if (n === 0) return { offsets: [], size: 0 };
  const offline: number[] = [];
  let online = 0;
  for (let i = 0; i < n; i++) if (buffers[i]!.offline !== undefined) offline.push(i);
  // The online buffers largest first, ties by later addition first (TFLM's stable sort of its
  // array's tail, which holds them in reverse order of addition).
  const sizes = Float64Array.from(buffers, (b) => b.size);
  const byOrder = new Uint32Array(n - offline.length);
  for (let i = 0; i < n; i++) if (buffers[i]!.offline === undefined) byOrder[online++] = i;
  byOrder.sort((a, b) => sizes[b]! - sizes[a]! || b - a);
  const order = [...offline, ...byOrder];

  // Everything below is held by rank in start order (from[], ties by index): buffers live at the
  // same time then sit side by side in memory, which matters more than anything else at a million.
  const from = Float64Array.from(buffers, (b) => Math.min(b.first, b.last));
  const rankOf = new Uint32Array(n);
  const byStart = indicesByKey(from);
  for (let r = 0; r < n; r++) rankOf[byStart[r]!] = r;
  const first = new Float64Array(n);
  const last = new Float64Array(n);
  const lower = new Float64Array(n);
  const upper = new Float64Array(n);
  const size = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    const b = buffers[byStart[r]!]!;
    first[r] = b.first;
    last[r] = b.last;
    // The index holds each range as [min, max + 1) of its two ends, which finds every buffer TFLM's
    // test finds (!(a.first > b.last || b.first > a.last)), and a few more when last < first;
    // gather() applies TFLM's test.
    lower[r] = Math.min(b.first, b.last);
    upper[r] = Math.max(b.first, b.last) + 1;
    size[r] = b.size;
  }
  const index = new TimeIndex(lower, upper);
  const offs = new Float64Array(n);
  const placed = new Uint8Array(n);
  // The placed buffers live with the one being placed: their [lo, hi) in bytes, in the order found.
  let lo: Float64Array = new Float64Array(64);
  let hi: Float64Array = new Float64Array(64);
  let k = 0;
  let wantFirst = 0;
  let wantLast = 0;
  /** Buffers met by gather() so far: the TimeIndex's visits. */
  let met = 0;
  const gather = (j: number): void => {
    met++;
    if (placed[j] === 0 || first[j]! > wantLast || wantFirst > last[j]!) return;
    if (k === lo.length) {
      const grow = (a: Float64Array): Float64Array => {
        const b = new Float64Array(a.length * 2);
        b.set(a);
        return b;
      };
      lo = grow(lo);
      hi = grow(hi);
    }
    lo[k] = offs[j]!;
    hi[k] = offs[j]! + size[j]!;
    k++;
  };

  const offsets = new Array<number>(n);
  /** The sorts' work so far: k log2(k + 2) for k placed neighbours sorted by offset. */
  let sorted = 0;
  for (const id of order) {
    const r = rankOf[id]!;
    const want = buffers[id]!;
    if (want.offline !== undefined) offs[r] = want.offline;
    else {
      k = 0;
      wantFirst = first[r]!;
      wantLast = last[r]!;
      index.forEachLive(lower[r]!, upper[r]!, gather);
      offs[r] = firstGap(lo, hi, k, size[r]!);
      sorted += k * Math.ceil(Math.log2(k + 2));
      if (met + sorted > maxWork) return undefined;
    }
    offsets[id] = offs[r]!;
    placed[r] = 1;
  }
  let top = 0;
  for (let r = 0; r < n; r++) top = Math.max(top, offs[r]! + size[r]!);
  return { offsets, size: top };
}

/** What greedyPlan's rule is called in the reports, where it is the "before" of a plan. */
export const GREEDY_PLANNER_NAME = "greedy by size, first fit (TFLite's and TFLM's GreedyMemoryPlanner: largest first, first gap)";

/**
 * greedyPlan() on a plain problem — the baseline "what TFLite's own planner would do" for a CSV or
 * JSON problem: every buffer's size rounded up to the problem's largest alignment (as TFLM rounds
 * every buffer to 16, so each offset stays aligned), live range [start, end) as the inclusive
 * [start, end - 1], a fixed offset kept as an offline one. `size` is in the rounded sizes.
 */
export function greedyPlanOfProblem(problem: Problem): PlannerResult;
/** greedyPlanOfProblem with a budget: undefined once the placement passes `maxWork` work (greedyPlan's). */
export function greedyPlanOfProblem(problem: Problem, maxWork: number): PlannerResult | undefined;
export function greedyPlanOfProblem(problem: Problem, maxWork = Infinity): PlannerResult | undefined {
  const align = problem.buffers.reduce((a, b) => Math.max(a, b.align ?? 1), 1);
  return greedyPlan(
    problem.buffers.map((b) => ({
      size: alignUp(b.size, align),
      first: b.start,
      last: b.end - 1,
      ...(b.offset !== undefined ? { offline: b.offset } : {}),
    })),
    maxWork,
  );
}
