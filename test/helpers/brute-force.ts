import type { MemoryTier, Problem } from '../../src/problem/types.js';

/**
 * The minimum peak of a small problem, by trying every order of the movable buffers and putting
 * each at the lowest aligned offset free of the buffers before it. Exact: taking the buffers of an
 * optimal plan by increasing offset, this rule never puts one higher than that plan did.
 * Written apart from the engine on purpose (plain pairwise checks, no shared code).
 */
export function bruteForceMinPeak(problem: Problem): number {
  const bs = problem.buffers;
  const fixed = bs.map((b, i) => i).filter((i) => bs[i]!.offset !== undefined);
  const movable = bs.map((b, i) => i).filter((i) => bs[i]!.offset === undefined);
  if (movable.length > 8) throw new Error('brute force is for 8 movable buffers at most');
  const overlaps = (i: number, j: number): boolean => bs[i]!.start < bs[j]!.end && bs[j]!.start < bs[i]!.end;
  let best = Infinity;
  const offsets = new Array<number>(bs.length).fill(0);
  for (const i of fixed) offsets[i] = bs[i]!.offset!;
  const fixedTop = Math.max(0, ...fixed.map((i) => bs[i]!.offset! + bs[i]!.size));

  const lowest = (b: number, placed: number[]): number => {
    const a = bs[b]!.align ?? 1;
    // Candidates: 0 and the top of every placed buffer, aligned up; the lowest that is free wins.
    const cands = [0, ...placed.map((c) => offsets[c]! + bs[c]!.size)].map((o) => Math.ceil(o / a) * a).sort((x, y) => x - y);
    for (const o of cands) {
      if (placed.every((c) => !overlaps(b, c) || o + bs[b]!.size <= offsets[c]! || offsets[c]! + bs[c]!.size <= o)) return o;
    }
    throw new Error('unreachable: the top of all placed buffers is always free');
  };

  const permute = (rest: number[], placed: number[], peak: number): void => {
    if (peak >= best) return;
    if (rest.length === 0) {
      best = peak;
      return;
    }
    for (let k = 0; k < rest.length; k++) {
      const b = rest[k]!;
      offsets[b] = lowest(b, placed);
      permute([...rest.slice(0, k), ...rest.slice(k + 1)], [...placed, b], Math.max(peak, offsets[b]! + bs[b]!.size));
    }
  };
  permute(movable, fixed, fixedTop);
  return best;
}

/**
 * The minimum total slot size (assign) of a small problem with no fixed offsets, by trying every
 * partition of the buffers into groups that never live together; a group costs its largest size.
 */
export function bruteForceMinSlots(problem: Problem): number {
  const bs = problem.buffers;
  if (bs.length > 9) throw new Error('brute force is for 9 buffers at most');
  const overlaps = (i: number, j: number): boolean => bs[i]!.start < bs[j]!.end && bs[j]!.start < bs[i]!.end;
  let best = Infinity;
  const groups: number[][] = [];
  const walk = (i: number, cost: number): void => {
    if (cost >= best) return;
    if (i === bs.length) {
      best = cost;
      return;
    }
    for (const g of groups) {
      if (g.some((j) => overlaps(i, j))) continue;
      const before = Math.max(...g.map((j) => bs[j]!.size));
      g.push(i);
      walk(i + 1, cost + Math.max(0, bs[i]!.size - before));
      g.pop();
    }
    groups.push([i]);
    walk(i + 1, cost + bs[i]!.size);
    groups.pop();
  };
  walk(0, 0);
  return best;
}

/** Knapsack by brute force: the most weight kept such that the kept live bytes fit at every step. */
export function bruteForceFit(problem: Problem, capacity: number): number {
  const bs = problem.buffers;
  if (bs.length > 14) throw new Error('brute force is for 14 buffers at most');
  const steps = [...new Set(bs.map((b) => b.start))];
  let best = -1;
  for (let mask = 0; mask < 1 << bs.length; mask++) {
    if (bs.some((b, i) => b.spillable === false && !(mask & (1 << i)))) continue;
    const fits = steps.every((t) => bs.reduce((s, b, i) => s + (mask & (1 << i) && b.start <= t && t < b.end ? b.size : 0), 0) <= capacity);
    if (!fits) continue;
    const w = bs.reduce((s, b, i) => s + (mask & (1 << i) ? (b.weight ?? b.size) : 0), 0);
    if (w > best) best = w;
  }
  return best;
}

/**
 * The least traffic cost over every assignment of buffers to memories whose every memory's set places
 * within its capacity (by bruteForceMinPeak: every order, lowest offset), or Infinity when none does.
 * Written apart from the engine: its own allowed-memory rule and cost.
 */
export function bruteForceTiers(problem: Problem, memories: readonly MemoryTier[]): number {
  const bs = problem.buffers;
  const n = bs.length;
  const k = memories.length;
  // A read-only memory (flash) holds only the buffers that name it, and has no arena: only their total counts.
  const may = (i: number, m: number): boolean =>
    (memories[m]!.readOnly === true ? bs[i]!.memories?.includes(memories[m]!.name) === true : bs[i]!.memories === undefined || bs[i]!.memories!.includes(memories[m]!.name)) &&
    (m === 0 || (bs[i]!.spillable !== false && bs[i]!.offset === undefined));
  const assignments: { memory: number[]; cost: number }[] = [];
  for (let code = 0; code < k ** n; code++) {
    const memory = bs.map((_, i) => Math.floor(code / k ** i) % k);
    if (memory.some((m, i) => !may(i, m))) continue;
    assignments.push({ memory, cost: memory.reduce((s, m, i) => s + (bs[i]!.weight ?? bs[i]!.size) * memories[m]!.cost, 0) });
  }
  assignments.sort((a, b) => a.cost - b.cost);
  const memo = new Map<string, boolean>();
  const places = (m: number, idx: number[]): boolean => {
    const cap = memories[m]!.capacity;
    if (cap === undefined || idx.length === 0) return true;
    if (memories[m]!.readOnly === true) return idx.reduce((s, i) => s + bs[i]!.size, 0) <= cap;
    const key = `${m}:${idx.join(',')}`;
    let ok = memo.get(key);
    if (ok === undefined) {
      const a = memories[m]!.align ?? 1;
      ok = bruteForceMinPeak({ buffers: idx.map((i) => ({ ...bs[i]!, align: Math.max(a, bs[i]!.align ?? 1) })) }) <= cap;
      memo.set(key, ok);
    }
    return ok;
  };
  for (const { memory, cost } of assignments) {
    if (memories.every((_, m) => places(m, memory.flatMap((x, i) => (x === m ? [i] : []))))) return cost;
  }
  return Infinity;
}
