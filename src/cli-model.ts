/** The command line's model commands: plan (of a model file), inspect and convert. */
import { cHeader } from './export/c-header.js';
import { planOutText } from './export/plan-json.js';
import { problemToCsv } from './export/csv.js';
import { bufferId, formatInspect, inspectTensors } from './export/inspect.js';
import { modelPlanToJson, type SubgraphPlanJson } from './export/model-json.js';
import { formatModelReport } from './export/model-report.js';
import { formatReorderReport } from './export/reorder-report.js';
import { formatTflmReport, tflmToJson } from './export/tflm-report.js';
import { layoutSvg } from './export/svg.js';
import { modelTrace, traceText } from './export/trace.js';
import { printable, terminalSafe } from './format/printable.js';
import { keptBuffers, keptOffsets, modelPlacements, tensorOffsets, tensorPlacements, type TensorPlacement } from './export/tensor-offsets.js';
import type { Memory, Problem } from './problem/types.js';
import { tflmArenaOptions, type PointerBits } from './runtime/tflm/arena.js';
import { shapePatches, writeOfflinePlan } from './export/tflm-offline-plan.js';
import { sha256Hex } from './format/sha256.js';
import type { ImportedModel, ModelImportOptions, ModelSubgraph } from './import/model.js';
import { importModelFile, modelFormat } from './import/model-file.js';
import { parseDims, parseInputShapes, type OnnxImportOptions } from './import/onnx/index.js';
import { reorderModel, type ReorderedModel } from './order/model.js';
import { planModel, spilledArenaOptions, type ModelPlan, type ModelPlanOptions } from './plan-model.js';
import { modelFitHints } from './model-fit-hints.js';
import { hintsToJson } from './problem-fit-hints.js';
import type { KernelLibrary } from './runtime/tflm/head.js';
import { planForTflm, type TflmPlanFacts } from './runtime/tflm/model-head.js';
import type { PlanResult } from './solve/spill.js';
import { TFLM_ALIGNMENT } from './runtime/tflm/allocation.js';
import { Deadline, defaultTimeLimitMs } from './solve/deadline.js';
import { solve, type SolveOptions } from './solve/solve.js';
import type { MethodName, Portfolio } from './solve/methods.js';
import { progressReporter } from './cli-progress.js';
import type { InplaceKind } from './graph/inplace.js';
import { formatInplaceSaving, inplaceSaving, type InplaceSaving } from './export/inplace-report.js';
import { checkOutputPaths, EXIT_NO_FIT, readInput, timeLimitMs, UsageError, writeAllAtomic } from './cli-io.js';
import { plural, verb } from './format/plural.js';
import { stringifyJson } from './format/json-text.js';

/** Options of the model importers, as the command line gives them. */
export interface ModelFlags {
  align?: number;
  includeWeights?: boolean;
  batch?: number;
  /** false with --no-prepared. */
  prepared?: boolean;
  /** false with --no-share-reshapes. */
  shareReshapes?: boolean;
  /** ONNX: shapes of symbolic inputs, from repeated --input-shape NAME=1x3x224x224. */
  inputShape?: string[];
  /** ONNX: values of symbolic dimensions by name, from repeated --dim NAME=VALUE. */
  dim?: string[];
  /** TFLite: plan every tensor anew instead of keeping the model's own offline plan. */
  replaceOfflinePlan?: boolean;
  /** In-place operators, from repeated --inplace elementwise|concat (src/graph/inplace.ts). */
  inplace?: InplaceKind[];
  /** TFLite: the kernel library whose scratch TFLM adds and whose in-place list applies (default reference). */
  kernels?: KernelLibrary;
}

