/**
 * "What to change to fit" for a model (TFLite, ONNX): the hints every input gets
 * (src/problem-fit-hints.ts: the capacity needed, a tensor too large alone, spilling), with TFLM's
 * tail estimate in every figure of a TFLite model, and the re-plans only a model offers: leaving out
 * tensors prepared once and held for the whole run (`--no-prepared`; not TFLite: see heldPrepared)
 * and another operator order (`--reorder`). It re-reads the model file for those, so it loads the
 * model readers: a CSV or JSON problem's hints never load this module. Every plan here comes from
 * solve(), which verifies it; all of them run within the command's one deadline; a generator of solve
 * requests driven inline (the command line, the page's worker) or by a pool of workers (several
 * files), so all of them give the same hints.
 */
import { formatBytes, formatBytesBoth as exact } from './format/bytes.js';
import { printable, quoted } from './format/printable.js';
import { modelArenaSize, tensorOffsets } from './export/tensor-offsets.js';
import { plural } from './format/plural.js';
import type { ImportedModel } from './import/model.js';
import { importModelFile } from './import/model-file.js';
import type { OnnxImportOptions } from './import/onnx/index.js';
import { reorderModel } from './order/model.js';
import type { Problem } from './problem/types.js';
import type { Deadline } from './solve/deadline.js';
import type { TflmArena } from './runtime/tflm/arena.js';
import type { SolveOptions, SolveResult } from './solve/solve.js';
import type { PlanResult, SolveRequest } from './solve/spill.js';
import { scratchRoom, withPinnedScratch } from './runtime/tflm/scratch-room.js';
import { planForTflmPlanner } from './runtime/tflm/model-head.js';
import type { KernelLibrary } from './runtime/tflm/head.js';
import { TFLM_ALIGNMENT } from './runtime/tflm/allocation.js';
import { alignUp } from './format/bytes.js';
import { capacityHint, fitsAllOnChip, fitText, oneArena, runInline, runWith, spillHint, tooLarge, type FitHint } from './problem-fit-hints.js';

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
   * TFLite: the arena TFLM needs for the plan emitted (the JSON's arena.tflm): the arena a user types
   * in, head + tail estimate, is what must fit, spilled or not (the tail stays on chip beside the
   * head), and every figure of the hints includes the tail.
   */
  tflm?: TflmArena;
  /** TFLite: the kernel library whose scratch TFLM places in the head (--kernels; default reference). */
  kernels?: KernelLibrary;
}

/**
 * How many prepared tensors of `sg` are planned for the whole run: those --no-prepared takes out of
 * the runtime's arena. Where the runtime computes them at every run (`preparedRange` `per-run`:
 * TFLM), leaving them out of the plan takes nothing out of its arena: TFLM plans every tensor without
 * data that is no variable, and places the ones the offline plan leaves at -1 with its own greedy
 * planner, in the same head (micro_allocation_info.cc `needs_allocating`, micro_allocator.cc
 * CreatePlan: kOnlinePlannedBuffer), so the hint is not offered: it would name a saving TFLM does
 * not make.
 */
function heldPrepared(sg: ImportedModel['subgraphs'][number]): number {
  if (sg.preparedRange === 'per-run') return 0;
  return sg.tensors.filter((t) => t.kind === 'prepared' && t.buffer !== undefined).length;
}

/** Every subgraph of `model` planned in one arena (no capacity), each solve a share of what `deadline` leaves, as planModel(). */
function* planSubgraphs(model: ImportedModel, options: SolveOptions, deadline: Deadline): Generator<SolveRequest, SolveResult[], SolveResult> {
  const plans: SolveResult[] = [];
  const count = model.subgraphs.length;
  for (const [s, sg] of model.subgraphs.entries()) plans.push(yield { problem: sg.problem, options: { ...options, deadline: deadline.share(1 / (count - s)) } });
  return plans;
}

/**
 * The hints for a model whose plans do not fit `capacity` all on chip, as a generator of the solves
 * they need (see modelFitHints): one procedure, driven inline (the command line, the page's worker)
 * or by a pool of workers (several files), so all of them give the same hints.
 */
