/**
 * "What to change to fit" (src/problem-fit-hints.ts, src/model-fit-hints.ts): one procedure driven inline (the command line, the
 * page's worker) or with async solves (several files): the same hints; each figure is a plan's; the
 * summary's best hint.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { modelFitHints, modelFitHintsWith } from '../src/model-fit-hints.js';
import { bestHint, hintsToJson, problemFitHints, problemFitHintsWith, type FitHint } from '../src/problem-fit-hints.js';
import { modelArenaSize } from '../src/export/tensor-offsets.js';
import { parseCsv } from '../src/import/csv.js';
import { importTflite } from '../src/import/tflite/index.js';
import { planModel } from '../src/plan-model.js';
import { reorderModel } from '../src/order/model.js';
import { Deadline } from '../src/solve/deadline.js';
import { solve, type SolveOptions } from '../src/solve/solve.js';
import { planWithSpill } from '../src/solve/spill.js';
import type { Problem } from '../src/problem/types.js';
import { SPILL_CSV } from './helpers/spill-inputs.js';
import { sharedDir } from './helpers/shared.js';
import { importModelFile } from '../src/import/model-file.js';
import { buildTflite, FIXTURES } from './helpers/tflite-builder.js';

/** solve() behind a promise, as a pool of workers answers: counts the solves it was asked for. */
function asyncSolver(): { solveOne: (p: Problem, o: SolveOptions) => Promise<ReturnType<typeof solve>>; calls: () => number } {
  let n = 0;
  return {
    solveOne: async (p, o) => {
      n++;
      await Promise.resolve();
      return solve(p, o);
    },
    calls: () => n,
  };
}

describe('problemFitHints', () => {
  const problem = parseCsv(SPILL_CSV, 'spill.csv');
  const capacity = 64 * 1024;
  const options = { method: 'auto' } as const;

  it('the spilled plan: the capacity of the plan of every buffer, then the spill emitted; the same with async solves', async () => {
    const whole = solve({ ...problem, capacity }, options);
    const spilled = planWithSpill({ ...problem, capacity }, whole, options);
    const hints = problemFitHints(problem, spilled, capacity, options);
    expect(hintsToJson(hints)).toEqual([
      { change: 'capacity', arena: whole.peak, fits: true },
      { change: 'spill', arena: spilled.peak, fits: true },
    ]);
    expect(hints[1]!.text).toContain('(the plan emitted)');
    const s = asyncSolver();
    expect(await problemFitHintsWith(problem, spilled, capacity, options, s.solveOne)).toEqual(hints);
    expect(s.calls()).toBe(0); // the spill plan emitted is the hint: nothing planned again
  });

  it('--no-spill: the spill plan is made for the hint, the same inline and async; none when it fits', async () => {
    const whole = solve({ ...problem, capacity }, options);
    const hints = problemFitHints(problem, whole, capacity, options);
    expect(hints.map((h) => h.change)).toEqual(['capacity', 'spill']);
    expect(hints[1]!.text).toContain('(without --no-spill)');
    expect(hints[1]!.arena).toBe(planWithSpill({ ...problem, capacity }, whole, options).peak);
    const s = asyncSolver();
    expect(await problemFitHintsWith(problem, whole, capacity, options, s.solveOne)).toEqual(hints);
    expect(s.calls()).toBeGreaterThan(0);
    expect(problemFitHints(problem, whole, whole.peak, options)).toEqual([]);
  });
});