export interface PlanOptions extends ModelFlags {
  method: MethodName | Portfolio | 'glpk';
  capacity?: number;
  /** false with --no-spill: a plan that does not fit the capacity is not spilled (exit 3). */
  spill?: boolean;
  timeLimit?: number;
  seed?: number;
  iterations?: number;
  json?: boolean;
  out?: string;
  svg?: string;
  /** Write the plan as a Chrome / Perfetto trace (src/export/trace.ts). */
  trace?: string;
  header?: string;
  /** Macro prefix of the header (--prefix); default from the model's file name. */
  prefix?: string;
  writeTflite?: string;
  emitLp?: string;
  /** Find an operator order with a lower live bound and plan that order (TFLite). */
  reorder?: boolean;
  /** The report with every method's peak and time, and the proofs' details. */
  verbose?: boolean;
  /** TFLite: the target's pointer size for the tail estimate (--pointer-bits; default 32). */
  pointerBits?: PointerBits;
  /** With --memory: the weights take part (--weights): each stays in the memory named flash or is copied into a faster one. */
  weights?: boolean;
}

export function importOptions(opts: ModelFlags): ModelImportOptions & OnnxImportOptions {
  const o: ModelImportOptions & OnnxImportOptions = { keepPrepared: opts.prepared !== false, shareReshapes: opts.shareReshapes !== false };
  if (opts.inputShape !== undefined && opts.inputShape.length > 0) o.inputShapes = parseInputShapes(opts.inputShape);
  if (opts.dim !== undefined && opts.dim.length > 0) o.dims = parseDims(opts.dim);
  if (opts.align !== undefined) o.align = opts.align;
  if (opts.includeWeights) o.includeWeights = true;
  if (opts.batch !== undefined) o.batch = opts.batch;
  if (opts.replaceOfflinePlan) o.replaceOfflinePlan = true;
  if (opts.inplace !== undefined && opts.inplace.length > 0) o.inplace = [...new Set(opts.inplace)];
  if (opts.kernels !== undefined) o.kernels = opts.kernels;
  return o;
}


/** Flags that mean nothing for the file's format are refused rather than ignored. */
function checkFormatFlags(file: string, bytes: Uint8Array, opts: ModelFlags): void {
  if (opts.inputShape !== undefined && opts.inputShape.length > 0 && modelFormat(file, bytes) === 'tflite') {
    throw new UsageError(`--input-shape applies to ONNX models, not to ${file} (a TFLite model's dynamic batch takes --batch)`);
  }
  if (opts.dim !== undefined && opts.dim.length > 0 && modelFormat(file, bytes) === 'tflite') {
    throw new UsageError(`--dim applies to ONNX models' named dimensions, not to ${file} (a TFLite model's dynamic batch takes --batch)`);
  }
  if (opts.prepared === false && modelFormat(file, bytes) === 'onnx') {
    // The ONNX importer takes tensors computed only from constants as weights (ONNX Runtime folds them
    // into initializers when it creates a session): there is nothing for the flag to leave out.
    throw new UsageError(`--no-prepared applies to TFLite models, not to ${file} (an ONNX model's tensors computed from constants are weights, planned only with --include-weights)`);
  }
  if (opts.replaceOfflinePlan === true && modelFormat(file, bytes) === 'onnx') {
    throw new UsageError(`--replace-offline-plan applies to TFLite models (the offline plan in their metadata), not to ${file}`);
  }
}

/**
 * Reads and imports a model file, the flags its format does not take refused first (UsageError), and
 * `check` (which throws to refuse the file) before it is imported.
 */
export function readModel(file: string, opts: ModelFlags, check?: (bytes: Uint8Array) => void): { bytes: Uint8Array; model: ImportedModel } {
  const bytes = readInput(file);
  check?.(bytes);
  checkFormatFlags(printable(file), bytes, opts);
  return { bytes, model: importModelFile(bytes, file, importOptions(opts)) };
}

/**
 * Plans every subgraph of a model, then writes every requested output (only once all are computed).
 * `deadline` is the command's (made when it started, before the file was read): the solves, the
 * spill phase, the stored order's plan (--reorder) and TFLM's candidates share it.
 */
