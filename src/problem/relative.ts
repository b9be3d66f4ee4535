/**
 * Relative placement and idle gaps (issue #14): what they mean, how they are checked, and the shape the
 * solvers and bounds see them in.
 *
 * - An **alias** b (`aliasOf: a`, `aliasOffset: k`) sits at offset(a) + k and lies inside a
 *   (0 <= k, k + size(b) <= size(a)): b is a view of a's bytes, as an in-place operator's output or a
 *   concatenation's input placed in its output. Aliases chain (a may alias c); a chain ends at a *root*, a
 *   buffer that aliases nothing. Buffers tied this way share bytes on purpose: they are never compared
 *   with one another. Its offset from the root (k summed along the chain) must be a multiple of its
 *   alignment. A fixed offset on any buffer of a block fixes the block (a solution CSV read back fixes
 *   them all): the fixed offsets of one block must agree with the aliases.
 * - A **gap** [start, end) of a buffer is a run of steps inside its live range where it holds nothing,
 *   or with a window [lo, hi) only those bytes of it (MiniMalloc's `lo-hi` and `lo-hi@lo:hi`). Other
 *   buffers may use the rest of its bytes then. Gaps of one buffer are disjoint and have start < end.
 * - A **hint** is a preferred offset, aligned: the heuristics try it first and take it where it is free;
 *   it never constrains a plan, and the exact bounds ignore it.
 *
 * A *block* is a root with its aliases: one rigid shape placed by one offset (its base, the root's
 * offset), made of *rectangles*: steps [start, end) x bytes [lo, hi) relative to the base.
 */
import { InputError } from './errors.js';
import type { Buffer, Bytes, Gap, Problem, Step } from './types.js';

/** `n bytes`, `1 byte` (src/problem depends on nothing: not format/plural.ts). */
const bytes = (n: number): string => `${n} ${n === 1 ? 'byte' : 'bytes'}`;

/** Whether any buffer has gaps or aliases (then the problem is planned as blocks; hints alone do not count). */
export function hasTies(problem: Pick<Problem, 'buffers'>): boolean {
  return problem.buffers.some((b) => (b.gaps !== undefined && b.gaps.length > 0) || b.aliasOf !== undefined);
}

/** Steps [start, end) x bytes [lo, hi): part of a buffer or block, relative to its offset. */
export interface Rect {
  start: Step;
  end: Step;
  lo: Bytes;
  hi: Bytes;
}

/** A root and its aliases, placed as one. */
export interface Block {
  /** Index of the root buffer. */
  root: number;
  /** Every buffer of the block (the root first), with its offset from the base. */
  members: { index: number; delta: Bytes }[];
  /** Where the block's bytes are live, relative to the base (empty when every member is idle throughout). */
  rects: Rect[];
  /** The base must be a multiple of this: the largest alignment in the block. */
  align: number;
  /** The base when a member has a fixed offset: that offset minus the member's delta. */
  fixed?: Bytes;
  /** The preferred base: the root's hint, else the first member's hint minus its delta (when aligned and >= 0). */
  hint?: Bytes;
  /** Bytes from the base to the block's top: max over members of delta + size. */
  height: Bytes;
}

/**
 * Where a buffer is live, relative to its offset: its range cut by its gaps (a gap with a window keeps
 * the window's bytes). Assumes a validated buffer.
 */
export function liveRects(b: Buffer): Rect[] {
  const gaps = [...(b.gaps ?? [])].sort((x, y) => x.start - y.start);
  const out: Rect[] = [];
  let t = b.start;
  for (const g of gaps) {
    if (g.start > t) out.push({ start: t, end: g.start, lo: 0, hi: b.size });
    if (g.window !== undefined) out.push({ start: g.start, end: g.end, lo: g.window.lo, hi: g.window.hi });
    t = g.end;
  }
  if (t < b.end) out.push({ start: t, end: b.end, lo: 0, hi: b.size });
  return out;
}

