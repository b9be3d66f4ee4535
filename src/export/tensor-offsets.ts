import { alignUp } from '../format/bytes.js';
import type { ImportedModel, ModelSubgraph } from '../import/model.js';
import { TFLM_ALIGNMENT } from '../runtime/tflm/allocation.js';
import { calledSubgraphBases } from '../runtime/tflm/subgraph-layout.js';
import type { Buffer, Memory, Plan } from '../problem/types.js';
import { OFFLINE_PLAN_ID } from '../graph/problem.js';

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

/**
 * The offsets the model's own offline plan gives, where it is kept (ModelTensor.fixedOffset: bytes,
 * model-wide as stored), per subgraph and tensor; -1 for every other tensor. Where tensorOffsets starts,
 * and what `convert` writes of a kept plan before anything is planned.
 */
export function keptOffsets(model: Pick<ImportedModel, 'subgraphs'>): number[][] {
  return model.subgraphs.map((sg) => {
    const out = new Array<number>(sg.tensorCount).fill(-1);
    for (const t of sg.tensors ?? []) if (t.fixedOffset !== undefined) out[t.index] = t.fixedOffset;
    return out;
  });
}

function offsetsIn(model: ImportedModel, plans: readonly TensorPlan[], memory: Memory): number[][] {
  if (plans.length !== model.subgraphs.length) throw new Error(`${plans.length} plans for ${model.subgraphs.length} subgraphs`);
  const bases = memory === 'chip' ? modelArena(model, plans).bases : subgraphBases(ddrPeaks(plans));
  // Tensors the model's own offline plan places (kept) keep its offsets, model-wide as stored.
  const kept = memory === 'chip' ? keptOffsets(model) : undefined;
  return model.subgraphs.map((sg, s) => {
    const out = kept?.[s] ?? new Array<number>(sg.tensorCount).fill(-1);
    const plan = plans[s]!;
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

/** One tensor as the device gets it: where the header's `_OFFSET` / `_DDR_OFFSET` macro and the offline plan put it. */
export interface TensorPlacement {
  /** The tensor's index in its subgraph. */
  tensor: number;
  /** Its name in the model ('' when it has none). */
  name: string;
  /** Its bytes as the model stores them, when known. */
  size?: number;
  /** Bytes from the start of the model's arena in `memory` (subgraph base included: model-wide, as the header and the offline plan give it). */
  offset: number;
  /** `chip`, or `ddr` after spilling (the DDR arena's offset, ddrTensorOffsets). */
  memory: Memory;
  /** The offset is the model's own offline plan's, kept (ModelTensor.fixedOffset), not one arenapack planned. */
  kept: boolean;
}

/**
 * Every tensor the device places, per subgraph in tensor order: the one table the C header, the JSON
 * (`tensorOffsets`) and the CSV's kept rows are written from. `offsets` = tensorOffsets(model, plans);
 * `ddr` = ddrTensorOffsets(model, plans) after spilling. A tensor with -1 in both (constants, tensors
 * not planned) is left out.
 */
export function tensorPlacements(model: ImportedModel, offsets: readonly (readonly number[])[], ddr?: readonly (readonly number[])[]): TensorPlacement[][] {
  return model.subgraphs.map((sg, s) => {
    const out: TensorPlacement[] = [];
    offsets[s]!.forEach((chip, t) => {
      const far = ddr?.[s]?.[t] ?? -1;
      if (chip < 0 && far < 0) return;
      const tensor = sg.tensors?.[t];
      const p: TensorPlacement = { tensor: t, name: tensor?.name ?? '', offset: chip >= 0 ? chip : far, memory: chip >= 0 ? 'chip' : 'ddr', kept: chip >= 0 && tensor?.fixedOffset !== undefined };
      if (tensor?.bytes !== undefined) p.size = tensor.bytes;
      out.push(p);
    });
    return out;
  });
}

/** tensorPlacements of a model's plans: `offsets` on chip (default tensorOffsets), and the DDR offsets when any subgraph spilled. */
export function modelPlacements(model: ImportedModel, plans: readonly TensorPlan[], offsets: readonly (readonly number[])[] = tensorOffsets(model, plans)): TensorPlacement[][] {
  return tensorPlacements(model, offsets, plans.some((p) => p.spill !== undefined) ? ddrTensorOffsets(model, plans) : undefined);
}

/**
 * The tensors a kept offline plan places in `sg` (the `kept` rows of its tensorPlacements), as rows
 * for a CSV beside the reserved block: each buffer `id` = the tensor's index, its stored bytes, its
 * live range (the whole run where it has none), tied to the block (`aliasOf` OFFLINE_PLAN_ID,
 * `aliasOffset` = its offset: the block is at 0 in subgraph 0, whose base is 0), so that the file
 * reads back as the problem with the kept tensors inside the block (Vela's may overlap: aliases of one
 * block may share bytes). Empty for a subgraph without the block (the block is only in subgraph 0).
 */
export function keptBuffers(sg: Pick<ModelSubgraph, 'problem' | 'tensors'>, placements: readonly TensorPlacement[]): Buffer[] {
  const block = sg.problem.buffers.find((b) => b.id === OFFLINE_PLAN_ID);
  if (block === undefined) return [];
  return placements
    .filter((t) => t.kept)
    .map((t) => {
      const tensor = sg.tensors?.[t.tensor];
      return { id: String(t.tensor), size: t.size ?? 0, start: tensor?.start ?? block.start, end: tensor?.end ?? block.end, aliasOf: OFFLINE_PLAN_ID, aliasOffset: t.offset };
    });
}
