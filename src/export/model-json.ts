import { operatorAtStep } from './labels.js';
import { OFFLINE_PLAN_ID } from '../graph/problem.js';
import { arenaFits, ddrPeaks, modelArena, modelArenaSize, modelPlacements, subgraphBases, tensorOffsets, type TensorPlacement } from './tensor-offsets.js';
import type { ImportedModel, ModelSubgraph } from '../import/model.js';
import type { PlanResult } from '../solve/spill.js';
import type { Memory } from '../problem/types.js';
import { planToJson, type PlanJson } from './plan-json.js';
import { tflmArena, type TflmArena, type TflmArenaOptions } from '../runtime/tflm/arena.js';
import { tflmDefaultName } from './model-report.js';

/** A planned buffer with the tensors in it: `id` = the owner tensor's index (as a string), `name` its name. */
export interface ModelBufferJson {
  id: string;
  name: string;
  offset: number;
  size: number;
  start: number;
  end: number;
  /** Every tensor living in this buffer (the owner first; more than one when shape-only ops share it). */
  tensors: number[];
  /** With a capacity: `chip`, or `ddr` when spilled (`offset` is within that memory's arena). */
  memory?: Memory;
}

/**
 * A tensor the device places, as the C header's macro and the written offline plan give it (one table:
 * tensor-offsets.ts tensorPlacements): its index in the subgraph, name, stored bytes, offset (bytes from
 * the start of the model's arena in `memory`, the subgraph's base included), and `kept` when the offset
 * is the model's own offline plan's.
 */
export interface TensorOffsetJson {
  tensor: number;
  name: string;
  size?: number;
  offset: number;
  memory: Memory;
  kept?: true;
}

/** One subgraph's plan: the keys of a CSV plan, plus which subgraph and what it holds. */
export interface SubgraphPlanJson extends Omit<PlanJson, 'buffers'> {
  /**
   * With a capacity: the on-chip bytes left to this subgraph (the capacity less TFLM's tail estimate
   * and the subgraphs below it in the one arena); `fits` judges the plan against it (subgraphVerdicts).
   */
  room?: number;
  index: number;
  name: string;
  tensorCount: number;
  operatorCount: number;
  notes: string[];
  buffers: ModelBufferJson[];
  /**
   * Every tensor the device places (constants and tensors not planned left out), in tensor order, with
   * its model-wide offset: the header's `_OFFSET` / `_DDR_OFFSET` macros one for one, the tensors a
   * kept offline plan places (`kept`) included.
   */
  tensorOffsets: TensorOffsetJson[];
  /** The operator order the plan follows (order[k] runs at step k), when not the stored one (--reorder). */
  order?: number[];
  /** The operator at `peakStep` (a step is an operator). */
  peakOperator?: { index: number; type: string; name: string };
  /** With --reorder: the live bound and best plan of the stored order, for comparison. */
  storedOrder?: { liveBound: number; peak: number; method: string };
}

/** A spilled buffer of the model: its subgraph, its id there (the owner tensor's index) and its name. */
export interface SpilledBufferJson {
  subgraph: number;
  id: string;
  name: string;
}

/**
 * `--json` for a model: subgraph 0's plan at the top level (its `peak`, `buffers`, ...), every
 * subgraph's in `subgraphs`; but the verdicts at the top level are the model's: `status`, `fits`,
 * `spilled` (every spilled buffer, each naming its subgraph), `spilledBytes`, `ddrTraffic` and
 * `spillFailure` (each subgraph's reason, named). Each subgraph's spill choice (`spill`) is in
 * `subgraphs[i].spill` only; the model's DDR arena is `arena.ddr`.
 */
