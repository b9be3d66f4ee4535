/** Reads what the user dropped: a model (.tflite, .onnx) or a buffer list (.csv, .json), with the import options. */
import { emptyBuffersNote, problemText, readProblem } from '../../src/import/index.js';
import type { ImportedModel, ModelImportOptions, ModelSubgraph } from '../../src/import/model.js';
import { importModelFile, modelFormat } from '../../src/import/model-file.js';
import { decodeOnnx } from '../../src/import/onnx/decode.js';
import type { DeclaredDim } from '../../src/import/onnx/types.js';
import type { OnnxImportOptions } from '../../src/import/onnx/index.js';
import { reorderModel } from '../../src/order/model.js';
import { stepOperator } from '../../src/export/svg.js';
import { InputError } from '../../src/problem/errors.js';
import type { Problem } from '../../src/problem/types.js';
import { printable } from '../../src/format/printable.js';
import { maxOf, minOf } from '../../src/problem/extent.js';

/** One problem to plan: a subgraph of a model, or the whole buffer list. */
export interface Part {
  title: string;
  problem: Problem;
  /** What each buffer holds, for the tooltip: tensor names, or the buffer's id. */
  labels: string[];
  /** kinds[i]: the kind of buffer i's owner tensor (models), e.g. activation, prepared, constant. */
  kinds?: string[];
  /** stepNames[s]: what runs at step s (models: `operator 3 CONV_2D "name"`). */
  stepNames?: string[];
}

/** The import options the page offers (the command line's model flags). */
export type PageImportOptions = ModelImportOptions & OnnxImportOptions & {
  /** Plan in an operator order with a lower live bound (--reorder). */
  reorder?: boolean;
};

/** A graph input of an ONNX model as declared: its name and dimensions (numbers, symbolic names, unknown). */
export interface DeclaredInput {
  name: string;
  dims: DeclaredDim[];
}

/**
 * The main graph's inputs of an ONNX model that are not initializers, as declared (for the page's
 * shape fields); [] for anything else. Throws the decoder's InputError for a broken file.
 */
export function declaredInputs(file: string, bytes: Uint8Array): DeclaredInput[] {
  if (modelFormat(file, bytes) !== 'onnx') return [];
  const g = decodeOnnx(bytes, file).graph;
  const init = new Set(g.initializers.map((t) => t.name));
  return g.inputs.filter((v) => !init.has(v.name)).map((v) => ({ name: v.name, dims: v.shape ?? [] }));
}

export interface Input {
  file: string;
  bytes: Uint8Array;
  /** The import options the file was read with (a batch of 1 filled in when the model left it dynamic). */
  options: PageImportOptions;
  /** Present for model files. */
  model?: ImportedModel;
  parts: Part[];
  /** Facts shown beside the plan: label, value. */
  facts: [string, string][];
}

/** The steps of a subgraph named by the operator run there. */
function stepNames(sg: ModelSubgraph): string[] {
  const steps = maxOf(sg.problem.buffers.map((b) => b.end), 0);
  return Array.from({ length: steps }, (_, s) => stepOperator(sg, s) ?? `step ${s}`);
}

/** Imports a model file with the page's options (reordered when asked). */
export function importWith(file: string, bytes: Uint8Array, options: PageImportOptions): ImportedModel {
  const { reorder, ...o } = options;
  return reorder ? reorderModel(bytes, file, o).reordered : importModelFile(bytes, file, o);
}

export function readInput(file: string, bytes: Uint8Array, options: PageImportOptions = {}): Input {
  if (modelFormat(file, bytes) !== undefined) {
    let model: ImportedModel;
    let batchNote: [string, string] | undefined;
    let used = options;
    try {
      model = importWith(file, bytes, options);
    } catch (e) {
      // A dynamic batch dimension and no batch given: plan for one sample, and say so.
      if (!(e instanceof InputError && /give the batch size/.test(e.message)) || options.batch !== undefined) throw e;
      used = { ...options, batch: 1 };
      model = importWith(file, bytes, used);
      batchNote = ['batch', '1 (the model leaves it dynamic)'];
    }
    const parts = model.subgraphs.map((sg): Part => ({
      title: `subgraph ${sg.index}${sg.name ? ` “${printable(sg.name)}”` : ''}`,
      problem: sg.problem,
      labels: sg.tensorsOf.map((ts, i) => printable(ts.map((t) => sg.tensors?.[t]?.name ?? sg.names[i] ?? String(t)).join(' = '))),
      kinds: sg.tensorsOf.map((ts) => sg.tensors?.[ts[0]!]?.kind ?? 'activation'),
      stepNames: stepNames(sg),
    }));
    const sg0 = model.subgraphs[0];
    const facts: [string, string][] = [
      ['format', model.format === 'tflite' ? 'TFLite flatbuffer' : 'ONNX'],
      ['subgraphs', String(model.subgraphs.length)],
    ];
    if (batchNote) facts.push(batchNote);
    if (sg0) {
      facts.push(['operators', String(sg0.operatorCount)], ['tensors', `${sg0.tensorCount} (${sg0.problem.buffers.length} planned buffers)`]);
      for (const note of sg0.notes) facts.push(['note', printable(note)]);
    }
    return { file, bytes, options: used, model, parts, facts };
  }
  const lower = file.toLowerCase();
  if (!lower.endsWith('.csv') && !lower.endsWith('.json')) {
    throw new InputError(`${file}: not a file arenapack reads (expected .tflite, .onnx, .csv or .json)`, { file });
  }
  const read = readProblem(problemText(bytes, file), file);
  const problem = read.problem;
  const parts: Part[] = [{ title: 'buffers', problem, labels: problem.buffers.map((b) => printable(b.id)) }];
  const steps = maxOf(problem.buffers.map((b) => b.end)) - minOf(problem.buffers.map((b) => b.start));
  const facts: [string, string][] = [['format', lower.endsWith('.csv') ? 'MiniMalloc CSV' : 'JSON problem'], ['buffers', String(problem.buffers.length)], ['steps', String(steps)]];
  const empty = emptyBuffersNote(read).trim().replace(/^note: /, '');
  if (empty !== '') facts.push(['note', printable(empty)]);
  return { file, bytes, options, parts, facts };
}