export function* modelHintsPlanner(a: ModelHintArgs): Generator<SolveRequest, FitHint[], SolveResult> {
  const { model, results, capacity } = a;
  const tail = a.tflm?.tail.bytes ?? 0;
  // TFLite: head + tail must fit, spilled or not (the tail stays on chip beside the head).
  const whole = a.tflm?.total ?? 0;
  if (fitsAllOnChip(results, capacity) && whole <= capacity) return [];
  // TFLite: the plan of every tensor on chip (after spilling: the one that did not fit) with TFLM's tail estimate.
  // (TFLM rounds the head up to 16: the offsets are multiples of 16, so only the top's rounding counts.)
  const oneArenaTop = modelArenaSize(results.map(oneArena));
  const need = Math.max((a.tflm !== undefined ? alignUp(oneArenaTop, TFLM_ALIGNMENT) : oneArenaTop) + tail, whole);
  const withTail = a.tflm !== undefined ? ` with TFLM's tail estimate (${exact(tail)})` : '';
  const hints: FitHint[] = [capacityHint(need, 'tensor', withTail)];
  // TFLite: the tail stays on chip beside the head, so a tensor must fit the capacity less the tail
  // (when the tail alone fills the capacity, the spill line says so, and no tensor is named).
  const room = capacity - tail;
  const roomName = tail > 0 ? `the capacity less TFLM's tail estimate (${exact(Math.max(0, room))})` : 'the capacity';
  if (room > 0) model.subgraphs.forEach((sg) => hints.push(...tooLarge(sg.problem, room, (i) => `tensor #${printable(sg.problem.buffers[i]!.id)} ${quoted(sg.names[i]!)}`, roomName)));
  // TFLite: the kernels' scratch is in the head, so a spill made here keeps room for it on chip (as
  // the plan's own spill phase does, src/plan-model.ts).
  const scratch = scratchRoom(model, a.kernels);
  if (model.subgraphs.length === 1) {
    const options = { ...a.solveOptions, deadline: a.deadline.share(0.3) };
    let problem = model.subgraphs[0]!.problem;
    let result: PlanResult = results[0]!;
    const pinned = scratch !== undefined && result.spill === undefined && result.spillFailure === undefined ? withPinnedScratch(problem, 0, scratch) : problem;
    if (pinned !== problem && capacity - tail > 0) {
      result = yield { problem: pinned, options };
      problem = pinned;
    }
    const spill = yield* spillHint(problem, result, options, capacity, tail);
    if (spill) hints.push(spill);
  }
  /**
   * A re-plan of the model `make` gives (undefined: the change changes nothing, no hint), every
   * buffer on chip. TFLite: the arena is what the command with the change (`--reorder`) reports,
   * kTensorArenaSize: TFLM's head with the kernels' scratch, the best of planForTflm's candidates
   * (src/cli-model.ts planTflm), plus the tail estimate.
   */
  function* replan(what: string, flag: string, share: number, make: () => { model: ImportedModel; orders?: readonly (readonly number[] | undefined)[] } | undefined): Generator<SolveRequest, void, SolveResult> {
    if (a.deadline.passed()) {
      hints.push({ change: what, reason: 'not tried, the time limit was reached', text: `${what}: not tried, the time limit was reached`, short: '-' });
      return;
    }
    const made = make();
    if (made === undefined) return;
    const deadline = a.deadline.share(share);
    const plans = yield* planSubgraphs(made.model, a.solveOptions, deadline);
    let arena = modelArenaSize(plans);
    if (made.model.format === 'tflite') {
      const run = planForTflmPlanner({ model: made.model, plans, offsets: (p) => tensorOffsets(made.model, p), kernels: a.kernels ?? 'reference', ...(made.orders ? { orders: made.orders } : {}) });
      let step = run.next();
      while (!step.done) step = run.next(yield { problem: step.value.problem, options: { ...a.solveOptions, deadline: deadline.share(step.value.share) } });
      arena = step.value.head;
    }
    arena += tail;
    hints.push({ change: what, arena, fits: arena <= capacity, text: `${what}: ${exact(arena)}${withTail}, ${fitText(arena, capacity)}`, short: `${flag}: ${formatBytes(arena)}` });
  }
  const prepared = model.subgraphs.reduce((n, sg) => n + heldPrepared(sg), 0);
  // ONNX: ONNX Runtime folds prepared tensors into initializers, and the ONNX importer keeps them
  // whatever --no-prepared says (src/import/onnx/index.ts): a re-plan would name the same arena.
  if (prepared > 0 && a.importOptions.keepPrepared !== false && model.format !== 'onnx') {
    yield* replan(`--no-prepared (leave out ${plural(prepared, 'tensor')} prepared once from constants)`, '--no-prepared', 0.5, () => ({
      model: importModelFile(a.bytes, a.file, { ...a.importOptions, keepPrepared: false }),
    }));
  }
  // Only when the order found moves an operator: else --reorder plans the stored order again.
  if (!a.reordered) {
    yield* replan('--reorder (an operator order with a lower live bound)', '--reorder', 0.9, () => {
      const r = reorderModel(a.bytes, a.file, a.importOptions);
      return r.results.some((o) => o.moved > 0) ? { model: r.reordered, orders: r.results.map((o) => o.order) } : undefined;
    });
  }
  return hints;
}

/**
 * Hints for a model whose plans do not fit `capacity` all on chip (TFLite: whose whole arena, head +
 * tail estimate, does not): the capacity needed, tensors too large alone, spilling, `--no-prepared`
 * (when tensors prepared once are planned for the whole run: not TFLite's, see heldPrepared), `--reorder`, TFLite's figures with the tail estimate. Each
 * re-plan gets a share of the time left; one the deadline reaches first is left out and said so.
 * Solves inline (solve()); empty when it fits.
 */
export function modelFitHints(a: ModelHintArgs): FitHint[] {
  return runInline(modelHintsPlanner(a));
}

/** modelFitHints() with the solves done by `solveOne` (a pool of workers, say): the same hints. */
export function modelFitHintsWith(a: ModelHintArgs, solveOne: (p: Problem, o: SolveOptions) => Promise<SolveResult>): Promise<FitHint[]> {
  return runWith(modelHintsPlanner(a), solveOne);
}
