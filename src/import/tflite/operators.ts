/** A TFLite subgraph's operators as the model graph lists them (src/graph/types.ts GraphOperator). */
import type { GraphOperator } from '../../graph/types.js';
import { builtinName } from './builtin-names.js';
import { BUILTIN, SHAPE_ONLY_OPS } from './schema.js';
import type { TfliteModel, TfliteOperator, TfliteSubgraph } from './types.js';

/** Builtin operators with effects beyond their outputs (control flow, resources, randomness). */
const SIDE_EFFECTS: ReadonlySet<number> = new Set([
  BUILTIN.HASHTABLE_LOOKUP,
  BUILTIN.CALL,
  BUILTIN.IF,
  BUILTIN.WHILE,
  BUILTIN.CALL_ONCE,
  BUILTIN.HASHTABLE,
  BUILTIN.HASHTABLE_FIND,
  BUILTIN.HASHTABLE_IMPORT,
  BUILTIN.HASHTABLE_SIZE,
  BUILTIN.VAR_HANDLE,
  BUILTIN.READ_VARIABLE,
  BUILTIN.ASSIGN_VARIABLE,
  BUILTIN.RANDOM_STANDARD_NORMAL,
  BUILTIN.RANDOM_UNIFORM,
  BUILTIN.MULTINOMIAL,
]);

/** The operators that run subgraphs (TFLM: IF, WHILE, CALL_ONCE), whose options name them. */
const CONTROL_FLOW: ReadonlySet<number> = new Set([BUILTIN.IF, BUILTIN.WHILE, BUILTIN.CALL_ONCE]);

/**
 * Whether the operator must keep its place among the others when the order changes: a custom
 * operator, a builtin with side effects (SIDE_EFFECTS), one that reads or writes a variable tensor
 * (state), or one with no outputs.
 */
function isPinned(model: TfliteModel, sg: TfliteSubgraph, op: TfliteOperator): boolean {
  const code = model.operatorCodes[op.opcodeIndex]!;
  const touchesVariable = [...op.inputs, ...op.outputs].some((t) => t >= 0 && sg.tensors[t]!.isVariable);
  return code.custom !== undefined || code.builtin === BUILTIN.CUSTOM || SIDE_EFFECTS.has(code.builtin) || touchesVariable || op.outputs.length === 0;
}

/**
 * The operators of subgraph `s` in stored order: type names from the operator codes (the custom
 * name for a custom operator), the kernels' options as read, `pinned` (isPinned), `view` for
 * RESHAPE / SQUEEZE / EXPAND_DIMS (their output holds their input's bytes) and, for IF / WHILE /
 * CALL_ONCE, the subgraphs they run (`calls`, as the reader checked them: TfliteOperator.calls).
 */
export function graphOperators(model: TfliteModel, s: number): GraphOperator[] {
  const sg = model.subgraphs[s]!;
  return sg.operators.map((op, i): GraphOperator => {
    const code = model.operatorCodes[op.opcodeIndex]!;
    const out: GraphOperator = {
      index: i,
      type: code.custom ?? builtinName(code.builtin),
      builtin: code.builtin,
      name: '',
      inputs: op.inputs.slice(),
      outputs: op.outputs.slice(),
      intermediates: op.intermediates.slice(),
      options: op.kernelOptions,
    };
    if (code.custom !== undefined) out.custom = true;
    if (isPinned(model, sg, op)) out.pinned = true;
    if (code.custom === undefined && SHAPE_ONLY_OPS.has(code.builtin)) out.view = true;
    if (op.calls !== undefined && CONTROL_FLOW.has(code.builtin)) out.calls = op.calls.slice();
    const o = op.kernelOptions?.builtin;
    if (code.custom === undefined && o?.kind === 'ConcatenationOptions' && o.activation === 0) out.concatAxis = o.axis;
    return out;
  });
}