export interface ModelPlanJson extends Omit<SubgraphPlanJson, 'spilled' | 'spill' | 'spilledBytes' | 'ddrTraffic' | 'spillFailure'> {
  /** With a capacity: every buffer of the model in DDR (empty when all fits on chip), subgraph by subgraph. */
  spilled?: SpilledBufferJson[];
  /** When something spills: the bytes and the weight (DDR traffic) of every spilled buffer of the model. */
  spilledBytes?: number;
  ddrTraffic?: number;
  /** Why no spill plan was found, for each subgraph that has none: `subgraph s: reason`, joined by `; `. */
  spillFailure?: string;
  model: string;
  format: ImportedModel['format'];
  subgraphs: SubgraphPlanJson[];
  /**
   * The one arena a runtime holds (the header's and the offline plan's): each subgraph at its base
   * (tensor-offsets.ts modelArena: stacked, or by the calls of control-flow operators); with a capacity, whether that whole arena fits (the CLI exits 3 when it does not). After
   * spilling, `ddr`: the DDR arena the spilled buffers live in, stacked the same way.
   * TFLite: `tflm` = the head TFLM will use (tensors rounded up to 16, kernel scratch; after
   * spilling, what stays on chip) and the tail estimate (src/runtime/tflm/arena.ts); `fits` judges
   * head + tail (`tflm.total`) against the capacity, spilled or not.
   */
  arena: { size: number; bases: number[]; capacity?: number; fits?: boolean; ddr?: { size: number; bases: number[] }; tflm?: TflmArena };
}

/**
 * `tflite`: the baseline is the model's (TFLM's own head), not each subgraph's. `placements`: the
 * subgraph's row of tensorPlacements.
 */
function subgraphPlanToJson(sg: ModelSubgraph, result: PlanResult, capacity: number | undefined, tflite: boolean, placements: readonly TensorPlacement[]): SubgraphPlanJson {
  const base = planToJson(capacity !== undefined ? { ...sg.problem, capacity } : sg.problem, result, tflite ? null : undefined);
  const kept = placements.filter((t) => t.kept);
  const op = operatorAtStep(sg, base.peakStep);
  return {
    ...base,
    index: sg.index,
    name: sg.name,
    tensorCount: sg.tensorCount,
    operatorCount: sg.operatorCount,
    notes: sg.notes,
    buffers: base.buffers.map((b, i) => ({ ...b, name: sg.names[i]!, tensors: b.id === OFFLINE_PLAN_ID ? kept.map((t) => t.tensor) : sg.tensorsOf[i]! })),
    tensorOffsets: placements.map((t) => {
      const entry: TensorOffsetJson = { tensor: t.tensor, name: t.name, ...(t.size !== undefined ? { size: t.size } : {}), offset: t.offset, memory: t.memory };
      if (t.kept) entry.kept = true;
      return entry;
    }),
    ...(op !== undefined ? { peakOperator: { index: op.index, type: op.type, name: op.name } } : {}),
    ...(sg.order !== undefined ? { order: sg.order } : {}),
  };
}

/**
 * Each subgraph's verdicts under the user's `capacity`, one rule with the model's: `capacity` is the
 * user's (after spilling too; it was the room spilled into); `room` the on-chip bytes left to the
 * subgraph: the capacity less TFLM's tail estimate (`tail`, TFLite; 0 otherwise) and less its base in
 * the one arena (`bases`: the subgraphs below it), never below 0; `fits` whether its plan (after
 * spilling, the on-chip part) fits that room, false when no spill plan was found (`spillFailure`);
 * `status`, when it does not fit and did not spill, `infeasible` when no plan fits (its bound exceeds
 * the capacity less the tail, the tail alone fills the capacity, or even the buffers that may not
 * spill do not fit: `spillFailure`), else `unknown` (as src/solve/solve.ts statusOf says of a plan over a
 * capacity its bound is under).
 */
function subgraphVerdicts(subgraphs: SubgraphPlanJson[], capacity: number, tail: number, bases: readonly number[]): void {
  subgraphs.forEach((sg, s) => {
    const room = Math.max(0, capacity - tail - (bases[s] ?? 0));
    sg.capacity = capacity;
    sg.room = room;
    sg.fits = sg.spillFailure === undefined && sg.peak <= room;
    const proven = sg.bound > capacity - tail || sg.spillFailure?.startsWith('even ') === true || sg.spillFailure?.startsWith("TFLM's tail estimate alone") === true;
    if (!sg.fits && sg.status !== 'spilled' && sg.status !== 'infeasible') sg.status = proven ? 'infeasible' : 'unknown';
  });
}

/**
 * `capacity`: the one the model was planned under (default: the one on its subgraphs' problems).
 * `tflm`: TFLite, the head TFLM uses with its kernels' scratch placed around the plan (src/runtime/tflm/model-head.ts),
 * the scratch requests and the pointer size of the tail estimate (src/runtime/tflm/arena.ts).
 * `runtimeDefault`: TFLite, the head TFLM's own planner needs on the model as given (the report's
 * "before"; `baseline` at the top level, where `peak` is then TFLM's head, not a plan's peak).
 * `offsets`: tensorOffsets(model, results), when the caller has them already (computed once per plan);
 * `placements`: tensorPlacements of them (and of the DDR offsets after spilling), likewise: the
 * `tensorOffsets` of each subgraph, the C header's table.
 */
