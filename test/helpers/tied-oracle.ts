import { InputError } from '../../src/problem/errors.js';
import type { Buffer, Problem } from '../../src/problem/types.js';
import { validateProblem } from '../../src/problem/validate.js';
import { rng } from './problems.js';

/**
 * Oracles for problems with gaps and aliases, written apart from src/ on purpose (a grid of steps x
 * bytes, no shared code): who holds which byte at which step, whether a plan is valid, and the minimum
 * peak of a tiny problem by trying every offset of every root.
 */

/** The root of b's chain of aliases, and b's offset from it. */
function rootOf(bs: readonly Buffer[], i: number): { root: number; delta: number } {
  let delta = 0;
  let j = i;
  while (bs[j]!.aliasOf !== undefined) {
    delta += bs[j]!.aliasOffset ?? 0;
    j = bs.findIndex((c) => c.id === bs[j]!.aliasOf);
  }
  return { root: j, delta };
}

/** Whether buffer b holds byte x of itself (0 <= x < size) at step t. */
function holds(b: Buffer, t: number, x: number): boolean {
  if (t < b.start || t >= b.end) return false;
  const g = (b.gaps ?? []).find((g) => g.start <= t && t < g.end);
  if (g === undefined) return true;
  return g.window !== undefined && g.window.lo <= x && x < g.window.hi;
}

/** Whether `offsets` is a valid plan: aligned, fixed kept, aliases in place, no byte held by two groups at once. */
export function gridValid(problem: Problem, offsets: readonly number[]): boolean {
  const bs = problem.buffers;
  const owner = new Map<string, number>();
  for (let i = 0; i < bs.length; i++) {
    const b = bs[i]!;
    const o = offsets[i]!;
    if (o < 0 || o % (b.align ?? 1) !== 0) return false;
    if (b.offset !== undefined && o !== b.offset) return false;
    const { root, delta } = rootOf(bs, i);
    if (o !== offsets[root]! + delta) return false;
    for (let t = b.start; t < b.end; t++) {
      for (let x = 0; x < b.size; x++) {
        if (!holds(b, t, x)) continue;
        const key = `${t}:${o + x}`;
        const prev = owner.get(key);
        if (prev !== undefined && prev !== root) return false;
        owner.set(key, root);
      }
    }
  }
  return true;
}

/** The most bytes held at one step (an alias's bytes counted once with its root's), by the grid. */
export function gridLiveBound(problem: Problem, offsets: readonly number[]): number {
  const bs = problem.buffers;
  const cells = new Set<string>();
  let best = 0;
  const steps = new Set(bs.flatMap((b) => Array.from({ length: b.end - b.start }, (_, k) => b.start + k)));
  for (const t of steps) {
    cells.clear();
    bs.forEach((b, i) => {
      for (let x = 0; x < b.size; x++) if (holds(b, t, x)) cells.add(`${offsets[i]! + x}`);
    });
    best = Math.max(best, cells.size);
  }
  return best;
}

/**
 * The minimum peak of a tiny problem: every root at every aligned offset up to the sum of the sizes
 * (stacking every block is always valid, so the optimum is below that), aliases following their roots.
 */
export function bruteForceTiedMinPeak(problem: Problem): number {
  const bs = problem.buffers;
  const roots = bs.map((_, i) => i).filter((i) => bs[i]!.aliasOf === undefined);
  if (roots.length > 4) throw new Error('brute force is for 4 roots at most');
  const limit = bs.reduce((s, b) => s + b.size + (b.align ?? 1), 0);
  const base = new Map<number, number>();
  let best = Infinity;
  const offsetsNow = (): number[] => bs.map((_, i) => {
    const { root, delta } = rootOf(bs, i);
    return base.get(root)! + delta;
  });
  const walk = (k: number): void => {
    if (k === roots.length) {
      const offsets = offsetsNow();
      const peak = Math.max(...bs.map((b, i) => offsets[i]! + b.size));
      if (peak < best && gridValid(problem, offsets)) best = peak;
      return;
    }
    const r = roots[k]!;
    const fixed = bs[r]!.offset;
    for (let o = fixed ?? 0; o <= (fixed ?? limit); o++) {
      if (o + bs[r]!.size >= best) break;
      base.set(r, o);
      walk(k + 1);
    }
  };
  walk(0);
  return best;
}

