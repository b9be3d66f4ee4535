/**
 * Heuristics for problems with gaps or aliases (issue #14): each block — a root with its aliases, its
 * bytes cut by their gaps (src/problem/relative.ts) — is placed as one rigid shape, in a chosen order,
 * at its hint when that is free, else at the lowest aligned base where none of its rectangles meets a
 * rectangle placed before it. Plain TypeScript: the WASM engine knows buffers as single rectangles.
 * Deterministic: same problem, same plan.
 */
import { blocksOf, type Block } from '../problem/relative.js';
import type { Bytes, Problem } from '../problem/types.js';

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

/** What the block heuristics found on a problem with gaps or aliases, for solve() to finish and label. */
export interface BlocksOutcome {
  best: { offsets: number[]; peak: number; method: string };
  methods: { method: string; peak: number; timeMs: number }[];
  notes: string[];
}

/**
 * The portfolio on a problem with gaps or aliases: every block heuristic (hints tried first), the
 * lowest peak kept, the first on ties. The WASM heuristics, the local search and the exact search do
 * not take blocks, so they are left out and a note says so; solve() then labels the plan against the
 * live bound of live bytes (optimal only when it meets it). `now` reads the clock for the methods' times;
 * once `passed()` the methods after the first are left out (each is O(n^2) in rectangles).
 */
export function solveBlocks(problem: Problem, now: () => number, passed: () => boolean = () => false): BlocksOutcome {
  const blocks = blocksOf(problem);
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
  notes.unshift(
    'gaps or aliases: planned by the block heuristics (each root with its aliases placed as one shape); the WASM heuristics, the local search and the exact search do not take them yet, so the status rests on the live bound of live bytes',
  );
  return { best: best!, methods, notes };
}
