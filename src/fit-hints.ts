/**
 * "What to change to fit": when a plan does not fit the capacity all on chip, each change that could
 * help, computed by actually planning it — the capacity needed, a tensor that alone exceeds the
 * capacity, spilling (the choice and its DDR traffic), and for models leaving out tensors prepared
 * once (`--no-prepared`) and another operator order (`--reorder`). Every plan here comes from
 * solve(), which verifies it; all of them run within the command's one deadline.
 */
import { formatBytes, formatBytesBoth as exact } from './format/bytes.js';
import { printable } from './format/printable.js';
import { modelArenaSize } from './export/tensor-offsets.js';
import { plural } from './export/report.js';
import type { ImportedModel } from './import/model.js';
import { importModelFile } from './import/model-file.js';
import type { OnnxImportOptions } from './import/onnx/index.js';
import { reorderModel } from './order/model.js';
import { planModel } from './plan-model.js';
import type { Problem } from './problem/types.js';
import type { Deadline } from './solve/deadline.js';
import type { SolveOptions } from './solve/solve.js';
import type { FitHintJson } from './export/plan-json.js';
import { planWithSpill, spillOptions, type PlanResult } from './solve/spill.js';

/** One change and what planning with it gave: the JSON's `hints[]` entry, and the report's line. */
export interface FitHint extends FitHintJson {
  /** The line the report prints. */
  text: string;
}

const fitText = (arena: number, capacity: number): string =>
  arena <= capacity ? `fits ${formatBytes(capacity)} (${formatBytes(capacity - arena)} to spare)` : `still does NOT fit ${formatBytes(capacity)} (${formatBytes(arena - capacity)} over)`;

/** The one-arena plan of every buffer: after spilling, the one that did not fit. */
const oneArena = (r: PlanResult): { peak: number } => r.spill?.whole ?? r;

/** Whether every buffer of every plan fits `capacity` in one arena. */
export function fitsAllOnChip(results: readonly PlanResult[], capacity: number): boolean {
  return results.every((r) => r.spill === undefined || r.spill.spilled.length === 0) && modelArenaSize(results.map(oneArena)) <= capacity;
}

/** The buffers of `problem` larger than `capacity` alone, largest first: no plan keeps them on chip. */
function tooLarge(problem: Problem, capacity: number, name: (i: number) => string): FitHint[] {
  return problem.buffers
    .map((b, i) => ({ b, i }))
    .filter(({ b }) => b.size > capacity)
    .sort((x, y) => y.b.size - x.b.size)
    .slice(0, 5)
    .map(({ b, i }) => ({ change: 'tensor', buffer: b.id, size: b.size, text: `${name(i)} alone is ${exact(b.size)}, more than the capacity: no plan keeps it on chip` }));
}

/** The spill line: the plan emitted when it spilled, else (with --no-spill) a spill plan made now. */
function spillHint(problem: Problem, result: PlanResult, options: SolveOptions, capacity: number): FitHint | undefined {
  const spilled = result.spill !== undefined ? result : result.spillFailure === undefined ? planWithSpill(problem, result, spillOptions(options, result), capacity) : result;
  const s = spilled.spill;
  if (s === undefined || s.spilled.length === 0) return result.spillFailure !== undefined ? { change: 'spill', text: `spilling: ${result.spillFailure}` } : undefined;
  const which = result.spill !== undefined ? 'the plan emitted' : 'without --no-spill';
  return {
    change: 'spill',
    arena: spilled.peak,
    fits: true,
    text:
      `spill ${plural(s.spilled.length, 'buffer')} (${formatBytes(s.spilledBytes)}) to DDR (${which}): ${exact(spilled.peak)} on chip, ` +
      `DDR arena ${exact(s.ddrPeak)}, DDR traffic ${exact(s.ddrTraffic)} per run (${s.choice === 'optimal' ? 'proven best choice' : 'choice not proven best'})`,
  };
}


/**
 * Hints for a CSV or JSON problem whose plan `result` does not fit `capacity` all on chip: the
 * capacity needed, buffers too large alone, spilling. Empty when it fits.
 */