export function runPlanModel(path: string, bytes: Uint8Array, opts: PlanOptions, deadline?: Deadline): number {
  // `path` is read again by the re-plans (its extension names the format) and is the model's `file`
  // (the outputs take its base name); messages and reports show `file`, control characters escaped.
  const file = printable(path);
  checkFormatFlags(file, bytes, opts);
  if (opts.method === 'glpk') throw new UsageError('--method glpk is for small CSV/JSON problems (GLPK stalls past about 12 buffers)');
  if (opts.emitLp !== undefined) throw new UsageError('--emit-lp is for CSV/JSON problems: convert the model first (arenapack convert MODEL --csv FILE)');
  if (opts.prefix !== undefined && opts.header === undefined) throw new UsageError('--prefix names the macros of --header FILE: give --header too');
  const method = opts.method; // not 'glpk' from here on
  const end = deadline ?? Deadline.in(timeLimitMs(opts) ?? defaultTimeLimitMs(method));
  const reordered = opts.reorder ? reorderOperators(path, bytes, opts) : undefined;
  const model = reordered?.reordered ?? importModelFile(bytes, path, importOptions(opts));
  if (opts.writeTflite !== undefined && model.format !== 'tflite') {
    throw new UsageError(`--write-tflite needs a .tflite model, not ${file}`);
  }
  if (opts.kernels !== undefined && model.format !== 'tflite') throw new UsageError(`--kernels applies to TFLite models (TFLM's kernels), not to ${file}`);
  if (opts.pointerBits !== undefined && model.format !== 'tflite') throw new UsageError(`--pointer-bits applies to TFLite models (the estimate of TFLM's tail), not to ${file}`);
  // With --reorder, the new order's plan takes at most half the time left: the stored order's plan
  // (for comparison) and TFLM's candidates come after it.
  const planned = planWithProgress(file, model, opts, method, reordered ? end.share(0.5) : end);
  const { baselines } = planned;
  const spilled = planned.results.findIndex((r) => r.spill !== undefined && r.spill.spilled.length > 0);
  if (opts.writeTflite !== undefined && spilled >= 0) {
    // TFLM's offline plan holds one arena offset per tensor: it has no notion of a second memory.
    throw new UsageError(
      `--write-tflite: subgraph ${spilled} spills ${plural(planned.results[spilled]!.spill!.spilled.length, 'buffer')} to DDR to fit --capacity, ` +
        `and TFLite Micro's offline plan has no place for a DDR arena; nothing was written. ` +
        `Write the plan without --capacity (or with one it fits), or use --header / --out for the two arenas`,
    );
  }
  const stored = reordered ? planWithProgress(file, reordered.stored, opts, method, model.format === 'tflite' ? end.share(0.5) : end) : undefined;
  const orders = reordered?.results.map((r) => r.order);
  // TFLite: TFLM adds its kernels' scratch around the offline plan; keep the plan whose head is smallest.
  // (Not after spilling: the head then holds only what stays on chip, and TFLM cannot run a DDR arena.)
  const tflm = model.format === 'tflite' && spilled < 0 ? planTflm(model, planned, opts, method, end, orders) : undefined;
  const results = tflm?.plans ?? planned.results;
  // Every tensor's offset, once: the report, the JSON, the header and the written model all show them.
  const offsets = tensorOffsets(model, results);
  // And every tensor the device places (after spilling, in DDR too), once: the JSON's, the CSV's kept rows and the header's table.
  const placements = modelPlacements(model, results, offsets);
  // After spilling (no TFLM facts): the tail estimate the plan was spilled beside, its scratch requests counted.
  const arenaOpts = tflm !== undefined || model.format !== 'tflite' ? tflmArenaOptions(tflm, opts.pointerBits) : spilledArenaOptions(model, planned.results, modelPlanOptions(opts));
  const json = modelPlanToJson(model, results, opts.capacity, arenaOpts, tflm?.runtimeDefault, offsets, placements);
  const hints =
    opts.capacity !== undefined
      ? modelFitHints({
          model,
          bytes,
          file: path,
          results,
          capacity: opts.capacity,
          importOptions: importOptions(opts),
          solveOptions: solveOptions(opts, method),
          deadline: end,
          reordered: reordered !== undefined,
          ...(opts.kernels !== undefined ? { kernels: opts.kernels } : {}),
          ...(json.arena.tflm ? { tflm: json.arena.tflm } : {}),
        })
      : [];
  if (hints.length > 0) json.hints = hintsToJson(hints);
  if (tflm) Object.assign(json, { tflm: tflmToJson(tflm) });
  if (reordered && stored) {
    json.subgraphs.forEach((sg, s) => Object.assign(sg, storedJson(stored, s)));
    Object.assign(json, storedJson(stored, 0));
  }
  const outputs: [string, string | Uint8Array][] = [];
  if (opts.out !== undefined) outputs.push([opts.out, modelOutText(opts.out, model.subgraphs[0]!, results[0]!, placements[0]!, json)]);
  if (opts.svg !== undefined) outputs.push([opts.svg, layoutSvg(model, results, opts.capacity)]);
  if (opts.trace !== undefined) outputs.push([opts.trace, traceText(modelTrace(model, results))]);
  const written = opts.writeTflite !== undefined ? writeOfflinePlan(bytes, file, offsets, orders, shapePatches(model)) : undefined;
  // The header names the model to ship: the one written when --write-tflite is given (its offline plan, and
  // with --reorder its new order, are what the offsets hold for), else the input.
  const header = { sha256: sha256Hex(written ?? bytes), offsets, placements, ...(opts.prefix !== undefined ? { prefix: opts.prefix } : {}), tflm: arenaOpts };
  if (opts.header !== undefined) outputs.push([opts.header, cHeader(model, results, header)]);
  if (opts.writeTflite !== undefined && written !== undefined) outputs.push([opts.writeTflite, written]);
  writeAllAtomic(outputs);
  if (written !== undefined) warnUnaligned(opts.writeTflite!, offsets, opts.align);
  // --inplace: the same model planned without it, the same way, for the bytes it saved.
  const inplace = opts.inplace !== undefined && opts.inplace.length > 0 ? inplaceSavingOf(path, bytes, model, opts, method, planned, end) : undefined;
  if (inplace !== undefined) Object.assign(json, { inplace });
  if (opts.json) process.stdout.write(stringifyJson(json, undefined, 2) + '\n');
  else {
    const heads = tflm ? { head: tflm.head, runtimeDefault: tflm.runtimeDefault } : undefined;
    process.stdout.write(terminalSafe(formatModelReport(model, results, baselines, heads, { verbose: opts.verbose ?? false, hints: hints.map((h) => h.text), arena: arenaOpts, offsets })));
    if (inplace !== undefined) process.stdout.write('\n' + formatInplaceSaving(file, inplace));
    if (reordered && stored) process.stdout.write(terminalSafe('\n' + formatReorderReport(model, stored.results, planned.results, reordered.results)));
    if (tflm) process.stdout.write(terminalSafe('\n' + formatTflmReport(file, tflm)));
  }
  return json.arena.fits === false ? EXIT_NO_FIT : 0;
}

