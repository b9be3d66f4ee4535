/** The command line's `plan a.tflite b.tflite --shared-arena`: several TFLite models in one TFLM arena. */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { cHeader } from './export/c-header.js';
import { baseName } from './export/labels.js';
import { modelPlanToJson, type ModelPlanJson } from './export/model-json.js';
import { formatSharedArenaReport, sharedArenaHeader, sharedArenaJson } from './export/shared-arena.js';
import { tensorOffsets } from './export/tensor-offsets.js';
import { shapePatches, writeOfflinePlan } from './export/tflm-offline-plan.js';
import { tflmToJson } from './export/tflm-report.js';
import { printable, terminalSafe } from './format/printable.js';
import { sha256Hex } from './format/sha256.js';
import type { ImportedModel } from './import/model.js';
import { modelFormat } from './import/model-file.js';
import type { MemoryTier } from './problem/types.js';
import { tflmArenaOptions, variableBytes, type TflmArena } from './runtime/tflm/arena.js';
import { sharedArena } from './runtime/tflm/shared-arena.js';
import { Deadline, defaultTimeLimitMs } from './solve/deadline.js';
import type { MethodName, Portfolio } from './solve/methods.js';
import { checkOutputPaths, timeLimitMs, UsageError, writeAllAtomic } from './cli-io.js';
import { planTflm, planWithProgress, readModel, warnUnaligned, type PlanOptions } from './cli-model.js';
import { stringifyJson } from './format/json-text.js';

/** The plan command's options as --shared-arena sees them (the flags it refuses included). */
export interface SharedArenaOptions extends PlanOptions {
  jobs?: number;
  memory?: MemoryTier[];
  /** The command's deadline; absent: --time-limit (or the method's default) from the process's start. */
  deadline?: Deadline;
}

/** The default macro prefix of the shared part of the header. */
export const SHARED_PREFIX = 'SHARED_ARENA';

/** Flags that mean nothing for several models in one TFLM arena, each with why. */
function refusedFlags(opts: SharedArenaOptions): [string, boolean, string][] {
  return [
    ['--memory', opts.memory !== undefined, 'memory tiers place one problem in several memories; the shared arena is one TFLM arena'],
    ['--weights', opts.weights === true, 'the weights take part in memory tiers (--memory); TFLM reads them from each model'],
    ['--capacity', opts.capacity !== undefined, 'the shared arena spills nothing: compare its size with your memory in the report'],
    ['--no-spill', opts.spill === false, 'the shared arena spills nothing'],
    ['--reorder', opts.reorder === true, 'plan each model with --reorder --write-tflite first, then share the arena of the models written'],
    ['--out', opts.out !== undefined, 'use --json for every model\'s plan'],
    ['--svg', opts.svg !== undefined, 'draw one model at a time'],
    ['--trace', opts.trace !== undefined, 'trace one model at a time'],
    ['--emit-lp', opts.emitLp !== undefined, 'it is for CSV/JSON problems'],
    ['--method glpk', opts.method === 'glpk', 'it is for small CSV/JSON problems'],
    ['--jobs', opts.jobs !== undefined, 'the models are planned in this process, one after another'],
  ];
}

/** Refuses what --shared-arena cannot do, before anything is read: clear messages, exit 2. */
function checkFlags(files: readonly string[], opts: SharedArenaOptions): void {
  if (files.length < 2) throw new UsageError(`--shared-arena shares one arena between two or more models: give at least two .tflite files (got ${files.length})`);
  for (const [flag, given, why] of refusedFlags(opts)) if (given) throw new UsageError(`${flag} does not go with --shared-arena: ${why}`);
  if (opts.prefix !== undefined && opts.header === undefined) throw new UsageError('--prefix names the macros of --header FILE: give --header too');
}

/**
 * --write-tflite DIR with --shared-arena: each model written into the folder DIR under its own file
 * name. Throws UsageError when DIR is not a folder or two models have one file name.
 */
function writtenPaths(files: readonly string[], dir: string | undefined): string[] | undefined {
  if (dir === undefined) return undefined;
  if (!(statSync(dir, { throwIfNoEntry: false })?.isDirectory() ?? false)) {
    throw new UsageError(`--write-tflite ${dir}: with --shared-arena give an existing folder; each model is written there under its own file name`);
  }
  const names = files.map((f) => baseName(f));
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice !== undefined) throw new UsageError(`--write-tflite with --shared-arena: two models are named ${printable(twice)}; each is written under its own file name, so rename one`);
  return names.map((n) => join(dir, n));
}

/** One model planned as `plan FILE` plans a TFLite model, with what the outputs need. */
interface PlannedModel {
  json: ModelPlanJson;
  arena: TflmArena;
  header: string;
  written?: Uint8Array;
}

