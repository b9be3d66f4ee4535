import { formatBytes, formatBytesBoth as formatBytesExact } from '../format/bytes.js';
import { operatorLabel } from '../graph/types.js';
import type { ImportedModel, ModelSubgraph } from '../import/model.js';
import type { PlanResult } from '../solve/spill.js';
import { printable, quoted } from '../format/printable.js';
import { operatorAtStep, subgraphTitle } from './labels.js';
import { formatReport, lessThan, problemBefore, type Baseline, type ReportLabels } from './report.js';
import { plural, verb } from '../format/plural.js';
import { tailLabel, tflmArena, type TflmArenaOptions } from '../runtime/tflm/arena.js';
import { GREEDY_PLANNER_NAME } from '../runtime/tflm/greedy-planner.js';
import { modelArena, tensorOffsets } from './tensor-offsets.js';
import { OFFLINE_PLAN_ID } from '../graph/problem.js';

/** Peaks the report compares the best plan with (--verbose): no reuse at all, and shared slots in execution order. */
export interface Baselines {
  /** `naive`: every buffer its own memory. */
  naive: number;
  /** `slots-inorder`: shared slots in execution order. */
  before: number;
}

/** TFLite: what TFLM does with the plan, and on its own (src/runtime/tflm/model-head.ts). */
export interface TflmHeads {
  /** The head TFLM uses with this plan as its offline plan and its kernels' scratch placed around it, bytes. */
  head: number;
  /** The head TFLM's own greedy planner reaches on the model as given (the runtime's default), bytes. */
  runtimeDefault: number;
}

/** What the model report says beyond the plans. */
export interface ModelReportOptions {
  /** Every method's peak and time, the no-reuse and slots baselines, the proofs' details. */
  verbose?: boolean;
  /** "What to change to fit" lines, each already planned (src/model-fit-hints.ts). */
  hints?: readonly string[];
  /** TFLite: what tflmArena needs beyond the plan (head with scratch, scratch requests, the tail estimate's pointer size). */
  arena?: TflmArenaOptions;
  /** tensorOffsets(model, results), when the caller has them already (computed once per plan). */
  offsets?: readonly (readonly number[])[];
}

/** The name of the runtime default the TFLite report compares with. */
export const TFLM_DEFAULT_NAME = "TFLM's own GreedyMemoryPlanner on the model as given (largest first, first gap; the model's offline plan kept where it has one)";

/**
 * The name of a TFLite model's "before" (planForTflm's runtimeDefault): what TFLM does with the file as
 * stored. With --replace-offline-plan the stored plan still counts there (the device runs the file as
 * stored with it), and the name says it is the plan this run replaces; a malformed stored plan is named.
 */
export function tflmDefaultName(model: Pick<ImportedModel, 'offlinePlan'>): string {
  const own = model.offlinePlan;
  if (own === undefined || own.kept) return TFLM_DEFAULT_NAME;
  if (own.unreadable !== undefined) {
    return `TFLM's own GreedyMemoryPlanner on every tensor (largest first, first gap); the model's stored offline plan is malformed (${own.unreadable}), so this is not what the file as stored gives on the device`;
  }
  return "TFLM on the model as stored, with its own offline plan (OfflineMemoryAllocation, the one --replace-offline-plan replaces) and its GreedyMemoryPlanner for the rest (largest first, first gap)";
}

/**
 * The tensors line: how many tensors are planned in how many buffers, how many keep the offsets of the
 * model's own offline plan (kept: in the block it reserves, not counted as a planned buffer) and how many are constants.
 */
function counts(sg: ModelSubgraph): string {
  const planned = sg.tensorsOf.reduce((a, ts) => a + ts.length, 0);
  const kept = sg.tensors?.filter((t) => t.fixedOffset !== undefined).length ?? 0;
  const buffers = sg.problem.buffers.filter((b) => b.id !== OFFLINE_PLAN_ID).length;
  const constants = sg.tensors?.filter((t) => t.kind === 'constant').length;
  const keptPart = kept > 0 ? `, ${kept} ${verb(kept, 'keeps', 'keep')} the model's own offline-plan offsets` : '';
  const plannedPart = planned === 0 && buffers === 0 ? '0 planned' : `${planned} planned in ${plural(buffers, 'buffer')}`;
  return `${plural(sg.tensorCount, 'tensor')} (${plannedPart}${keptPart}${constants !== undefined ? `, ${constants} constant` : ''}), ${plural(sg.operatorCount, 'operator')}`;
}

