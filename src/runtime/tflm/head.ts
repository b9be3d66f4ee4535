import { typeCode } from '../../import/tflite/tensor-size.js';
import { tflmAllocation, type PlannedScratch } from './allocation.js';
import type { TflmGraph } from './graph.js';

import { cmsisNnScratch } from './cmsis-nn-scratch.js';
import { greedyPlan } from './greedy-planner.js';
import { HOST_POINTER_BYTES, type KernelOperator, type ScratchRequest, type ScratchRule } from './operator.js';
import { referenceScratch } from './reference-scratch.js';

/**
 * The head TFLM will use for a model: its kernels' scratch requests (per kernel library) placed
 * online by TFLM's greedy planner around the tensors (offline-planned or not).
 */

/** The kernel library whose scratch sizes are assumed: TFLM's reference kernels, or CMSIS-NN's. */
export type KernelLibrary = 'reference' | 'cmsis-nn';

export const KERNEL_RULES: Readonly<Record<KernelLibrary, ScratchRule>> = {
  reference: referenceScratch,
  'cmsis-nn': cmsisNnScratch,
};

/** One operator's scratch requests. */
export interface OperatorScratch {
  subgraph: number;
  operator: number;
  /** The operator's type: its builtin name ("SVDF") or the custom name. */
  type: string;
  requests: ScratchRequest[];
}

/** A model's scratch under one kernel library. */
export interface ModelScratch {
  kernels: KernelLibrary;
  /** Operators that request scratch, in TFLM's Prepare order (subgraph, then operator). */
  operators: OperatorScratch[];
  /** Operators whose scratch is unknown (custom operators without a rule): planned as none. */
  unknown: { subgraph: number; operator: number; type: string }[];
}

/** The requests as the planner takes them, in TFLM's request order. */
export function plannedScratch(scratch: ModelScratch): PlannedScratch[] {
  return scratch.operators.flatMap((o) => o.requests.map((r) => ({ subgraph: o.subgraph, operator: o.operator, bytes: r.bytes })));
}

/**
 * Every operator's scratch requests under `kernels`, for a machine whose pointers are `pointerBytes`
 * wide (default: the x86-64 host runtime's 8, which the heads are checked against; a 32-bit target's
 * are 4, see operator.ts). Operators are numbered by their position in `model` (the step they run at).
 */
export function modelScratch(model: TflmGraph, kernels: KernelLibrary = 'reference', pointerBytes = HOST_POINTER_BYTES): ModelScratch {
  const rule = KERNEL_RULES[kernels];
  const out: ModelScratch = { kernels, operators: [], unknown: [] };
  model.subgraphs.forEach((sg, s) => {
    const tensor = (t: number): KernelOperator['outputs'][number] => ({ type: typeCode(sg.tensors[t]!.type), shape: sg.tensors[t]!.shape });
    sg.operators.forEach((op, i) => {
      const k: KernelOperator = {
        builtin: op.builtin ?? -1,
        options: op.options ?? { builtinType: 0 },
        inputs: op.inputs.map((t) => (t >= 0 ? tensor(t) : undefined)),
        outputs: op.outputs.map(tensor),
        pointerBytes,
        file: model.file,
        where: `subgraph ${s}, operator ${i} (${op.type})`,
      };
      if (op.custom === true) k.custom = op.type;
      const requests = rule(k);
      if (requests === undefined) out.unknown.push({ subgraph: s, operator: i, type: op.type });
      else if (requests.length > 0) out.operators.push({ subgraph: s, operator: i, type: op.type, requests });
    });
  });
  return out;
}

/** Where TFLM puts the scratch and the head it needs. */
export interface TflmHead {
  /** Bytes of the head's planned part: max(offset + size) over tensors and scratch. */
  head: number;
  /** The top of the tensors alone (offline or planned). */
  tensorTop: number;
  /** Offsets of the scratch requests, in plannedScratch() order. */
  scratchOffsets: number[];
}

/**
 * Simulates TFLM's planning of `model`: tensors at `offline(s, t)` where it gives an offset (the
 * offline plan), the others and every scratch buffer placed by the greedy planner; the subgraphs
 * control-flow operators run are read from the model graph (GraphOperator.calls).
 */
export function tflmHead(model: TflmGraph, scratch: ModelScratch, offline?: (subgraph: number, tensor: number) => number | undefined): TflmHead {
  const alloc = tflmAllocation(model, plannedScratch(scratch), offline);
  const plan = greedyPlan(alloc.buffers);
  let tensorTop = 0;
  const scratchOffsets: number[] = [];
  alloc.sources.forEach((src, i) => {
    if (src.kind === 'scratch') scratchOffsets.push(plan.offsets[i]!);
    else tensorTop = Math.max(tensorTop, plan.offsets[i]! + alloc.buffers[i]!.size);
  });
  return { head: plan.size, tensorTop, scratchOffsets };
}
