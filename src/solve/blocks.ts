/**
 * Heuristics for problems with gaps or aliases (issue #14): each block — a root with its aliases, its
 * bytes cut by their gaps (src/problem/relative.ts) — is placed as one rigid shape, in a chosen order,
 * at its hint when that is free, else at the lowest aligned base where none of its rectangles meets a
 * rectangle placed before it. Plain TypeScript: the WASM engine knows buffers as single rectangles.
 * Deterministic: same problem, same plan.
 */
import { blocksOf, type Block } from '../problem/relative.js';
import type { Buffer, Bytes, Problem } from '../problem/types.js';

/**
 * Rectangles (a buffer's live runs between its gaps) up to which the block heuristics run: each places
 * every block against all rectangles placed before it, O(n^2) (about 0.1 s at this size).
 */
export const BLOCKS_MAX_RECTS = 5000;

/** The orders the block heuristics take, by the name of the method each one is. */
export const BLOCK_ORDERS = {
  /** Tallest block first (then most area), like greedy-size. */
  'blocks-greedy-size': (x: BlockKey, y: BlockKey) => y.height - x.height || y.area - x.area || x.index - y.index,
  /** Most bytes x steps first. */
  'blocks-greedy-area': (x: BlockKey, y: BlockKey) => y.area - x.area || y.height - x.height || x.index - y.index,
  /** Earliest first step first, like inorder. */
  'blocks-inorder': (x: BlockKey, y: BlockKey) => x.first - y.first || x.index - y.index,
} as const;

export type BlockMethod = keyof typeof BLOCK_ORDERS;

/** What a block order compares. */
export interface BlockKey {
  index: number;
  height: Bytes;
  area: number;
  first: number;
}

/** A rectangle of a placed block: steps [start, end) x bytes [lo, hi), absolute. */
interface Placed {
  start: number;
  end: number;
  lo: number;
  hi: number;
}

/**
 * The lowest base >= 0, a multiple of `align`, at which no rectangle of `block` meets a placed one; or
 * `prefer` when that is free. For each own rectangle r and placed p that share a step, bases in
 * (p.lo - r.hi, p.hi - r.lo) collide; the answer is the first aligned base outside all of them.
 */
export function lowestBase(block: Pick<Block, 'rects' | 'align'>, placed: readonly Placed[], prefer?: Bytes): Bytes {
  const banned: [number, number][] = [];
  for (const r of block.rects) {
    for (const p of placed) {
      if (r.start < p.end && p.start < r.end) banned.push([p.lo - r.hi + 1, p.hi - r.lo - 1]);
    }
  }
  const a = block.align;
  if (prefer !== undefined && prefer % a === 0 && !banned.some(([lo, hi]) => lo <= prefer && prefer <= hi)) return prefer;
  banned.sort((x, y) => x[0] - y[0]);
  let base = 0;
  for (const [lo, hi] of banned) {
    if (lo > base) break;
    if (hi >= base) base = Math.ceil((hi + 1) / a) * a;
  }
  return base;
}

/**
 * Places every block in `method`'s order (fixed blocks first, at their fixed base), each at its hint
 * when `hints` and that is free, else at lowestBase. Returns each buffer's offset and the peak (max
 * offset + size).
 */
export function placeBlocks(problem: Problem, method: BlockMethod, hints = true, blocks: Block[] = blocksOf(problem)): { offsets: number[]; peak: number } {
  const keys: BlockKey[] = blocks.map((b, index) => ({
    index,
    height: b.height,
    area: b.rects.reduce((s, r) => s + (r.end - r.start) * (r.hi - r.lo), 0),
    first: b.rects.reduce((m, r) => Math.min(m, r.start), Infinity),
  }));
  const order = [...keys].sort(BLOCK_ORDERS[method]).map((k) => k.index);
  const fixedFirst = [...order.filter((i) => blocks[i]!.fixed !== undefined), ...order.filter((i) => blocks[i]!.fixed === undefined)];
  const placed: Placed[] = [];
  const offsets = new Array<number>(problem.buffers.length).fill(0);
  let peak = 0;
  for (const i of fixedFirst) {
    const block = blocks[i]!;
    const base = block.fixed ?? lowestBase(block, placed, hints ? block.hint : undefined);
    for (const r of block.rects) placed.push({ start: r.start, end: r.end, lo: base + r.lo, hi: base + r.hi });
    for (const m of block.members) {
      offsets[m.index] = base + m.delta;
      peak = Math.max(peak, base + m.delta + problem.buffers[m.index]!.size);
    }
  }
  return { offsets, peak };
}

/**
 * Each block as one plain buffer: its height in bytes over every step any member is live, its alignment,
 * fixed base and hint. A plan of this problem is a plan of the blocks (each block's bytes lie inside its
 * rectangle), so every plain method — the WASM heuristics, the local search, the exact search, splitting
 * in time — can plan problems with gaps and aliases, gaps unused; what it proves is about the rectangles,
 * not the blocks.
 */
export function envelopeOf(problem: Problem, blocks: readonly Block[]): Problem {
  const bs = problem.buffers;
  return {
    buffers: blocks.map((block) => {
      const b: Buffer = {
        id: bs[block.root]!.id,
        size: block.height,
        start: Math.min(...block.members.map((m) => bs[m.index]!.start)),
        end: Math.max(...block.members.map((m) => bs[m.index]!.end)),
      };
      if (block.align !== 1) b.align = block.align;
      if (block.fixed !== undefined) b.offset = block.fixed;
      if (block.hint !== undefined) b.hint = block.hint;
      return b;
    }),
    ...(problem.capacity !== undefined ? { capacity: problem.capacity } : {}),
  };
}

/** Every buffer's offset from the bases of its blocks (`bases[k]`: block k's), and the peak. */
export function fromBases(problem: Problem, blocks: readonly Block[], bases: readonly number[]): { offsets: number[]; peak: number } {
  const offsets = new Array<number>(problem.buffers.length).fill(0);
  let peak = 0;
  blocks.forEach((block, k) => {
    for (const m of block.members) {
      offsets[m.index] = bases[k]! + m.delta;
      peak = Math.max(peak, offsets[m.index]! + problem.buffers[m.index]!.size);
    }
  });
  return { offsets, peak };
}

/** What the block heuristics found on a problem with gaps or aliases, for solve() to finish and label. */
export interface BlocksOutcome {
  best: { offsets: number[]; peak: number; method: string };
  methods: { method: string; peak: number; timeMs: number }[];
  notes: string[];
}

/**
 * The block heuristics on a problem with gaps or aliases: each one (hints tried first), the lowest peak
 * kept, the first on ties. `now` reads the clock for the methods' times; once `passed()` the methods after
 * the first are left out (each is O(n^2) in rectangles).
 */
export function solveBlocks(problem: Problem, blocks: Block[], now: () => number, passed: () => boolean = () => false): BlocksOutcome {
  const methods: BlocksOutcome['methods'] = [];
  let best: BlocksOutcome['best'] | undefined;
  const notes: string[] = [];
  for (const method of Object.keys(BLOCK_ORDERS) as BlockMethod[]) {
    if (best !== undefined && passed()) {
      notes.push(`${method} left out: the time limit was reached`);
      continue;
    }
    const t = now();
    const res = placeBlocks(problem, method, true, blocks);
    methods.push({ method, peak: res.peak, timeMs: now() - t });
    if (best === undefined || res.peak < best.peak) best = { ...res, method };
  }
  return { best: best!, methods, notes };
}
