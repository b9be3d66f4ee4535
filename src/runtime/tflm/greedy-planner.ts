import type { Problem } from '../../problem/types.js';
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

function overlapInTime(a: PlannerBuffer, b: PlannerBuffer): boolean {
  return !(a.first > b.last || b.first > a.last);
}

/** Places `buffers` as TFLM's GreedyMemoryPlanner does (see the module comment). */
export function greedyPlan(buffers: readonly PlannerBuffer[]): PlannerResult {
  const n = buffers.length;
  const offsets = new Array<number>(n).fill(-1);
  if (n === 0) return { offsets, size: 0 };
  const offline: number[] = [];
  const online: number[] = [];
  for (let i = 0; i < n; i++) (buffers[i]!.offline === undefined ? online : offline).push(i);
  online.reverse();
  online.sort((a, b) => buffers[b]!.size - buffers[a]!.size); // stable, as TFLM's bubble sort
  const order = [...offline, ...online];

  // The placed buffers in offset order (equal offsets: in placing order), as TFLM's linked list.
  const placed: number[] = [];
  const insert = (id: number): void => {
    const at = offsets[id]!;
    let k = placed.length;
    if (placed.length > 0 && offsets[placed[0]!]! > at) k = 0;
    else {
      for (let j = 1; j < placed.length; j++) {
        if (offsets[placed[j]!]! > at) {
          k = j;
          break;
        }
      }
    }
    placed.splice(k, 0, id);
  };

  for (const id of order) {
    const want = buffers[id]!;
    if (want.offline !== undefined) offsets[id] = want.offline;
    else {
      let candidate = 0;
      for (const other of placed) {
        const b = buffers[other]!;
        if (!overlapInTime(b, want)) continue;
        if (offsets[other]! - candidate >= want.size) break;
        candidate = Math.max(candidate, offsets[other]! + b.size);
      }
      offsets[id] = candidate;
    }
    insert(id);
  }
  let size = 0;
  for (let i = 0; i < n; i++) size = Math.max(size, offsets[i]! + buffers[i]!.size);
  return { offsets, size };
}

/** What greedyPlan's rule is called in the reports, where it is the "before" of a plan. */
export const GREEDY_PLANNER_NAME = "greedy by size, first fit (TFLite's and TFLM's GreedyMemoryPlanner: largest first, first gap)";

/**
 * greedyPlan() on a plain problem — the baseline "what TFLite's own planner would do" for a CSV or
 * JSON problem: every buffer's size rounded up to the problem's largest alignment (as TFLM rounds
 * every buffer to 16, so each offset stays aligned), live range [start, end) as the inclusive
 * [start, end - 1], a fixed offset kept as an offline one. `size` is in the rounded sizes.
 */
export function greedyPlanOfProblem(problem: Problem): PlannerResult {
  const align = problem.buffers.reduce((a, b) => Math.max(a, b.align ?? 1), 1);
  return greedyPlan(
    problem.buffers.map((b) => ({
      size: Math.ceil(b.size / align) * align,
      first: b.start,
      last: b.end - 1,
      ...(b.offset !== undefined ? { offline: b.offset } : {}),
    })),
  );
}