/** A long tensor name (TFLite's run to hundreds of characters) cut in its middle to at most 48 characters. */
const shortName = (name: string): string => (name.length <= 48 ? name : `${name.slice(0, 22)}...${name.slice(-23)}`);

/**
 * A model subgraph's labels: a buffer by its owner tensor (`#12 "conv1"`, the numbering of `inspect`
 * and of the JSON's buffer ids), a step by the operator it runs (`step 3 = operator 3 (CONV_2D)`).
 */
export function modelLabels(sg: ModelSubgraph): ReportLabels {
  return {
    noun: 'tensor',
    buffer: (i) => `#${printable(sg.problem.buffers[i]!.id)} ${quoted(shortName(sg.names[i]!))}`,
    step: (k) => {
      const op = operatorAtStep(sg, k);
      return `step ${k} = ${op ? operatorLabel({ ...op, type: printable(op.type), name: printable(op.name) }) : `operator ${sg.order?.[k] ?? k}`}`;
    },
  };
}


/**
 * The capacity lines of a TFLite model: the arena a user types in (head + TFLM's tail estimate) is
 * what must fit `cap`, spilled or not (the tail is persistent and lives on chip beside the head;
 * src/plan-model.ts spills within `cap - tail`). When the tail alone fills the capacity, no spill can
 * help, and the line says so. Bytes.
 */
function tfliteCapacityLines(cap: number, head: number, tail: number, spilled: boolean): string[] {
  const total = head + tail;
  const arena = `(head + TFLM's tail estimate, kTensorArenaSize ~ ${formatBytesExact(total)})`;
  if (tail >= cap) {
    return [`  capacity        ${formatBytesExact(cap)}: does NOT fit: TFLM's tail estimate alone is ${formatBytesExact(tail)}, leaving no room for the head; no spill can help ${arena}`];
  }
  const fit = total <= cap ? `fits${spilled ? ' after spilling' : ''}, ${formatBytes(cap - total)} to spare` : `does NOT fit${spilled ? ' even after spilling' : ''}, ${formatBytes(total - cap)} over`;
  const lines = [`  capacity        ${formatBytesExact(cap)}: ${fit} ${arena}`];
  if (spilled) {
    const room = cap - tail;
    lines.push(`                  on chip: head ${formatBytesExact(head)} ${head <= room ? 'within' : 'above'} the capacity less TFLM's tail estimate, ${formatBytesExact(room)}`);
  }
  return lines;
}

/**
 * The human report of a model, answer first. TFLite: the arena TFLM will use (its head with this
 * plan and the kernels' scratch, plus an estimate of its tail), compared with what TFLM's own
 * planner needs on the model as given. Then per subgraph (a step is an operator): the plan, its lower
 * bound, the capacity, the peak's operator and tensors; ONNX subgraphs are compared with TFLite's
 * greedy rule (ONNX Runtime's allocator is not modelled). `tflm`: TFLite, the heads (model-head.ts).
 */
