import type { GraphTensor, ModelGraph, PreparedRange, SubgraphGraph, TensorKind } from '../graph/types.js';
import type { InplaceAlias, InplaceKind } from '../graph/inplace.js';
import type { Problem } from '../problem/types.js';

/** A tensor as the importers hand it on: the model graph's tensor (src/graph/types.ts). */
export type ModelTensor = GraphTensor;
export type { TensorKind };

/**
 * What a model importer (TFLite, ONNX) hands to planning and export: one subgraph's model graph (its
 * tensors with their buffer and live range in `order` set where planned) and its problem, built from
 * the graph by src/graph/problem.ts. Kernel scratch requests go in `operators[i].scratch`.
 */
export interface ModelSubgraph extends SubgraphGraph {
  /** One buffer per planned tensor group; `buffer.id` is the owner tensor's index as a string. */
  problem: Problem;
  /** tensorsOf[i]: the tensor indices (in this subgraph) that live in problem.buffers[i]; the owner first. */
  tensorsOf: number[][];
  /** names[i]: the owner tensor's name for problem.buffers[i]. */
  names: string[];
  /** Number of operators (nodes), in execution order. */
  operatorCount: number;
  /** The operator order the live ranges follow (order[k] runs at step k), when given at import (`orders`). */
  order?: number[];
  /** Facts the report should show: the reader's (`facts`), then the planning's (tensors prepared once, aliases, skipped tensors...). */
  notes: string[];
  /**
   * Bytes of the variable tensors (state): not in the planned arena; TFLM keeps them in its
   * persistent area (tail), each rounded up to 16 bytes. 0 when none.
   */
  variableBytes?: number;
  /** When its planned prepared tensors are live (src/graph/problem.ts ProblemOptions.preparedRange). */
  preparedRange?: PreparedRange;
  /** The in-place aliases made (`inplace` asked for; owner tensors, src/graph/inplace.ts): each buffer's aliasOf follows them. */
  inplace?: InplaceAlias[];
}

export interface ImportedModel {
  format: 'tflite' | 'onnx';
  file: string;
  subgraphs: ModelSubgraph[];
  /** TFLite: the file's own offline plan, kept or replaced (src/graph/types.ts ModelGraph.offlinePlan); absent when it has none. */
  offlinePlan?: ModelGraph['offlinePlan'];
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
  /**
   * TFLite: a model that already carries an offline plan (OfflineMemoryAllocation, e.g. Vela's) keeps
   * it by default — its tensors keep their offsets, the rest is planned around them; true plans every
   * tensor anew and replaces it.
   */
  replaceOfflinePlan?: boolean;
  /**
   * In-place operators (issue #14, src/graph/inplace.ts): `elementwise` lets an element-wise output take
   * the bytes of an input that dies there, `concat` places a concatenation's dying inputs at their slices
   * of its output; the buffers get aliasOf / aliasOffset. TFLite: the operators the kernel library's
   * list names (src/runtime/tflm/inplace.ts).
   */
  inplace?: readonly InplaceKind[];
  /** TFLite: the kernel library whose in-place list applies (default `reference`). */
  kernels?: 'reference' | 'cmsis-nn';
}
