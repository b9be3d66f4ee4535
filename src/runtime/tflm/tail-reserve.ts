import type { ImportedModel } from '../../import/model.js';
import { variableBytes, type PointerBits, type TflmArenaOptions } from './arena.js';
import { tflmGraph } from './graph.js';
import { modelScratch, type KernelLibrary } from './head.js';
import { tailEstimate, type TailEstimate } from './tail.js';

/** What the tail estimate of a model not yet planned depends on. */
export interface TailReserveOptions {
  /** The target's pointer size (--pointer-bits; default 32). */
  pointerBits?: PointerBits;
  /** The kernel library whose scratch requests take a handle each in the tail (--kernels; default reference). */
  kernels?: KernelLibrary;
}

/** TFLM's tail estimate for a TFLite model, known before its plan, and the tflmArena options that give the same tail. */
export interface TailReserve {
  /** The tail estimate (tail.ts), bytes in `tail.bytes`. */
  tail: TailEstimate;
  /** For tflmArena: the scratch requests and pointer size this tail was estimated with (no head with scratch). */
  arena: TflmArenaOptions;
}

/**
 * TFLM's persistent tail for a TFLite model, before any plan: the capacity a user gives holds the
 * whole TensorFlow Lite Micro arena, the planned head AND this tail (micro_allocator.cc allocates the
 * tail from the arena's end, beside the head), so a plan spilled to fit a capacity C must keep its
 * on-chip head within C - tail. The same estimate as the report's (tflmArena): tail.ts for the
 * pointer size, one scratch-buffer handle per request of the kernels (modelScratch; the requests do
 * not depend on the plan), and the variables the model's own offline plan does not place (they go
 * to the tail; the ones it places stay in the head: variableBytes). A variable is never planned by
 * arenapack (src/graph/problem.ts), so the plan does not move it between head and tail.
 */
export function tflmTailReserve(model: ImportedModel, options: TailReserveOptions = {}): TailReserve {
  const pointerBits = options.pointerBits ?? 32;
  const orders = model.subgraphs.map((sg) => sg.order);
  const scratch = modelScratch(tflmGraph(model, orders), options.kernels ?? 'reference');
  const scratchRequests = scratch.operators.reduce((n, o) => n + o.requests.length, 0);
  // Only the offsets of the model's own offline plan (fixedOffset) decide where a variable lives.
  const fixed = model.subgraphs.map((sg) => {
    const out = new Array<number>(sg.tensorCount).fill(-1);
    for (const t of sg.tensors) if (t.fixedOffset !== undefined) out[t.index] = t.fixedOffset;
    return out;
  });
  const tail = tailEstimate(model, pointerBits, variableBytes(model, fixed), scratchRequests);
  return { tail, arena: { pointerBits, scratchRequests } };
}
