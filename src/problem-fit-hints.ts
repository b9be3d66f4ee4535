/**
 * "What to change to fit", the part every input shares: when a plan does not fit the capacity all on
 * chip, each change that could help, computed by actually planning it — the capacity needed, a buffer
 * that alone exceeds the capacity, spilling (the choice and its DDR traffic). The hints of a CSV or
 * JSON problem are these; a model's add their own (src/model-fit-hints.ts: --no-prepared, --reorder,
 * TFLM's tail), which is kept apart so that a problem's hints load no model reader (src/cli.ts loads
 * this module with --capacity; test/cli-lazy.test.ts). Every plan here comes from solve(), which
 * verifies it; all of them run within the command's one deadline. One procedure for the command line,
 * several files and the page: a generator of solve requests (as spilling is, src/solve/spill.ts),
 * driven inline (the command line; the page, in its worker) or by a pool of workers (several files),
 * so all of them give the same hints.
 */
import { formatBytes, formatBytesBoth as exact } from './format/bytes.js';
import { listId } from './format/printable.js';
import { modelArenaSize } from './export/tensor-offsets.js';
import { plural } from './format/plural.js';
import type { Problem } from './problem/types.js';
import type { FitHintJson } from './export/plan-json.js';
import { solve, type SolveOptions, type SolveResult } from './solve/solve.js';
import { spillOptions, spillPlanner, type PlanResult, type SolveRequest } from './solve/spill.js';

/** One change and what planning with it gave: the JSON's `hints[]` entry, and the report's line. */
export interface FitHint extends FitHintJson {
  /** The line the report prints. */
  text: string;
  /** A few words for a summary row (several files), e.g. `capacity 88.00 KiB` or `--reorder: 1.69 MiB`. */
  short: string;
}

/** The first hint: the capacity the plan of every buffer (`what`: buffer or tensor) on chip needs. */
export const capacityHint = (need: number, what: string, withTail = ''): FitHint => ({
  change: 'capacity',
  arena: need,
  fits: true,
  text: `a capacity of ${exact(need)}: the plan of every ${what} on chip fits it${withTail}`,
  short: `capacity ${formatBytes(need)}`,
});

export const fitText = (arena: number, capacity: number): string =>
  arena <= capacity ? `fits ${formatBytes(capacity)} (${formatBytes(capacity - arena)} to spare)` : `still does NOT fit ${formatBytes(capacity)} (${formatBytes(arena - capacity)} over)`;

/** The one-arena plan of every buffer: after spilling, the one that did not fit. */
export const oneArena = (r: PlanResult): { peak: number } => r.spill?.whole ?? r;

/** Whether every buffer of every plan fits `capacity` in one arena. */
export function fitsAllOnChip(results: readonly PlanResult[], capacity: number): boolean {
  return results.every((r) => r.spill === undefined || r.spill.spilled.length === 0) && modelArenaSize(results.map(oneArena)) <= capacity;
}

/**
 * The buffers of `problem` larger than `capacity` alone, largest first: no plan keeps them on chip.
 * `what`: what `capacity` is, when not the user's (a TFLite model's: the capacity less TFLM's tail).
 */
export function tooLarge(problem: Problem, capacity: number, name: (i: number) => string, what = 'the capacity'): FitHint[] {
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
export function runInline<T>(run: Generator<SolveRequest, T, SolveResult>, solveOne: (p: Problem, o: SolveOptions) => SolveResult = solve): T {
  let step = run.next();
  while (!step.done) step = run.next(solveOne(step.value.problem, step.value.options));
  return step.value;
}

/** Drives a generator of solve requests with `solveOne` (a pool of workers, say): the same result. */
export async function runWith<T>(run: Generator<SolveRequest, T, SolveResult>, solveOne: (p: Problem, o: SolveOptions) => Promise<SolveResult>): Promise<T> {
  let step = run.next();
  while (!step.done) step = run.next(await solveOne(step.value.problem, step.value.options));
  return step.value;
}

/**
 * The spill line: the plan emitted when it spilled, else (with --no-spill) a spill plan made now,
 * within `capacity - tail` (`tail`: TFLM's tail estimate of a TFLite model, which stays on chip beside
 * the head; 0 otherwise). When the tail alone fills the capacity, the line says no spill can help.
 */
export function* spillHint(problem: Problem, result: PlanResult, options: SolveOptions, capacity: number, tail = 0): Generator<SolveRequest, FitHint | undefined, SolveResult> {
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
