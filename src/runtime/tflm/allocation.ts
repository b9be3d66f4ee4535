import { tensorBytes, SizeError, typeCode } from '../../import/tflite/tensor-size.js';
import { alignUp } from '../../format/bytes.js';
import { InputError } from '../../problem/errors.js';
import type { TflmGraph } from './graph.js';
import type { PlannerBuffer } from './greedy-planner.js';

/**
 * The buffers TFLM hands its memory planner, in the order it adds them
 * (tensorflow/lite/micro/micro_allocation_info.cc and micro_allocator.cc, CreatePlan):
 * every tensor of every subgraph in index order, then every scratch request in the order the
 * kernels made them (subgraph by subgraph, operator by operator). A tensor is planned when it has
 * no data in the file (is no constant of the model graph) and has bytes (at the shape the runtime
 * allocates: the model graph's), and is not a variable — unless the offline
 * plan gives the variable an offset: the runtime then plans it in the head like any tensor, dead
 * after its last reader (measured in tflite-micro 0.dev20261023; the source read allocates variables
 * in the persistent tail). Every size is rounded up to 16. Lifetimes are in *allocation scopes*: subgraph 0 opens scope 0; each operator opens the next
 * scope, and a control-flow operator (IF, WHILE, CALL_ONCE) walks the subgraphs it calls, one new
 * scope per subgraph, before its own inputs are marked read. Graph inputs are created at the
 * subgraph's first scope, operator outputs at their operator's scope, every input read at the
 * operator's (last) scope, graph outputs kept to the subgraph's last scope; a scratch buffer lives
 * from its operator's scope to the end of the subgraphs it calls. Only a buffer's first creation
 * counts and every use moves its end (UpdateFirstCreated / UpdateLastUsed), so the tensors of a
 * subgraph run from two places (two IFs with the same branches) live from its first run to its last
 * (measured: such a model's head with TFLM's own planner is 304 B, 176 B if each run counted alone;
 * test/runtime/tflm.test.ts).
 */

/** TFLM's MicroArenaBufferAlignment(): every buffer of its arena is rounded up to this many bytes. */
export const TFLM_ALIGNMENT = 16;

/** One scratch request as the planner sees it. */
export interface PlannedScratch {
  subgraph: number;
  /** The operator's index in its subgraph. */
  operator: number;
  bytes: number;
}

/** What the planner is handed, with where each buffer comes from. */
export interface TflmAllocation {
  buffers: PlannerBuffer[];
  /** For buffers[i]: the tensor (subgraph, index) or the scratch request (index into `scratch`). */
  sources: ({ kind: 'tensor'; subgraph: number; tensor: number } | { kind: 'scratch'; request: number })[];
}

/** `bytes` rounded up as TFLM rounds every buffer of its arena (to TFLM_ALIGNMENT), bytes. */
export function tflmAligned(bytes: number): number {
  return alignUp(bytes, TFLM_ALIGNMENT);
}

/** The subgraphs a control-flow operator calls, in the order TFLM walks them. */
export type CalledSubgraphs = (subgraph: number, operator: number) => number[];

/** CalledSubgraphs of `model` from its model graph: the subgraphs its IF / WHILE / CALL_ONCE operators run (GraphOperator.calls). */
export function controlFlowCalls(model: TflmGraph): CalledSubgraphs {
  return (s, i) => model.subgraphs[s]?.operators[i]?.calls ?? [];
}

/**
 * The planner's buffers for `model` (its model graph, operators in the order they run) with `scratch` requests. `offline(s, t)` gives the offline
 * offset of tensor t of subgraph s, or undefined for a tensor the runtime places; `called` names the
 * subgraphs a control-flow operator runs (default: the model graph's, from its IfOptions / WhileOptions /
 * CallOnceOptions: controlFlowCalls).
 */
export function tflmAllocation(
  model: TflmGraph,
  scratch: readonly PlannedScratch[],
  offline: (subgraph: number, tensor: number) => number | undefined = () => undefined,
  called: CalledSubgraphs = controlFlowCalls(model),
): TflmAllocation {
  const first = model.subgraphs.map((sg) => new Array<number>(sg.tensors.length).fill(-1));
  const last = model.subgraphs.map((sg) => new Array<number>(sg.tensors.length).fill(-1));
  const scratchFirst = new Array<number>(scratch.length).fill(-1);
  const scratchLast = new Array<number>(scratch.length).fill(-1);
  let scope = 0;
  // UpdateFirstCreated: only the first creation counts; UpdateLastUsed: every use moves the end.
  const created = (s: number, t: number): void => {
    if (first[s]![t]! < 0) first[s]![t] = scope;
  };
  const used = (s: number, t: number): void => {
    last[s]![t] = scope;
  };
  const mark = (s: number, depth: number): void => {
    if (depth > model.subgraphs.length) {
      throw new InputError(`${model.file}: subgraph ${s}: control flow calls subgraphs in a cycle`, { file: model.file });
    }
    const sg = model.subgraphs[s]!;
    for (const t of sg.inputs) {
      created(s, t);
      used(s, t);
    }
    sg.operators.forEach((op, i) => {
      scope++;
      for (const t of op.outputs) created(s, t);
      const start = scope;
      for (const callee of called(s, i)) {
        scope++;
        mark(callee, depth + 1);
      }
      for (const t of op.inputs) if (t >= 0) used(s, t);
      for (const t of op.outputs) used(s, t);
      scratch.forEach((r, k) => {
        if (r.subgraph === s && r.operator === i) {
          if (scratchFirst[k]! < 0) scratchFirst[k] = start;
          scratchLast[k] = scope;
        }
      });
    });
    for (const t of sg.outputs) {
      created(s, t);
      used(s, t);
    }
  };
  mark(0, 0);

  const out: TflmAllocation = { buffers: [], sources: [] };
  model.subgraphs.forEach((sg, s) => {
    sg.tensors.forEach((tensor, t) => {
      const at = offline(s, t);
      if (tensor.kind === 'constant' || (tensor.kind === 'variable' && (at === undefined || at < 0))) return;
      let bytes: number;
      try {
        bytes = tensorBytes(typeCode(tensor.type), tensor.shape);
      } catch (e) {
        if (!(e instanceof SizeError)) throw e;
        const where = `subgraph ${s}, tensor ${t}${tensor.name ? ` "${tensor.name}"` : ''}`;
        throw new InputError(`${model.file}: ${where} ${e.message}`, { file: model.file, buffer: where });
      }
      if (bytes === 0) return;
      const b: PlannerBuffer = { size: tflmAligned(bytes), first: first[s]![t]!, last: last[s]![t]! };
      if (at !== undefined && at >= 0) b.offline = at;
      out.buffers.push(b);
      out.sources.push({ kind: 'tensor', subgraph: s, tensor: t });
    });
  });
  scratch.forEach((r, k) => {
    out.buffers.push({ size: tflmAligned(r.bytes), first: scratchFirst[k]!, last: scratchLast[k]! });
    out.sources.push({ kind: 'scratch', request: k });
  });
  return out;
}