export function problemFitHints(problem: Problem, result: PlanResult, capacity: number, options: SolveOptions): FitHint[] {
  if (fitsAllOnChip([result], capacity)) return [];
  const need = oneArena(result).peak;
  const hints: FitHint[] = [{ change: 'capacity', arena: need, fits: true, text: `a capacity of ${exact(need)}: the plan of every buffer on chip fits it` }];
  hints.push(...tooLarge(problem, capacity, (i) => `buffer ${problem.buffers[i]!.id}`));
  const spill = spillHint(problem, result, options, capacity);
  if (spill) hints.push(spill);
  return hints;
}

/** What modelFitHints needs to re-plan the model. */
export interface ModelHintArgs {
  model: ImportedModel;
  bytes: Uint8Array;
  file: string;
  results: readonly PlanResult[];
  capacity: number;
  /** The import options the model was read with (--align, --batch, ...). */
  importOptions: OnnxImportOptions;
  /** The solve options of the command (method, seed, ...), without a deadline. */
  solveOptions: SolveOptions;
  /** The command's one deadline: the hints' plans share what is left of it. */
  deadline: Deadline;
  /** Whether the plan already runs in a new order (--reorder): then no reorder hint. */
  reordered: boolean;
  /**
   * TFLite: TFLM's tail estimate (TflmArena.tail.bytes) and, unless the plan spilled (TFLM cannot run a
   * DDR arena), the whole arena TFLM needs for the plan emitted (head + tail estimate, TflmArena.total),
   * bytes: the arena a user types in is what must fit, and every figure of the hints includes the tail.
   */
  tflm?: { whole?: number; tail: number };
}

/**
 * Hints for a model whose plans do not fit `capacity` all on chip (TFLite: whose whole arena, head +
 * tail estimate, does not): the capacity needed, tensors too large alone, spilling, `--no-prepared`
 * (when tensors prepared once are planned), `--reorder`, TFLite's figures with the tail estimate. Each
 * re-plan gets a share of the time left; one the deadline reaches first is left out and said so.
 */
export function modelFitHints(a: ModelHintArgs): FitHint[] {
  const { model, results, capacity } = a;
  const tail = a.tflm?.tail ?? 0;
  if (fitsAllOnChip(results, capacity) && (a.tflm?.whole ?? 0) <= capacity) return [];
  // TFLite: the plan of every tensor on chip (after spilling: the one that did not fit) with TFLM's tail estimate.
  const need = Math.max(modelArenaSize(results.map(oneArena)) + tail, a.tflm?.whole ?? 0);
  const withTail = a.tflm !== undefined ? ` with TFLM's tail estimate (${exact(tail)})` : '';
  const hints: FitHint[] = [{ change: 'capacity', arena: need, fits: true, text: `a capacity of ${exact(need)}: the plan of every tensor on chip fits it${withTail}` }];
  model.subgraphs.forEach((sg) => hints.push(...tooLarge(sg.problem, capacity, (i) => `tensor #${printable(sg.problem.buffers[i]!.id)} "${printable(sg.names[i]!)}"`)));
  if (model.subgraphs.length === 1) {
    const spill = spillHint(model.subgraphs[0]!.problem, results[0]!, { ...a.solveOptions, deadline: a.deadline.share(0.3) }, capacity);
    if (spill) hints.push(spill);
  }
  const replan = (what: string, share: number, make: () => ImportedModel): void => {
    if (a.deadline.passed()) {
      hints.push({ change: what, text: `${what}: not tried, the time limit was reached` });
      return;
    }
    const other = make();
    const plans = planModel(other, { ...a.solveOptions, deadline: a.deadline.share(share) }).results;
    const arena = modelArenaSize(plans) + tail;
    hints.push({ change: what, arena, fits: arena <= capacity, text: `${what}: ${exact(arena)}${withTail}, ${fitText(arena, capacity)}` });
  };
  const prepared = model.subgraphs.reduce((n, sg) => n + sg.tensors.filter((t) => t.kind === 'prepared' && t.buffer !== undefined).length, 0);
  if (prepared > 0 && a.importOptions.keepPrepared !== false) {
    replan(`--no-prepared (leave out ${plural(prepared, 'tensor')} prepared once from constants)`, 0.5, () =>
      importModelFile(a.bytes, a.file, { ...a.importOptions, keepPrepared: false }),
    );
  }
  if (!a.reordered) replan('--reorder (an operator order with a lower live bound)', 0.9, () => reorderModel(a.bytes, a.file, a.importOptions).reordered);
  return hints;
}
