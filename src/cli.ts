#!/usr/bin/env node
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { takeParseNotes, checkCapacities, checkOutputPaths, planDeadline, EXIT_INPUT, internalErrorText, EXIT_NO_FIT, intOption, MAX_SEED, noSpillWithoutCapacity, prefixOption, readInput, refuseRepeatedOptions, secondsOption, sizeOption, timeLimitMs, UsageError, withoutStdout, writeAllAtomic } from './cli-io.js';
import type { ConvertOptions, InspectOptions, PlanOptions } from './cli-model.js';
import { memoryOption, withModelFlags } from './cli-flags.js';
import { planOfAll, planOutText, planToJson } from './export/plan-json.js';
import { writeJsonPieces } from './export/json-stream.js';
import { fixedOffsetsLine, formatReport, problemBefore } from './export/report.js';
import { baseName } from './export/labels.js';
import { capMessage, namesShown, printable, terminalSafe } from './format/printable.js';
import { emptyBuffersNote, problemText, readProblem } from './import/index.js';
import { modelFormat } from './import/model-kind.js';
import { InputError } from './problem/errors.js';
import { ASSIGN_METHODS, PLACE_METHODS, PORTFOLIOS } from './solve/methods.js';
import { Deadline } from './solve/deadline.js';
import { defaultTimeLimitMs, solve, type SolveResult } from './solve/solve.js';
import { planWithSpill, spillOptions, type PlanResult } from './solve/spill.js';
import { progressReporter } from './cli-progress.js';
import type { MemoryTier } from './problem/types.js';
import { readFileSync } from 'node:fs';
import { plural } from './format/plural.js';
import { sayOverrun } from './cli-overrun.js';

// What a command needs only for some inputs is loaded when it is needed (a dynamic import): the model
// readers (protobufjs, flatbuffers; src/cli-model.ts), the tiers commands, GLPK's models and the worker
// pool, the picture (--svg) and the trace (--trace), and the fit hints only with a capacity (a
// problem's: src/problem-fit-hints.ts, which loads no model reader). A CSV or JSON problem planned on
// one thread without a capacity loads none of them: a smaller fixed cost, paid from the command's
// --time-limit (which counts from the process's start). test/cli-lazy.test.ts keeps it so.

/** The package's version, from its package.json (two folders up from build/js/cli.js and build/dist/cli.js). */
function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string }).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/**
 * The methods that run the local search, the only user of --seed and --iterations (solve.ts: the
 * portfolios but `search`, which runs greedy-size and the exact search, and local-search itself).
 */
const LOCAL_SEARCH_METHODS: readonly string[] = ['auto', 'heuristic', 'exact', 'local-search'];

/** Flags that only mean something for a model file (the --no-... ones are set when false). */
const MODEL_ONLY: [keyof PlanOptions, string][] = [
  ['prepared', '--no-prepared'],
  ['shareReshapes', '--no-share-reshapes'],
  ['align', '--align'],
  ['includeWeights', '--include-weights'],
  ['weights', '--weights'],
  ['batch', '--batch'],
  ['inputShape', '--input-shape'],
  ['dim', '--dim'],
  ['header', '--header'],
  ['prefix', '--prefix'],
  ['writeTflite', '--write-tflite'],
  ['reorder', '--reorder'],
  ['kernels', '--kernels'],
  ['pointerBits', '--pointer-bits'],
  ['replaceOfflinePlan', '--replace-offline-plan'],
  ['inplace', '--inplace'],
];


/**
 * The note for --verbose with --json: --verbose adds the methods' table, the proof's details and the
 * largest buffer to the text report; the JSON always carries them (methods, bound, proof, every buffer).
 */
const VERBOSE_WITH_JSON = "--verbose changes the text report only: --json always carries every method's peak and time, the bound, the proof and every buffer";

/** Model flags for one format only (the others in MODEL_ONLY take either). */
const TFLITE_ONLY: readonly (keyof PlanOptions)[] = ['prepared', 'kernels', 'pointerBits', 'replaceOfflinePlan', 'writeTflite'];
const ONNX_ONLY: readonly (keyof PlanOptions)[] = ['inputShape', 'dim'];

