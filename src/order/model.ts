/** Reordering every subgraph of a model (TFLite or ONNX), and the model imported again in the new orders. */
import type { ImportedModel, ModelImportOptions } from '../import/model.js';
import { modelFormat } from '../import/model-file.js';
import { onnxModelFrom, readOnnxShapes, type OnnxImportOptions } from '../import/onnx/index.js';
import { tfliteModelFrom } from '../import/tflite/index.js';
import { readTflite } from '../import/tflite/reader.js';
import { liveBound } from '../problem/bounds.js';
import { InputError } from '../problem/errors.js';
import { hasTies } from '../problem/relative.js';
import { subgraphOpGraph } from './from-graph.js';
import { reorder, type ReorderOptions, type ReorderResult } from './reorder.js';

export interface ReorderedModel {
  /** The model in its stored order, and in the new one (each subgraph's `order` set). */
  stored: ImportedModel;
  reordered: ImportedModel;
  /**
   * Per subgraph: the order found (`order`: operator indices of the TFLite subgraph, node indices of
   * the ONNX graph) and what it took.
   */
  results: ReorderResult[];
}

/** Finds a lower-bound order for every subgraph of a .tflite or .onnx model (see reorderTflite, reorderOnnx). */
export function reorderModel(bytes: Uint8Array, file: string, options: OnnxImportOptions = {}, reorderOptions: ReorderOptions = {}): ReorderedModel {
  const format = modelFormat(file, bytes);
  if (format === 'tflite') return reorderTflite(bytes, file, options, reorderOptions);
  if (format === 'onnx') return reorderOnnx(bytes, file, options, reorderOptions);
  throw new InputError(`${file}: not a model file (expected .tflite or .onnx)`, { file });
}

/**
 * Finds a lower-bound order for every subgraph of a .tflite model and imports the model again with
 * those orders. The bounds in `results` are checked against the importer's own live ranges.
 */
export function reorderTflite(bytes: Uint8Array, file: string, options: ModelImportOptions = {}, reorderOptions: ReorderOptions = {}): ReorderedModel {
  const { orders: _ignored, ...importOptions } = options;
  // Read once; the problems are built twice (stored order, new order).
  const model = readTflite(bytes, file);
  const stored = tfliteModelFrom(model, file, importOptions);
  const results = reorderSubgraphs(stored, options.shareReshapes ?? true, reorderOptions);
  const reordered = tfliteModelFrom(model, file, { ...importOptions, orders: results.map((r) => r.order) });
  return checked(file, stored, reordered, results);
}

/** The same for an .onnx model: every graph (the main one, then If branches), orders as node indices. */
export function reorderOnnx(bytes: Uint8Array, file: string, options: OnnxImportOptions = {}, reorderOptions: ReorderOptions = {}): ReorderedModel {
  const { orders: _ignored, ...importOptions } = options;
  // Decoded and inferred once; the problems are built twice (stored order, new order).
  const shapes = readOnnxShapes(bytes, file, importOptions);
  const stored = onnxModelFrom(shapes, file, importOptions);
  const results = reorderSubgraphs(stored, options.shareReshapes ?? true, reorderOptions);
  const reordered = onnxModelFrom(shapes, file, { ...importOptions, orders: results.map((r) => r.order) });
  return checked(file, stored, reordered, results);
}

/** A lower-bound order for every subgraph of a model imported in its stored order (orders as operator indices). */
function reorderSubgraphs(stored: ImportedModel, shareViews: boolean, reorderOptions: ReorderOptions): ReorderResult[] {
  return stored.subgraphs.map((sg) => {
    const { graph, operatorAt } = subgraphOpGraph(sg, shareViews);
    const r = reorder(graph, reorderOptions);
    return { ...r, order: r.order.map((v) => operatorAt[v]!) };
  });
}

/**
 * Checks the scheduler's bounds against the importer's live ranges for both orders. Not for a subgraph
 * with in-place tensors (--inplace: aliases): the scheduler counts every tensor apart, the importer's
 * live bound an alias's bytes once with what it aliases, so the two differ by design there.
 */
function checked(file: string, stored: ImportedModel, reordered: ImportedModel, results: ReorderResult[]): ReorderedModel {
  reordered.subgraphs.forEach((sg, s) => {
    if (hasTies(sg.problem) || hasTies(stored.subgraphs[s]!.problem)) return;
    const r = results[s]!;
    const want = [liveBound(stored.subgraphs[s]!.problem), liveBound(sg.problem)];
    if (want[0] !== r.storedBound || want[1] !== r.bound) {
      throw new Error(`${file}: subgraph ${s}: the scheduler's live bounds ${r.storedBound} / ${r.bound} differ from the importer's ${want[0]} / ${want[1]}`);
    }
  });
  return { stored, reordered, results };
}