/** A model read for --shared-arena (readModel): a TFLite model, else UsageError. */
function readTfliteModel(file: string, opts: SharedArenaOptions): { bytes: Uint8Array; model: ImportedModel } {
  return readModel(file, opts, (bytes) => {
    if (modelFormat(file, bytes) !== 'tflite') {
      throw new UsageError(`--shared-arena: ${printable(file)} is not a .tflite model; the shared arena is TFLite Micro's (its head shared, every model's tail apart)`);
    }
  });
}

/**
 * Plans one model as `plan FILE` plans a TFLite model; `writeTo`: where its model with the offline plan
 * goes (--write-tflite). A variable the model's own offline plan (kept) puts in the head is refused
 * (UsageError): the shared head is overwritten by the other models' runs, its state would be lost.
 */
function planOne(file: string, bytes: Uint8Array, model: ImportedModel, opts: SharedArenaOptions, method: MethodName | Portfolio, end: Deadline, writeTo: string | undefined): PlannedModel {
  const planned = planWithProgress(file, model, opts, method, end);
  const tflm = planTflm(model, planned, opts, method, end);
  const offsets = tensorOffsets(model, tflm.plans);
  const arenaOpts = tflmArenaOptions(tflm, opts.pointerBits);
  if (variableBytes(model, offsets) !== variableBytes(model)) {
    throw new UsageError(
      `--shared-arena: ${file} carries its own offline plan (kept) that places variable tensors in the head, which the other models overwrite: ` +
        'plan it with --replace-offline-plan so that its variables stay in its own tail',
    );
  }
  const json = modelPlanToJson(model, tflm.plans, undefined, arenaOpts, tflm.runtimeDefault, offsets);
  Object.assign(json, { tflm: tflmToJson(tflm) });
  // The model with its offline plan, when written: the header names it (its SHA-256), not the input.
  const written = writeTo !== undefined ? writeOfflinePlan(bytes, file, offsets, undefined, shapePatches(model)) : undefined;
  const header = cHeader(model, tflm.plans, { sha256: sha256Hex(written ?? bytes), offsets, tflm: arenaOpts });
  const out: PlannedModel = { json, arena: json.arena.tflm!, header };
  if (written !== undefined) {
    out.written = written;
    warnUnaligned(writeTo!, offsets, opts.align);
  }
  return out;
}

/**
 * `plan a.tflite b.tflite ... --shared-arena`: plans every model as `plan FILE` does (its offline
 * plan against the start of the arena's head), then reports the shared arena
 * (src/runtime/tflm/shared-arena.ts): each model's need, the shared size and the saving over
 * separate arenas. Outputs (written only once all are computed): --header FILE (one header, the
 * shared figures and each model's offsets under its own prefix), --write-tflite DIR (each model with
 * its offline plan), --json. Returns the exit code (0).
 */
export function runPlanSharedArena(files: readonly string[], opts: SharedArenaOptions): number {
  checkFlags(files, opts);
  const written = writtenPaths(files, opts.writeTflite);
  checkOutputPaths(files, [['--header', opts.header], ...(written ?? []).map((p): [string, string] => ['--write-tflite', p])]);
  const method = opts.method as MethodName | Portfolio; // not 'glpk': refused above
  // One deadline for the whole command, from the process's start (README: --time-limit).
  const end = opts.deadline ?? Deadline.sinceStart(timeLimitMs(opts) ?? defaultTimeLimitMs(method));
  // Every file read (and refused when it is not TFLite) before any is planned.
  const read = files.map((file) => readTfliteModel(file, opts));
  // Each model's solves take at most an equal share of the time left.
  // Read from the paths; named as messages and outputs show them (control characters escaped).
  const names = files.map((f) => printable(f));
  const models = names.map((file, i) => planOne(file, read[i]!.bytes, read[i]!.model, opts, method, end.share(1 / (files.length - i)), written?.[i]));
  const shared = sharedArena(names, models.map((m) => m.arena));
  const pointerBits = opts.pointerBits ?? 32;
  const outputs: [string, string | Uint8Array][] = [];
  if (opts.header !== undefined) outputs.push([opts.header, sharedArenaHeader(shared, opts.prefix ?? SHARED_PREFIX, models.map((m) => m.header))]);
  for (const [i, path] of (written ?? []).entries()) outputs.push([path, models[i]!.written!]);
  writeAllAtomic(outputs);
  if (opts.json) process.stdout.write(stringifyJson(sharedArenaJson(shared, pointerBits, models.map((m) => m.json)), undefined, 2) + '\n');
  else process.stdout.write(terminalSafe(formatSharedArenaReport(shared, pointerBits)));
  return 0;
}

