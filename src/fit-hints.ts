/**
 * "What to change to fit": when a plan does not fit the capacity all on chip, each change that could
 * help, computed by actually planning it — the capacity needed, a tensor that alone exceeds the
 * capacity, spilling (the choice and its DDR traffic), and for models leaving out tensors prepared
 * once and held for the whole run (`--no-prepared`; not TFLite: see heldPrepared) and another
 * operator order (`--reorder`). Every plan here comes from
 * solve(), which verifies it; all of them run within the command's one deadline. One procedure for
 * the command line, several files and the page: a generator of solve requests (as spilling is,
 * src/solve/spill.ts), driven inline (the command line; the page, in its worker) or by a pool of
 * workers (several files), so all of them give the same hints.
 */
import { formatBytes, formatBytesBoth as exact } from './format/bytes.js';
import { listId, printable, quoted } from './format/printable.js';
import { modelArenaSize, tensorOffsets } from './export/tensor-offsets.js';
import { plural } from './format/plural.js';
import type { ImportedModel } from './import/model.js';
import { importModelFile } from './import/model-file.js';
import type { OnnxImportOptions } from './import/onnx/index.js';
import { reorderModel } from './order/model.js';
import type { Problem } from './problem/types.js';
import type { Deadline } from './solve/deadline.js';
import type { FitHintJson } from './export/plan-json.js';
import type { TflmArena } from './runtime/tflm/arena.js';
import { solve, type SolveOptions, type SolveResult } from './solve/solve.js';
import { spillOptions, spillPlanner, type PlanResult, type SolveRequest } from './solve/spill.js';
import { scratchRoom, withPinnedScratch } from './runtime/tflm/scratch-room.js';
import { planForTflmPlanner } from './runtime/tflm/model-head.js';
import type { KernelLibrary } from './runtime/tflm/head.js';
import { TFLM_ALIGNMENT } from './runtime/tflm/allocation.js';
import { alignUp } from './format/bytes.js';

/** One change and what planning with it gave: the JSON's `hints[]` entry, and the report's line. */
export interface FitHint extends FitHintJson {
  /** The line the report prints. */
  text: string;
  /** A few words for a summary row (several files), e.g. `capacity 88.00 KiB` or `--reorder: 1.69 MiB`. */
  short: string;
}

/** The first hint: the capacity the plan of every buffer (`what`: buffer or tensor) on chip needs. */
const capacityHint = (need: number, what: string, withTail = ''): FitHint => ({
  change: 'capacity',
  arena: need,
  fits: true,
  text: `a capacity of ${exact(need)}: the plan of every ${what} on chip fits it${withTail}`,
  short: `capacity ${formatBytes(need)}`,
});

const fitText = (arena: number, capacity: number): string =>
  arena <= capacity ? `fits ${formatBytes(capacity)} (${formatBytes(capacity - arena)} to spare)` : `still does NOT fit ${formatBytes(capacity)} (${formatBytes(arena - capacity)} over)`;

/** The one-arena plan of every buffer: after spilling, the one that did not fit. */
const oneArena = (r: PlanResult): { peak: number } => r.spill?.whole ?? r;

/** Whether every buffer of every plan fits `capacity` in one arena. */
export function fitsAllOnChip(results: readonly PlanResult[], capacity: number): boolean {
  return results.every((r) => r.spill === undefined || r.spill.spilled.length === 0) && modelArenaSize(results.map(oneArena)) <= capacity;
}

/**
 * The buffers of `problem` larger than `capacity` alone, largest first: no plan keeps them on chip.
 * `what`: what `capacity` is, when not the user's (a TFLite model's: the capacity less TFLM's tail).
 */
function tooLarge(problem: Problem, capacity: number, name: (i: number) => string, what = 'the capacity'): FitHint[] {
  return problem.buffers
    .map((b, i) => ({ b, i }))
    .filter(({ b }) => b.size > capacity)
    .sort((x, y) => y.b.size - x.b.size)
    .slice(0, 5)
    .map(({ b, i }) => ({
      change: 'tensor',
      buffer: b.id,
      size: b.size,
      text: `${name(i)} alone is ${exact(b.size)}, more than ${what}: no plan keeps it on chip`,
      short: `${name(i)} alone is ${formatBytes(b.size)}`,
    }));
}

/** Drives a generator of solve requests with `solveOne` inline: its result. */
function runInline<T>(run: Generator<SolveRequest, T, SolveResult>, solveOne: (p: Problem, o: SolveOptions) => SolveResult = solve): T {
  let step = run.next();
  while (!step.done) step = run.next(solveOne(step.value.problem, step.value.options));
  return step.value;
}

