/**
 * `arenapack plan a.csv b.tflite … --jobs N`: plans several files at once in a pool of worker
 * threads and prints one report per file, in the order given, each as soon as it and those before
 * it are done. Reading and importing stay on the main thread (cheap); every solve runs in a worker.
 */
import { checkCapacities, JSON_OUTPUT_MS_PER_BUFFER, EXIT_INPUT, EXIT_NO_FIT, noSpillWithoutCapacity, readInput, UsageError } from '../cli-io.js';
import { modelPlanToJson } from '../export/model-json.js';
import { formatModelReport } from '../export/model-report.js';
import { planOfAll, planToJson } from '../export/plan-json.js';
import { formatReport, problemBefore } from '../export/report.js';
import { tensorOffsets } from '../export/tensor-offsets.js';
import { tflmArenaOptions, type PointerBits } from '../runtime/tflm/arena.js';
import { formatTflmReport, tflmToJson } from '../export/tflm-report.js';
import type { KernelLibrary } from '../runtime/tflm/head.js';
import { planForTflmAsync } from '../runtime/tflm/model-head.js';
import { planModelWith, spilledArenaOptions } from '../plan-model.js';
import { emptyBuffersNote, problemText, readProblem } from '../import/index.js';
import { importModelFile, modelFormat } from '../import/model-file.js';
import type { ModelImportOptions } from '../import/model.js';
import type { OnnxImportOptions } from '../import/onnx/index.js';
import { InputError } from '../problem/errors.js';
import type { MethodName, Portfolio } from '../solve/methods.js';
import { Deadline, defaultTimeLimitMs } from '../solve/deadline.js';
import type { SolveResult } from '../solve/solve.js';
import { planWithSpillAsync, spillOptions, type PlanResult } from '../solve/spill.js';
import { createSolver, type Solver } from './node.js';
import { modelTiersJson, modelTiersText, problemTiersJson, problemTiersText } from '../cli-tiers.js';
import { planModelTiers, tflmTiers, weightTiers } from '../plan-model-tiers.js';
import type { MemoryTier } from '../problem/types.js';
import type { SolveOptions } from '../solve/solve.js';
import { planTiers, type TieredPlan } from '../solve/tiers/index.js';
import { namesShown, printable, terminalSafe } from '../format/printable.js';
import { formatBytes } from '../format/bytes.js';
import { plural } from '../format/plural.js';
import { modelFitHintsWith } from '../model-fit-hints.js';
import { bestHint, hintsToJson, problemFitHintsWith, type FitHint } from '../problem-fit-hints.js';
import { stringifyJson } from '../format/json-text.js';

export interface PlanFilesOptions {
  /** Worker threads solving at once (default 2). */
  jobs?: number;
  method?: MethodName | Portfolio;
  capacity?: number;
  timeLimitMs?: number;
  seed?: number;
  iterations?: number;
  /** Print one JSON array (an entry per file: its plan or its error) instead of the reports. */
  json?: boolean;
  /** With a capacity: spill what does not fit to DDR (default true). */
  spill?: boolean;
  /** How model files are read (the CLI's --align, --batch, --input-shape …). */
  model?: ModelImportOptions & OnnxImportOptions;
  /** TFLite: the kernel library whose scratch TFLM adds (default reference). */
  kernels?: KernelLibrary;
  /** Reports with every method's peak and time (--verbose). */
  verbose?: boolean;
  /** TFLite: the target's pointer size for the tail estimate (default 32). */
  pointerBits?: PointerBits;
  /** Memory tiers (--memory), fastest first: every file planned over them (a JSON problem's own `memories` when absent). */
  memories?: MemoryTier[];
  /** With memories, models: the weights take part (--weights; the memory named flash is read-only). */
  weights?: boolean;
  /**
   * The command's deadline, shared by every file (the CLI's counts from the process's start, as
   * --time-limit says); absent: `timeLimitMs` (or the method's default) from the call.
   */
  deadline?: Deadline;
}

/** Where the output goes (the process's streams by default; tests collect it). */
export interface Output {
  out(text: string): void;
  err(text: string): void;
}