/** Each buffer's offset from its root (0 for a root) and its root's index. Assumes validated aliases. */
function rootsOf(problem: Problem): { root: number[]; delta: number[] } {
  const bs = problem.buffers;
  const index = new Map(bs.map((b, i) => [b.id, i]));
  const root = bs.map(() => -1);
  const delta = bs.map(() => 0);
  const resolve = (i: number): void => {
    if (root[i] !== -1) return;
    const b = bs[i]!;
    if (b.aliasOf === undefined) {
      root[i] = i;
      return;
    }
    const t = index.get(b.aliasOf)!;
    resolve(t);
    root[i] = root[t]!;
    delta[i] = delta[t]! + (b.aliasOffset ?? 0);
  };
  bs.forEach((_, i) => resolve(i));
  return { root, delta };
}

/**
 * The problem's blocks, in the order of their roots; every buffer is in exactly one. Assumes a validated
 * problem (validateTies).
 */
export function blocksOf(problem: Problem): Block[] {
  const bs = problem.buffers;
  const { root, delta } = rootsOf(problem);
  const byRoot = new Map<number, Block>();
  const blocks: Block[] = [];
  bs.forEach((b, i) => {
    if (root[i] !== i) return;
    const block: Block = { root: i, members: [], rects: [], align: 1, height: 0 };
    byRoot.set(i, block);
    blocks.push(block);
  });
  bs.forEach((b, i) => {
    const block = byRoot.get(root[i]!)!;
    const d = delta[i]!;
    block.members.push({ index: i, delta: d });
    if (b.offset !== undefined && block.fixed === undefined) block.fixed = b.offset - d;
    for (const r of liveRects(b)) block.rects.push({ start: r.start, end: r.end, lo: r.lo + d, hi: r.hi + d });
    block.align = Math.max(block.align, b.align ?? 1);
    block.height = Math.max(block.height, d + b.size);
  });
  for (const block of blocks) {
    block.members.sort((x, y) => (x.index === block.root ? -1 : y.index === block.root ? 1 : x.index - y.index));
    for (const m of block.members) {
      const h = bs[m.index]!.hint;
      if (h === undefined) continue;
      const base = h - m.delta;
      if (base >= 0 && base % block.align === 0) block.hint = base;
      break;
    }
  }
  return blocks;
}

/**
 * Bytes a block holds during each run of steps where which of its rectangles are live does not change:
 * the length of the union of the live rectangles' byte ranges ([start, end) runs with bytes > 0).
 */
export function footprint(rects: readonly Rect[]): { start: Step; end: Step; bytes: Bytes }[] {
  if (rects.length === 1) {
    const r = rects[0]!;
    return [{ start: r.start, end: r.end, bytes: r.hi - r.lo }];
  }
  const times = [...new Set(rects.flatMap((r) => [r.start, r.end]))].sort((x, y) => x - y);
  const out: { start: Step; end: Step; bytes: Bytes }[] = [];
  for (let k = 0; k + 1 < times.length; k++) {
    const t0 = times[k]!;
    const t1 = times[k + 1]!;
    const ranges = rects.filter((r) => r.start <= t0 && r.end >= t1).map((r) => [r.lo, r.hi] as const).sort((x, y) => x[0] - y[0]);
    let bytes = 0;
    let top = -Infinity;
    for (const [lo, hi] of ranges) {
      if (hi <= top) continue;
      bytes += hi - Math.max(lo, top);
      top = hi;
    }
    if (bytes > 0) out.push({ start: t0, end: t1, bytes });
  }
  return out;
}

/**
 * The live bound of a problem with gaps or aliases: the most bytes live at one step, a block counting
 * the union of its live bytes (a gap's idle bytes not at all, an alias's bytes once with its root's),
 * and the first step where it is reached. Blocks never overlap one another, so no plan needs less.
 */
export function tiedPeakStep(problem: Problem): { step: Step; bytes: Bytes } {
  const events: [number, number][] = [];
  for (const block of blocksOf(problem)) {
    for (const f of footprint(block.rects)) events.push([f.start, f.bytes], [f.end, -f.bytes]);
  }
  events.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  let live = 0;
  let bytes = 0;
  let step = 0;
  for (const [t, d] of events) {
    live += d;
    if (live > bytes) {
      bytes = live;
      step = t;
    }
  }
  return { step, bytes };
}

const isSafeInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);
const show = (v: unknown): string => (typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v) ?? String(v));

function fail(b: Buffer, field: string, msg: string): never {
  throw new InputError(`buffer "${b.id}": ${field} ${msg}`, { buffer: b.id, field });
}

/**
 * Checks the gaps, hints and aliases of a problem whose ids, sizes, ranges, alignments and fixed
 * offsets are already valid (validateProblem calls it last). Throws an InputError naming the buffer and
 * the field: a gap outside the live range, empty, overlapping another or with a window outside the
 * buffer; a hint that is negative or not aligned; an alias of an unknown buffer, of itself, in a cycle,
 * not inside its target, with a fixed offset, or at an offset from its root that breaks its alignment.
 */
export function validateTies(problem: Problem): void {
  const bs = problem.buffers;
  if (!bs.some((b) => b.gaps !== undefined || b.hint !== undefined || b.aliasOf !== undefined || b.aliasOffset !== undefined)) return;
  const index = new Map(bs.map((b, i) => [b.id, i]));
  for (const b of bs) {
    if (b.gaps !== undefined) checkGaps(b);
    if (b.hint !== undefined) {
      if (!isSafeInt(b.hint) || b.hint < 0) fail(b, 'hint', `must be a non-negative safe integer, got ${show(b.hint)}`);
      const a = b.align ?? 1;
      if (b.hint % a !== 0) fail(b, 'hint', `${b.hint} is not a multiple of its alignment ${a}`);
    }
    if (b.aliasOf === undefined) {
      if (b.aliasOffset !== undefined) fail(b, 'alias_offset', 'is given without alias_of');
      continue;
    }
    if (typeof b.aliasOf !== 'string' || b.aliasOf === '') fail(b, 'alias_of', `must be a buffer id, got ${show(b.aliasOf)}`);
    const t = index.get(b.aliasOf);
    if (t === undefined) fail(b, 'alias_of', `names no buffer ("${b.aliasOf}")`);
    if (b.aliasOf === b.id) fail(b, 'alias_of', 'names the buffer itself');
    const k = b.aliasOffset ?? 0;
    if (!isSafeInt(k) || k < 0) fail(b, 'alias_offset', `must be a non-negative safe integer, got ${show(b.aliasOffset)}`);
    const target = bs[t]!;
    if (k + b.size > target.size) {
      fail(b, 'alias_offset', `${k} puts its ${bytes(b.size)} outside "${target.id}" (${bytes(target.size)}): an alias lies inside what it aliases`);
    }
  }
  // Cycles: walk each chain, marking the buffers on the current path.
  const state = new Uint8Array(bs.length); // 0 new, 1 on the path, 2 done
  bs.forEach((_, start) => {
    const path: number[] = [];
    let i: number | undefined = start;
    while (i !== undefined && state[i] === 0) {
      state[i] = 1;
      path.push(i);
      const of: string | undefined = bs[i]!.aliasOf;
      i = of === undefined ? undefined : index.get(of);
    }
    if (i !== undefined && state[i] === 1) {
      const cycle = path.slice(path.indexOf(i)).map((j) => `"${bs[j]!.id}"`);
      fail(bs[i]!, 'alias_of', `is in a cycle of aliases (${cycle.join(' -> ')} -> "${bs[i]!.id}")`);
    }
    for (const j of path) state[j] = 2;
  });
  if (!hasTies(problem)) return;
  const { root, delta } = rootsOf(problem);
  bs.forEach((b, i) => {
    if (root[i] === i) return;
    const a = b.align ?? 1;
    const r = bs[root[i]!]!;
    if (delta[i]! % a !== 0) {
      fail(b, 'alias_offset', `puts it ${bytes(delta[i]!)} from the start of "${r.id}", not a multiple of its alignment ${a}`);
    }
  });
  // Fixed offsets: one base per block, the same from every fixed member.
  const fixedBy = new Map<number, number>();
  bs.forEach((b, i) => {
    if (b.offset === undefined) return;
    const r = root[i]!;
    const other = fixedBy.get(r);
    if (other === undefined) {
      fixedBy.set(r, i);
      if (b.offset - delta[i]! < 0) fail(b, 'offset', `${b.offset} puts "${bs[r]!.id}", which it lies inside at +${delta[i]}, below 0`);
      return;
    }
    const want = bs[other]!.offset! - delta[other]! + delta[i]!;
    if (b.offset !== want) fail(b, 'offset', `${b.offset} disagrees with the fixed offset of "${bs[other]!.id}" and their aliases (${want})`);
  });
  for (const block of blocksOf(problem)) {
    if (block.fixed === undefined) continue;
    for (const m of block.members) {
      const b = bs[m.index]!;
      const a = b.align ?? 1;
      if ((block.fixed + m.delta) % a !== 0) fail(b, 'offset', `is fixed at ${block.fixed + m.delta} (by its block's fixed offset), not a multiple of its alignment ${a}`);
    }
  }
  checkFixedBlocks(problem);
}

