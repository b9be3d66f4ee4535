import { InputError } from '../../problem/errors.js';
import type { TensorKind } from '../model.js';
import { liveRange, tensorSteps, type TensorSteps } from '../../graph/live-ranges.js';
import { bufferHasData, type TfliteModel, type TfliteSubgraph } from './types.js';

/** What one tensor is and when it is live; `start`/`end` are set for every tensor with memory to plan. */
export interface TensorLife {
  kind: TensorKind;
  /** First step live (the producer's step; 0 for graph inputs, variables, prepared tensors). */
  start?: number;
  /** First step no longer live (after the last reader; the step count for outputs and variables). */
  end?: number;
  /** The last operator that reads it, if any. */
  lastRead?: number;
  /** Read by an operator although nothing writes it (not a graph input): live from step 0. */
  unwritten?: boolean;
}

/** Whether the tensor's data is in the file (a weight): the runtime does not place it in the arena. */
export function isConstant(model: TfliteModel, sg: TfliteSubgraph, t: number): boolean {
  const tensor = sg.tensors[t]!;
  if (tensor.isVariable) return false;
  return tensor.externalBuffer !== 0 || (tensor.buffer !== 0 && bufferHasData(model.buffers[tensor.buffer]));
}

/**
 * Kinds and live ranges of a subgraph's tensors, operator `order[k]` at step k (default: the stored
 * order, operator i at step i): the ranges of the model graph's rules (src/graph/live-ranges.ts) — a
 * tensor is live from its producer's step (graph inputs from 0) to the step after its last reader
 * (graph outputs to the end); variables the whole run; intermediates during their operator.
 * Outputs of operators whose inputs are all constant (or themselves such outputs) are `prepared`:
 * computed once, live the whole run. A tensor two operators write, or one read before its producer
 * runs, is an InputError.
 */
export function tensorLifetimes(model: TfliteModel, s: number, order?: readonly number[]): TensorLife[] {
  const sg = model.subgraphs[s]!;
  const opAt = (step: number): number => (order === undefined ? step : order[step]!);
  const n = sg.tensors.length;
  const steps = Math.max(sg.operators.length, 1);
  const constant = sg.tensors.map((_, t) => isConstant(model, sg, t));
  const where = (t: number): string => `${model.file}: subgraph ${s}, tensor ${t}${sg.tensors[t]!.name ? ` "${sg.tensors[t]!.name}"` : ''}`;
  const touched = tensorSteps(sg.operators, n, order);
  const twice = firstRewrite(sg, touched, opAt);
  if (twice !== undefined) {
    const { t, producer, rewriter } = twice;
    throw new InputError(`${where(t)}: written by operators ${opAt(producer)} and ${opAt(rewriter)}; a tensor has one producer`, {
      file: model.file,
      buffer: `subgraph ${s}, tensor ${t}`,
    });
  }
  const prepared = preparedTensors(sg, constant, order);

  const inputs = new Set(sg.inputs);
  const outputs = new Set(sg.outputs);
  return sg.tensors.map((tensor, t): TensorLife => {
    if (constant[t]) return { kind: 'constant' };
    if (tensor.isVariable) return { kind: 'variable', start: 0, end: steps };
    if (prepared[t]) return { kind: 'prepared', start: 0, end: steps };
    const { producer: p, firstRead: r, internal: k, lastRead } = touched[t]!;
    if (p === undefined && r === undefined && k === undefined && !inputs.has(t) && !outputs.has(t)) return { kind: 'unused' };
    if (p !== undefined && r !== undefined && r < p && !inputs.has(t)) {
      throw new InputError(
        `${where(t)}: read by operator ${opAt(r)} before its producer, operator ${opAt(p)}, runs (the ${order === undefined ? 'stored ' : ''}operator order is not an execution order, or the graph has a cycle)`,
        { file: model.file, buffer: `subgraph ${s}, tensor ${t}` },
      );
    }
    const unwritten = p === undefined && k === undefined && !inputs.has(t);
    const kind: TensorKind = inputs.has(t) ? 'input' : outputs.has(t) ? 'output' : k !== undefined && p === undefined ? 'intermediate' : 'activation';
    const life: TensorLife = { kind, ...liveRange(touched[t]!, inputs.has(t), outputs.has(t), steps) };
    if (lastRead !== undefined) life.lastRead = lastRead;
    if (unwritten) life.unwritten = true;
    return life;
  });
}

/**
 * The first write of a tensor that already has a producer (variables excepted), in step order and,
 * within one operator, in the order of its outputs; undefined when every tensor has one producer.
 */
function firstRewrite(sg: TfliteSubgraph, touched: readonly TensorSteps[], opAt: (step: number) => number) {
  let first: { t: number; producer: number; rewriter: number } | undefined;
  touched.forEach((x, t) => {
    if (x.rewriter === undefined || sg.tensors[t]!.isVariable) return;
    const better =
      first === undefined ||
      x.rewriter < first.rewriter ||
      (x.rewriter === first.rewriter && sg.operators[opAt(x.rewriter)]!.outputs.indexOf(t) < sg.operators[opAt(first.rewriter)]!.outputs.indexOf(first.t));
    if (better) first = { t, producer: x.producer!, rewriter: x.rewriter };
  });
  return first;
}

/** Tensors computed once from constants: outputs of operators whose inputs are all constant or prepared (not constants or variables themselves). */
function preparedTensors(sg: TfliteSubgraph, constant: readonly boolean[], order?: readonly number[]): boolean[] {
  const prepared = new Array<boolean>(sg.tensors.length).fill(false);
  for (let i = 0; i < sg.operators.length; i++) {
    const op = sg.operators[order === undefined ? i : order[i]!]!;
    const inputs = op.inputs.filter((t) => t >= 0);
    const fromConstants = inputs.length > 0 && inputs.every((t) => constant[t] || prepared[t]);
    if (fromConstants) for (const t of op.outputs) if (!constant[t] && !sg.tensors[t]!.isVariable) prepared[t] = true;
  }
  return prepared;
}
