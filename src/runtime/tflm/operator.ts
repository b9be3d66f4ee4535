import type { OperatorOptions } from '../../import/tflite/builtin-options.js';

/**
 * What a TFLM kernel sees of one operator when it sizes its scratch buffers in Prepare: its type,
 * its options and its tensors' element types and shapes (the stored shapes, as TFLM allocates them).
 */

/** A tensor as a kernel's Prepare sees it. */
export interface KernelTensor {
  /** TensorType code (schema.fbs). */
  type: number;
  /** Dimensions as the runtime allocates them. */
  shape: readonly number[];
}

/** One operator as its kernel's Prepare sees it. */
export interface KernelOperator {
  /** The builtin operator code (32 = CUSTOM). */
  builtin: number;
  /** The custom operator's name (CUSTOM only). */
  custom?: string;
  options: OperatorOptions;
  /** Inputs in order; undefined where the model leaves an optional input out (-1). */
  inputs: readonly (KernelTensor | undefined)[];
  outputs: readonly KernelTensor[];
  /**
   * Bytes of a pointer on the machine the kernels run on (sizeof(T*)): 8 on the x86-64 host runtime
   * (TFLM's Python interpreter), 4 on a 32-bit target such as Cortex-M. Kernels that keep arrays of
   * pointers in scratch (ADD_N) size them by it.
   */
  pointerBytes: number;
  /** The file and place, for error messages ("subgraph 0, operator 3 (SVDF)"). */
  file: string;
  where: string;
}

/** sizeof(T*) on the x86-64 host runtime TFLM's Python interpreter runs, the one heads are checked in. */
export const HOST_POINTER_BYTES = 8;

/** sizeof(T*) on a 32-bit target (Cortex-M, most MCUs). */
export const TARGET32_POINTER_BYTES = 4;

/** One `RequestScratchBufferInArena` call: bytes asked for, and what the kernel uses them for. */
export interface ScratchRequest {
  /** Bytes requested (TFLM rounds each up to 16 in the arena). */
  bytes: number;
  /** What the buffer holds, after the kernel's own name for it. */
  label: string;
}

/**
 * A kernel library's scratch rule for one operator: the requests in the order its Prepare makes
 * them, [] when it asks for none, or undefined when the library has no known rule (custom
 * operators it does not ship). Throws InputError when the tensors contradict the kernel's checks.
 */
export type ScratchRule = (op: KernelOperator) => ScratchRequest[] | undefined;

/** Product of the dimensions (1 for a scalar). */
export function elements(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}
