import { InputError } from './errors.js';
import { IdSet } from './id-set.js';
import { blocksOf, hasTies, validateTies } from './relative.js';
import { firstOverlap } from './sweep.js';
import type { Buffer, MemoryTier, Problem } from './types.js';

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
 * at fault (gaps, hints and aliases: validateTies, src/problem/relative.ts). Returns the problem unchanged.
 */
export function validateProblem(problem: Problem): Problem {
  if (problem === null || typeof problem !== 'object' || !Array.isArray(problem.buffers)) {
    throw new InputError('a problem needs a "buffers" array');
  }
  validateCapacity(problem);
  const bs = problem.buffers;
  const seen = new IdSet(bs.length);
  let total = 0;
  for (let i = 0; i < bs.length; i++) {
    const b: Buffer = bs[i]!;
    if (b === null || typeof b !== 'object') fail(undefined, i, 'entry', 'must be an object');
    if (typeof b.id !== 'string' || b.id.length === 0) fail(undefined, i, 'id', `must be a non-empty string, got ${show(b.id)}`);
    if (!seen.add(b.id)) fail(b, i, 'id', `is used twice (buffers #${bs.findIndex((c) => c.id === b.id)} and #${i})`);
    if (!isSafeInt(b.size) || b.size <= 0) fail(b, i, 'size', `must be a positive safe integer of bytes, got ${show(b.size)}`);
    // Steps count from 0 (the first operator; MiniMalloc's `lower`): the report counts steps up to the last end.
    if (!isSafeInt(b.start) || b.start < 0) fail(b, i, 'start', `must be a non-negative safe integer step, got ${show(b.start)}`);
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
    if (b.memories !== undefined && !(Array.isArray(b.memories) && b.memories.length > 0 && b.memories.every((m) => typeof m === 'string'))) {
      fail(b, i, 'memories', `must be a non-empty array of memory names, got ${show(b.memories)}`);
    }
    total += b.size + align - 1 + (b.offset ?? 0);
  }
  if (!Number.isSafeInteger(total)) {
    throw new InputError('the buffers add up to more than 2^53-1 bytes: sizes this large cannot be planned exactly');
  }
  // With gaps or aliases, fixed buffers may share bytes: validateTies checks them by what is live.
  if (!hasTies(problem)) checkFixedCollisions(problem.buffers);
  validateTies(problem);
  // After the ties: a block's memory needs its aliases resolved.
  if (problem.memories !== undefined) validateMemories(problem, problem.memories);
  return problem;
}

/**
 * Checks the problem's capacity alone: absent, or a positive safe integer of bytes; throws an
 * InputError (field `capacity`) otherwise. Part of validateProblem; on its own for a problem validated
 * before its capacity was set (the CLI's --capacity).
 */
export function validateCapacity(problem: Pick<Problem, 'capacity'>): void {
  if (problem.capacity !== undefined && !(isSafeInt(problem.capacity) && problem.capacity > 0)) {
    throw new InputError(`capacity must be a positive safe integer of bytes, got ${show(problem.capacity)}`, {
      field: 'capacity',
    });
  }
}

/**
 * A memory's name: a letter, then letters, digits or `_` — what `--memory` takes, and what a plan's CSV
 * `memory` column and a C header's macros can carry back.
 */
export const MEMORY_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;

/**
 * Checks memory tiers (Problem.memories) against the problem's buffers: at least one memory; names
 * MEMORY_NAME's and unique; every memory but the last has a capacity (a positive safe integer of bytes);
 * `align` a power of two; `cost` a non-negative finite number; each buffer's `memories` names known
 * memories, and a buffer that must stay in the first memory (`spillable: false` or a fixed offset) may
 * use it. A read-only memory (`readOnly`: flash holding weights) may be unbounded wherever it is
 * listed, holds only the buffers that name it, may not be the first when a buffer is pinned there, and
 * its capacity bounds the total bytes of those buffers; every buffer needs a memory it may use, and
 * every block of aliases (src/problem/relative.ts: it lives in one memory as a whole) one that every
 * member may use and whose `align` keeps every member's offset from the block's root.
 * Throws an InputError naming the memory or the buffer and the field. Returns the memories.
 */