/** The files a model flag applies to, as its messages name them. */
function filesOfFlag(key: keyof PlanOptions): string {
  return TFLITE_ONLY.includes(key) ? 'TFLite models (.tflite)' : ONNX_ONLY.includes(key) ? 'ONNX models (.onnx)' : 'model files (.tflite, .onnx)';
}

/**
 * Several files: a model flag that applies to no file given is refused (exit 2), as it is for one file,
 * rather than ignored. A file's kind by its name: .csv and .json are problems, .tflite and .onnx models;
 * any other name may be a TFLite model (recognised by its content), so it counts as one here. A flag
 * that applies to some of the files (--align with a CSV and a model) applies to those.
 */
function checkModelFlagsOfFiles(files: readonly string[], opts: PlanOptions): void {
  const kinds = new Set(files.map((f) => (/\.(csv|json)$/i.test(f) ? 'problem' : /\.onnx$/i.test(f) ? 'onnx' : 'tflite')));
  for (const [key, flag] of MODEL_ONLY) {
    const given = flag.startsWith('--no-') ? opts[key] === false : opts[key] !== undefined;
    if (!given) continue;
    const want = TFLITE_ONLY.includes(key) ? 'tflite' : ONNX_ONLY.includes(key) ? 'onnx' : undefined;
    if (want === undefined ? !kinds.has('tflite') && !kinds.has('onnx') : !kinds.has(want)) {
      throw new UsageError(`${flag} applies to ${filesOfFlag(key)}: none of the ${files.length} files given is one`);
    }
  }
}

/**
 * The note of a command whose plan was ready only after the time it had (`planEnd`: the command's
 * `deadline` less what its outputs keep back): the time limit is below the least time a plan of
 * `buffers` buffers takes on this machine now (reading, the bounds, the first chunk of a heuristic,
 * the verifier, the outputs), so the command ends past it.
 */
function belowLeastTime(deadline: Deadline, buffers: number, planEnd: Deadline): string {
  const s = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
  return `the time limit (${s(deadline.endMs)}) is below the least time a plan of ${plural(buffers, 'buffer')} takes here (reading, the bounds, a first plan, the verifier, the outputs): the plan was ready ${s(planEnd.now() - planEnd.endMs)} after the time it had (the command's end less its outputs' time), so the command ends past the limit`;
}

/** The files `plan` writes, each with its flag: refused on the input or on one path twice (one file), or with several files. */
const outputFiles = (opts: PlanOptions): [string, string | undefined][] => [
  ['--out', opts.out],
  ['--svg', opts.svg],
  ['--trace', opts.trace],
  ['--header', opts.header],
  ['--write-tflite', opts.writeTflite],
  ['--emit-lp', opts.emitLp],
];

