/**
 * Live ranges from the model graph, whatever the format: when each tensor is written and read in a
 * given operator order, and the range [start, end) in steps that follows. The readers decide what a
 * tensor is (constant, variable, prepared...); these rules decide when a tensor that moves with the
 * order is live. Steps: operator order[k] runs at step k.
 */
import type { GraphOperator } from './types.js';

/** The operator fields the steps follow (a TFLite operator as read has them too). */
export type SteppedOperator = Pick<GraphOperator, 'inputs' | 'outputs' | 'intermediates'> & Partial<Pick<GraphOperator, 'implicitInputs' | 'folded'>>;

/** When one tensor is touched, in steps. */
export interface TensorSteps {
  /** Step of the first operator that writes it. */
  producer?: number;
  /** Step of a later operator that writes it again (a tensor has one producer; variables excepted). */
  rewriter?: number;
  /** Steps of the first and the last operator that read it while the run goes (a folded operator reads nothing). */
  firstRead?: number;
  lastRead?: number;
  /** Step of the (first) operator it is an intermediate of. */
  internal?: number;
}

/**
 * For each of `tensorCount` tensors, the steps that write, read and hold it, operator `order[k]` at
 * step k (default: operator k). Reads are `inputs` and `implicitInputs` (-1 = left out).
 */
export function tensorSteps(operators: readonly SteppedOperator[], tensorCount: number, order?: readonly number[]): TensorSteps[] {
  const steps: TensorSteps[] = Array.from({ length: tensorCount }, () => ({}));
  for (let k = 0; k < operators.length; k++) {
    const op = operators[order === undefined ? k : order[k]!]!;
    if (op.folded !== true) {
      for (const t of [...op.inputs, ...(op.implicitInputs ?? [])]) {
        if (t < 0) continue;
        const s = steps[t]!;
        s.firstRead ??= k;
        s.lastRead = k;
      }
    }
    for (const t of op.outputs) {
      if (t < 0) continue;
      const s = steps[t]!;
      if (s.producer === undefined) s.producer = k;
      else s.rewriter ??= k;
    }
    for (const t of op.intermediates) steps[t]!.internal ??= k;
  }
  return steps;
}

/**
 * The live range of a tensor that moves with the order, in a run of `stepCount` steps: from its
 * producer's step (or the step of the operator it is internal to, whichever is first), from step 0
 * for a graph input or a tensor read although nothing writes it; to the step after its last reader
 * (at least one step, and past its producer and its operator), to the end for a graph output.
 */
export function liveRange(s: TensorSteps, isInput: boolean, isOutput: boolean, stepCount: number): { start: number; end: number } {
  const unwritten = s.producer === undefined && s.internal === undefined;
  const start = isInput || unwritten ? 0 : Math.min(s.producer ?? stepCount, s.internal ?? stepCount);
  const end = isOutput ? stepCount : Math.max(start + 1, (s.lastRead ?? -1) + 1, (s.producer ?? -1) + 1, (s.internal ?? -1) + 1);
  return { start, end };
}