/** Fixed blocks that hold one byte at one step: an InputError naming the root of each (a sweep over time). */
function checkFixedBlocks(problem: Problem): void {
  const held: { block: Block; start: Step; end: Step; lo: Bytes; hi: Bytes }[] = [];
  for (const block of blocksOf(problem)) {
    if (block.fixed === undefined) continue;
    for (const r of block.rects) held.push({ block, start: r.start, end: r.end, lo: block.fixed + r.lo, hi: block.fixed + r.hi });
  }
  held.sort((x, y) => x.start - y.start || x.block.root - y.block.root);
  let live: typeof held = [];
  for (const h of held) {
    live = live.filter((c) => c.end > h.start);
    const c = live.find((c) => c.block !== h.block && h.lo < c.hi && c.lo < h.hi);
    if (c !== undefined) {
      const a = problem.buffers[c.block.root]!;
      const b = problem.buffers[h.block.root]!;
      throw new InputError(`buffer "${a.id}": fixed offset ${c.block.fixed} collides with buffer "${b.id}" at ${h.block.fixed} (both live at step ${h.start})`, {
        buffer: a.id,
        field: 'offset',
      });
    }
    live.push(h);
  }
}

function checkGaps(b: Buffer): void {
  if (!Array.isArray(b.gaps)) fail(b, 'gaps', `must be a list of gaps, got ${show(b.gaps)}`);
  const gaps: Gap[] = b.gaps;
  gaps.forEach((g, k) => {
    const at = `#${k + 1}`;
    if (g === null || typeof g !== 'object') fail(b, 'gaps', `${at} must be an object { start, end, window? }, got ${show(g)}`);
    if (!isSafeInt(g.start) || !isSafeInt(g.end)) fail(b, 'gaps', `${at} needs safe integer steps start and end, got ${show(g)}`);
    if (g.start >= g.end) fail(b, 'gaps', `${at} [${g.start}, ${g.end}) is empty`);
    if (g.start < b.start || g.end > b.end) fail(b, 'gaps', `${at} [${g.start}, ${g.end}) is not inside the live range [${b.start}, ${b.end})`);
    if (g.window !== undefined) {
      const w = g.window;
      if (w === null || typeof w !== 'object' || !isSafeInt(w.lo) || !isSafeInt(w.hi) || w.lo < 0 || w.lo >= w.hi || w.hi > b.size) {
        fail(b, 'gaps', `${at}: window ${show(w)} must be bytes [lo, hi) with 0 <= lo < hi <= ${b.size} (leave the window out when no byte is live)`);
      }
    }
  });
  const sorted = [...gaps].sort((x, y) => x.start - y.start);
  for (let k = 1; k < sorted.length; k++) {
    const p = sorted[k - 1]!;
    const g = sorted[k]!;
    if (g.start < p.end) fail(b, 'gaps', `[${p.start}, ${p.end}) and [${g.start}, ${g.end}) overlap`);
  }
}