async function runPlan(path: string, opts: PlanOptions & { memory?: MemoryTier[] }): Promise<number> {
  checkOutputPaths([path], outputFiles(opts));
  // One deadline for the whole command, from the process's start: reading, solving and choosing what to spill share it.
  const deadline = Deadline.sinceStart(timeLimitMs(opts) ?? defaultTimeLimitMs(opts.method));
  const bytes = readInput(path);
  // From here the file is named, never opened: its name as every message and output shows it (control
  // characters escaped, as tensor names are).
  const file = printable(path);
  if (modelFormat(path, bytes) !== undefined) {
    if (opts.memory !== undefined) return (await import('./cli-tiers.js')).runPlanModelTiers(path, bytes, opts, opts.memory);
    if (opts.weights === true) throw new UsageError('--weights goes with --memory (e.g. --memory sram=512KiB:2 --memory flash::8 --memory psram:20)');
    if (opts.spill === false && opts.capacity === undefined) noSpillWithoutCapacity(file);
    return (await import('./cli-model.js')).runPlanModel(path, bytes, opts, deadline);
  }
  for (const [key, flag] of MODEL_ONLY) {
    const given = flag.startsWith('--no-') ? opts[key] === false : opts[key] !== undefined;
    if (given) throw new UsageError(`${flag} applies to ${filesOfFlag(key)}, not to ${file}`);
  }
  // How long reading takes on this machine now: the JSON outputs' time is reckoned from it (planDeadline).
  const readStart = performance.now();
  const read = readProblem(problemText(bytes, file), file);
  const readMs = performance.now() - readStart;
  for (const note of read.notes) process.stderr.write(`arenapack: note: ${note}\n`);
  const problem = read.problem;
  // Memory tiers: from --memory flags, or the JSON problem's own "memories".
  const memories = opts.memory ?? problem.memories;
  for (const note of checkCapacities(file, problem, opts)) process.stderr.write(`arenapack: note: ${note}\n`);
  if (memories !== undefined) {
    const clash: [string, boolean][] = [
      ['--capacity', opts.capacity !== undefined],
      ['--no-spill', opts.spill === false],
      ['--method glpk', opts.method === 'glpk'],
      ['--emit-lp', opts.emitLp !== undefined],
      ['--svg', opts.svg !== undefined],
      ['--trace', opts.trace !== undefined],
    ];
    const given = clash.find(([, on]) => on);
    if (given) {
      const tail =
        given[0] === '--svg'
          ? 'the picture of a plan over memory tiers is drawn for models'
          : given[0] === '--trace'
            ? 'a plan over memory tiers has no trace yet (--out writes each buffer\'s memory and offset)'
            : given[0] === '--no-spill'
              ? 'memory tiers have no spill phase: each memory holds what it has room for, and the last takes the rest (a bounded last memory is a limit that holds)'
              : given[0] === '--capacity'
                ? '--capacity C is the two memories --memory chip=C:0 --memory ddr:1'
                : 'GLPK\'s models plan one arena; memory tiers use their own model';
      throw new UsageError(`${given[0]} does not go with memory tiers (${opts.memory ? '--memory' : `the "memories" of ${file}`}): ${tail}`);
    }
    return (await import('./cli-tiers-problem.js')).runPlanTiers(file, read, memories, { solve: { method: opts.method as Exclude<typeof opts.method, 'glpk'>, seed: opts.seed, iterations: opts.iterations }, deadline, json: opts.json, out: opts.out });
  }
  if (opts.capacity !== undefined) problem.capacity = read.all.capacity = opts.capacity;
  if (opts.spill === false && problem.capacity === undefined) noSpillWithoutCapacity(file);
  // The "before" (TFLite's planner on the same buffers) now, within the time limit: the plan's phases
  // get what it leaves. Made after the plan, it took 1.8 s past the deadline on 10,000 buffers.
  const before = problemBefore(problem);
  // The plan (solve, spill, hints) leaves the JSON outputs their time.
  const planEnd = planDeadline(deadline, problem.buffers.length, opts, readMs);
  let result: SolveResult;
  const glpk = opts.method === 'glpk' || opts.emitLp !== undefined ? await import('./solve/ilp/solve-glpk.js') : undefined;
  if (opts.method === 'glpk') {
    const { GLPK_PLACE_LIMIT, solveWithGlpk } = glpk!;
    if (problem.buffers.length > GLPK_PLACE_LIMIT) {
      process.stderr.write(`arenapack: note: GLPK's big-M model stalls past about ${GLPK_PLACE_LIMIT} buffers; this has ${problem.buffers.length}\n`);
    }
    result = await solveWithGlpk(problem, planEnd);
  } else {
    const progress = progressReporter(file);
    // readProblem validated the problem (its capacity, set since, is checked again).
    result = solve(problem, { method: opts.method, deadline: planEnd, seed: opts.seed, iterations: opts.iterations, onProgress: progress.update, validated: true });
    progress.done();
  }
  // The solve options of the spill phase and the hints' plans (the command's one deadline).
  const solveOpts = { ...(opts.method !== 'glpk' ? { method: opts.method } : {}), deadline: planEnd, seed: opts.seed, iterations: opts.iterations };
  // When the whole set does not fit: a plan over two memories, what stays on chip and what spills to DDR.
  const plan: PlanResult = opts.spill === false ? result : planWithSpill(problem, result, spillOptions(solveOpts, result));
  // What would make it fit, in the JSON printed and the one written (--out), as for a model.
  // (Loaded only with a capacity; a model's hints, src/model-fit-hints.ts, which load the model readers, never here.)
  const fitHints = problem.capacity !== undefined ? await import('./problem-fit-hints.js') : undefined;
  const hints = fitHints !== undefined ? fitHints.problemFitHints(problem, plan, problem.capacity!, solveOpts) : [];
  // Every phase cut to its least and still past the time the plan had: said plainly, never a silent overrun.
  // Only a plan of its first method alone is the least (a later phase that stopped late is not: the
  // stderr note at the end says when the command ran over).
  if (planEnd.passed() && plan.methods.length <= 1) (plan.notes ??= []).push(belowLeastTime(deadline, problem.buffers.length, planEnd));
  // The outputs list every buffer of the file, 0-byte ones too (offset 0, on chip).
  const whole = planOfAll(read, plan);
  // The JSON form of the plan (an object per buffer) only when an output needs it.
  const json = opts.out !== undefined || opts.json ? planToJson(read.all, whole, before) : undefined;
  if (hints.length > 0 && json !== undefined) json.hints = fitHints!.hintsToJson(hints);
  const outputs: [string, string][] = [];
  if (opts.out !== undefined) outputs.push([opts.out, planOutText(opts.out, read.all, whole, json!)]);
  if (opts.emitLp !== undefined) outputs.push([opts.emitLp, await withoutStdout(() => glpk!.placeModelLp(problem))]);
  if (opts.trace !== undefined) {
    const { problemTrace, traceText } = await import('./export/trace.js');
    outputs.push([opts.trace, traceText(problemTrace(problem, plan, baseName(path)))]);
  }
  // The picture: the on-chip panel (and DDR's after spilling) with the memory profile, as for a model.
  if (opts.svg !== undefined) {
    const { panelsSvg, problemPanels } = await import('./export/svg.js');
    outputs.push([opts.svg, panelsSvg(problemPanels(problem, plan, path, problem.capacity))]);
  }
  writeAllAtomic(outputs);
  // The JSON in pieces (the bytes of JSON.stringify(json, null, 2)): a million buffers' ~134 MB never one string.
  if (opts.json) {
    writeJsonPieces(json as unknown as Record<string, unknown>, (piece) => void process.stdout.write(piece));
    process.stdout.write('\n');
  }
  else process.stdout.write(terminalSafe(formatReport(problem, plan, file, { verbose: opts.verbose ?? false, baseline: before, hints: hints.map((h) => h.text), preface: [fixedOffsetsLine(problem)].filter((l) => l !== undefined) }) + emptyBuffersNote(read)));
  return plan.fits === false ? EXIT_NO_FIT : 0;
}

