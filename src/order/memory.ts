/** The bytes live at each step of a part's order, and the live bound of a whole order. */
import type { Bytes } from '../problem/types.js';
import type { OpGraph } from './graph.js';
import { buildPart, type Part } from './part.js';

/**
 * Running a part's operators one by one: `step(v)` says the bytes live while local operator v runs,
 * `run(v)` runs it. Each costs the degree of v.
 */
export class PartRunner {
  /** Bytes live between steps (after the operators run so far). */
  resident: Bytes;
  readonly done: Uint8Array;
  private readonly created: Uint8Array;
  private readonly usersLeft: Int32Array;
  private ran = 0;

  constructor(private readonly part: Part) {
    this.resident = part.start;
    this.done = new Uint8Array(part.ops.length);
    this.created = new Uint8Array(part.tensors.length);
    this.usersLeft = Int32Array.from(part.tensors, (t) => t.users.length);
  }

  /** Bytes the step of v adds to `resident`: the tensors it brings to life, less what it shares. */
  allocated(v: number): Bytes {
    const p = this.part;
    let add = this.ran === 0 ? p.first : 0;
    for (const t of p.creates[v]!) if (this.created[t] === 0) add += p.tensors[t]!.size;
    const x = p.share[v]!;
    if (x >= 0 && p.shareReaders[v]!.every((r) => this.done[r] === 1)) add -= p.tensors[x]!.size;
    return add;
  }

  /** Bytes live while v runs. */
  step(v: number): Bytes {
    return this.resident + this.allocated(v);
  }

  /** How `resident` changes when v runs: bytes brought to life less bytes that die. */
  net(v: number): Bytes {
    const p = this.part;
    let sum = 0;
    for (const t of p.creates[v]!) if (this.created[t] === 0) sum += p.tensors[t]!.size;
    for (const t of p.frees[v]!) if (this.usersLeft[t] === 1) sum -= p.tensors[t]!.size;
    return sum;
  }

  /** Runs v; returns the bytes live during its step. */
  run(v: number): Bytes {
    const p = this.part;
    const live = this.step(v);
    for (const t of p.creates[v]!) {
      if (this.created[t] === 0) {
        this.created[t] = 1;
        this.resident += p.tensors[t]!.size;
      }
    }
    for (const t of p.frees[v]!) if (--this.usersLeft[t]! === 0) this.resident -= p.tensors[t]!.size;
    this.done[v] = 1;
    this.ran++;
    return live;
  }
}

/** Bytes live at each step of a part run in `order` (local operators). */
export function partSteps(part: Part, order: readonly number[]): Bytes[] {
  const r = new PartRunner(part);
  return order.map((v) => r.run(v));
}

/** The live bound of a part's order: the most bytes live at one of its steps. */
export function partPeak(part: Part, order: readonly number[]): Bytes {
  let peak = 0;
  for (const b of partSteps(part, order)) if (b > peak) peak = b;
  return peak;
}

/** The whole graph as one part. */
export function wholePart(g: OpGraph): Part {
  return buildPart(g, Array.from({ length: g.opCount }, (_, i) => i), new Uint8Array(g.opCount), true);
}

/** The live bound of the graph run in `order` (operator indices), by the importer's conventions. */
export function orderBound(g: OpGraph, order: readonly number[]): Bytes {
  if (g.opCount === 0) return g.base + g.firstStep;
  return partPeak(wholePart(g), order);
}
