/** Reads what the user dropped: a model (.tflite, .onnx) or a buffer list (.csv, .json). */
import { emptyBuffersNote, readProblem } from '../../src/import/index.js';
import type { ImportedModel } from '../../src/import/model.js';
import { importModelFile, modelFormat } from '../../src/import/model-file.js';
import { InputError } from '../../src/problem/errors.js';
import type { Problem } from '../../src/problem/types.js';
import { printable } from '../../src/format/printable.js';

/** One problem to plan: a subgraph of a model, or the whole buffer list. */
export interface Part {
  title: string;
  problem: Problem;
  /** What each buffer holds, for the tooltip: tensor names, or the buffer's id. */
  labels: string[];
}

export interface Input {
  file: string;
  bytes: Uint8Array;
  /** Present for model files. */
  model?: ImportedModel;
  parts: Part[];
  /** Facts shown beside the plan: label, value. */
  facts: [string, string][];
}

export function readInput(file: string, bytes: Uint8Array): Input {
  if (modelFormat(file, bytes) !== undefined) {
    let model: ImportedModel;
    let batchNote: [string, string] | undefined;
    try {
      model = importModelFile(bytes, file);
    } catch (e) {
      // A dynamic batch dimension: plan for one sample, and say so.
      if (!(e instanceof InputError && /give the batch size/.test(e.message))) throw e;
      model = importModelFile(bytes, file, { batch: 1 });
      batchNote = ['batch', '1 (the model leaves it dynamic)'];
    }
    const parts = model.subgraphs.map((sg): Part => ({
      title: `subgraph ${sg.index}${sg.name ? ` “${printable(sg.name)}”` : ''}`,
      problem: sg.problem,
      labels: sg.tensorsOf.map((ts, i) => printable(ts.map((t) => sg.tensors?.[t]?.name ?? sg.names[i] ?? String(t)).join(' = '))),
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
    return { file, bytes, model, parts, facts };
  }
  const lower = file.toLowerCase();
  if (!lower.endsWith('.csv') && !lower.endsWith('.json')) {
    throw new InputError(`${file}: not a file arenapack reads (expected .tflite, .onnx, .csv or .json)`, { file });
  }
  const read = readProblem(new TextDecoder().decode(bytes), file);
  const problem = read.problem;
  const parts: Part[] = [{ title: 'buffers', problem, labels: problem.buffers.map((b) => printable(b.id)) }];
  const steps = Math.max(...problem.buffers.map((b) => b.end)) - Math.min(...problem.buffers.map((b) => b.start));
  const facts: [string, string][] = [['format', lower.endsWith('.csv') ? 'MiniMalloc CSV' : 'JSON problem'], ['buffers', String(problem.buffers.length)], ['steps', String(steps)]];
  const empty = emptyBuffersNote(read).trim().replace(/^note: /, '');
  if (empty !== '') facts.push(['note', printable(empty)]);
  return { file, bytes, parts, facts };
}
