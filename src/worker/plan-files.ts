/**
 * `arenapack plan a.csv b.tflite … --jobs N`: plans several files at once in a pool of worker
 * threads and prints one report per file, in the order given, each as soon as it and those before
 * it are done. Reading and importing stay on the main thread (cheap); every solve runs in a worker.
 */
import { EXIT_INPUT, EXIT_NO_FIT, readInput, UsageError } from '../cli-io.js';
import { modelPlanToJson } from '../export/model-json.js';
import { formatModelReport } from '../export/model-report.js';
import { planOfAll, planToJson } from '../export/plan-json.js';
import { formatReport } from '../export/report.js';
import { arenaFits, tensorOffsets } from '../export/tensor-offsets.js';
import { formatTflmReport, tflmToJson } from '../export/tflm-report.js';
import type { KernelLibrary } from '../runtime/tflm/head.js';
import { planForTflmAsync } from '../runtime/tflm/model-head.js';
import { planModelWith } from '../plan-model.js';
import { emptyBuffersNote, readProblem } from '../import/index.js';
import { importModelFile, modelFormat } from '../import/model-file.js';
import type { ModelImportOptions } from '../import/model.js';
import type { OnnxImportOptions } from '../import/onnx/index.js';
import { InputError } from '../problem/errors.js';
import type { MethodName, Portfolio } from '../solve/methods.js';
import { Deadline, defaultTimeLimitMs } from '../solve/deadline.js';
import type { SolveResult } from '../solve/solve.js';
import { planWithSpillAsync, spillOptions, type PlanResult } from '../solve/spill.js';
import { createSolver, type Solver } from './node.js';
import { terminalSafe } from '../format/printable.js';

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
}

/** Where the output goes (the process's streams by default; tests collect it). */
export interface Output {
  out(text: string): void;
  err(text: string): void;
}

/** One file's outcome: its report (or JSON) and its exit code (0, 1 internal, 2 input, 3 does not fit). */
interface FileOutcome {
  text: string;
  json: unknown;
  code: number;
  error?: string;
}

const processOutput: Output = {
  out: (t) => void process.stdout.write(t),
  err: (t) => void process.stderr.write(t),
};

async function planOne(solver: Solver, file: string, o: PlanFilesOptions): Promise<FileOutcome> {
  const bytes = readInput(file);
  const deadline = Deadline.in(o.timeLimitMs ?? defaultTimeLimitMs(o.method));
  const opts = {
    ...(o.method !== undefined ? { method: o.method } : {}),
    ...(o.timeLimitMs !== undefined ? { timeLimitMs: o.timeLimitMs } : {}),
    ...(o.seed !== undefined ? { seed: o.seed } : {}),
    ...(o.iterations !== undefined ? { iterations: o.iterations } : {}),
  };
  if (modelFormat(file, bytes) !== undefined) {
    const model = importModelFile(bytes, file, o.model ?? {});
    const planned = await planModelWith(model, (p, so) => solver.solve(p, so), opts, o.capacity, { spill: o.spill !== false });
    const spilled = planned.results.some((r) => r.spill !== undefined && r.spill.spilled.length > 0);
    // TFLite: the plan shaped for TFLM's kernel scratch, as for one file (cli-model.ts).
    const tflm =
      model.format === 'tflite' && !spilled
        ? await planForTflmAsync({
            model,
            plans: planned.results,
            // The candidates' solves run at once and share what is left of the file's time limit.
            solve: (p) => solver.solve(p, { ...opts, deadline }),
            offsets: (plans) => tensorOffsets(model, plans),
            kernels: o.kernels ?? 'reference',
          })
        : undefined;
    const results = tflm?.plans ?? planned.results;
    const offsets = tensorOffsets(model, results);
    const json = modelPlanToJson(model, results, o.capacity, tflm?.head, offsets);
    if (tflm) Object.assign(json, { tflm: tflmToJson(tflm) });
    return {
      text: formatModelReport(model, results, planned.baselines, tflm?.head, offsets) + (tflm ? '\n' + formatTflmReport(file, tflm) : ''),
      json,
      code: arenaFits(results, o.capacity, model) === false ? EXIT_NO_FIT : 0,
    };
  }
  const read = readProblem(new TextDecoder().decode(bytes), file);
  const problem = read.problem;
  if (o.capacity !== undefined) problem.capacity = read.all.capacity = o.capacity;
  const whole: SolveResult = await solver.solve(problem, opts);
  const result: PlanResult =
    o.spill === false ? whole : await planWithSpillAsync(problem, whole, spillOptions(opts, whole), problem.capacity, (p, so) => solver.solve(p, so));
  return {
    text: formatReport(problem, result, file) + emptyBuffersNote(read),
    json: planToJson(read.all, planOfAll(read, result)),
    code: result.fits === false ? EXIT_NO_FIT : 0,
  };
}

function failure(file: string, e: unknown): FileOutcome {
  const input = e instanceof InputError;
  const message = input ? (e as Error).message : `${file}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`;
  return { text: '', json: { file, error: message }, code: input ? EXIT_INPUT : 1, error: message };
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
    const pending = files.map((file) => planOne(solver, file, options).catch((e: unknown) => failure(file, e)));
    const json: unknown[] = [];
    let code = 0;
    for (const [i, p] of pending.entries()) {
      const r = await p;
      if (r.error !== undefined) output.err(`arenapack: ${terminalSafe(r.error)}\n`);
      else if (!options.json) output.out(terminalSafe((i > 0 ? '\n' : '') + r.text));
      json.push(r.error !== undefined ? r.json : { file: files[i], plan: r.json });
      if (code === 0) code = r.code;
    }
    if (options.json) output.out(JSON.stringify(json, null, 2) + '\n');
    return code;
  } finally {
    solver.close();
  }
}