/** The `plan` command: one file (runPlan), several (--jobs), or --shared-arena; returns the exit code. */
async function planCommand(files: string[], opts: PlanOptions & { jobs?: number; memory?: MemoryTier[]; sharedArena?: boolean }): Promise<number> {
  // --seed and --iterations steer the local search: with a method that never runs it they mean nothing.
  for (const [flag, given] of [['--seed', opts.seed], ['--iterations', opts.iterations]] as const) {
    if (given !== undefined && !LOCAL_SEARCH_METHODS.includes(opts.method)) {
      throw new UsageError(`${flag} does not go with --method ${opts.method}: only the local search uses it (--method ${LOCAL_SEARCH_METHODS.join(', ')})`);
    }
  }
  // --verbose shapes the text report; the JSON holds it all already: said once, on stderr (stdout stays JSON).
  if (opts.verbose === true && opts.json === true) process.stderr.write(`arenapack: note: ${VERBOSE_WITH_JSON}\n`);
  // How the sizes' units were read (--capacity, --memory), once every flag is parsed: a refused command line prints none.
  for (const note of takeParseNotes()) process.stderr.write(`arenapack: note: ${note}\n`);
  if (opts.sharedArena) {
    return (await import('./cli-shared-arena.js')).runPlanSharedArena(files, opts);
  }
  // --no-spill without a capacity: refused before any work, unless a JSON problem may carry its own.
  if (opts.spill === false && opts.capacity === undefined && opts.memory === undefined && !files.some((f) => /\.json$/i.test(f))) noSpillWithoutCapacity();
  // One file plans on the main thread whatever --jobs says: the same plan, report and JSON shape, --out allowed.
  if (files.length === 1) {
    return await runPlan(files[0]!, opts);
  }
  const single: [string, unknown][] = [...outputFiles(opts), ['--prefix', opts.prefix], ['--reorder', opts.reorder]];
  for (const [flag, v] of single) if (v !== undefined && v !== false) throw new UsageError(`${flag} takes a single input file`);
  if (opts.method === 'glpk') throw new UsageError('--method glpk takes a single input file');
  checkModelFlagsOfFiles(files, opts);
  if (opts.memory !== undefined) {
    // Memory tiers for every file: the flags a tiers plan does not take are refused as for one file.
    const clash: [string, boolean][] = [
      ['--capacity', opts.capacity !== undefined],
      ['--no-spill', opts.spill === false],
    ];
    const given = clash.find(([, on]) => on);
    if (given) throw new UsageError(`${given[0]} does not go with --memory`);
    if (opts.weights === true) (await import('./plan-model-tiers.js')).weightTiers(opts.memory, true);
  } else if (opts.weights === true) throw new UsageError('--weights goes with --memory (e.g. --memory sram=512KiB:2 --memory flash::8 --memory psram:20)');
  const { planFiles } = await import('./worker/plan-files.js');
  const { importOptions } = await import('./cli-model.js');
  return await planFiles(files, {
    jobs: opts.jobs,
    method: opts.method,
    capacity: opts.capacity,
    timeLimitMs: timeLimitMs(opts),
    // One deadline for the whole command, from the process's start (as for one file).
    deadline: Deadline.sinceStart(timeLimitMs(opts) ?? defaultTimeLimitMs(opts.method)),
    seed: opts.seed,
    iterations: opts.iterations,
    json: opts.json,
    verbose: opts.verbose ?? false,
    spill: opts.spill !== false,
    model: importOptions(opts),
    ...(opts.memory !== undefined ? { memories: opts.memory } : {}),
    ...(opts.weights === true ? { weights: true } : {}),
    ...(opts.kernels !== undefined ? { kernels: opts.kernels } : {}),
    ...(opts.pointerBits !== undefined ? { pointerBits: opts.pointerBits } : {}),
  });
}

