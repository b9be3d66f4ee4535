/**
 * The command line's memory tiers for a CSV/JSON problem: `plan FILE.csv --memory NAME=SIZE[:COST] ...`
 * (issue #13). Apart from ./cli-tiers.ts (models) so that a CSV run loads none of the model readers
 * (0.5 s of module loading, counted in --time-limit: issue #10).
 */
import { formatTieredReport, tieredOutText, tieredPlanToJson, type TieredPlanJson } from './export/tiers.js';
import { terminalSafe } from './format/printable.js';
import { allOffsets, allValues, emptyBuffersNote, type ReadProblem } from './import/index.js';
import type { Buffer, MemoryTier } from './problem/types.js';
import { EXIT_NO_FIT, UsageError, writeAllAtomic } from './cli-io.js';
import type { Deadline } from './solve/deadline.js';
import type { SolveOptions } from './solve/solve.js';
import { planTiers, type TieredPlan } from './solve/tiers/index.js';
import { stringifyJson } from './format/json-text.js';

/** What the tiers run takes from the plan command's options. */
export interface TiersRunOptions {
  solve: SolveOptions;
  deadline: Deadline;
  json?: boolean;
  out?: string;
}

/**
 * Plans a CSV/JSON problem over `memories` and writes the outputs: the report (or `--json`), and
 * `--out` (a `.csv`: the solution with a `memory` column; else the JSON). Exit 3 when no plan fits.
 */
export async function runPlanTiers(file: string, read: ReadProblem, memories: readonly MemoryTier[], opts: TiersRunOptions): Promise<number> {
  const plan = await planTiers(read.problem, memories, { ...opts.solve, deadline: opts.deadline });
  const { whole, json } = problemTiersJson(read, plan);
  if (opts.out !== undefined) {
    if (plan.memory.length === 0) throw new UsageError(`--out ${opts.out}: no plan over the memories to write (${plan.failure ?? plan.status}); nothing was written`);
    writeAllAtomic([[opts.out, tieredOutText(opts.out, read.all, whole, json)]]);
  }
  if (opts.json) process.stdout.write(stringifyJson(json, undefined, 2) + '\n');
  else process.stdout.write(terminalSafe(problemTiersText(file, read, plan)));
  return plan.memory.length === 0 ? EXIT_NO_FIT : 0;
}

/**
 * The memory a 0-byte buffer of the file is shown in (it takes no room; the planner never sees it): the
 * first of `memories` it may use — one it names (a buffer's `memories`), else the first memory.
 */
function emptyBufferMemory(buffer: Buffer, memories: readonly MemoryTier[]): number {
  if (buffer.memories === undefined) return 0;
  const m = memories.findIndex((mem) => buffer.memories!.includes(mem.name));
  return m < 0 ? 0 : m;
}

/**
 * A CSV/JSON problem's tiered plan over every buffer of the file (0-byte ones at offset 0, in the first
 * memory they may use: emptyBufferMemory), and its JSON.
 */
export function problemTiersJson(read: ReadProblem, plan: TieredPlan): { whole: TieredPlan; json: TieredPlanJson } {
  const shownIn = (i: number): number => emptyBufferMemory(read.all.buffers[i]!, plan.memories);
  // Without a plan, a 0-byte buffer may use that memory, and is no reason.
  let unplaced: TieredPlan['unplaced'];
  if (plan.unplaced !== undefined) {
    const allowed = allValues(read, plan.unplaced.allowed, [0]);
    for (const i of read.empty) allowed[i] = [shownIn(i)];
    unplaced = { allowed, reason: allValues<string | undefined>(read, plan.unplaced.reason, undefined) };
  }
  let whole: TieredPlan;
  if (plan.memory.length === 0) whole = { ...plan, ...(unplaced !== undefined ? { unplaced } : {}) };
  else {
    const memory = allValues(read, plan.memory, 0);
    for (const i of read.empty) memory[i] = shownIn(i);
    whole = { ...plan, memory, offsets: allOffsets(read, plan.offsets) };
  }
  return { whole, json: tieredPlanToJson(read.all, whole) };
}

/** A CSV/JSON problem's tiered report. */
export const problemTiersText = (file: string, read: ReadProblem, plan: TieredPlan): string => formatTieredReport(read.problem, plan, file) + emptyBuffersNote(read);
