import { alignUp } from '../format/bytes.js';
import type { ImportedModel } from '../import/model.js';
import { TFLM_ALIGNMENT } from '../runtime/tflm/allocation.js';
import { calledSubgraphBases } from '../runtime/tflm/subgraph-layout.js';
import type { Memory, Plan } from '../problem/types.js';

/** Alignment of each subgraph's base in a model-wide plan (TFLM's buffer alignment). */
export const SUBGRAPH_ALIGN = TFLM_ALIGNMENT;

/**
 * Where each subgraph's plan starts in one arena when the subgraphs are stacked (subgraph k after
 * the peaks of subgraphs 0..k-1, each base aligned to 16): no subgraph ever overlaps another. The
 * layout of models without control-flow calls (modelArena), and of the DDR arena after spilling.
 * One subgraph: base 0.
 */
export function subgraphBases(plans: readonly Pick<Plan, 'peak'>[]): number[] {
  const bases: number[] = [];
  let next = 0;
  for (const p of plans) {
    bases.push(next);
    next = alignUp(next + p.peak, SUBGRAPH_ALIGN);
  }
  return bases;
}

/** Bytes of the stacked arena (subgraphBases): the end of the last subgraph's plan. */
export function modelArenaSize(plans: readonly Pick<Plan, 'peak'>[]): number {
  const bases = subgraphBases(plans);
  return plans.length === 0 ? 0 : bases[plans.length - 1]! + plans[plans.length - 1]!.peak;
}

/** A subgraph's plan as the tensor maps read it: after spilling, `spill.memory` says which arena each buffer is in. */
type TensorPlan = Pick<Plan, 'offsets' | 'peak'> & { spill?: { memory: readonly Memory[]; ddrPeak: number } };

/**
 * The model's one on-chip arena: each subgraph's base (bytes), the arena's size (the highest
 * base + peak) and how the subgraphs were laid out. A model whose operators run subgraphs (TFLite IF, WHILE, CALL_ONCE) has them laid
 * out as TFLM's lifetimes allow (src/runtime/tflm/subgraph-layout.ts: a subgraph run once sits right
 * above what its caller has live at the calling step); otherwise the subgraphs are stacked
 * (subgraphBases).
 */
export function modelArena(model: ImportedModel, plans: readonly TensorPlan[]): { bases: number[]; size: number; layout: 'stacked' | 'by calls' } {
  const called = calledSubgraphBases(model, plans);
  const bases = called ?? subgraphBases(plans);
  return { bases, size: plans.reduce((top, p, s) => Math.max(top, bases[s]! + p.peak), 0), layout: called ? 'by calls' : 'stacked' };
}

/**
 * With a capacity: whether every subgraph's plan fits it and so does the model's arena (modelArena;
 * without `model`, the stacked one; `whole`, when given, instead: a TFLite model's whole TFLM arena,
 * head + tail estimate, src/runtime/tflm/arena.ts TflmArena.total); the CLI exits 3 when not.
 * Undefined without a capacity.
 */
export function arenaFits(plans: readonly (TensorPlan & { fits?: boolean })[], capacity: number | undefined, model?: ImportedModel, whole?: number): boolean | undefined {
  if (capacity === undefined) return undefined;
  const size = whole ?? (model !== undefined ? modelArena(model, plans).size : modelArenaSize(plans));
  return size <= capacity && plans.every((p) => p.fits !== false);
}

/** The DDR arena's bytes of each subgraph's plan (0 when nothing spilled), to stack like the on-chip arena. */
export const ddrPeaks = (plans: readonly TensorPlan[]): Pick<Plan, 'peak'>[] => plans.map((p) => ({ peak: p.spill?.ddrPeak ?? 0 }));

function offsetsIn(model: ImportedModel, plans: readonly TensorPlan[], memory: Memory): number[][] {
  if (plans.length !== model.subgraphs.length) throw new Error(`${plans.length} plans for ${model.subgraphs.length} subgraphs`);
  const bases = memory === 'chip' ? modelArena(model, plans).bases : subgraphBases(ddrPeaks(plans));
  return model.subgraphs.map((sg, s) => {
    const out = new Array<number>(sg.tensorCount).fill(-1);
    const plan = plans[s]!;
    // Tensors the model's own offline plan places (kept) keep its offsets, model-wide as stored.
    if (memory === 'chip') for (const t of sg.tensors ?? []) if (t.fixedOffset !== undefined) out[t.index] = t.fixedOffset;
    sg.tensorsOf.forEach((tensors, b) => {
      if ((plan.spill?.memory[b] ?? 'chip') !== memory) return;
      for (const t of tensors) {
        if (sg.tensors?.[t]?.kind === 'constant') continue;
        out[t] = bases[s]! + plan.offsets[b]!;
      }
    });
    return out;
  });
}

/**
 * The arena offset of every tensor of every subgraph (subgraph base from modelArena + its buffer's offset; tensors
 * sharing a buffer get the same offset), or -1 where the runtime places the tensor itself:
 * constants (even when planned with --include-weights) and tensors not planned, and -1 too for tensors
 * spilled to DDR (see ddrTensorOffsets). Tensors a kept offline plan places (ModelTensor.fixedOffset)
 * keep that offset.
 */
export function tensorOffsets(model: ImportedModel, plans: readonly TensorPlan[]): number[][] {
  return offsetsIn(model, plans, 'chip');
}

/**
 * After spilling: the offset of every tensor spilled to DDR in the model-wide DDR arena (each
 * subgraph's DDR arena stacked like the on-chip one), -1 for every other tensor.
 */
export function ddrTensorOffsets(model: ImportedModel, plans: readonly TensorPlan[]): number[][] {
  return offsetsIn(model, plans, 'ddr');
}
