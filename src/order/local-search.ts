/** Hill climbing over a part's order: move one operator within the window its dependencies allow. */
import { partSteps } from './memory.js';
import type { Part } from './part.js';

/** What an order costs: its peak first, then the sum of bytes live over its steps (to leave plateaus). */
function cost(part: Part, order: readonly number[]): [number, number] {
  const steps = partSteps(part, order);
  let peak = 0;
  let sum = 0;
  for (const b of steps) {
    if (b > peak) peak = b;
    sum += b;
  }
  return [peak, sum];
}

const better = (a: [number, number], b: [number, number]): boolean => a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);

/**
 * Improves `start` (a local order) by moving single operators earlier or later, keeping a move when
 * it lowers (peak, sum of live bytes); at most `maxEvals` orders are evaluated. Deterministic.
 */
export function localSearch(part: Part, start: readonly number[], maxEvals: number): number[] {
  const m = part.ops.length;
  let order = [...start];
  let best = cost(part, order);
  let evals = 1;
  const succs: number[][] = part.ops.map(() => []);
  part.preds.forEach((ps, v) => ps.forEach((p) => succs[p]!.push(v)));
  const pos = new Array<number>(m);
  let improved = true;
  while (improved && evals < maxEvals) {
    improved = false;
    order.forEach((u, k) => (pos[u] = k));
    for (let i = 0; i < m && evals < maxEvals; i++) {
      const v = order[i]!;
      let lo = 0;
      let hi = m - 1;
      for (const p of part.preds[v]!) lo = Math.max(lo, pos[p]! + 1);
      for (const s of succs[v]!) hi = Math.min(hi, pos[s]! - 1);
      for (let j = lo; j <= hi && evals < maxEvals; j++) {
        if (j === i) continue;
        const next = [...order];
        next.splice(i, 1);
        next.splice(j, 0, v);
        const c = cost(part, next);
        evals++;
        if (better(c, best)) {
          order = next;
          best = c;
          improved = true;
          order.forEach((u, k) => (pos[u] = k));
          break;
        }
      }
    }
  }
  return order;
}