export function modelPlanToJson(
  model: ImportedModel,
  results: readonly PlanResult[],
  capacity = model.subgraphs[0]?.problem.capacity,
  tflm: TflmArenaOptions = {},
  runtimeDefault?: number,
  offsets: readonly (readonly number[])[] = tensorOffsets(model, results),
  placements: readonly (readonly TensorPlacement[])[] = modelPlacements(model, results, offsets),
): ModelPlanJson {
  const subgraphs = model.subgraphs.map((sg, s) => subgraphPlanToJson(sg, results[s]!, capacity, model.format === 'tflite', placements[s]!));
  const layout = modelArena(model, results);
  const arena: ModelPlanJson['arena'] = { size: layout.size, bases: layout.bases };
  if (model.format === 'tflite') arena.tflm = tflmArena(model, offsets, tflm);
  if (capacity !== undefined) subgraphVerdicts(subgraphs, capacity, arena.tflm?.tail.bytes ?? 0, layout.bases);
  if (capacity !== undefined) {
    const spilled = results.some((r) => r.spill !== undefined);
    arena.capacity = capacity;
    // TFLite: the arena a user types in, head + TFLM's tail estimate, is what must fit, spilled or
    // not (the tail is persistent and lives on chip beside the head: after spilling, the head holds
    // what stays on chip, spilled within the capacity less the tail: src/plan-model.ts).
    arena.fits = arenaFits(results, capacity, model, arena.tflm?.total)!;
    if (spilled) arena.ddr = { size: modelArenaSize(ddrPeaks(results)), bases: subgraphBases(ddrPeaks(results)) };
  }
  // Subgraph 0's plan at the top level, without its spill keys: those at the top level are the model's (below).
  const { spilled: _s, spill: _c, spilledBytes: _b, ddrTraffic: _t, spillFailure: _f, ...first } = subgraphs[0]!;
  const json: ModelPlanJson = { model: model.file, format: model.format, ...first, subgraphs, arena };
  if (capacity !== undefined) {
    json.spilled = subgraphs.flatMap((sg) => sg.buffers.filter((b) => b.memory === 'ddr').map((b) => ({ subgraph: sg.index, id: b.id, name: b.name })));
    if (subgraphs.some((sg) => sg.spill !== undefined)) {
      json.spilledBytes = subgraphs.reduce((n, sg) => n + (sg.spilledBytes ?? 0), 0);
      json.ddrTraffic = subgraphs.reduce((n, sg) => n + (sg.ddrTraffic ?? 0), 0);
    }
    const failures = subgraphs.filter((sg) => sg.spillFailure !== undefined).map((sg) => `subgraph ${sg.index}: ${sg.spillFailure}`);
    if (failures.length > 0) json.spillFailure = failures.join('; ');
  }
  // The verdicts at the top level are the model's, not subgraph 0's alone (one story with the report and
  // the exit code): `capacity` the user's, `fits` the model's arena against it (TFLite: head + tail
  // estimate), `status` `spilled` when any subgraph spilled, else, when it does not fit, `infeasible`
  // (proven: the tail alone, or a subgraph's bound, over what is left) or `unknown` (see subgraphVerdicts).
  if (capacity !== undefined) {
    json.capacity = capacity;
    delete json.room;
  }
  // Nothing on chip is the model's verdict only when no subgraph keeps a buffer there.
  if (subgraphs.every((sg) => sg.nothingOnChip === true)) json.nothingOnChip = true;
  else delete json.nothingOnChip;
  if (arena.fits !== undefined) json.fits = arena.fits;
  if (results.some((r) => r.spill !== undefined && r.spill.spilled.length > 0)) json.status = 'spilled';
  else if (arena.fits === false) json.status = subgraphs.some((sg) => sg.status === 'infeasible') || (arena.tflm?.tail.bytes ?? 0) >= capacity! ? 'infeasible' : 'unknown';
  if (runtimeDefault !== undefined) json.baseline = { name: tflmDefaultName(model), peak: runtimeDefault };
  return json;
}
