/** The command line's memory tiers: `plan FILE --memory NAME=SIZE[:COST] ...` (issue #13). */
import { formatTieredReport, tieredOutText, tieredPlanToJson } from './export/tiers.js';
import { printable, terminalSafe } from './format/printable.js';
import type { MemoryTier } from './problem/types.js';
import { EXIT_NO_FIT, UsageError, writeAllAtomic } from './cli-io.js';
import type { TieredPlan } from './solve/tiers/index.js';
import { importOptions, type PlanOptions } from './cli-model.js';
import { timeLimitMs } from './cli-io.js';
import { tieredHeader } from './export/tiers-header.js';
import { tieredLayoutSvg } from './export/tiers-svg.js';
import { shapePatches, writeOfflinePlan } from './export/tflm-offline-plan.js';
import { tensorOffsets } from './export/tensor-offsets.js';
import { sha256Hex } from './format/sha256.js';
import { importModelFile } from './import/model-file.js';
import type { ImportedModel } from './import/model.js';
import { firstMemoryPlans, isWeightBuffer, planModelTiers, tailFillsFirst, tflmTiers, tierBase, weightTiers, withTraffic, type TflmTiers, type TiersTflmOptions } from './plan-model-tiers.js';
import { formatBytesExact } from './format/bytes.js';
import { subgraphTitle } from './export/labels.js';
import { Deadline as DeadlineClock, defaultTimeLimitMs } from './solve/deadline.js';
import { plural, verb } from './format/plural.js';
import { stringifyJson } from './format/json-text.js';

export { memoryOption } from './cli-flags.js';
// The CSV/JSON side lives in its own module, which loads none of the model readers (a CSV run starts faster).
export { problemTiersJson, problemTiersText, runPlanTiers, type TiersRunOptions } from './cli-tiers-problem.js';


/**
 * The model's tiered plans as JSON: the memories (stacked over the subgraphs), the total cost, and per
 * subgraph its plan; each buffer with `name`, `tensors` and, for weights (with --weights), `"constant": true`.
 * A TFLite model's plan (with `tflm`, tflmTiers) has `tflm`: the first memory's TFLM arena, its head
 * with the kernels' scratch, the tail estimate, their total and whether it fits; that memory's
 * `capacity` is the one given (each subgraph's memories show what was left to it beside the tail).
 */
export function modelTiersJson(model: ImportedModel, plans: readonly TieredPlan[], tflm?: TflmTiers): object {
  const ok = plans.length === model.subgraphs.length && plans.every((p) => p.memory.length > 0);
  const memories = plans[0]!.memories.map((mem, m) => ({
    name: mem.name,
    capacity: m === 0 && tflm !== undefined ? (tflm.capacity ?? null) : (mem.capacity ?? null),
    cost: mem.cost,
    ...(mem.readOnly === true ? { readOnly: true } : {}),
    used: ok ? tierBase(plans.slice(0, -1), m) + plans[plans.length - 1]!.usage[m]!.used : null,
  }));
  const total = (key: 'cost' | 'bound'): number | null => (ok ? plans.reduce((s, p) => s + p[key], 0) : null);
  const weights = plans[0]!.memories.some((mem) => mem.readOnly === true);
  return {
    model: model.file,
    format: model.format,
    status: !ok ? plans[plans.length - 1]!.status : plans.every((p) => p.status === 'optimal') ? 'optimal' : 'feasible',
    cost: total('cost'),
    bound: total('bound'),
    ...(weights && ok ? { copyInBytes: plans.reduce((s, p) => s + (p.copyInBytes ?? 0), 0) } : {}),
    memories,
    ...(tflm !== undefined ? { tflm } : {}),
    subgraphs: plans.map((plan, s) => {
      const sg = model.subgraphs[s]!;
      const json = tieredPlanToJson(withTraffic(sg, plan.memories), plan);
      json.buffers.forEach((b, i) => Object.assign(b, { name: sg.names[i], tensors: sg.tensorsOf[i] }, weights && isWeightBuffer(sg, i) ? { constant: true } : {}));
      return { index: sg.index, name: sg.name, ...json };
    }),
  };
}

/** Flags the tiers path of a model does not take (yet, or by nature). */
const MODEL_TIERS_REFUSED: [keyof PlanOptions, string][] = [
  ['capacity', '--capacity'],
  ['reorder', '--reorder'],
  ['emitLp', '--emit-lp'],
  // The trace draws one arena per track (on chip, DDR after spilling); memory tiers have no trace yet.
  ['trace', '--trace'],
];

/**
 * `plan MODEL --memory ...`: every subgraph over the memories (planModelTiers), then the outputs:
 * the report or `--json`, `--out` (JSON, or subgraph 0's solution CSV), `--header` (per memory bases,
 * sizes and each tensor's memory and offset) and `--write-tflite` (TFLite Micro has one arena: only
 * when every buffer is in the first memory; else refused, pointing to the header). Exit 3 without a plan.
 */
