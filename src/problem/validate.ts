import { InputError } from './errors.js';
import { firstOverlap } from './sweep.js';
import type { Buffer, Problem } from './types.js';

const isSafeInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);

function fail(b: { id?: unknown } | undefined, index: number, field: string, msg: string): never {
  const name = b && typeof b.id === 'string' ? `buffer "${b.id}"` : `buffer #${index}`;
  throw new InputError(`${name}: ${field} ${msg}`, {
    buffer: b && typeof b.id === 'string' ? b.id : `#${index}`,
    field,
  });
}

const show = (v: unknown): string => (typeof v === 'string' ? JSON.stringify(v) : String(v));

/**
 * Checks that a problem can be planned; throws an InputError naming the buffer and the field
 * at fault. Returns the problem unchanged.
 */
export function validateProblem(problem: Problem): Problem {
  if (problem === null || typeof problem !== 'object' || !Array.isArray(problem.buffers)) {
    throw new InputError('a problem needs a "buffers" array');
  }
  if (problem.capacity !== undefined && !(isSafeInt(problem.capacity) && problem.capacity > 0)) {
    throw new InputError(`capacity must be a positive safe integer of bytes, got ${show(problem.capacity)}`, {
      field: 'capacity',
    });
  }
  const seen = new Set<string>();
  let total = 0;
  const bs = problem.buffers;
  for (let i = 0; i < bs.length; i++) {
    const b: Buffer = bs[i]!;
    if (b === null || typeof b !== 'object') fail(undefined, i, 'entry', 'must be an object');
    if (typeof b.id !== 'string' || b.id.length === 0) fail(undefined, i, 'id', `must be a non-empty string, got ${show(b.id)}`);
    if (seen.size === seen.add(b.id).size) fail(b, i, 'id', `is used twice (buffers #${bs.findIndex((c) => c.id === b.id)} and #${i})`);
    if (!isSafeInt(b.size) || b.size <= 0) fail(b, i, 'size', `must be a positive safe integer of bytes, got ${show(b.size)}`);
    if (!isSafeInt(b.start)) fail(b, i, 'start', `must be a safe integer step, got ${show(b.start)}`);
    if (!isSafeInt(b.end)) fail(b, i, 'end', `must be a safe integer step, got ${show(b.end)}`);
    if (b.start >= b.end) fail(b, i, 'end', `must be greater than start (live range [${b.start}, ${b.end}) is empty)`);
    const align = b.align ?? 1;
    if (align !== 1 && !isPowerOfTwo(align)) {
      fail(b, i, 'align', `must be a power of two, got ${show(b.align)}`);
    }
    if (b.offset !== undefined) {
      if (!isSafeInt(b.offset) || b.offset < 0) fail(b, i, 'offset', `must be a non-negative safe integer, got ${show(b.offset)}`);
      if (b.offset % align !== 0) fail(b, i, 'offset', `${b.offset} is not a multiple of its alignment ${align}`);
      if (!Number.isSafeInteger(b.offset + b.size)) fail(b, i, 'offset', 'plus size exceeds 2^53-1 bytes');
    }
    if (b.weight !== undefined && !(typeof b.weight === 'number' && Number.isFinite(b.weight) && b.weight >= 0)) {
      fail(b, i, 'weight', `must be a non-negative number, got ${show(b.weight)}`);
    }
    if (b.spillable !== undefined && typeof b.spillable !== 'boolean') {
      fail(b, i, 'spillable', `must be true or false, got ${show(b.spillable)}`);
    }
    total += b.size + align - 1 + (b.offset ?? 0);
  }
  if (!Number.isSafeInteger(total)) {
    throw new InputError('the buffers add up to more than 2^53-1 bytes: sizes this large cannot be planned exactly');
  }
  checkFixedCollisions(problem.buffers);
  return problem;
}

/** Whether v is a power of two below 2^53 (bitwise operators would stop at 2^30). */
export function isPowerOfTwo(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v > 0 && 2 ** Math.round(Math.log2(v)) === v;
}

/** Throws when two fixed buffers live at the same step share an address (a sweep, O(f log f) for f fixed). */
function checkFixedCollisions(buffers: Buffer[]): void {
  const fixed = buffers.filter((b) => b.offset !== undefined);
  const f = fixed.length;
  const rect = { start: new Float64Array(f), end: new Float64Array(f), lo: new Float64Array(f), hi: new Float64Array(f) };
  fixed.forEach((b, k) => {
    rect.start[k] = b.start;
    rect.end[k] = b.end;
    rect.lo[k] = b.offset!;
    rect.hi[k] = b.offset! + b.size;
  });
  const pair = firstOverlap(rect);
  if (pair === undefined) return;
  const [a, c] = [fixed[Math.min(...pair)]!, fixed[Math.max(...pair)]!];
  throw new InputError(
    `buffer "${a.id}": fixed offset ${a.offset} collides with buffer "${c.id}" at ${c.offset} (both live at step ${Math.max(a.start, c.start)})`,
    { buffer: a.id, field: 'offset' },
  );
}

/** Whether `order` lists each of 0..n-1 exactly once (an order of n operators, say). */
export function isPermutation(order: readonly number[], n: number): boolean {
  const seen = new Uint8Array(n);
  return order.length === n && order.every((i) => Number.isInteger(i) && i >= 0 && i < n && seen[i]!++ === 0);
}
