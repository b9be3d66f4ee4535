/**
 * What the report says about how a subgraph's problem was built from its model graph
 * (src/graph/problem.ts): weights, prepared tensors, variables, views sharing a buffer, tensors left
 * out. One set of rules for every format; a format's own words only where its users know the
 * operators by other names (views) or the report has said it so before (weights, empty tensors).
 */
import { plural } from '../format/plural.js';
import { tflmAligned } from '../runtime/tflm/allocation.js';
import type { GraphTensor, ModelGraph, PreparedRange } from './types.js';

/** What the builder counted while it grouped the tensors. */
export interface PlanningCounts {
  /** Weights the run reads (GraphTensor.weights), and their bytes. */
  weights: number;
  weightBytes: number;
  /** Tensors to plan with 0 bytes (left out). */
  empty: number;
  /** Views whose output shares its input's buffer, and the buffers they share. */
  views: number;
  sharedBuffers: number;
  /** Tensors read although nothing writes them (no graph input): live from step 0. */
  unwritten: number;
}

/** A format's words for three notes. */
interface Words {
  weights: (n: number, bytes: number, planned: boolean) => string | undefined;
  views: (views: number, buffers: number) => string;
  empty: (n: number) => string;
}

const WORDS: Record<ModelGraph['format'], Words> = {
  tflite: {
    weights: (n, _bytes, planned) => (planned && n > 0 ? `${plural(n, 'constant tensor')} planned as whole-run buffers (--include-weights)` : undefined),
    views: (_views, buffers) => `${plural(buffers, 'buffer')} shared by RESHAPE / SQUEEZE / EXPAND_DIMS outputs and their dying inputs`,
    empty: (n) => `${plural(n, 'tensor')} of 0 bytes: not planned`,
  },
  onnx: {
    weights: (n, bytes, planned) =>
      `${plural(n, 'constant tensor')} (initializers, Constant outputs, folded shapes) read by the run, ${bytes} B: ${planned ? 'planned as whole-run buffers' : 'not planned (--include-weights plans them)'}`,
    views: (views) => `${plural(views, 'view')} (Reshape, Squeeze, Unsqueeze, Flatten, Identity) share the buffer of an input that dies there`,
    empty: (n) => `${plural(n, 'tensor')} with no elements (no memory)`,
  },
};

/** The note on the weights the run reads (planned or not), when the format's report has one. */
export function weightsNote(format: ModelGraph['format'], counts: PlanningCounts, options: { includeWeights: boolean }): string[] {
  const w = WORDS[format].weights(counts.weights, counts.weightBytes, options.includeWeights);
  return w === undefined ? [] : [w];
}

/**
 * The other notes on a subgraph's problem, in this order: prepared tensors, variables,
 * intermediates, views, unwritten tensors, unused ones, empty ones.
 */
export function planningNotes(
  format: ModelGraph['format'],
  tensors: readonly GraphTensor[],
  counts: PlanningCounts,
  options: { includeWeights: boolean; keepPrepared: boolean; preparedRange: PreparedRange },
): string[] {
  const words = WORDS[format];
  const notes: string[] = [];
  const of = (pick: (t: GraphTensor) => boolean): GraphTensor[] => tensors.filter(pick);
  const sum = (ts: readonly GraphTensor[]): number => ts.reduce((a, t) => a + (t.bytes ?? 0), 0);
  const prepared = of((t) => t.kind === 'prepared' && t.weights === undefined);
  if (prepared.length > 0) {
    // Per run (TFLM), a tensor the offline plan leaves out is still placed by the runtime's own
    // planner in the same head (src/model-fit-hints.ts heldPrepared): left out of the plan, not of the arena.
    const how = !options.keepPrepared
      ? options.preparedRange === 'per-run'
        ? 'left out of the plan: TFLM places them itself, in the head'
        : 'left out of the arena'
      : options.preparedRange === 'per-run'
        ? 'computed again at every run (TFLM), planned from their operator to their last reader'
        : 'planned as whole-run buffers';
    notes.push(`${plural(prepared.length, 'tensor')} prepared from constants (DEQUANTIZE, DENSIFY, ...), ${sum(prepared)} B: ${how}`);
  }
  const variables = of((t) => t.kind === 'variable');
  if (variables.length > 0) {
    notes.push(
      `${plural(variables.length, 'variable tensor')} (state), ${sum(variables)} B: not in the planned arena (offline plan -1); ` +
        `TFLM keeps them in its persistent area (tail), ${variables.reduce((a, t) => a + tflmAligned(t.bytes ?? 0), 0)} B rounded to 16`,
    );
  }
  const internal = of((t) => t.kind === 'intermediate');
  if (internal.length > 0) notes.push(`${plural(internal.length, 'operator intermediate')}, ${sum(internal)} B: live while their operator runs`);
  if (counts.views > 0) notes.push(words.views(counts.views, counts.sharedBuffers));
  if (counts.unwritten > 0) notes.push(`${plural(counts.unwritten, 'tensor')} read but never written (no graph input): live from step 0`);
  const unused = of((t) => t.kind === 'unused').length;
  if (unused > 0) notes.push(`${plural(unused, 'tensor')} no operator touches: not planned`);
  if (counts.empty > 0) notes.push(words.empty(counts.empty));
  return notes;
}