export async function main(argv: string[]): Promise<number> {
  let code = 0;
  const program = new Command('arenapack')
    .description('Fit the working memory of a neural network into on-chip SRAM.')
    .version(packageVersion(), '-V, --version', 'print the version of arenapack')
    .exitOverride()
    // The parser's own errors quote the argument as given (`unknown option '-\x1b[2J.csv'`): escaped as ours are.
    .configureOutput({ writeErr: (s) => process.stderr.write(terminalSafe(namesShown(s, argv))) });
  const plan = program
    .command('plan')
    .description('plan the buffers of FILE (.csv MiniMalloc, .json Problem, .tflite or .onnx model) and report the arena it needs')
    .argument('<files...>', 'problem files: .csv (id,lower,upper,size), .json, or .tflite / .onnx models; several plan at once (--jobs)')
    .addOption(
      new Option('--method <method>', 'a portfolio (auto, heuristic, search, exact), glpk, or one heuristic')
        .choices([...PORTFOLIOS, 'glpk', ...PLACE_METHODS, ...ASSIGN_METHODS])
        .default('auto'),
    )
    .option('--capacity <size>', 'on-chip memory, e.g. 2MiB, 1536KiB, 4MB, 2097152', sizeOption)
    .option('--memory <name=size:cost>', 'memory tiers, fastest first, repeated: NAME=SIZE[:COST], the last may be NAME:COST (unbounded), e.g. --memory dtcm=64KiB:1 --memory sram=512KiB:2 --memory psram:20', memoryOption)
    .option('--weights', 'models with --memory: the weights take part: each stays in the memory named flash (e.g. --memory flash::8) or is copied into a faster one for the whole run')
    .option('--no-spill', 'with --capacity: never spill to DDR; a plan that does not fit all on chip exits 3')
    .option('--time-limit <seconds>', 'cap on the whole solve (default 10; 60 with --method exact); node and move budgets normally end it first', secondsOption)
    .option('--jobs <n>', 'with several files: plan N at once in worker threads (default 2; one file plans alone)', intOption('--jobs', 1))
    .option('--seed <n>', `seed of the local search (methods auto, heuristic, exact, local-search), 0..${MAX_SEED} (default 1)`, intOption('--seed', 0, MAX_SEED))
    .option('--iterations <n>', 'moves the local search tries at most (methods auto, heuristic, exact, local-search; default 20000)', intOption('--iterations'))
    .option('--json', 'print the plan as JSON instead of the report')
    .option('--verbose', 'the report with every method\'s peak and time, the proof\'s details and the largest buffer')
    .option('--out <file>', 'write the plan: .csv as a MiniMalloc solution (subgraph 0 of a model), anything else as JSON')
    .option('--svg <file>', 'write a picture of the layout (SVG): each buffer at its offset over its steps, and the memory profile')
    .option('--trace <file>', 'write the plan as a Chrome / Perfetto trace (JSON): a track per memory, a slice per buffer over its steps')
    .option('--header <file>', 'models: write a C header with the arena size and every tensor\'s offset')
    .option('--prefix <name>', 'models: prefix of the header\'s macros and include guard (default: the model file\'s name, e.g. PERSON_DETECT)', prefixOption)
    .option('--write-tflite <file>', 'models: write the .tflite with TFLite Micro\'s offline memory plan in its metadata')
    .option('--reorder', 'models: run the operators in an order with a lower live bound, and plan that order')
    .addOption(
      new Option('--kernels <library>', "TFLite: whose kernel scratch TFLM adds to the head: reference (TFLM's, default) or cmsis-nn (Cortex-M with DSP)").choices([
        'reference',
        'cmsis-nn',
      ]),
    )
    .addOption(
      new Option('--pointer-bits <bits>', "TFLite: the target's pointer size for the estimate of TFLM's tail (its structs hold pointers): 32 (default, a microcontroller) or 64").argParser((v: string) => {
          if (v !== '32' && v !== '64') throw new InvalidArgumentError('give 32 or 64');
          return Number(v);
        }),
    )
    .option('--emit-lp <file>', 'write the placement model as CPLEX LP text, for another MIP solver')
    .option('--shared-arena', 'TFLite: the models run one after another in ONE TFLM arena (its head shared, each tail apart); --header FILE, --write-tflite FOLDER');
  refuseRepeatedOptions(withModelFlags(plan)).action(async (files: string[], opts: PlanOptions & { jobs?: number; memory?: MemoryTier[]; sharedArena?: boolean }) => {
    code = await planCommand(files, opts);
    // Ended past its time limit by more than 10%: said on stderr, never in silence.
    sayOverrun(timeLimitMs(opts) ?? defaultTimeLimitMs(opts.method));
  });
  const inspect = program
    .command('inspect')
    .description('list the tensors of a model: kind, type, shape, bytes, live range and buffer')
    .argument('<model>', '.tflite or .onnx model')
    .option('--json', 'print the tensors as JSON')
    .addOption(new Option('--sort <key>', 'list the tensors by index (default) or by size, largest first').choices(['index', 'size']))
    .option('--hide-constants', 'leave constant tensors (weights) out of the list');
  refuseRepeatedOptions(withModelFlags(inspect)).action(async (file: string, opts: InspectOptions) => {
    code = (await import('./cli-model.js')).runInspect(file, opts);
  });
  const convert = program
    .command('convert')
    .description('write the planning problem of a model as MiniMalloc CSV: to stdout, or with --csv FILE to files (subgraph k > 0 to FILE.sgk.csv)')
    .argument('<model>', '.tflite or .onnx model')
    .option('--csv <file>', 'the CSV to write (subgraph 0); without it, the CSV goes to stdout');
  refuseRepeatedOptions(withModelFlags(convert)).action(async (file: string, opts: ConvertOptions) => {
    code = (await import('./cli-model.js')).runConvert(file, opts);
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) {
      return e.exitCode === 0 ? 0 : EXIT_INPUT;
    }
    if (e instanceof InputError || e instanceof UsageError) {
      // A reader names the file as given: every argument with a control character is shown escaped.
      process.stderr.write(`arenapack: ${terminalSafe(capMessage(namesShown(e.message, argv)))}\n`);
      return EXIT_INPUT;
    }
    process.stderr.write(internalErrorText(e));
    return 1;
  }
  return code;
}

// Output piped into a reader that stops early (`plan x.csv | head -1`): stop writing and exit quietly,
// as a pipeline's writer does (the files the command writes are complete before its report is printed).
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code !== 'EPIPE') throw e;
  process.exit(process.exitCode ?? 0);
});
process.exitCode = await main(process.argv.slice(2));