export function formatModelReport(
  model: ImportedModel,
  results: readonly PlanResult[],
  baselines: readonly Baselines[],
  tflm?: TflmHeads,
  options: ModelReportOptions = {},
): string {
  const parts: string[] = [];
  const operators = model.subgraphs.reduce((a, sg) => a + sg.operatorCount, 0);
  const head = [
    `${printable(model.file)}: ${model.format === 'tflite' ? 'TFLite' : 'ONNX'} model, ${plural(model.subgraphs.length, 'subgraph')}, ${plural(operators, 'operator')}; ` +
      `a step is an operator (step k runs the k-th operator of the order planned)`,
  ];
  const { size: total, layout } = modelArena(model, results);
  const cap = model.subgraphs[0]!.problem.capacity;
  const spilled = results.some((r) => r.spill !== undefined);
  const a = model.format === 'tflite' ? tflmArena(model, options.offsets ?? tensorOffsets(model, results), options.arena ?? (tflm !== undefined ? { headWithScratch: tflm.head } : {})) : undefined;
  if (a !== undefined) {
    const what = tflm !== undefined ? 'planned tensors, each rounded up to 16, and the kernel scratch TFLM places around them' : 'planned tensors, each rounded up to 16 as TFLM plans';
    head.push(`  arena needed    ${formatBytesExact(a.head)}  TFLM head: ${what}${spilled ? ' (on chip, after spilling)' : ''}`);
    head.push(
      `                  + TFLM's tail ~${formatBytesExact(a.tail.bytes)}${a.variables > 0 ? ` (of which variables ${formatBytesExact(a.variables)})` : ''}: ` +
        `kTensorArenaSize ~ ${formatBytesExact(a.total)}; the tail an ${tailLabel(a.tail)}`,
    );
    if (cap !== undefined) head.push(...tfliteCapacityLines(cap, a.head, a.tail.bytes, spilled));
    if (tflm !== undefined) head.push(`  before          ${formatBytesExact(tflm.runtimeDefault)}  ${tflmDefaultName(model)}: ${lessThan(a.head, tflm.runtimeDefault)}`);
  } else if (model.subgraphs.length > 1) {
    head.push(`  arena needed    ${formatBytesExact(total)}  ${plural(model.subgraphs.length, 'subgraph')} stacked in one arena`);
    if (cap !== undefined) head.push(`  capacity        ${formatBytesExact(cap)}: ${total <= cap ? `fits${spilled ? ' after spilling' : ''}` : 'does NOT fit'}`);
  }
  if (options.hints !== undefined && options.hints.length > 0) {
    head.push('  to fit:');
    for (const h of options.hints) head.push(`    - ${h}`);
  }
  parts.push(head.join('\n') + '\n');
  const judged =
    a !== undefined
      ? `judged for the whole model above (TFLM's head and tail)`
      : model.subgraphs.length > 1
        ? `judged for the whole model above (its ${plural(model.subgraphs.length, 'subgraph')} in one arena)`
        : undefined;
  model.subgraphs.forEach((sg, s) => {
    const r = results[s]!;
    const b = baselines[s]!;
    // The baselines compare plans of every buffer in one arena: after spilling, the one that did not fit.
    // ONNX: TFLite's greedy planner on the subgraph, when problemBefore made it; TFLite: the model's own line.
    const onnx = model.format === 'tflite' ? null : problemBefore(sg.problem);
    const baseline: Baseline | null = onnx === null || typeof onnx === 'string' ? null : { ...onnx, name: `${GREEDY_PLANNER_NAME}; ONNX Runtime's own arena allocator is not modelled` };
    const details = [
      `  no reuse        ${formatBytesExact(b.naive)}`,
      `  slots-inorder   ${formatBytesExact(b.before)}  shared slots in execution order`,
    ];
    const text = formatReport(sg.problem, r, subgraphTitle(model.file, sg), {
      labels: modelLabels(sg),
      baseline,
      verbose: options.verbose ?? false,
      preface: [`  tensors         ${counts(sg)}`],
      details,
      ...(model.format === 'tflite' ? { arenaName: 'planned arena', spilledCapacityName: 'on-chip room' } : {}),
      // The model's lines above judge the fit of the whole arena (TFLM's head and tail; the subgraphs together).
      ...(judged !== undefined ? { fitJudgedBy: judged } : {}),
    });
    const lines = [text.trimEnd()];
    for (const n of sg.notes) lines.push(`  note: ${printable(n)}`);
    parts.push(lines.join('\n') + '\n');
  });
  if (model.subgraphs.length > 1 && model.format === 'tflite') {
    // The capacity holds the whole TFLM arena (head + tail estimate), spilled or not, as above.
    const whole = a?.total ?? total;
    const fit = cap === undefined ? '' : whole <= cap ? `; capacity ${formatBytes(cap)}: fits${spilled ? ' after spilling' : ''} (with TFLM's tail estimate)` : `; capacity ${formatBytes(cap)}: does NOT fit (with TFLM's tail estimate)`;
    const how = layout === 'stacked' ? 'stacked in one arena' : "in one arena as TFLM's lifetimes allow (a subgraph run once right above what its caller has live at the call)";
    parts.push(`${printable(model.file)}: ${plural(model.subgraphs.length, 'subgraph')} ${how} (header, offline plan): ${formatBytesExact(total)}${fit}\n`);
  }
  return parts.join('\n');
}