/** A tiny random problem with gaps (some with windows), aliases and alignments; valid or not. */
export function randomTied(seed: number, n = 4, maxRoots = 3): Problem {
  const r = rng(seed);
  const int = (lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
  const buffers: Buffer[] = [];
  let roots = 0;
  for (let i = 0; i < n; i++) {
    const start = int(0, 4);
    const b: Buffer = { id: `b${i}`, start, end: start + int(1, 4), size: int(1, 3) };
    if (r() < 0.2) b.align = 2;
    const targets = buffers.filter((c) => c.size >= b.size);
    if (targets.length > 0 && (roots >= maxRoots || r() < 0.35)) {
      const t = targets[int(0, targets.length - 1)]!;
      b.aliasOf = t.id;
      b.aliasOffset = int(0, t.size - b.size);
    } else {
      if (roots >= maxRoots) continue;
      roots++;
    }
    if (b.end - b.start >= 2 && r() < 0.5) {
      const gs = int(b.start, b.end - 2) + 1;
      const gap: NonNullable<Buffer['gaps']>[number] = { start: gs, end: int(gs + 1, b.end) };
      if (b.size >= 2 && r() < 0.4) gap.window = { lo: 0, hi: int(1, b.size - 1) };
      b.gaps = [gap];
    }
    buffers.push(b);
  }
  return { buffers };
}

/** The seeds whose problem is valid, up to `count` of them. */
export function validTied(count: number, n = 4, maxRoots = 3): Problem[] {
  const out: Problem[] = [];
  for (let seed = 1; out.length < count && seed < 50 * count; seed++) {
    const p = randomTied(seed, n, maxRoots);
    try {
      validateProblem(p);
      out.push(p);
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
    }
  }
  return out;
}


/**
 * The least traffic cost of a tiny problem with gaps or aliases over memory tiers: every assignment of
 * roots to memories (each alias in its root's memory), cheapest first, the first whose every bounded
 * memory holds its buffers (bruteForceTiedMinPeak, with the memory's alignment) within its capacity.
 * A buffer may use a memory its `memories` names (all when absent); `spillable: false` or a fixed
 * offset: only the first. Infinity when none places.
 */
export function bruteForceTiedTiers(problem: Problem, memories: readonly { name: string; capacity?: number; align?: number; cost: number }[]): number {
  const bs = problem.buffers;
  const roots = bs.map((_, i) => i).filter((i) => bs[i]!.aliasOf === undefined);
  const rootIndex = bs.map((_, i) => roots.indexOf(rootOf(bs, i).root));
  const k = memories.length;
  const may = (i: number, m: number): boolean =>
    (bs[i]!.memories === undefined || bs[i]!.memories!.includes(memories[m]!.name)) && (m === 0 || (bs[i]!.spillable !== false && bs[i]!.offset === undefined));
  const choices: { memory: number[]; cost: number }[] = [];
  for (let code = 0; code < k ** roots.length; code++) {
    const memory = bs.map((_, i) => Math.floor(code / k ** rootIndex[i]!) % k);
    if (memory.some((m, i) => !may(i, m))) continue;
    choices.push({ memory, cost: memory.reduce((s, m, i) => s + (bs[i]!.weight ?? bs[i]!.size) * memories[m]!.cost, 0) });
  }
  choices.sort((a, b) => a.cost - b.cost);
  const places = (m: number, idx: number[]): boolean => {
    const mem = memories[m]!;
    if (idx.length === 0) return true;
    const a = mem.align ?? 1;
    const peak = bruteForceTiedMinPeak({ buffers: idx.map((i) => ({ ...bs[i]!, align: Math.max(a, bs[i]!.align ?? 1) })) });
    return mem.capacity === undefined ? peak < Infinity : peak <= mem.capacity;
  };
  for (const { memory, cost } of choices) {
    if (memories.every((_, m) => places(m, memory.flatMap((x, i) => (x === m ? [i] : []))))) return cost;
  }
  return Infinity;
}

/**
 * A tiny random problem shaped like in-place operators: `roots` chains, each a run of buffers of one
 * size where each link starts at the step its predecessor's last reader runs (end - 1) and aliases it at
 * offset 0; plus plain buffers. Every block is a rectangle.
 */
export function inplaceChains(seed: number, roots = 3, plain = 1): Problem {
  const r = rng(seed);
  const int = (lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
  const buffers: Buffer[] = [];
  for (let k = 0; k < roots; k++) {
    const size = int(1, 4);
    let start = int(0, 3);
    let prev: string | undefined;
    const links = int(1, 3);
    for (let j = 0; j < links; j++) {
      const end = start + int(1, 3);
      const b: Buffer = { id: `c${k}_${j}`, size, start, end };
      if (prev !== undefined) b.aliasOf = prev;
      buffers.push(b);
      prev = b.id;
      start = end - 1;
    }
  }
  for (let k = 0; k < plain; k++) {
    const start = int(0, 5);
    buffers.push({ id: `p${k}`, size: int(1, 4), start, end: start + int(1, 3) });
  }
  return { buffers };
}
