/**
 * Prepared tensors (outputs of operators whose inputs are all constant, e.g. DEQUANTIZE of int8
 * weights) in TFLM: its allocator plans them like any tensor without data in the file
 * (micro_allocation_info.cc: `needs_allocating`, lifetimes over the operators' allocation scopes) and its
 * DEQUANTIZE runs at every Invoke, so arenapack plans them from their operator to their last reader
 * (src/graph/problem.ts, ProblemOptions.preparedRange `per-run`). Checked in TFLM itself (.venv;
 * ARENAPACK_SKIP_TFLM=1 skips that part visibly): the plan that gives the prepared tensor the bytes of
 * tensors live before its operator runs computes the same outputs over 3 Invokes (were the tensor
 * computed once, the second Invoke would read the bytes those tensors left there), in the head arenapack
 * reports, which equals TFLM's own. With --no-prepared the offline plan leaves the tensor at -1 and TFLM
 * places it itself: the same head (measured), so leaving it out saves nothing (src/model-fit-hints.ts).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { modelProblems } from '../../src/graph/problem.js';
import { plannedHead } from '../../src/runtime/tflm/arena.js';
import { tfliteGraph } from '../../src/import/tflite/graph.js';
import { importTflite } from '../../src/import/tflite/index.js';
import { readTflite } from '../../src/import/tflite/reader.js';
import { liveBound } from '../../src/problem/bounds.js';
import { solve } from '../../src/solve/solve.js';
import { buildTflite, FIXTURES } from '../helpers/tflite-builder.js';
import { runInTflm, tflmPython, writtenForTflm } from '../helpers/tflm.js';

const skipRuntime = process.env.ARENAPACK_SKIP_TFLM === '1';
if (skipRuntime) console.warn('SKIPPED (in part): ARENAPACK_SKIP_TFLM=1: prepared tensors are not checked in TensorFlow Lite Micro');

describe('a prepared tensor (DEQUANTIZE of int8 weights) as TFLM runs it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'arenapack-prepared-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const bytes = buildTflite(FIXTURES.dequantizeInt8());
  const written = writtenForTflm(bytes, 'deq.tflite', false);
  const sg = written.model.subgraphs[0]!;
  // in (0), a (1), w32 (3, the DEQUANTIZE output at step 2), b (4), out (5).
  const offsets = written.offsets[0]!;
  const bytesOf = (t: number): [number, number] => [offsets[t]!, offsets[t]! + (sg.tensors[t]!.bytes ?? 0)];
  const overlap = (x: number, y: number): boolean => bytesOf(x)[0] < bytesOf(y)[1] && bytesOf(y)[0] < bytesOf(x)[1];

  it('is planned from its operator to its last reader: the head is 336 B (b, w32, out at the FULLY_CONNECTED), not 384 B (whole-run: in, a, w32)', () => {
    const w32 = sg.problem.buffers[sg.tensors[3]!.buffer!]!;
    expect([w32.start, w32.end]).toEqual([2, 4]);
    expect(sg.tensors[3]!.kind).toBe('prepared');
    expect(written.head).toBe(336);
    expect(written.runtimeDefault).toBe(336);
    expect(written.head).toBeLessThanOrEqual(written.runtimeDefault);
    // The plan gives w32 bytes that in or a held before its operator ran: the runtime check below then
    // shows that TFLM computes it again at every Invoke.
    expect(overlap(3, 0) || overlap(3, 1)).toBe(true);
  });

  it('whole-run (as full TFLite holds it after Prepare) the same model needs 384 B; --no-prepared leaves it out of the plan', () => {
    const graph = tfliteGraph(readTflite(bytes, 'deq.tflite'), { replaceOfflinePlan: false });
    const options = { align: 16, includeWeights: false, keepPrepared: true, shareViews: true } as const;
    const whole = modelProblems(graph, { ...options, preparedRange: 'whole-run' })[0]!;
    const perRun = modelProblems(graph, { ...options, preparedRange: 'per-run' })[0]!;
    expect(solve(whole.problem, { method: 'heuristic' }).peak).toBe(384);
    expect(liveBound(whole.problem)).toBe(384);
    expect(liveBound(perRun.problem)).toBe(336);
    const left = importTflite(bytes, 'deq.tflite', { keepPrepared: false }).subgraphs[0]!;
    expect(left.tensors[3]!.buffer).toBeUndefined();
    expect(left.notes.join('\n')).toMatch(/1 tensor prepared from constants .*, 256 B: left out of the plan: TFLM places them itself, in the head/);
  });

  // --no-prepared: the offline plan leaves w32 at -1, and TFLM's own planner places it (micro_allocator.cc
  // CreatePlan: kOnlinePlannedBuffer) in the same head: nothing saved (so no "to fit" hint offers it).
  const without = writtenForTflm(bytes, 'deq.tflite', false, [], false);

  it('--no-prepared leaves it out of the plan, not out of the head: TFLM places it itself, and the head arenapack reports counts it (336 B)', () => {
    expect(without.offsets[0]![3]).toBe(-1);
    expect(without.model.subgraphs[0]!.problem.buffers).toHaveLength(4);
    // The plan's own tensors end lower; TFLM puts w32 (256 B) above them.
    expect(plannedHead(without.model, without.offsets)).toBeLessThan(336);
    expect(without.head).toBe(336);
    expect(without.head).toBeGreaterThanOrEqual(written.head);
  });

  it.skipIf(skipRuntime)('TFLM: outputs identical to the model as given over 3 Invokes, head measured = reported = TFLM\'s own (336 B)', () => {
    const py = tflmPython();
    if ('error' in py) expect.fail(py.error);
    const given = join(dir, 'deq.tflite');
    const out = join(dir, 'deq_written.tflite');
    writeFileSync(given, bytes);
    writeFileSync(out, written.bytes);
    const left = join(dir, 'deq_no_prepared.tflite');
    writeFileSync(left, without.bytes);
    const runs = runInTflm(py.python, [given, out, left], 3);
    expect(runs.get(given)!.error).toBeUndefined();
    expect(runs.get(out)!.error).toBeUndefined();
    expect(runs.get(out)!.outputs).toHaveLength(3);
    // Seeded inputs differ per Invoke: the outputs change, and match the model as given at each one.
    expect(new Set(runs.get(given)!.outputs!.map((o) => o.join())).size).toBe(3);
    expect(runs.get(out)!.outputs).toEqual(runs.get(given)!.outputs);
    expect(runs.get(out)!.head).toBe(written.head);
    expect(runs.get(given)!.head).toBe(written.runtimeDefault);
    // --no-prepared: TFLM places w32 itself; the same outputs, and the head arenapack reports for it.
    expect(runs.get(left)!.error).toBeUndefined();
    expect(runs.get(left)!.outputs).toEqual(runs.get(given)!.outputs);
    expect(runs.get(left)!.head).toBe(without.head);
  });
});
