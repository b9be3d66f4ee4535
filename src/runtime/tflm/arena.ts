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
 *   quantization parameters and kernels' own data (per-channel multipliers, op data). arenapack
 *   gives no figure for it: it depends on every kernel's persistent allocations and on the target's
 *   pointer size, and an estimate from the structs per tensor and operator was 2-10x low on the
 *   corpus (~17x for quantized convolutions; npm run bench -- tflm prints the tail measured on the
 *   host). kTensorArenaSize = head + the tail measured on the target.
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

/**
 * What arenapack knows of the arena a user types in as TFLM's kTensorArenaSize: the head, checked
 * against the runtime (test/runtime/tflm.test.ts), and the variables, a part of the tail. The rest of
 * the tail is the runtime's to measure (see the module comment): no total is given.
 */
export interface TflmArena {
  /** The planned head TFLM will use (tensors rounded to 16, and kernel scratch when known), bytes. */
  head: number;
  /** Variables in the tail (each rounded to 16; those the offline plan places are in the head), bytes. */
  variables: number;
}

/**
 * The arena parts of a planned model (see TflmArena). `headWithScratch`: the head TFLM's planner
 * reaches with the kernels' scratch placed around the tensors (model-head.ts), when known.
 */
export function tflmArena(model: ImportedModel, offsets: readonly (readonly number[])[], headWithScratch?: number): TflmArena {
  return { head: Math.max(plannedHead(model, offsets), headWithScratch ?? 0), variables: variableBytes(model, offsets) };
}

/** How the tail is had, for the report and the header: measured on the target, after AllocateTensors(). */
export const TAIL_TO_MEASURE =
  "TFLM's tail (persistent: the variables, its structs per tensor and operator, kernels' own data such as per-channel quantization) " +
  'is not estimated: measure it on the target after AllocateTensors() (arena_used_bytes() minus the head, or the tail RecordingMicroInterpreter prints)';