/** One file's outcome: its report (or JSON) and its exit code (0, 1 internal, 2 input, 3 does not fit). */
interface FileOutcome {
  text: string;
  /** The file's JSON entry (a buffer list's plan only with --json; a model's always, its report reads it). */
  json: unknown;
  code: number;
  error?: string;
  /** The row of the closing summary table (absent for a file that failed). */
  row?: SummaryRow;
}

/** One file in the summary table that ends a multi-file run. */
export interface SummaryRow {
  /** The arena the runtime will use (TFLite: TFLM's head), bytes; after spilling, the on-chip one. Undefined without a plan (shown `-`). */
  arena: number | undefined;
  /**
   * A lower bound on `arena`, bytes: subgraph 0's bound for a model; after spilling, the bound of the
   * buffers kept on chip (never the all-on-chip bound, which the on-chip arena may well be under).
   * Undefined without a plan (shown `-`): a bound on an arena that does not exist says nothing.
   */
  bound: number | undefined;
  /** `optimal`, `gap x%`, `spilled`, `infeasible`, `unknown`. */
  status: string;
  /** With a capacity: `fits`, `fits after spilling`, `does NOT fit`; else '-'. */
  fits: string;
  /** When the plan does not fit all on chip: the best of its "to fit" hints, in a few words (bestHint); else '-'. */
  toFit: string;
}

/**
 * The row of a file planned as `results` (one per subgraph; the bound is subgraph 0's): the status of
 * the worst of them (spilled, then infeasible / unknown, then the largest gap, else optimal). A model:
 * `floor` (TflmPlanFacts.headBound) when `arena` is TFLM's head with kernel scratch, so the bound holds the scratch
 * too and the status and gap follow from it; `modelStatus` (the model JSON's) when it does not fit.
 */
export function summaryRow(
  results: readonly PlanResult[],
  arena: number,
  capacity: number | undefined,
  code: number,
  hints: readonly FitHint[],
  floor?: number,
  modelStatus?: string,
): SummaryRow {
  const r0 = results[0]!;
  const toFit = bestHint(hints)?.short ?? '-';
  // A model that does not fit and did not spill: its JSON's status (infeasible or unknown), as for one file.
  if (code === EXIT_NO_FIT && (modelStatus === 'infeasible' || modelStatus === 'unknown')) {
    return { arena, bound: Math.max(r0.bound, floor ?? 0), status: modelStatus, fits: 'does NOT fit', toFit };
  }
  const spilled = results.some((r) => r.spill !== undefined);
  const failed = results.find((r) => r.status === 'infeasible' || r.status === 'unknown');
  const fits = capacity === undefined ? '-' : code === EXIT_NO_FIT ? 'does NOT fit' : spilled ? 'fits after spilling' : 'fits';
  if (floor !== undefined && !spilled) {
    // Like with like: TFLM's head holds the kernels' scratch, so its bound does too (TflmPlanFacts.headBound).
    const bound = Math.max(r0.bound, floor);
    const status = failed !== undefined ? failed.status : arena === bound ? 'optimal' : `gap ${(((arena - bound) / bound) * 100).toFixed(1)}%`;
    return { arena, bound, status, fits, toFit };
  }
  const gap = Math.max(...results.map((r) => (r.status === 'feasible' ? r.gap : 0)));
  const status = spilled ? 'spilled' : failed !== undefined ? failed.status : results.some((r) => r.status === 'feasible') ? `gap ${(gap * 100).toFixed(1)}%` : 'optimal';
  // Like with like: after spilling `arena` is the on-chip one, and r0.bound is the bound of what stayed on chip.
  return { arena, bound: r0.bound, status, fits, toFit };
}

/**
 * The table that ends a multi-file report: a row per file (arena, bound, status, fits), failures with
 * their exit code; and when some file does not fit its capacity all on chip, a column "to fit" with
 * that file's best hint (bestHint).
 */