export function validateMemories(problem: Pick<Problem, 'buffers'>, memories: readonly MemoryTier[]): readonly MemoryTier[] {
  if (!Array.isArray(memories) || memories.length === 0) throw new InputError('"memories" must be a non-empty array of memories', { field: 'memories' });
  const names = new Set<string>();
  memories.forEach((m, k) => {
    const where = m !== null && typeof m === 'object' && typeof m.name === 'string' && m.name !== '' ? `memory "${m.name}"` : `memory #${k}`;
    const bad = (field: string, msg: string): never => {
      throw new InputError(`${where}: ${field} ${msg}`, { field: `memories.${field}` });
    };
    if (m === null || typeof m !== 'object') bad('entry', 'must be an object');
    if (typeof m.name !== 'string' || m.name === '') bad('name', `must be a non-empty string, got ${show(m.name)}`);
    if (!MEMORY_NAME.test(m.name)) bad('name', `must be a letter followed by letters, digits or _ (as --memory takes it), got ${show(m.name)}`);
    if (names.has(m.name)) bad('name', 'is used twice');
    names.add(m.name);
    if (m.readOnly !== undefined && typeof m.readOnly !== 'boolean') bad('readOnly', `must be true or false, got ${show(m.readOnly)}`);
    if (m.capacity === undefined) {
      if (k < memories.length - 1 && m.readOnly !== true) bad('capacity', 'is missing: only the last memory may be unbounded (and a read-only one)');
    } else if (!(isSafeInt(m.capacity) && m.capacity > 0)) bad('capacity', `must be a positive safe integer of bytes, got ${show(m.capacity)}`);
    if (m.align !== undefined && !isPowerOfTwo(m.align)) bad('align', `must be a power of two, got ${show(m.align)}`);
    if (!(typeof m.cost === 'number' && Number.isFinite(m.cost) && m.cost >= 0)) bad('cost', `must be a non-negative number, got ${show(m.cost)}`);
  });
  problem.buffers.forEach((b, i) => {
    for (const name of b.memories ?? []) {
      if (!names.has(name)) fail(b, i, 'memories', `names memory ${show(name)}, which is not one of ${[...names].map(show).join(', ')}`);
    }
    const pinned = b.spillable === false || b.offset !== undefined;
    if (pinned && b.memories !== undefined && !b.memories.includes(memories[0]!.name)) {
      fail(b, i, 'memories', `leave out the first memory ${show(memories[0]!.name)}, where a buffer with ${b.offset !== undefined ? 'a fixed offset' : 'spillable: false'} must live`);
    }
    if (pinned && memories[0]!.readOnly === true) fail(b, i, 'memories', `has ${b.offset !== undefined ? 'a fixed offset' : 'spillable: false'}, which asks for the first memory, but ${show(memories[0]!.name)} is read-only`);
    const usable = memories.filter((mem) => (mem.readOnly === true ? b.memories?.includes(mem.name) === true : b.memories === undefined || b.memories.includes(mem.name)));
    if (usable.length === 0) fail(b, i, 'memories', 'leaves no memory it may use (a read-only memory holds only the buffers that name it)');
  });
  // A block (a root with its aliases) lives in one memory as a whole: one every member may use, whose alignment keeps every member's offset from the root.
  if (hasTies(problem)) {
    validateTies(problem as Problem);
    for (const block of blocksOf(problem as Problem)) {
      const bs = block.members.map((x) => problem.buffers[x.index]!);
      const ok = memories.some((mem, m) =>
        block.members.every((x, k) => {
          const b = bs[k]!;
          const pinned = b.spillable === false || b.offset !== undefined;
          const named = mem.readOnly === true ? b.memories?.includes(mem.name) === true : b.memories === undefined || b.memories.includes(mem.name);
          return (!pinned || m === 0) && named && x.delta % (mem.align ?? 1) === 0;
        }),
      );
      if (!ok) {
        const root = bs[0]!;
        fail(root, block.root, 'memories', `and its aliases (${bs.slice(1).map((b) => `"${b.id}"`).join(', ')}) live in one memory as a whole, but no memory suits every one of them (their memories, spillable: false or a fixed offset, or a memory's align that their offsets from "${root.id}" do not keep)`);
      }
    }
  }
  // A read-only memory plans no arena: its capacity bounds the bytes of every buffer that may live there.
  memories.forEach((mem) => {
    if (mem.readOnly !== true || mem.capacity === undefined) return;
    const total = problem.buffers.reduce((s, b) => s + (b.memories?.includes(mem.name) === true ? b.size : 0), 0);
    if (total > mem.capacity) throw new InputError(`memory ${show(mem.name)}: the buffers that may live there (read-only: they are stored in it) take ${total} B, more than its capacity ${mem.capacity} B`, { field: 'memories.capacity' });
  });
  return memories;
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
