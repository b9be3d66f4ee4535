/**
 * What TFLM's allocation and kernels read of a model: its model graph as the TFLite reader made it
 * (src/graph/types.ts), never the file again. Tensors have the shapes the runtime allocates (placeholders
 * resolved, --batch applied), their kinds (constants and variables are not planned) and element types;
 * operators their builtin code, custom name, tensors and the kernels' options.
 */
import type { GraphOperator, GraphTensor } from '../../graph/types.js';
import type { ImportedModel } from '../../import/model.js';

/** One subgraph as TFLM sees it; operator i runs at step i (see tflmGraph for another order). */
export interface TflmSubgraph {
  tensors: readonly GraphTensor[];
  operators: readonly GraphOperator[];
  /** Graph inputs and outputs (tensor indices). */
  inputs: readonly number[];
  outputs: readonly number[];
}

/** A model as TFLM sees it: its file (for messages) and its subgraphs, in the model's order. */
export interface TflmGraph {
  file: string;
  subgraphs: readonly TflmSubgraph[];
}

/**
 * The TFLM view of an imported TFLite model, with each subgraph's operators in `orders[s]` (orders[s][k]
 * = the stored operator run at step k; absent = the stored order).
 */
export function tflmGraph(model: Pick<ImportedModel, 'file' | 'subgraphs'>, orders?: readonly (readonly number[] | undefined)[]): TflmGraph {
  return {
    file: model.file,
    subgraphs: model.subgraphs.map((sg, s) => {
      const { tensors, operators, inputs, outputs } = sg;
      const order = orders?.[s];
      return { tensors, operators: order ? order.map((i) => operators[i]!) : operators, inputs, outputs };
    }),
  };
}