/** Drives a generator of solve requests with `solveOne` (a pool of workers, say): the same result. */
async function runWith<T>(run: Generator<SolveRequest, T, SolveResult>, solveOne: (p: Problem, o: SolveOptions) => Promise<SolveResult>): Promise<T> {
  let step = run.next();
  while (!step.done) step = run.next(await solveOne(step.value.problem, step.value.options));
  return step.value;
}

/**
 * The spill line: the plan emitted when it spilled, else (with --no-spill) a spill plan made now,
 * within `capacity - tail` (`tail`: TFLM's tail estimate of a TFLite model, which stays on chip beside
 * the head; 0 otherwise). When the tail alone fills the capacity, the line says no spill can help.
 */
function* spillHint(problem: Problem, result: PlanResult, options: SolveOptions, capacity: number, tail = 0): Generator<SolveRequest, FitHint | undefined, SolveResult> {
  const room = capacity - tail;
  if (room <= 0) {
    const reason = `TFLM's tail estimate alone (${exact(tail)}) fills the capacity, no spill can help`;
    return { change: 'spill', fits: false, reason, text: `spilling: ${reason}`, short: '-' };
  }
  const spilled = result.spill !== undefined || result.spillFailure !== undefined || result.peak <= room ? result : yield* spillPlanner(problem, room, result, spillOptions(options, result));
  const s = spilled.spill;
  if (s === undefined || s.spilled.length === 0) return result.spillFailure !== undefined ? { change: 'spill', fits: false, reason: result.spillFailure, text: `spilling: ${result.spillFailure}`, short: '-' } : undefined;
  const which = result.spill !== undefined ? 'the plan emitted' : 'without --no-spill';
  const onChip = tail > 0 ? `${exact(spilled.peak)} on chip + TFLM's tail estimate ${exact(tail)}` : `${exact(spilled.peak)} on chip`;
  return {
    change: 'spill',
    arena: spilled.peak + tail,
    fits: spilled.peak + tail <= capacity,
    text:
      `spill ${plural(s.spilled.length, 'buffer')} (${formatBytes(s.spilledBytes)}) to DDR (${which}): ${onChip}, ` +
      `DDR arena ${exact(s.ddrPeak)}, DDR traffic ${exact(s.ddrTraffic)} per run (${s.choice === 'optimal' ? 'proven best choice' : 'choice not proven best'})`,
    short: `spill ${plural(s.spilled.length, 'buffer')}, DDR traffic ${formatBytes(s.ddrTraffic)}`,
  };
}

/**
 * The hints for a CSV or JSON problem whose plan `result` does not fit `capacity` all on chip, as a
 * generator of the solves they need (see problemFitHints).
 */
export function* problemHintsPlanner(problem: Problem, result: PlanResult, capacity: number, options: SolveOptions): Generator<SolveRequest, FitHint[], SolveResult> {
  if (fitsAllOnChip([result], capacity)) return [];
  const need = oneArena(result).peak;
  const hints: FitHint[] = [capacityHint(need, 'buffer')];
  hints.push(...tooLarge(problem, capacity, (i) => `buffer ${listId(problem.buffers[i]!.id)}`));
  const spill = yield* spillHint(problem, result, options, capacity);
  if (spill) hints.push(spill);
  return hints;
}

/**
 * Hints for a CSV or JSON problem whose plan `result` does not fit `capacity` all on chip: the
 * capacity needed, buffers too large alone, spilling. Empty when it fits. Solves inline.
 */
export function problemFitHints(problem: Problem, result: PlanResult, capacity: number, options: SolveOptions): FitHint[] {
  return runInline(problemHintsPlanner(problem, result, capacity, options));
}

/** problemFitHints() with the solves done by `solveOne` (a pool of workers, say): the same hints. */
export function problemFitHintsWith(
  problem: Problem,
  result: PlanResult,
  capacity: number,
  options: SolveOptions,
  solveOne: (p: Problem, o: SolveOptions) => Promise<SolveResult>,
): Promise<FitHint[]> {
  return runWith(problemHintsPlanner(problem, result, capacity, options), solveOne);
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

/**
 * The one hint a summary row shows (several files): a change that keeps every buffer on chip within
 * the capacity, the smallest arena first (--no-prepared, --reorder); else spilling; else the capacity
 * needed. Its short form, e.g. `--reorder: 1.69 MiB`; undefined when there is no hint.
 */
export function bestHint(hints: readonly FitHint[]): FitHint | undefined {
  const onChip = hints.filter((h) => h.fits === true && h.change !== 'capacity' && h.change !== 'spill').sort((x, y) => x.arena! - y.arena!);
  return onChip[0] ?? hints.find((h) => h.change === 'spill' && h.fits === true) ?? hints.find((h) => h.change === 'capacity');
}

/** The hints as the JSON carries them (`hints[]`): without the report's line and the summary's words. */
export function hintsToJson(hints: readonly FitHint[]): FitHintJson[] {
  return hints.map(({ text: _t, short: _s, ...h }) => h);
}