/**
 * A model's `--out` file (planOutText, subgraph 0): as CSV, the plan's rows and, when a kept offline plan
 * reserves its block there, a row per tensor it places at its offset (keptBuffers: tied to the block, as
 * the header and the written model have them); as JSON, `json`.
 */
function modelOutText(path: string, sg: ModelSubgraph, result: PlanResult, placements: readonly TensorPlacement[], json: object): string {
  const kept = keptBuffers(sg, placements);
  if (kept.length === 0) return planOutText(path, sg.problem, result, json);
  const problem = { ...sg.problem, buffers: [...sg.problem.buffers, ...kept] };
  const memory = result.spill?.memory !== undefined ? [...result.spill.memory, ...kept.map((): Memory => 'chip')] : undefined;
  return planOutText(path, problem, { offsets: [...result.offsets, ...kept.map((b) => b.aliasOffset ?? 0)], ...(memory ? { spill: { ...result.spill!, memory } } : {}) }, json);
}

/** A warning on stderr when a written model's offline plan has offsets TFLM's 16-byte alignment does not allow. */
export function warnUnaligned(written: string, offsets: readonly (readonly number[])[], align: number | undefined): void {
  const unaligned = offsets.flat().filter((o) => o >= 0 && o % TFLM_ALIGNMENT !== 0).length;
  if (unaligned === 0) return;
  process.stderr.write(
    `WARNING: ${written}: ${plural(unaligned, 'tensor offset')} ${verb(unaligned, 'is not a multiple', 'are not multiples')} of ${TFLM_ALIGNMENT} (planned with --align ${align}); ` +
      `TensorFlow Lite Micro expects ${TFLM_ALIGNMENT}-byte-aligned tensor data: plan with the default --align ${TFLM_ALIGNMENT}\n`,
  );
}

