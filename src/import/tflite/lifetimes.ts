import { InputError } from '../../problem/errors.js';
import type { TensorKind } from '../model.js';
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
 * order, operator i at step i):
 * a tensor is live from its producer's step (graph inputs from 0) to the step after its last reader
 * (graph outputs to the end); variables the whole run; intermediates during their operator.
 * Outputs of operators whose inputs are all constant (or themselves such outputs) are `prepared`:
 * computed once, live the whole run. A tensor read before its producer runs is an InputError.
 */
export function tensorLifetimes(model: TfliteModel, s: number, order?: readonly number[]): TensorLife[] {
  const sg = model.subgraphs[s]!;
  const opAt = (step: number): number => (order === undefined ? step : order[step]!);
  const n = sg.tensors.length;
  const steps = Math.max(sg.operators.length, 1);
  const constant = sg.tensors.map((_, t) => isConstant(model, sg, t));
  const producer = new Array<number | undefined>(n);
  const firstRead = new Array<number | undefined>(n);
  const lastRead = new Array<number | undefined>(n);
  const internal = new Array<number | undefined>(n);
  const prepared = new Array<boolean>(n).fill(false);
  const where = (t: number): string => `${model.file}: subgraph ${s}, tensor ${t}${sg.tensors[t]!.name ? ` "${sg.tensors[t]!.name}"` : ''}`;

  for (let i = 0; i < sg.operators.length; i++) {
    const op = sg.operators[opAt(i)]!;
    const inputs = op.inputs.filter((t) => t >= 0);
    for (const t of inputs) {
      firstRead[t] ??= i;
      lastRead[t] = i;
    }
    const fromConstants = inputs.length > 0 && inputs.every((t) => constant[t] || prepared[t]);
    for (const t of op.outputs) {
      if (producer[t] !== undefined && !sg.tensors[t]!.isVariable) {
        throw new InputError(`${where(t)}: written by operators ${opAt(producer[t]!)} and ${opAt(i)}; a tensor has one producer`, {
          file: model.file,
          buffer: `subgraph ${s}, tensor ${t}`,
        });
      }
      producer[t] ??= i;
      if (fromConstants && !constant[t] && !sg.tensors[t]!.isVariable) prepared[t] = true;
    }
    for (const t of op.intermediates) internal[t] ??= i;
  }

  const inputs = new Set(sg.inputs);
  const outputs = new Set(sg.outputs);
  return sg.tensors.map((tensor, t): TensorLife => {
    if (constant[t]) return { kind: 'constant' };
    if (tensor.isVariable) return { kind: 'variable', start: 0, end: steps };
    if (prepared[t]) return { kind: 'prepared', start: 0, end: steps };
    const p = producer[t];
    const r = firstRead[t];
    const k = internal[t];
    if (p === undefined && r === undefined && k === undefined && !inputs.has(t) && !outputs.has(t)) return { kind: 'unused' };
    if (p !== undefined && r !== undefined && r < p && !inputs.has(t)) {
      throw new InputError(
        `${where(t)}: read by operator ${opAt(r)} before its producer, operator ${opAt(p)}, runs (the ${order === undefined ? 'stored ' : ''}operator order is not an execution order, or the graph has a cycle)`,
        { file: model.file, buffer: `subgraph ${s}, tensor ${t}` },
      );
    }
    const unwritten = p === undefined && k === undefined && !inputs.has(t);
    const start = inputs.has(t) || unwritten ? 0 : Math.min(p ?? steps, k ?? steps);
    let end = Math.max(start + 1, (lastRead[t] ?? -1) + 1, (p ?? -1) + 1, (k ?? -1) + 1);
    if (outputs.has(t)) end = steps;
    const kind: TensorKind = inputs.has(t) ? 'input' : outputs.has(t) ? 'output' : k !== undefined && p === undefined ? 'intermediate' : 'activation';
    const life: TensorLife = { kind, start, end };
    if (lastRead[t] !== undefined) life.lastRead = lastRead[t];
    if (unwritten) life.unwritten = true;
    return life;
  });
}