export async function runPlanModelTiers(path: string, bytes: Uint8Array, opts: PlanOptions, given: readonly MemoryTier[]): Promise<number> {
  // `path` is the model's `file` (the outputs take its base name); messages and reports show `file`, control characters escaped.
  const file = printable(path);
  const memories = weightTiers(given, opts.weights === true);
  for (const [key, flag] of MODEL_TIERS_REFUSED) if (opts[key] !== undefined && opts[key] !== false) throw new UsageError(`${flag} does not go with --memory`);
  if (opts.spill === false) throw new UsageError('--no-spill does not go with --memory');
  if ((opts.method as string) === 'glpk') throw new UsageError('--method glpk is for small CSV/JSON problems');
  if (opts.prefix !== undefined && opts.header === undefined) throw new UsageError('--prefix names the macros of --header FILE: give --header too');
  const method = opts.method as Exclude<PlanOptions['method'], 'glpk'>;
  const deadline = DeadlineClock.sinceStart(timeLimitMs(opts) ?? defaultTimeLimitMs(method));
  // --weights: the constants become (whole-run) buffers, as with --include-weights.
  const model = importModelFile(bytes, path, importOptions(opts.weights === true ? { ...opts, includeWeights: true } : opts));
  if (opts.writeTflite !== undefined && model.format !== 'tflite') throw new UsageError(`--write-tflite needs a .tflite model, not ${file}`);
  if (opts.kernels !== undefined && model.format !== 'tflite') throw new UsageError(`--kernels applies to TFLite models (TFLM's kernels), not to ${file}`);
  const how = tiersTflmOptions(opts);
  // The command's one deadline, shared by every subgraph and by both passes of a model with kernel scratch.
  const plans = await planModelTiers(model, memories, { method, seed: opts.seed, iterations: opts.iterations, deadline }, undefined, how);
  const ok = plans.length === model.subgraphs.length && plans.every((p) => p.memory.length > 0);
  const tflm = ok ? tflmTiers(model, plans, memories, how) : undefined;
  const json = modelTiersJson(model, plans, tflm);
  const outputs: [string, string | Uint8Array][] = [];
  // Buffers outside the first memory, weights read in place from flash left out (TFLM reads those from the model itself).
  const elsewhere = plans.reduce((s, p) => s + p.memory.filter((m) => m !== 0 && memories[m]!.readOnly !== true).length, 0);
  const copied = plans.reduce((s, p) => s + (p.copyInBytes ?? 0), 0);
  if (ok) {
    const first = memories[0]!.name;
    if (opts.out !== undefined) {
      const sg0 = withTraffic(model.subgraphs[0]!, memories);
      const csv = opts.out.toLowerCase().endsWith('.csv');
      outputs.push([opts.out, csv ? tieredOutText(opts.out, sg0, plans[0]!, tieredPlanToJson(sg0, plans[0]!)) : stringifyJson(json, (k, v: unknown) => (k === 'timeMs' ? undefined : v), 2) + '\n']);
    }
    if (opts.svg !== undefined) outputs.push([opts.svg, tieredLayoutSvg(model, plans, tflm)]);
    let written: Uint8Array | undefined;
    if (opts.writeTflite !== undefined) {
      if (copied > 0) {
        throw new UsageError(
          `--write-tflite: ${copied} B of weights are copied out of flash, and TFLite Micro reads weights in place from the model (its offline plan has no entry for them); nothing was written. ` +
            'Use --header for each tensor\'s memory and offset (a runtime that copies them), or plan without --weights',
        );
      }
      if (elsewhere > 0) {
        throw new UsageError(
          `--write-tflite: ${plural(elsewhere, 'buffer')} ${verb(elsewhere, 'lives', 'live')} outside the first memory "${first}", and TFLite Micro's offline plan has one arena; nothing was written. ` +
            `Use --header for each tensor's memory and offset (runtimes with several arenas), or give "${first}" room for everything`,
        );
      }
      // Everything in the first memory: TFLM runs the written model there, its head tflm.head (the report's).
      const offsets = tensorOffsets(model, firstMemoryPlans(plans));
      written = writeOfflinePlan(bytes, file, offsets, undefined, shapePatches(model));
    }
    // The header names the model to ship: the one written with --write-tflite, else the input.
    if (opts.header !== undefined) outputs.push([opts.header, tieredHeader(model, plans, { sha256: sha256Hex(written ?? bytes), ...(opts.prefix !== undefined ? { prefix: opts.prefix } : {}), ...(tflm !== undefined ? { tflm } : {}) })]);
    if (opts.writeTflite !== undefined && written !== undefined) outputs.push([opts.writeTflite, written]);
  } else if (opts.out !== undefined || opts.header !== undefined || opts.svg !== undefined || opts.writeTflite !== undefined) {
    const last = plans[plans.length - 1]!;
    const message = `subgraph ${plans.length - 1}: no plan over the memories (${last.failure ?? last.status}); nothing was written`;
    // TFLM's tail alone fills the first memory: the model does not fit (exit 3, as --capacity), the report says why.
    if (!tailFillsFirst(model, memories, how)) throw new UsageError(message);
    process.stderr.write(`arenapack: ${terminalSafe(message)}\n`);
  }
  writeAllAtomic(outputs);
  if (opts.json) process.stdout.write(stringifyJson(json, undefined, 2) + '\n');
  else process.stdout.write(terminalSafe(modelTiersText(file, model, plans, opts.weights === true || opts.includeWeights === true, tflm)));
  return ok && tflm?.fits !== false ? 0 : EXIT_NO_FIT;
}

