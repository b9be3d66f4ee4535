/** What each tensor of a TFLite subgraph is to the planner, and the checks on an operator order. */
import { InputError } from '../../problem/errors.js';
import { isPermutation } from '../../problem/validate.js';
import type { TensorKind } from '../model.js';
import { tensorSteps, type TensorSteps } from '../../graph/live-ranges.js';
import { bufferHasData, type TfliteModel, type TfliteSubgraph } from './types.js';

/** Whether the tensor's data is in the file (a weight): the runtime does not place it in the arena. */
export function isConstant(model: TfliteModel, sg: TfliteSubgraph, t: number): boolean {
  const tensor = sg.tensors[t]!;
  if (tensor.isVariable) return false;
  return tensor.externalBuffer !== 0 || (tensor.buffer !== 0 && bufferHasData(model.buffers[tensor.buffer]));
}

/**
 * The kind of every tensor of subgraph `s` (src/graph/types.ts TensorKind): `constant` (data in the
 * file), `variable`, `prepared` (an output of operators whose inputs are all constant or prepared:
 * computed once), `unused` (touched by no operator, no graph input or output), `input` / `output`
 * of the graph, `intermediate` (internal to an operator that does not write it), else `activation`.
 * A tensor two operators write (variables excepted), or one read before its producer runs in the
 * stored order, is an InputError naming the tensor and both operators.
 */
export function tensorKinds(model: TfliteModel, s: number): TensorKind[] {
  const sg = model.subgraphs[s]!;
  const constant = sg.tensors.map((_, t) => isConstant(model, sg, t));
  const touched = tensorSteps(sg.operators, sg.tensors.length);
  const twice = firstRewrite(sg, touched);
  if (twice !== undefined) {
    const { t, producer, rewriter } = twice;
    // One operator listing the tensor twice among its outputs is named once.
    const by = producer === rewriter ? `listed twice among the outputs of operator ${producer}` : `written by operators ${producer} and ${rewriter}`;
    throw new InputError(`${where(model, s, t)}: ${by}; a tensor has one producer`, {
      file: model.file,
      buffer: `subgraph ${s}, tensor ${t}`,
    });
  }
  checkReads(model, s, touched);
  const prepared = preparedTensors(sg, constant);
  const inputs = new Set(sg.inputs);
  const outputs = new Set(sg.outputs);
  return sg.tensors.map((tensor, t): TensorKind => {
    if (constant[t]) return 'constant';
    if (tensor.isVariable) return 'variable';
    if (prepared[t]) return 'prepared';
    const { producer: p, firstRead: r, internal: k } = touched[t]!;
    if (p === undefined && r === undefined && k === undefined && !inputs.has(t) && !outputs.has(t)) return 'unused';
    return inputs.has(t) ? 'input' : outputs.has(t) ? 'output' : k !== undefined && p === undefined ? 'intermediate' : 'activation';
  });
}

/**
 * Checks an operator order given for subgraph `s` (order[k] = the operator run at step k): each
 * operator exactly once, no tensor read before its producer runs (graph inputs and variables
 * excepted). Throws an InputError naming the subgraph, or the tensor and both operators.
 */
export function checkOperatorOrder(model: TfliteModel, s: number, order: readonly number[]): void {
  const sg = model.subgraphs[s]!;
  const n = sg.operators.length;
  if (!isPermutation(order, n)) {
    throw new InputError(`${model.file}: subgraph ${s}: the operator order must list ${n === 1 ? 'its operator' : `each of its ${n} operators`} exactly once`, {
      file: model.file,
      buffer: `subgraph ${s}`,
    });
  }
  checkReads(model, s, tensorSteps(sg.operators, sg.tensors.length, order), order);
}

const where = (model: TfliteModel, s: number, t: number): string => {
  const name = model.subgraphs[s]!.tensors[t]!.name;
  return `${model.file}: subgraph ${s}, tensor ${t}${name ? ` "${name}"` : ''}`;
};

/**
 * No tensor (other than constants, variables and graph inputs) read before its producer's step. A
 * prepared tensor too: TFLM computes it when its operator runs, at every Invoke (src/graph/problem.ts).
 */
function checkReads(model: TfliteModel, s: number, touched: readonly TensorSteps[], order?: readonly number[]): void {
  const sg = model.subgraphs[s]!;
  const opAt = (step: number): number => (order === undefined ? step : order[step]!);
  const inputs = new Set(sg.inputs);
  const constant = sg.tensors.map((_, t) => isConstant(model, sg, t));
  touched.forEach(({ producer: p, firstRead: r }, t) => {
    if (constant[t] || sg.tensors[t]!.isVariable || inputs.has(t)) return;
    if (p !== undefined && r !== undefined && r < p) {
      throw new InputError(
        `${where(model, s, t)}: read by operator ${opAt(r)} before its producer, operator ${opAt(p)}, runs (the ${order === undefined ? 'stored ' : ''}operator order is not an execution order, or the graph has a cycle)`,
        { file: model.file, buffer: `subgraph ${s}, tensor ${t}` },
      );
    }
  });
}

/**
 * The first write of a tensor that already has a producer (variables excepted), in step order and,
 * within one operator, in the order of its outputs; undefined when every tensor has one producer.
 */
function firstRewrite(sg: TfliteSubgraph, touched: readonly TensorSteps[]) {
  let first: { t: number; producer: number; rewriter: number } | undefined;
  touched.forEach((x, t) => {
    if (x.rewriter === undefined || sg.tensors[t]!.isVariable) return;
    const better =
      first === undefined ||
      x.rewriter < first.rewriter ||
      (x.rewriter === first.rewriter && sg.operators[x.rewriter]!.outputs.indexOf(t) < sg.operators[first.rewriter]!.outputs.indexOf(first.t));
    if (better) first = { t, producer: x.producer!, rewriter: x.rewriter };
  });
  return first;
}

/** Tensors computed once from constants: outputs of operators whose inputs are all constant or prepared (not constants or variables themselves). */
function preparedTensors(sg: TfliteSubgraph, constant: readonly boolean[]): boolean[] {
  const prepared = new Array<boolean>(sg.tensors.length).fill(false);
  for (const op of sg.operators) {
    const inputs = op.inputs.filter((t) => t >= 0);
    const fromConstants = inputs.length > 0 && inputs.every((t) => constant[t] || prepared[t]);
    if (fromConstants) for (const t of op.outputs) if (!constant[t] && !sg.tensors[t]!.isVariable) prepared[t] = true;
  }
  return prepared;
}
