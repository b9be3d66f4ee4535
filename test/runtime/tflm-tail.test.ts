/**
 * TFLM's tail estimate per operator type, against the runtime (the tflite-micro package in .venv,
 * reference kernels, this x86-64 host): for every type src/runtime/tflm/tail.ts has a rule for, models
 * of one, two and three such operators (float32, and int8 where it runs with simple quantization;
 * test/helpers/tail-models.ts), the models the rules were calibrated on. The 64-bit estimate must be
 * within 32 B of the tail TFLM reports on each (what is left is alignment padding between TFLM's
 * allocations that the estimate follows only roughly). ARENAPACK_SKIP_TFLM=1 skips it visibly.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importTflite } from '../../src/import/tflite/index.js';
import { variableBytes } from '../../src/runtime/tflm/arena.js';
import { tflmGraph } from '../../src/runtime/tflm/graph.js';
import { modelScratch } from '../../src/runtime/tflm/head.js';
import { TAIL_RULE_TYPES, tailEstimate } from '../../src/runtime/tflm/tail.js';
import { tailModels } from '../helpers/tail-models.js';
import { runInTflm, tflmPython, type TflmRun } from '../helpers/tflm.js';

const skip = process.env.ARENAPACK_SKIP_TFLM === '1';
if (skip) console.warn('SKIPPED: ARENAPACK_SKIP_TFLM=1: the tail estimate is not checked per operator in TensorFlow Lite Micro');

/** Bytes the estimate may be off on these small models. */
const TOLERANCE = 32;

describe.skipIf(skip)("TFLM's tail per operator type: estimate (64-bit) vs the runtime", () => {
  const models = tailModels();
  const dir = mkdtempSync(join(tmpdir(), 'arenapack-tail-'));
  let runs = new Map<string, TflmRun>();
  let runtimeError: string | undefined;
  const lines: string[] = [];

  beforeAll(() => {
    const py = tflmPython();
    if ('error' in py) {
      runtimeError = py.error;
      return;
    }
    for (const m of models) writeFileSync(join(dir, `${m.name}.tflite`), m.bytes);
    runs = runInTflm(py.python, models.map((m) => join(dir, `${m.name}.tflite`)), 1);
  }, 600_000);

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
    if (lines.length > 0) console.log(`TFLM tail per operator type (estimate vs TFLM, bytes):\n  ${lines.join('\n  ')}`);
  });

  it('the runtime is there', () => {
    expect(runtimeError, runtimeError).toBeUndefined();
  });

  it('every operator type with a tail rule has calibration models here', () => {
    expect([...new Set(models.map((m) => m.type))].sort()).toEqual([...TAIL_RULE_TYPES]);
  });

  it.for(models.map((m) => m.name))('%s', (name, ctx) => {
    if (runtimeError !== undefined) ctx.skip();
    const m = models.find((x) => x.name === name)!;
    const run = runs.get(join(dir, `${name}.tflite`))!;
    expect(run.error, `${name} in TFLM`).toBeUndefined();
    const model = importTflite(m.bytes, name);
    const scratch = modelScratch(tflmGraph(model));
    const requests = scratch.operators.reduce((n, o) => n + o.requests.length, 0);
    const est = tailEstimate(model, 64, variableBytes(model), requests);
    expect(est.unknown).toEqual([]);
    lines.push(`${name}: ${est.bytes} vs ${run.tail} (${est.bytes - run.tail! >= 0 ? '+' : ''}${est.bytes - run.tail!})`);
    expect(Math.abs(est.bytes - run.tail!), `${name}: estimate ${est.bytes} B, TFLM's tail ${run.tail} B`).toBeLessThanOrEqual(TOLERANCE);
  });
});