export function summaryTable(files: readonly string[], outcomes: readonly Pick<FileOutcome, 'row' | 'code'>[]): string {
  const hinted = outcomes.some((o) => o.row !== undefined && o.row.toFit !== '-');
  const rows = files.map((f, i) => {
    const o = outcomes[i]!;
    const bytes = (v: number | undefined): string => (v === undefined ? '-' : formatBytes(v));
    const row = o.row ? [f, bytes(o.row.arena), bytes(o.row.bound), o.row.status, o.row.fits, o.row.toFit] : [f, '-', '-', `error (exit ${o.code})`, '-', '-'];
    return hinted ? row : row.slice(0, 5);
  });
  const head = ['file', 'arena', 'lower bound', 'status', 'capacity', ...(hinted ? ['to fit'] : [])];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]): string => ('  ' + r.map((c, i) => (i === 1 || i === 2 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ')).trimEnd();
  return [`summary: ${plural(files.length, 'file')}`, line(head), ...rows.map(line)].join('\n') + '\n';
}

const processOutput: Output = {
  out: (t) => void process.stdout.write(t),
  err: (t) => void process.stderr.write(t),
};

/**
 * Plans one file. `deadline` is the command's, shared by every file: each solve (in a worker) gets the
 * time it leaves when the solve starts, and the spill phase what is left after the solve.
 */
async function planOne(solver: Solver, path: string, o: PlanFilesOptions, deadline: Deadline, atEnd: number): Promise<FileOutcome> {
  const bytes = readInput(path);
  // From here the file is named, never opened: its name as messages and outputs show it (control characters escaped).
  const file = printable(path);
  const opts = {
    ...(o.method !== undefined ? { method: o.method } : {}),
    ...(o.timeLimitMs !== undefined ? { timeLimitMs: o.timeLimitMs } : {}),
    ...(o.seed !== undefined ? { seed: o.seed } : {}),
    ...(o.iterations !== undefined ? { iterations: o.iterations } : {}),
    deadline,
  };
  if (o.memories !== undefined && modelFormat(path, bytes) !== undefined) return planOneModelTiers(solver, path, bytes, o, o.memories, deadline);
  if (modelFormat(path, bytes) !== undefined) {
    if (o.spill === false && o.capacity === undefined) noSpillWithoutCapacity(file);
    const model = importModelFile(bytes, path, o.model ?? {});
    const tail = { pointerBits: o.pointerBits ?? 32, kernels: o.kernels ?? 'reference' } as const;
    const planned = await planModelWith(model, (p, so) => solver.solve(p, so), opts, o.capacity, { spill: o.spill !== false, tail });
    const spilled = planned.results.some((r) => r.spill !== undefined && r.spill.spilled.length > 0);
    // TFLite: the plan shaped for TFLM's kernel scratch, as for one file (cli-model.ts).
    const tflm =
      model.format === 'tflite' && !spilled
        ? await planForTflmAsync({
            model,
            plans: planned.results,
            // The candidates' solves run at once and share what is left of the command's time limit.
            solve: (p) => solver.solve(p, opts),
            offsets: (plans) => tensorOffsets(model, plans),
            kernels: o.kernels ?? 'reference',
          })
        : undefined;
    const results = tflm?.plans ?? planned.results;
    const offsets = tensorOffsets(model, results);
    // After spilling (no TFLM facts): the tail estimate the plan was spilled beside, as for one file (cli-model.ts).
    const arenaOpts = tflm !== undefined || model.format !== 'tflite' ? tflmArenaOptions(tflm, o.pointerBits) : spilledArenaOptions(model, planned.results, { tail });
    const json = modelPlanToJson(model, results, o.capacity, arenaOpts, tflm?.runtimeDefault, offsets);
    const heads = tflm ? { head: tflm.head, runtimeDefault: tflm.runtimeDefault } : undefined;
    if (tflm) Object.assign(json, { tflm: tflmToJson(tflm) });
    const arena = json.arena.tflm?.head ?? json.arena.size;
    const code = json.arena.fits === false ? EXIT_NO_FIT : 0;
    // What would make it fit, as for one file (cli-model.ts), the re-plans solved in the pool.
    const { deadline: _d, ...solveOptions } = opts;
    const hints =
      o.capacity !== undefined
        ? await modelFitHintsWith(
            { model, bytes, file: path, results, capacity: o.capacity, importOptions: o.model ?? {}, solveOptions, deadline, reordered: false, kernels: tail.kernels, ...(json.arena.tflm ? { tflm: json.arena.tflm } : {}) },
            (p, so) => solver.solve(p, so),
          )
        : [];
    if (hints.length > 0) json.hints = hintsToJson(hints);
    return {
      row: summaryRow(results, arena, o.capacity, code, hints, tflm !== undefined && tflm.scratch.operators.length > 0 ? tflm.headBound : undefined, json.status),
      text:
        formatModelReport(model, results, planned.baselines, heads, { verbose: o.verbose ?? false, hints: hints.map((h) => h.text), arena: arenaOpts, offsets }) +
        (tflm ? '\n' + formatTflmReport(file, tflm) : ''),
      json,
      code,
    };
  }
  const read = readProblem(problemText(bytes, file), file);
  for (const note of read.notes) process.stderr.write(`arenapack: note: ${note}\n`);
  const problem = read.problem;
  const memories = o.memories ?? problem.memories;
  for (const note of checkCapacities(file, problem, { ...(o.memories ? { memory: o.memories } : {}), ...(o.capacity !== undefined ? { capacity: o.capacity } : {}) })) {
    process.stderr.write(`arenapack: note: ${note}\n`);
  }
  if (memories !== undefined) {
    if (o.weights === true) throw new InputError(`--weights applies to model files (.tflite, .onnx), not to ${file}`);
    // The file's own memories: --capacity and --no-spill are refused for it, as for one file (cli.ts).
    if (o.memories === undefined) {
      const flag = o.capacity !== undefined ? '--capacity' : o.spill === false ? '--no-spill' : undefined;
      if (flag !== undefined) throw new UsageError(`${flag} does not go with memory tiers (the "memories" of ${file}): --capacity C is the two memories --memory chip=C:0 --memory ddr:1`);
    }
    const plan = await planTiers(problem, memories, tiersOptions(o, deadline), (p, so) => solver.solve(p, so));
    return tiersOutcome(plan, problemTiersText(file, read, plan), problemTiersJson(read, plan).json);
  }
  if (o.capacity !== undefined) problem.capacity = read.all.capacity = o.capacity;
  if (o.spill === false && problem.capacity === undefined) noSpillWithoutCapacity(file);
  // The "before" line's baseline now, within the time limit, as for one file (cli.ts).
  const before = problemBefore(problem);
  // The last round's files end with the command, and the main thread writes their outputs one after another.
  if (atEnd > 0) opts.deadline = deadline.before(outputsReserveMs(problem.buffers.length, atEnd, o.json === true));
  const whole: SolveResult = await solver.solve(problem, opts);
  const result: PlanResult =
    o.spill === false ? whole : await planWithSpillAsync(problem, whole, spillOptions(opts, whole), problem.capacity, (p, so) => solver.solve(p, so));
  const code = result.fits === false ? EXIT_NO_FIT : 0;
  const hints = problem.capacity !== undefined ? await problemFitHintsWith(problem, result, problem.capacity, opts, (p, so) => solver.solve(p, so)) : [];
  // The plan JSON only for --json (its profile and a million objects: ~0.5 s a 10^5-buffer file, on the main thread).
  const json = o.json === true ? planToJson(read.all, planOfAll(read, result), before) : undefined;
  if (json !== undefined && hints.length > 0) json.hints = hintsToJson(hints);
  return {
    row: summaryRow([result], result.peak, o.capacity, code, hints),
    text: formatReport(problem, result, file, { verbose: o.verbose ?? false, baseline: before, hints: hints.map((h) => h.text) }) + emptyBuffersNote(read),
    json,
    code,
  };
}

/** The options of a tiers plan: the user's, and the command's deadline (every file, subgraph and pass ends by it). */
const tiersOptions = (o: PlanFilesOptions, deadline: Deadline): SolveOptions => ({
  ...(o.method !== undefined ? { method: o.method } : {}),
  ...(o.seed !== undefined ? { seed: o.seed } : {}),
  ...(o.iterations !== undefined ? { iterations: o.iterations } : {}),
  deadline,
});

/**
 * A file's outcome over memory tiers (its plans; one per subgraph for a model): the summary row gives
 * the first memory's arena and bound, the traffic cost's status, and whether the memories hold it.
 */
function tiersOutcome(plan: TieredPlan | readonly TieredPlan[], text: string, json: unknown): FileOutcome {
  const plans = Array.isArray(plan) ? (plan as readonly TieredPlan[]) : [plan as TieredPlan];
  const ok = plans.every((p) => p.memory.length > 0);
  const cost = plans.reduce((s, p) => s + p.cost, 0);
  const bound = plans.reduce((s, p) => s + p.bound, 0);
  const status = !ok ? plans[plans.length - 1]!.status : plans.every((p) => p.status === 'optimal') ? 'optimal' : `traffic gap ${(((cost - bound) / Math.max(bound, 1)) * 100).toFixed(1)}%`;
  const first = plans.map((p) => p.usage[0]!);
  return {
    // Without a plan (infeasible, unknown) no arena and no bound on it: '-', as for a file that failed.
    row: { arena: ok ? Math.max(...first.map((u) => u.used)) : undefined, bound: ok ? Math.max(...first.map((u) => u.bound)) : undefined, status, fits: ok ? `fits ${plural(plans[0]!.memories.length, 'memory', 'memories')}` : 'does NOT fit', toFit: '-' },
    text,
    json,
    code: ok ? 0 : EXIT_NO_FIT,
  };
}

/** A model over memory tiers (as `plan MODEL --memory ...` for one file), every placement solved by the pool. */
async function planOneModelTiers(solver: Solver, path: string, bytes: Uint8Array, o: PlanFilesOptions, given: readonly MemoryTier[], deadline: Deadline): Promise<FileOutcome> {
  const file = printable(path);
  const memories = weightTiers(given, o.weights === true);
  const model = importModelFile(bytes, path, { ...(o.model ?? {}), ...(o.weights === true ? { includeWeights: true } : {}) });
  const how = { pointerBits: o.pointerBits ?? 32, kernels: o.kernels ?? 'reference' } as const;
  const plans = await planModelTiers(model, memories, tiersOptions(o, deadline), (p, so) => solver.solve(p, so), how);
  const complete = plans.length === model.subgraphs.length;
  const tflm = complete && plans.every((p) => p.memory.length > 0) ? tflmTiers(model, plans, memories, how) : undefined;
  const outcome = tiersOutcome(plans, modelTiersText(file, model, plans, o.weights === true || o.model?.includeWeights === true, tflm), modelTiersJson(model, plans, tflm));
  // Every subgraph planned but TFLM's arena (head and tail) over the first memory: the plans stand, the file does not fit.
  return complete && tflm?.fits !== false ? outcome : { ...outcome, code: EXIT_NO_FIT, row: { ...outcome.row!, fits: 'does NOT fit' } };
}

function failure(file: string, e: unknown): FileOutcome {
  const input = e instanceof InputError || e instanceof UsageError;
  // The readers name the file as given: shown escaped here, as everywhere (src/format/printable.ts namesShown).
  const message = input ? namesShown((e as Error).message, [file]) : `${printable(file)}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`;
  return { text: '', json: { file, error: message }, code: input ? EXIT_INPUT : 1, error: message };
}

/**
 * The deadline of the `index`-th of `files` files planned `jobs` at a time: the time left to the
 * command's `deadline` is cut into as many slots as there are rounds of files (ceil(files / jobs)),
 * and a file of round r (index / jobs, rounded down) ends by the end of slot r; the last round by the
 * command's end. A file that starts early (those before it ended early) has the more time. Without
 * slots the first files took the whole limit and the last ones started past it, each then still
 * reading, checking and verifying its buffers (4 files of 10^5 with --jobs 2 under 5 s: 8.8 s).
 */
export function fileDeadline(deadline: Deadline, index: number, files: number, jobs: number): Deadline {
  const rounds = Math.ceil(files / jobs);
  const round = Math.floor(index / jobs);
  if (round >= rounds - 1) return deadline;
  const now = deadline.now();
  return new Deadline(now + ((deadline.endMs - now) * (round + 1)) / rounds, deadline.clock);
}

/**
 * The main thread's time for a buffer list's report, per buffer (ms): formatReport, its peak facts
 * and the summary row. Measured with `node --cpu-prof` on `plan` of four 10^5-buffer CSVs with
 * --jobs 2 (2 cores, quiet): formatReport 470 ms in all, 1.2 us a buffer; kept at 2 us.
 */
export const REPORT_MS_PER_BUFFER = 0.002;

/**
 * What a buffer list of `buffers` buffers, one of the `atEnd` files of the last round of
 * planFiles(), keeps back from the command's deadline for the outputs the main thread writes after
 * the last solves end (ms): the last round's files end together, and their outputs are written one
 * after another: every one's JSON (--json, JSON_OUTPUT_MS_PER_BUFFER) and the other files' reports
 * (REPORT_MS_PER_BUFFER; its own report is in what solve() keeps back). Taken as if every file of
 * the round were as large as this one. 4 files of 10^5 with --jobs 2 under 5 s (2 cores, quiet):
 * 5.6-5.8 s before (6.4-6.7 s with --json); with this reserve 5.4 s (5.8 s); with it and the
 * deadline crossing to the workers as a shared time (WireSolveOptions.endsAtEpochMs) 5.2 s (5.1 s).
 */
export function outputsReserveMs(buffers: number, atEnd: number, json: boolean): number {
  return buffers * ((json ? atEnd * JSON_OUTPUT_MS_PER_BUFFER : 0) + Math.max(0, atEnd - 1) * REPORT_MS_PER_BUFFER);
}

/**
 * Plans every file (CSV, JSON, TFLite, ONNX) in a pool of `jobs` workers; prints the reports (or one
 * JSON array) in file order, errors on `err`. Returns the exit code: 0 when every file planned (and
 * fit the capacity), else the code of the first file that did not (1 internal, 2 input, 3 no fit).
 */
export async function planFiles(files: readonly string[], options: PlanFilesOptions = {}, output: Output = processOutput): Promise<number> {
  const jobs = options.jobs ?? 2;
  if (!(Number.isSafeInteger(jobs) && jobs >= 1)) throw new UsageError(`--jobs: "${jobs}" is not a positive integer`);
  const solver = createSolver({ size: jobs });
  try {
    // One deadline for the whole command, as for a single file: --time-limit caps the command.
    const deadline = options.deadline ?? Deadline.in(options.timeLimitMs ?? defaultTimeLimitMs(options.method));
    const rounds = Math.ceil(files.length / jobs);
    const last = files.length - (rounds - 1) * jobs;
    const pending = files.map((file, i) =>
      planOne(solver, file, options, fileDeadline(deadline, i, files.length, jobs), Math.floor(i / jobs) === rounds - 1 ? last : 0).catch((e: unknown) => failure(file, e)),
    );
    const json: unknown[] = [];
    const outcomes: FileOutcome[] = [];
    let code = 0;
    for (const [i, p] of pending.entries()) {
      const r = await p;
      outcomes.push(r);
      if (r.error !== undefined) output.err(`arenapack: ${terminalSafe(r.error)}\n`);
      else if (!options.json) output.out(terminalSafe((i > 0 ? '\n' : '') + r.text));
      json.push(r.error !== undefined ? r.json : { file: files[i], plan: r.json });
      if (code === 0) code = r.code;
    }
    if (options.json) output.out(stringifyJson(json, undefined, 2) + '\n');
    else if (files.length > 1) output.out(terminalSafe('\n' + summaryTable(files.map((f) => printable(f)), outcomes)));
    return code;
  } finally {
    solver.close();
  }
}
