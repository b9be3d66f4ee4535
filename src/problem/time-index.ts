/**
 * Which buffers live during a range of steps, without a list of pairs: the buffers grouped by the
 * length class of their live range (class k: length <= 2^k steps), each class ordered by start. A
 * buffer of class k that is live at step s started in (s - 2^k, s], so a query looks, per class, at
 * one run of starts found by binary search (as assembly/neighbours.ts does in WASM). O(n log n) to
 * build, O(n) memory; a query costs O(classes x log n) plus the buffers of each run (at most about
 * twice those it reports). Ranges are half-open: [start, end).
 */
import { indicesByKey } from './sweep.js';

/** Length classes: class k holds lengths in (2^(k-1), 2^k] (class 0: lengths <= 1). */
const CLASSES = 64;

function classOf(len: number): number {
  let k = 0;
  let cap = 1;
  while (cap < len && k < CLASSES - 1) {
    cap *= 2;
    k++;
  }
  return k;
}

export class TimeIndex {
  /** Buffer indices by (class, start, index). */
  private readonly byClass: Uint32Array;
  /** start of byClass[p] for each position p. */
  private readonly startAt: Float64Array;
  /** Class k is byClass[classAt[k] .. classAt[k + 1]). */
  private readonly classAt: Int32Array;
  /** The classes that hold buffers, ascending. */
  private readonly used: number[];

  /**
   * @param start first step of each buffer
   * @param end first step after each buffer's live range (end > start; a shorter range counts as one step)
   */
  constructor(
    private readonly start: Float64Array,
    private readonly end: Float64Array,
  ) {
    const n = start.length;
    const cls = new Uint8Array(n);
    const classAt = new Int32Array(CLASSES + 1);
    for (let i = 0; i < n; i++) {
      cls[i] = classOf(end[i]! - start[i]!);
      classAt[cls[i]! + 1]!++;
    }
    for (let k = 0; k < CLASSES; k++) classAt[k + 1]! += classAt[k]!;
    const fill = classAt.slice(0, CLASSES);
    const byClass = new Uint32Array(n);
    const startAt = new Float64Array(n);
    // A counting sort by class over the buffers by start keeps each class by (start, index).
    for (const i of indicesByKey(start)) {
      const at = fill[cls[i]!]!++;
      byClass[at] = i;
      startAt[at] = start[i]!;
    }
    this.byClass = byClass;
    this.startAt = startAt;
    this.classAt = classAt;
    this.used = [];
    for (let k = 0; k < CLASSES; k++) if (classAt[k + 1]! > classAt[k]!) this.used.push(k);
  }

  /**
   * Calls `visit(j)` for each buffer j live at some step of [s, e) (e > s), in no particular order;
   * a buffer whose own range is [s, e) is visited too.
   */
  forEachLive(s: number, e: number, visit: (j: number) => void): void {
    const { byClass, startAt, classAt, end } = this;
    for (const k of this.used) {
      const hi = classAt[k + 1]!;
      // First position of the class with start > s - 2^k: binary search.
      const from = s - 2 ** k;
      let lo = classAt[k]!;
      let top = hi;
      while (lo < top) {
        const mid = (lo + top) >>> 1;
        if (startAt[mid]! <= from) lo = mid + 1;
        else top = mid;
      }
      for (let p = lo; p < hi && startAt[p]! < e; p++) {
        const j = byClass[p]!;
        if (end[j]! > s) visit(j);
      }
    }
  }
}