/**
 * TFLite: the plan TFLM runs best (planForTflm: kernel scratch placed around the offline plan, the
 * candidate with the smallest head), its candidates' solves sharing what is left of `end`.
 */
export function planTflm(model: ImportedModel, planned: ModelPlan, opts: PlanOptions, method: MethodName | Portfolio, end: Deadline, orders?: readonly (readonly number[] | undefined)[]): TflmPlanFacts<PlanResult> {
  return planForTflm({
    model,
    plans: planned.results,
    solve: (problem, _s, share) => solve(problem, { ...solveOptions(opts, method), deadline: end.share(share) }),
    offsets: (plans) => tensorOffsets(model, plans),
    kernels: opts.kernels ?? 'reference',
    ...(orders ? { orders } : {}),
  });
}

/** The arena with --inplace against the model imported and planned without it (same method and options, what is left of the time). */
function inplaceSavingOf(file: string, bytes: Uint8Array, model: ImportedModel, opts: PlanOptions, method: MethodName | Portfolio, planned: ModelPlan, end: Deadline): InplaceSaving {
  const { inplace: kinds = [], ...rest } = opts;
  const without = opts.reorder ? reorderModel(bytes, file, importOptions(rest)).reordered : importModelFile(bytes, file, importOptions(rest));
  const plan = planModel(without, { ...solveOptions(opts, method), deadline: end }, opts.capacity, modelPlanOptions(opts));
  // The plans of every buffer in one arena (after spilling, the one that did not fit), as --reorder
  // compares them: an on-chip peak after spilling says what stayed, not what --inplace saved.
  const oneArena = (r: PlanResult): number => r.spill?.whole.peak ?? r.peak;
  return inplaceSaving(model, kinds, planned.results.map(oneArena), plan.results.map(oneArena));
}

/** --reorder: a header of offsets in the new order is only right for a model written in that order. */
function reorderOperators(file: string, bytes: Uint8Array, opts: PlanOptions): ReorderedModel {
  if (opts.header !== undefined && opts.writeTflite === undefined) {
    throw new UsageError('--reorder with --header: the offsets follow the new operator order, so write the model in it too (--write-tflite FILE, TFLite)');
  }
  return reorderModel(bytes, file, importOptions(opts));
}

/** How the command line plans a model under its capacity: spilling (unless --no-spill) within the capacity less TFLM's tail (--pointer-bits, --kernels). */
export function modelPlanOptions(opts: Pick<PlanOptions, 'spill' | 'pointerBits' | 'kernels'>): ModelPlanOptions {
  return { spill: opts.spill !== false, tail: { pointerBits: opts.pointerBits ?? 32, kernels: opts.kernels ?? 'reference' } };
}

/** The solve options the command line gives (without progress). */
function solveOptions(opts: PlanOptions, method: MethodName | Portfolio): SolveOptions {
  return { method, timeLimitMs: timeLimitMs(opts), seed: opts.seed, iterations: opts.iterations };
}

export function planWithProgress(file: string, model: ImportedModel, opts: PlanOptions, method: MethodName | Portfolio, deadline: Deadline): ModelPlan {
  const progress = progressReporter(file);
  const plan = planModel(model, { ...solveOptions(opts, method), deadline, onProgress: progress.update }, opts.capacity, modelPlanOptions(opts));
  progress.done();
  return plan;
}

