/**
 * Kernel scratch under a capacity: TFLM places each scratch buffer a kernel requests
 * (RequestScratchBufferInArena) in the head at run time, beside the planned tensors, so the on-chip
 * bytes a TFLite model needs are the head WITH its scratch, not the tensors' top. This module gives
 * the spill phase (src/plan-model.ts) what it needs to judge and plan that: the model's scratch, the
 * head TFLM's planner reaches around a plan (tflmHead), and a subgraph's problem with its scratch
 * added as buffers that may not spill (the head must hold them), cut back to the tensors afterwards.
 */
import { tensorOffsets } from '../../export/tensor-offsets.js';
import type { ImportedModel } from '../../import/model.js';
import type { Problem } from '../../problem/types.js';
import { verifySpilledPlan } from '../../problem/verify.js';
import type { PlanResult } from '../../solve/spill.js';
import { tflmGraph, type TflmGraph } from './graph.js';
import { modelScratch, tflmHead, type KernelLibrary, type ModelScratch } from './head.js';
import { withScratchBuffers } from './shape-plan.js';
import { plural } from '../../format/plural.js';

/** A TFLite model's kernel scratch and the graph TFLM runs (operators in the planned order). */
export interface ScratchRoom {
  graph: TflmGraph;
  scratch: ModelScratch;
}

/**
 * The scratch `kernels` request for `model` (a TFLite model, its subgraphs in the order planned:
 * ModelSubgraph.order), or undefined when it is not TFLite or no operator requests scratch.
 */
export function scratchRoom(model: ImportedModel, kernels: KernelLibrary = 'reference'): ScratchRoom | undefined {
  if (model.format !== 'tflite') return undefined;
  const graph = tflmGraph(model, model.subgraphs.map((sg) => sg.order));
  const scratch = modelScratch(graph, kernels);
  return scratch.operators.length > 0 ? { graph, scratch } : undefined;
}

/**
 * The head (bytes) TFLM's planner reaches with the tensors at the offsets of `plans` (one per
 * subgraph, as the exporter lays them out: tensorOffsets; after spilling, the on-chip ones) and every scratch buffer placed online
 * around them (tflmHead, micro_allocator.cc / greedy_memory_planner.cc).
 */
export function headWithScratch(model: ImportedModel, room: ScratchRoom, plans: Parameters<typeof tensorOffsets>[1]): number {
  const table = tensorOffsets(model, plans);
  return tflmHead(room.graph, room.scratch, (s, t) => {
    const at = table[s]?.[t];
    return at !== undefined && at >= 0 ? at : undefined;
  }).head;
}

/**
 * Subgraph `s`'s problem with one buffer per scratch request of its operators (shape-plan.ts
 * withScratchBuffers: each rounded up to 16, live at its operator's step), each with
 * `spillable: false`: scratch is in the head or nowhere. The tensors keep their indices (the added
 * buffers come after them). `problem` itself when its operators request none.
 */
export function withPinnedScratch(problem: Problem, s: number, room: ScratchRoom): Problem {
  const added = withScratchBuffers(problem, s, room.scratch);
  if (added === problem) return problem;
  const n = problem.buffers.length;
  return { ...added, buffers: added.buffers.map((b, i) => (i < n ? b : { ...b, spillable: false })) };
}

/**
 * A spilled plan of `withPinnedScratch(problem, ...)` cut back to `problem`'s buffers (the tensors):
 * their offsets and memories; its `peak` stays the on-chip arena's top WITH the scratch kept there
 * (the room the head needs; the subgraphs above stack on it), and a note says so. Verified against
 * `problem` (verifySpilledPlan: each arena valid, the chip part within the capacity and under the
 * peak); throws Error when it is not.
 */
export function tensorsOfSpilled(problem: Problem, withScratch: Problem, plan: PlanResult): PlanResult {
  const n = problem.buffers.length;
  if (plan.spill === undefined || withScratch === problem) return plan;
  const offsets = plan.offsets.slice(0, n);
  const memory = plan.spill.memory.slice(0, n);
  const check = verifySpilledPlan(problem, memory, offsets, plan.spill.capacity);
  if (!check.valid || check.peak > plan.peak) {
    throw new Error(`internal error: the spilled plan cut back to the tensors is invalid:\n  ${[...check.errors, `on-chip top ${check.peak} above the arena ${plan.peak}`].join('\n  ')}`);
  }
  const scratch = withScratch.buffers.slice(n);
  const bytes = scratch.reduce((a, b) => a + b.size, 0);
  const note =
    `spill: the on-chip arena keeps room for the kernels' scratch: ${plural(scratch.length, 'request')}, ${bytes} B (each rounded up to 16), ` +
    `never spilled, at their operators' steps (the on-chip arena with it: ${plan.peak} B; the tensors alone: ${check.peak} B); ` +
    `the plan of every buffer on chip above holds the scratch too`;
  return { ...plan, offsets, spill: { ...plan.spill, memory }, notes: [...(plan.notes ?? []), note] };
}
