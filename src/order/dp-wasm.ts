/**
 * The dynamic program of dp.ts run in WebAssembly (assembly/order-dp.ts): the same states in the same
 * order, so the same order, peak, completeness and state count, several times faster. dp.ts stays the
 * reference (the tests compare the two). The part is written into WASM memory once per call, into an
 * engine instance kept for ordering alone.
 */
import { Engine } from '../solve/wasm/engine.js';
import { dpOrder, type DpOptions, type DpResult } from './dp.js';
import type { Part } from './part.js';

let engine: Engine | undefined;

/** Appends lists as CSR: offsets (length + 1), then the entries. */
function pushCsr(out: number[], lists: readonly (readonly number[])[]): void {
  let at = 0;
  out.push(0);
  for (const l of lists) out.push((at += l.length));
  for (const l of lists) for (const x of l) out.push(x);
}

/** The part as assembly/order-dp.ts reads it. */
export function encodePart(part: Part): { ints: Int32Array; sizes: Float64Array } {
  const ints: number[] = [part.ops.length, part.tensors.length];
  pushCsr(ints, part.preds);
  pushCsr(ints, part.creates);
  pushCsr(ints, part.frees);
  pushCsr(ints, part.tensors.map((t) => t.creators));
  pushCsr(ints, part.tensors.map((t) => t.users));
  for (const x of part.share) ints.push(x);
  pushCsr(ints, part.shareReaders);
  return { ints: Int32Array.from(ints), sizes: Float64Array.from(part.tensors, (t) => t.size) };
}

/** dpOrder (dp.ts) in WebAssembly; falls back to dp.ts when WASM memory runs out. */
export function dpOrderWasm(part: Part, options: DpOptions): DpResult {
  const { ints, sizes } = encodePart(part);
  engine ??= new Engine();
  let r;
  try {
    r = engine.orderDp({ ints, sizes, ops: part.ops.length, start: part.start, first: part.first, upper: options.upper, maxStates: options.maxStates });
  } catch (e) {
    if (!(e instanceof Error) || !/out of memory/.test(e.message)) throw e;
    // Out of WASM memory (this engine's own; the next call starts afresh on a new one).
    engine = undefined;
    return dpOrder(part, options);
  }
  return r.order === undefined ? { complete: r.complete, peak: r.peak, states: r.states } : { complete: r.complete, order: r.order, peak: r.peak, states: r.states };
}