describe('modelFitHints', () => {
  const bytes = buildTflite(FIXTURES.dequantize());
  const file = 'deq.tflite';
  const options = { method: 'heuristic' } as const;
  // The arena of the model in the order --reorder finds (the hint's figure, no TFLM arena given here).
  const reordered = modelArenaSize(planModel(reorderModel(bytes, file).reordered, options).results);
  const peak = modelArenaSize(planModel(importTflite(bytes, file), options).results);
  const capacity = reordered + 16;

  const args = (deadline: Deadline, cap = capacity): Parameters<typeof modelFitHints>[0] => {
    const model = importTflite(bytes, file);
    const results = planModel(model, options, cap, { spill: false }).results;
    return { model, bytes, file, results, capacity: cap, importOptions: {}, solveOptions: options, deadline, reordered: false };
  };

  it('every hint planned: --reorder gives the arena planModel() gives in its order; async solves give the same hints', async () => {
    expect(reordered).toBeLessThan(peak);
    const inline = modelFitHints(args(Deadline.in(60_000)));
    expect(inline.map((h) => h.change)).toEqual(['capacity', 'spill', expect.stringMatching(/^--reorder/)]);
    expect(inline[0]).toMatchObject({ arena: peak, fits: true });
    expect(inline[2]).toMatchObject({ arena: reordered, fits: true });
    const s = asyncSolver();
    expect(await modelFitHintsWith(args(Deadline.in(60_000)), s.solveOne)).toEqual(inline);
    expect(s.calls()).toBeGreaterThan(0);
    // Under the largest tensor: the tensors too large alone, and the spill choice.
    const small = modelFitHints(args(Deadline.in(60_000), 48));
    expect(small.map((h) => h.change)).toEqual(['capacity', 'tensor', 'tensor', 'spill', expect.stringMatching(/^--reorder/)]);
  });

  it("no --no-prepared for TFLite: its prepared tensors are planned per run, and left out of the plan TFLM places them itself in the same head", () => {
    const model = importTflite(bytes, file);
    expect(model.subgraphs[0]!.preparedRange).toBe('per-run');
    expect(model.subgraphs[0]!.tensors.filter((t) => t.kind === 'prepared' && t.buffer !== undefined)).toHaveLength(3);
    for (const cap of [48, capacity]) expect(modelFitHints(args(Deadline.in(60_000), cap)).map((h) => h.change)).not.toContainEqual(expect.stringMatching(/--no-prepared/));
  });

  it('a deadline already passed: the re-plans are left out, each said so', () => {
    const hints = modelFitHints(args(Deadline.in(0)));
    expect(hints.filter((h) => /^--/.test(h.change)).map((h) => h.text)).toEqual([expect.stringMatching(/^--reorder .*: not tried, the time limit was reached$/)]);
  });

  it('the best hint (a summary row): keeping every tensor on chip within the capacity first', () => {
    const hints = modelFitHints(args(Deadline.in(60_000)));
    expect(bestHint(hints)!.short).toBe(`--reorder: ${reordered} B`);
  });
});

describe('bestHint', () => {
  const h = (change: string, arena: number | undefined, fits: boolean | undefined, short = change): FitHint => ({
    change,
    ...(arena !== undefined ? { arena } : {}),
    ...(fits !== undefined ? { fits } : {}),
    text: change,
    short,
  });

  it('on chip within the capacity, the smallest arena; else the spill; else the capacity needed; none without hints', () => {
    const capacity = h('capacity', 900, true);
    const spill = h('spill', 500, true);
    const reorder = h('--reorder (...)', 480, true);
    const noPrepared = h('--no-prepared (...)', 450, true);
    const tooBig = h('--reorder (...)', 700, false);
    expect(bestHint([capacity, spill, reorder, noPrepared])).toBe(noPrepared);
    expect(bestHint([capacity, h('tensor', undefined, undefined), spill, tooBig])).toBe(spill);
    expect(bestHint([capacity, tooBig])).toBe(capacity);
    expect(bestHint([])).toBeUndefined();
  });
});

describe('modelFitHints, ONNX', () => {
  const dir = sharedDir('models/onnx');
  const path = dir === undefined ? undefined : join(dir, 'ortexamples_mnist.onnx');
  const present = path !== undefined && existsSync(path);
  it.skipIf(!present)("no --no-prepared for ONNX: its importer keeps prepared tensors (ONNX Runtime folds them), so the re-plan would change nothing", () => {
    const bytes = new Uint8Array(readFileSync(path!));
    const importOptions = { includeWeights: true };
    const model = importModelFile(bytes, 'mnist.onnx', importOptions);
    const prepared = model.subgraphs.flatMap((sg) => sg.tensors.filter((t) => t.kind === 'prepared' && t.buffer !== undefined));
    expect(prepared.length).toBeGreaterThan(0);
    const options = { method: 'heuristic' } as const;
    const cap = Math.floor(modelArenaSize(planModel(model, options).results) / 2);
    const results = planModel(model, options, cap, { spill: false }).results;
    const hints = modelFitHints({ model, bytes, file: 'mnist.onnx', results, capacity: cap, importOptions, solveOptions: options, deadline: Deadline.in(60_000), reordered: false });
    expect(hints.length).toBeGreaterThan(0);
    expect(hints.map((h) => h.change)).not.toContainEqual(expect.stringMatching(/--no-prepared/));
  });
});