/** The stored order's figures, next to the reordered plan in the JSON. */
function storedJson(stored: ModelPlan, s: number): Required<Pick<SubgraphPlanJson, 'storedOrder'>> {
  const r = stored.results[s]!;
  const oneArena = r.spill?.whole ?? r; // after spilling: the plan of every buffer, as for the new order
  return { storedOrder: { liveBound: r.liveBound, peak: oneArena.peak, method: oneArena.method } };
}

export interface InspectOptions extends ModelFlags {
  json?: boolean;
  /** --sort: `index` (default) or `size`, largest first. */
  sort?: 'index' | 'size';
  /** --hide-constants: leave the weights out of the list. */
  hideConstants?: boolean;
}

export function runInspect(file: string, opts: InspectOptions): number {
  const { model } = readModel(file, opts);
  const view = { sort: opts.sort ?? 'index', hideConstants: opts.hideConstants ?? false } as const;
  if (opts.json) {
    const subgraphs = model.subgraphs.map((sg) => ({
      index: sg.index,
      name: sg.name,
      tensorCount: sg.tensorCount,
      operatorCount: sg.operatorCount,
      notes: sg.notes,
      // `buffer`: the buffer's id, as the text's #id and the plan JSON's buffers[].id.
      tensors: inspectTensors(sg.tensors ?? [], view).map((t) => {
        const { buffer: _b, ...rest } = t;
        const id = bufferId(sg, t);
        return id !== undefined ? { ...rest, buffer: id } : rest;
      }),
      operators: sg.operators ?? [],
    }));
    process.stdout.write(stringifyJson({ model: model.file, format: model.format, subgraphs }, undefined, 2) + '\n');
  } else process.stdout.write(terminalSafe(formatInspect(model, view)));
  return 0;
}

/** `out.csv` for subgraph 0; `out.sg1.csv`, `out.sg2.csv`, ... for the others. */
export function subgraphCsvName(path: string, s: number): string {
  if (s === 0) return path;
  const dot = path.toLowerCase().endsWith('.csv') ? path.length - 4 : path.length;
  return `${path.slice(0, dot)}.sg${s}${path.slice(dot)}`;
}

export interface ConvertOptions extends ModelFlags {
  /** The CSV to write (subgraph 0; FILE.sgk.csv for subgraph k); absent: subgraph 0's CSV on stdout. */
  csv?: string;
}

/**
 * `convert`: the model's problems as MiniMalloc CSV, to `--csv FILE` (every subgraph, each in its
 * file) or, without it, subgraph 0's to stdout (a model with more subgraphs needs --csv: stdout holds one CSV).
 */
export function runConvert(file: string, opts: ConvertOptions): number {
  if (opts.csv === undefined) {
    const { model } = readModel(file, opts);
    if (model.subgraphs.length > 1) {
      throw new UsageError(`${printable(file)} has ${model.subgraphs.length} subgraphs, one CSV each: give --csv FILE (subgraph k > 0 goes to FILE.sgk.csv); stdout holds one CSV`);
    }
    process.stdout.write(problemToCsv(withKept(model, 0)));
    return 0;
  }
  const csv = opts.csv;
  checkOutputPaths([file], [['--csv', csv]]);
  const { model } = readModel(file, opts);
  const outputs = model.subgraphs.map((_, s): [string, string] => [subgraphCsvName(csv, s), problemToCsv(withKept(model, s))]);
  checkOutputPaths([file], outputs.map(([path]) => ['--csv', path] as const));
  writeAllAtomic(outputs);
  for (const [path] of outputs) process.stdout.write(`wrote ${printable(path)}\n`);
  return 0;
}

/** Subgraph `s`'s problem with a row per tensor a kept offline plan places (keptBuffers, from keptOffsets: nothing is planned yet). */
function withKept(model: ImportedModel, s: number): Problem {
  const sg = model.subgraphs[s]!;
  const kept = keptBuffers(sg, tensorPlacements(model, keptOffsets(model))[s]!);
  return kept.length === 0 ? sg.problem : { ...sg.problem, buffers: [...sg.problem.buffers, ...kept] };
}

export { withModelFlags } from './cli-flags.js';
