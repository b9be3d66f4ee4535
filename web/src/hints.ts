/**
 * The page's "what to change to fit": the command line's hints (src/problem-fit-hints.ts, src/model-fit-hints.ts), each computed by
 * planning it — the capacity needed, a tensor too large alone, spilling, --no-prepared (tensors prepared once and held whole-run; not TFLite's), --reorder —
 * run in the page's import worker (import-worker.ts), so the page stays responsive while they plan.
 */
import { modelFitHints } from '../../src/model-fit-hints.js';
import { problemFitHints, type FitHint } from '../../src/problem-fit-hints.js';
import { problemText, readProblem } from '../../src/import/index.js';
import { modelFormat } from '../../src/import/model-file.js';
import { tensorOffsets } from '../../src/export/tensor-offsets.js';
import { tflmArena, type TflmArena } from '../../src/runtime/tflm/arena.js';
import { Deadline, defaultTimeLimitMs } from '../../src/solve/deadline.js';
import type { PlanResult } from '../../src/solve/spill.js';
import type { WireSolveOptions } from '../../src/worker/protocol.js';
import { importWith, type PageImportOptions } from './input.js';

/**
 * The hints for `file` read with `options` (Input.options: as the page read it) and planned as
 * `results` (one per part: subgraph, or the buffer list) under `capacity` (bytes), with the solve
 * options of that plan; `tflm`: a TFLite model's arena as the page shows it (with the kernels'
 * scratch; after spilling, the on-chip head beside the same tail estimate, as the command line's JSON
 * arena.tflm), else computed here without the kernels' scratch. The same hints as `arenapack plan FILE --capacity C` prints: [] when every
 * buffer fits on chip. The re-plans share one deadline, the time limit of the plan (the command
 * line's default when none).
 */
export function inputFitHints(file: string, bytes: Uint8Array, options: PageImportOptions, results: PlanResult[], capacity: number, solveOptions: WireSolveOptions, tflm?: TflmArena): FitHint[] {
  const deadline = Deadline.in(solveOptions.timeLimitMs ?? defaultTimeLimitMs(solveOptions.method));
  if (results.length === 0) return [];
  if (modelFormat(file, bytes) === undefined) {
    const problem = readProblem(problemText(bytes, file), file).problem;
    return problemFitHints({ ...problem, capacity }, results[0]!, capacity, { ...solveOptions, deadline });
  }
  const { reorder, ...importOptions } = options;
  const model = importWith(file, bytes, options);
  // TFLite: the whole arena (head + TFLM's tail estimate) must fit, as on the command line.
  const arena = model.format === 'tflite' ? (tflm ?? tflmArena(model, tensorOffsets(model, results))) : undefined;
  return modelFitHints({ model, bytes, file, results, capacity, importOptions, solveOptions, deadline, reordered: reorder === true, ...(arena ? { tflm: arena } : {}) });
}
