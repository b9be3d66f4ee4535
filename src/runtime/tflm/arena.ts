import type { ImportedModel } from '../../import/model.js';
import { tflmAligned } from './allocation.js';
import { tailEstimate, type PointerBits, type TailEstimate } from './tail.js';

export type { PointerBits } from './tail.js';


/**
 * The arena TensorFlow Lite Micro needs for a plan, in its two sections
 * (tensorflow/lite/micro/micro_allocator.cc, micro_arena_constants.h, memory_planner/):
 * - the **head** (non-persistent, planned): every tensor TFLM plans gets its size rounded up to
 *   MicroArenaBufferAlignment() = 16 bytes (allocation_info.cc: AlignSizeUp of the tensor's bytes)
 *   and the head is the highest offset + rounded size (greedy_memory_planner.cc:
 *   GetMaximumMemorySize). Kernel scratch placed online around the plan may raise it (src/runtime
 *   computes that where it knows the kernels' requests).
 * - the **tail** (persistent): variables (each rounded to 16), per-tensor and per-operator structs,
 *   quantization parameters and kernels' own data (per-channel multipliers, op data). arenapack
 *   estimates it (tail.ts) for a pointer size: the structs from TFLM's sources, the kernels' data
 *   calibrated on the host. The estimate is checked against the tail TFLM reports on the host
 *   (test/runtime/tflm.test.ts; npm run bench -- tflm prints both), not on a 32-bit target, so
 *   kTensorArenaSize = head + tail is an ESTIMATE, the head exact.
 */


/**
 * The head TFLM allocates for the planned tensors of `model` placed at `offsets` (the model-wide
 * offsets of tensorOffsets(): per subgraph, per tensor, -1 = not planned): the highest offset + size
 * rounded up to 16, over every planned tensor. Bytes; 0 when nothing is planned.
 */
export function plannedHead(model: ImportedModel, offsets: readonly (readonly number[])[]): number {
  let head = 0;
  model.subgraphs.forEach((sg, s) => {
    for (const t of sg.tensors) {
      const o = offsets[s]?.[t.index] ?? -1;
      if (o >= 0 && t.bytes !== undefined) head = Math.max(head, o + tflmAligned(t.bytes));
    }
  });
  return head;
}

/**
 * Bytes of the variable tensors of every subgraph in TFLM's tail, each rounded up to 16. With
 * `offsets` (as in plannedHead), a variable the offline plan places (offset >= 0, e.g. a kept
 * offline plan's: ModelTensor.fixedOffset) lives in the head instead and is not counted
 * (micro_allocator.cc AllocateVariables: only variables without an offline offset go to the
 * persistent tail).
 */
export function variableBytes(model: ImportedModel, offsets?: readonly (readonly number[])[]): number {
  return model.subgraphs.reduce((a, sg, s) => {
    if (offsets === undefined) return a + (sg.variableBytes ?? 0);
    return a + sg.tensors.filter((t) => t.kind === 'variable' && (offsets[s]?.[t.index] ?? -1) < 0).reduce((b, t) => b + tflmAligned(t.bytes ?? 0), 0);
  }, 0);
}

/** What tflmArena needs beyond the model and its offsets. */
export interface TflmArenaOptions {
  /** The head TFLM's planner reaches with the kernels' scratch placed around the tensors (model-head.ts), when known. */
  headWithScratch?: number;
  /** How many kernel scratch buffers the kernels request (a handle each in the tail), when known. */
  scratchRequests?: number;
  /** The target's pointer size for the tail estimate (default 32: a microcontroller). */
  pointerBits?: PointerBits;
}

/**
 * The arena a user types in as TFLM's kTensorArenaSize: the head, exact and checked against the
 * runtime (test/runtime/tflm.test.ts), the variables (a part of the tail), the tail ESTIMATE
 * (tail.ts: checked against the host's measured tail, 64-bit) and their sum.
 */
export interface TflmArena {
  /** The planned head TFLM will use (tensors rounded to 16, and kernel scratch when known), bytes. */
  head: number;
  /** Variables in the tail (each rounded to 16; those the offline plan places are in the head), bytes. */
  variables: number;
  /** The tail estimate (variables included) for `tail.pointerBits`; a lower bound when `tail.unknown` is not empty. */
  tail: TailEstimate;
  /** head + tail.bytes: the kTensorArenaSize to give TFLM, an ESTIMATE (a lower bound when tail.unknown is not empty). */
  total: number;
}

/** The arena parts of a planned model (see TflmArena and TflmArenaOptions). */
export function tflmArena(model: ImportedModel, offsets: readonly (readonly number[])[], options: TflmArenaOptions = {}): TflmArena {
  const head = Math.max(plannedHead(model, offsets), options.headWithScratch ?? 0);
  const variables = variableBytes(model, offsets);
  const tail = tailEstimate(model, options.pointerBits ?? 32, variables, options.scratchRequests ?? 0);
  return { head, variables, tail, total: head + tail.bytes };
}

/**
 * The options for tflmArena from what planForTflm found (its head with the kernels' scratch and the
 * number of scratch requests), when it ran, and the pointer size asked for (default 32).
 */
export function tflmArenaOptions(tflm: { head: number; scratch: { operators: readonly { requests: readonly unknown[] }[] } } | undefined, pointerBits: PointerBits = 32): TflmArenaOptions {
  if (tflm === undefined) return { pointerBits };
  return { headWithScratch: tflm.head, scratchRequests: tflm.scratch.operators.reduce((n, o) => n + o.requests.length, 0), pointerBits };
}

/** How the estimate is labelled in the report and the header. */
export function tailLabel(tail: TailEstimate): string {
  const what = `ESTIMATE for a ${tail.pointerBits}-bit target (TFLM's structs, the reference kernels' data, the variables; checked against the tail TFLM reports on a 64-bit host; measure arena_used_bytes() on the target to be sure)`;
  return tail.unknown.length > 0 ? `${what}; a LOWER BOUND: no rule for ${tail.unknown.join(', ')} (their kernels' data not counted)` : what;
}
