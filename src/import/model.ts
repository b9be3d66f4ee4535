import type { Problem } from '../problem/types.js';

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
  /** Facts the report should show (tensors prepared once, aliases, skipped tensors...). */
  notes: string[];
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
}
