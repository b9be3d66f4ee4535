/**
 * The exact order of a part by dynamic programming over its downsets (SERENITY, MLSys 2020): a state
 * is the set of operators run so far; the bytes live between steps depend on that set alone, so the
 * best peak of reaching it is all a state needs. States are expanded layer by layer (by how many
 * operators have run), equal sets merged, those whose peak already reaches `upper` dropped.
 */
import type { Bytes } from '../problem/types.js';
import type { Part } from './part.js';

export interface DpOptions {
  /** Distinct states the search may create before it gives up. */
  maxStates: number;
  /** Only orders with a peak below this are sought (the best order known so far). */
  upper: Bytes;
}

export interface DpResult {
  /** complete: the search finished; then `order` is the best order below `upper`, or absent when none is. */
  complete: boolean;
  order?: number[];
  peak: Bytes;
  /** Distinct states created. */
  states: number;
}

interface State {
  bits: Uint32Array;
  /** Best peak over the steps run so far. */
  peak: Bytes;
  /** Bytes live between steps after this set has run. */
  resident: Bytes;
  prev: State | undefined;
  /** The operator run last (local index). */
  op: number;
}

const has = (bits: Uint32Array, v: number): boolean => (bits[v >>> 5]! & (1 << (v & 31))) !== 0;

function keyOf(bits: Uint32Array): string {
  let s = '';
  for (const w of bits) s += String.fromCharCode(w & 0xffff, w >>> 16);
  return s;
}

/**
 * One rule keeps the search small and exact: when a ready operator raises neither the peak so far
 * nor the bytes resident after it, some best order runs it next, so it is the only child.
 */
export function dpOrder(part: Part, options: DpOptions): DpResult {
  const m = part.ops.length;
  const words = (m + 31) >>> 5;
  const { tensors, creates, frees, share, shareReaders, preds } = part;
  let states = 1;
  let layer: State[] = [{ bits: new Uint32Array(words), peak: 0, resident: part.start, prev: undefined, op: -1 }];
  const ready: number[] = [];
  const steps: number[] = [];
  const nets: number[] = [];
  for (let k = 0; k < m; k++) {
    const next = new Map<string, State>();
    for (const s of layer) {
      const bits = s.bits;
      ready.length = 0;
      steps.length = 0;
      nets.length = 0;
      let forced = -1;
      for (let v = 0; v < m; v++) {
        if (has(bits, v) || !preds[v]!.every((p) => has(bits, p))) continue;
        let add = k === 0 ? part.first : 0;
        let net = 0;
        for (const t of creates[v]!) {
          if (!tensors[t]!.creators.some((c) => has(bits, c))) {
            add += tensors[t]!.size;
            net += tensors[t]!.size;
          }
        }
        for (const t of frees[v]!) if (tensors[t]!.users.every((u) => u === v || has(bits, u))) net -= tensors[t]!.size;
        const x = share[v]!;
        if (x >= 0 && shareReaders[v]!.every((r) => has(bits, r))) add -= tensors[x]!.size;
        const step = s.resident + add;
        ready.push(v);
        steps.push(step);
        nets.push(net);
        if (forced < 0 && net <= 0 && step <= s.peak) forced = ready.length - 1;
      }
      const from = forced >= 0 ? forced : 0;
      const to = forced >= 0 ? forced + 1 : ready.length;
      for (let i = from; i < to; i++) {
        const v = ready[i]!;
        const peak = Math.max(s.peak, steps[i]!);
        if (peak >= options.upper) continue;
        const child = new Uint32Array(bits);
        child[v >>> 5]! |= 1 << (v & 31);
        const key = keyOf(child);
        const old = next.get(key);
        if (old === undefined) {
          if (++states > options.maxStates) return { complete: false, peak: options.upper, states };
          next.set(key, { bits: child, peak, resident: s.resident + nets[i]!, prev: s, op: v });
        } else if (peak < old.peak) {
          old.peak = peak;
          old.prev = s;
          old.op = v;
        }
      }
    }
    layer = [...next.values()];
    if (layer.length === 0) return { complete: true, peak: options.upper, states };
  }
  const end = layer[0]!;
  const order: number[] = [];
  for (let s: State | undefined = end; s !== undefined && s.op >= 0; s = s.prev) order.push(s.op);
  return { complete: true, order: order.reverse(), peak: end.peak, states };
}