/** The TFLM options of a model's tiers plan from the command's flags: --pointer-bits (default 32) and --kernels (default reference). */
export const tiersTflmOptions = (opts: Pick<PlanOptions, 'pointerBits' | 'kernels'>): TiersTflmOptions => ({ pointerBits: opts.pointerBits ?? 32, kernels: opts.kernels ?? 'reference' });

/** The lines that say how a TFLite model's TFLM arena sits in the first memory (tflmTiers). */
function tflmLines(t: TflmTiers): string[] {
  const unknown = t.tailUnknown.length > 0 ? `, a lower bound: no rule for ${t.tailUnknown.join(', ')}` : '';
  const scratch = t.scratchRequests > 0 ? ` with the kernels' scratch (${plural(t.scratchRequests, 'request')})` : '';
  const where = t.single ? "TFLM's head" : `the arena in "${t.memory}" (the subgraphs stacked, room kept for the scratch)`;
  const lines = [
    `TFLite Micro's arena is in "${t.memory}": ${where}${scratch} ${formatBytesExact(t.head)} + tail ${formatBytesExact(t.tail)} (estimate${unknown}) = ${formatBytesExact(t.total)}` +
      (t.capacity === undefined ? ` ("${t.memory}" unbounded)` : t.fits ? ` within ${formatBytesExact(t.capacity)}: fits` : ` — does NOT fit ${formatBytesExact(t.capacity)}`),
  ];
  return lines;
}

/**
 * A model's tiered report: one per subgraph, then the total traffic cost, with weights in flash
 * (a read-only memory) how many stay and how many are copied, and what TFLite Micro's one arena allows.
 * `constants`: the weights are planned (--weights or --include-weights). `tflm` (a TFLite model:
 * tflmTiers): the line of TFLM's arena in the first memory, head with scratch + tail against its capacity.
 */
export function modelTiersText(file: string, model: ImportedModel, plans: readonly TieredPlan[], constants: boolean, tflm?: TflmTiers): string {
  const memories = plans[0]!.memories;
  const ok = plans.length === model.subgraphs.length && plans.every((p) => p.memory.length > 0);
  const text = plans.map((plan, s) => formatTieredReport(model.subgraphs[s]!.problem, plan, subgraphTitle(file, model.subgraphs[s]!))).join('\n');
  const tail: string[] = [];
  if (ok) {
    const elsewhere = plans.reduce((s, p) => s + p.memory.filter((m) => m !== 0 && memories[m]!.readOnly !== true).length, 0);
    const copied = plans.reduce((s, p) => s + (p.copyInBytes ?? 0), 0);
    tail.push(`${file}: traffic cost ${plans.reduce((s, p) => s + p.cost, 0)} over ${plural(model.subgraphs.length, 'subgraph')} (weights: size x (1 + readers) per tensor${constants ? ', size x readers per constant' : ''})`);
    const flash = memories.find((mem) => mem.readOnly === true);
    if (flash !== undefined) {
      const stay = plans.reduce((s, p) => s + p.memory.filter((m) => memories[m]!.readOnly === true).length, 0);
      const moved = plans.reduce((s, p, k) => s + p.memory.filter((m, i) => memories[m]!.readOnly !== true && isWeightBuffer(model.subgraphs[k]!, i)).length, 0);
      tail.push(`weights: ${stay} read in place from "${flash.name}", ${moved} copied into faster memories before the run (${copied} B copied in)`);
    }
    if (tflm !== undefined) tail.push(...tflmLines(tflm));
    if (model.format === 'tflite') {
      tail.push(
        copied > 0
          ? "TFLite Micro reads weights in place from the model: with weights copied out of flash, --write-tflite is refused: --header gives each tensor's memory and offset"
          : elsewhere === 0
            ? `TFLite Micro: everything is in "${memories[0]!.name}": --write-tflite writes the offline plan as usual`
            : `TFLite Micro: ${plural(elsewhere, 'buffer')} ${verb(elsewhere, 'lives', 'live')} outside "${memories[0]!.name}"; its offline plan has one arena, so --write-tflite is refused: --header gives each tensor's memory and offset`,
      );
    }
  }
  return text + (tail.length > 0 ? '\n' + tail.join('\n') + '\n' : '');
}
