import type { ImportedModel } from '../../import/model.js';
import { tflmAligned } from './allocation.js';


/**
 * The arena TensorFlow Lite Micro needs for a plan, in its two sections
 * (tensorflow/lite/micro/micro_allocator.cc, micro_arena_constants.h, memory_planner/):
 * - the **head** (non-persistent, planned): every tensor TFLM plans gets its size rounded up to
 *   MicroArenaBufferAlignment() = 16 bytes (allocation_info.cc: AlignSizeUp of the tensor's bytes)
 *   and the head is the highest offset + rounded size (greedy_memory_planner.cc:
 *   GetMaximumMemorySize). Kernel scratch placed online around the plan may raise it (src/runtime
 *   computes that where it knows the kernels' requests).
 * - the **tail** (persistent): variables (each rounded to 16), per-tensor and per-operator structs,
 *   quantization parameters and kernels' own data; its size depends on the target's pointer size,
 *   so arenapack can only estimate it.
 */


/**
 * The head TFLM allocates for the planned tensors of `model` placed at `offsets` (the model-wide
 * offsets of tensorOffsets(): per subgraph, per tensor, -1 = not planned): the highest offset + size
 * rounded up to 16, over every planned tensor. Bytes; 0 when nothing is planned.
 */
export function plannedHead(model: ImportedModel, offsets: readonly (readonly number[])[]): number {
  let head = 0;
  model.subgraphs.forEach((sg, s) => {
    for (const t of sg.tensors ?? []) {
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
    if (offsets === undefined || sg.tensors === undefined) return a + (sg.variableBytes ?? 0);
    return a + sg.tensors.filter((t) => t.kind === 'variable' && (offsets[s]?.[t.index] ?? -1) < 0).reduce((b, t) => b + tflmAligned(t.bytes ?? 0), 0);
  }, 0);
}

/** A target's pointer size: TFLM's tail structs grow with it. */
export type PointerBits = 32 | 64;

/**
 * Sizes of TFLM's per-object tail structs (bytes), as the recording allocator reports them on an
 * x86-64 host: TfLiteEvalTensor 24 per tensor, NodeAndRegistration 64 per operator, a TfLiteTensor
 * 64 per graph input/output (persistent copies the interpreter keeps), 16 of quantization data per
 * such tensor and a fixed part (allocator, subgraph and model structs). On a 32-bit target the
 * pointers inside halve: TfLiteEvalTensor 12, NodeAndRegistration 36, TfLiteTensor 48.
 */
const STRUCTS: Record<PointerBits, { evalTensor: number; node: number; ioTensor: number; fixed: number }> = {
  64: { evalTensor: 24, node: 64, ioTensor: 80, fixed: 512 },
  32: { evalTensor: 12, node: 36, ioTensor: 64, fixed: 256 },
};

/**
 * An estimate of TFLM's tail (persistent section) for `model`, bytes: the variables, one
 * TfLiteEvalTensor per tensor, one NodeAndRegistration per operator, the persistent TfLiteTensors
 * of graph inputs and outputs, and a fixed part. Kernels' own persistent data (per-channel
 * quantization multipliers of convolutions, lookup tables) is not counted, so the estimate is low for
 * quantized models: measure it on the host (npm run bench -- tflm) where the figure matters.
 * `offsets` as in variableBytes: variables the offline plan places are in the head, not here.
 */
export function tailEstimate(model: ImportedModel, bits: PointerBits = 32, offsets?: readonly (readonly number[])[]): number {
  const k = STRUCTS[bits];
  let bytes = k.fixed + variableBytes(model, offsets);
  for (const sg of model.subgraphs) {
    const io = (sg.tensors ?? []).filter((t) => t.kind === 'input' || t.kind === 'output').length;
    bytes += tflmAligned(sg.tensorCount * k.evalTensor) + tflmAligned(sg.operatorCount * k.node) + io * k.ioTensor;
  }
  return tflmAligned(bytes);
}

/** What a user types in as TFLM's arena (kTensorArenaSize), in parts. */
export interface TflmArena {
  /** The planned head TFLM will use (tensors rounded to 16), bytes. */
  head: number;
  /** Variables in the tail (each rounded to 16; those the offline plan places are in the head), bytes. */
  variables: number;
  /** Estimate of the rest of the tail for a 32-bit target (structs per tensor and operator), bytes. */
  tailEstimate: number;
  /** head + tailEstimate (which includes the variables): the arena to give TFLM, an estimate. */
  total: number;
}

/**
 * The arena parts of a planned model (see TflmArena). `headWithScratch`: the head TFLM's planner
 * reaches with the kernels' scratch placed around the tensors (model-head.ts), when known.
 */
export function tflmArena(model: ImportedModel, offsets: readonly (readonly number[])[], headWithScratch?: number): TflmArena {
  const head = Math.max(plannedHead(model, offsets), headWithScratch ?? 0);
  const tail = tailEstimate(model, 32, offsets);
  return { head, variables: variableBytes(model, offsets), tailEstimate: tail, total: head + tail };
}

