/**
 * The operator graph the scheduler works on: which operators create and use which tensors, and the
 * facts that fix a tensor's life whatever the order. Live-ness follows the importer's conventions
 * (src/import/tflite/lifetimes.ts): a tensor is live at the step of operator v when it exists (it is
 * live from the start, or one of its creators ran at or before v) and is still needed (it lives to
 * the end, or one of its users runs at or after v). Units: bytes.
 */
import type { Bytes } from '../problem/types.js';

/** One tensor whose live range depends on the order (bytes that never move are in `base`). */
export interface OrderTensor {
  /** Bytes, as the importer sizes the tensor (its buffer's size). */
  size: Bytes;
  /** Operators that bring it to life: its producer, or the operator it is an intermediate of. */
  creators: number[];
  /** Operators during whose step it must be live: its readers and its creators. */
  users: number[];
  /** Operators that read it (a subset of users), for `shares`. */
  readers: number[];
  /** Live from step 0 (a graph input, or read although nothing writes it). */
  fromStart: boolean;
  /** Live to the end of the run (a graph output). */
  toEnd: boolean;
}

/** A shape-only operator whose output shares its input's memory when it is the input's last reader. */
export interface ShareRule {
  op: number;
  /** The input tensor (index into `tensors`). */
  from: number;
  /** The output tensor (index into `tensors`), of the same size. */
  to: number;
}

export interface OpGraph {
  /** Operators are 0..opCount-1, numbered as stored. */
  opCount: number;
  tensors: OrderTensor[];
  /** Bytes live at every step whatever the order (variables, prepared tensors, weights, inputs that are outputs). */
  base: Bytes;
  /** Bytes live at step 0 only (graph inputs nothing reads). */
  firstStep: Bytes;
  /** preds[v]: operators that must run before v (data and the relative order of pinned operators). */
  preds: number[][];
  shares: ShareRule[];
  /** Operators kept in their relative order (side effects, variables, custom operators, control flow). */
  pinned: number[];
}
