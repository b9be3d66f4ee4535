import type { Problem } from '../problem/types.js';

/**
 * What a tensor is to the planner: `constant` (weights in the file, placed by the runtime),
 * `input` / `output` (of the graph), `activation` (produced and read by operators), `variable`
 * (state kept across runs: whole run), `intermediate` (internal to one operator), `prepared`
 * (computed once from constants, e.g. DEQUANTIZE of float16 weights, DENSIFY), `unused` (no operator
 * touches it and it is no graph input or output).
 */
export type TensorKind = 'constant' | 'input' | 'output' | 'activation' | 'variable' | 'intermediate' | 'prepared' | 'unused';

/** One tensor of a subgraph as the importer saw it (for `inspect` and reports). */
export interface ModelTensor {
  /** Index in its subgraph. */
  index: number;
  name: string;
  kind: TensorKind;
  /** Element type, e.g. "INT8", "FLOAT32". */
  type: string;
  /** Dimensions as planned (dynamic ones resolved), or as stored when the size is unknown. */
  shape: number[];
  /** Bytes; undefined when unknown (e.g. a string constant). */
  bytes?: number;
  /** Index into `problem.buffers` when the tensor is planned. */
  buffer?: number;
  /** Live range [start, end) in steps when the tensor has one. */
  start?: number;
  end?: number;
}

/** What a model importer (TFLite, ONNX) hands to planning and export: one problem per subgraph. */
export interface ModelSubgraph {
  /** Position of the subgraph in the model (0 = the main graph). */
  index: number;
  name: string;
  /** One buffer per planned tensor group; `buffer.id` is the owner tensor's index as a string. */
  problem: Problem;
  /** tensorsOf[i]: the tensor indices (in this subgraph) that live in problem.buffers[i]; the owner first. */
  tensorsOf: number[][];
  /** names[i]: the owner tensor's name for problem.buffers[i]. */
  names: string[];
  /** Number of tensors in the subgraph (planned or not), for the offline plan. */
  tensorCount: number;
  /** Number of operators (nodes), in execution order. */
  operatorCount: number;
  /** The operator order the live ranges follow (order[k] runs at step k), when given at import (`orders`). */
  order?: number[];
  /** Facts the report should show (tensors prepared once, aliases, skipped tensors...). */
  notes: string[];
  /** Every tensor of the subgraph, in index order (optional: importers may leave it out). */
  tensors?: ModelTensor[];
}

export interface ImportedModel {
  format: 'tflite' | 'onnx';
  file: string;
  subgraphs: ModelSubgraph[];
}

/** Options shared by the model importers. */
export interface ModelImportOptions {
  /** Alignment of every buffer in bytes (default 16, TFLM's); 1 gives the raw bytes. */
  align?: number;
  /** Also plan constant tensors (weights) as whole-run buffers. */
  includeWeights?: boolean;
  /** Value for dynamic (-1 / symbolic) batch dimensions. */
  batch?: number;
  /**
   * Plan tensors computed once from constants (DEQUANTIZE of float16 weights, DENSIFY) as whole-run
   * buffers (default true, as a runtime holds them); false leaves them out of the arena.
   */
  keepPrepared?: boolean;
  /**
   * Let a RESHAPE / SQUEEZE / EXPAND_DIMS output share its input's memory when the input dies at that
   * operator (default true): one buffer for both.
   */
  shareReshapes?: boolean;
  /**
   * The operator order of each subgraph (orders[s][k] = the operator run at step k: its index in the
   * TFLite subgraph, or the node's index in the ONNX graph), a permutation of its operators; live
   * ranges follow it (tensor indices do not change). Absent, or undefined for a subgraph: the stored
   * order. A tensor read before its producer runs in that order is an InputError.
   */
  orders?: readonly (readonly number[] | undefined)[];
}
