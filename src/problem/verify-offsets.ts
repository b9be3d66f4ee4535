/**
 * The checks every plan's offsets pass, whatever the problem (shared by verify.ts and verify-tied.ts, which
 * share nothing else): kept apart so that neither verifier imports the other's module in a cycle.
 */
import type { Buffer } from './types.js';

/** What the verifier found. */
export interface Verdict {
  valid: boolean;
  /** One line per fault, naming the buffers. Empty when valid. */
  errors: string[];
  /** The peak recomputed from the offsets. */
  peak: number;
}

/**
 * What every plan's offsets must be, whatever else the problem asks: one per buffer, each a
 * non-negative safe integer, a multiple of the buffer's alignment, its fixed offset when it has one.
 * Each fault goes to `add`. Returns the peak (max offset + size over the integer offsets, bytes), or
 * undefined when the number of offsets is wrong (nothing else is checked then).
 */
export function checkOffsets(bs: readonly Buffer[], offsets: readonly number[], add: (message: string) => void): number | undefined {
  if (offsets.length !== bs.length) {
    add(`plan has ${offsets.length} offsets for ${bs.length} buffers`);
    return undefined;
  }
  let peak = 0;
  for (let i = 0; i < bs.length; i++) {
    const b = bs[i]!;
    const o = offsets[i];
    if (typeof o !== 'number' || !Number.isSafeInteger(o) || o < 0) {
      add(`buffer "${b.id}": offset ${String(o)} is not a non-negative safe integer`);
      continue;
    }
    const a = b.align ?? 1;
    if (o % a !== 0) add(`buffer "${b.id}": offset ${o} is not a multiple of its alignment ${a}`);
    if (b.offset !== undefined && b.offset !== o) add(`buffer "${b.id}": fixed offset ${b.offset} was moved to ${o}`);
    if (o + b.size > peak) peak = o + b.size;
  }
  return peak;
}
