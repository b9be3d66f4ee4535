/** A greedy order of a part: at each step, the ready operator that allocates the least net of what it frees. */
import { PartRunner } from './memory.js';
import type { Part } from './part.js';

/**
 * Runs the part greedily: among the operators whose predecessors have run, the one with the least
 * (bytes allocated - bytes freed), then the fewest bytes live during its step, then the lowest local
 * index (deterministic). Returns a local order.
 */
export function greedyOrder(part: Part): number[] {
  const m = part.ops.length;
  const waiting = part.preds.map((p) => p.length);
  const succs: number[][] = part.ops.map(() => []);
  part.preds.forEach((ps, v) => ps.forEach((p) => succs[p]!.push(v)));
  const ready: number[] = [];
  waiting.forEach((w, v) => w === 0 && ready.push(v));
  const r = new PartRunner(part);
  const order: number[] = [];
  while (order.length < m) {
    let best = -1;
    let bestNet = Infinity;
    let bestStep = Infinity;
    for (const v of ready) {
      const net = r.net(v);
      const step = r.step(v);
      if (net < bestNet || (net === bestNet && (step < bestStep || (step === bestStep && v < best)))) {
        best = v;
        bestNet = net;
        bestStep = step;
      }
    }
    if (best < 0) throw new Error('greedyOrder: the part has a cycle');
    ready.splice(ready.indexOf(best), 1);
    r.run(best);
    order.push(best);
    for (const s of succs[best]!) if (--waiting[s]! === 0) ready.push(s);
  }
  return order;
}
