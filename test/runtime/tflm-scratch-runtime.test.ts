import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tensorOffsets } from '../../src/export/tensor-offsets.js';
import { writeOfflinePlan } from '../../src/export/tflm-offline-plan.js';
import { importTflite } from '../../src/import/tflite/index.js';
import { tflmGraph } from '../../src/runtime/tflm/graph.js';
import { modelScratch, tflmHead } from '../../src/runtime/tflm/head.js';
import { planForTflm } from '../../src/runtime/tflm/model-head.js';
import { shapeForScratch } from '../../src/runtime/tflm/shape-plan.js';
import { reorderModel } from '../../src/order/model.js';
import { solve } from '../../src/solve/solve.js';
import { scratchFixtures } from '../helpers/scratch-fixtures.js';
import { sharedDir } from '../helpers/shared.js';
import { buildTflite } from '../helpers/tflite-builder.js';
import { runInTflm, tflmPython, type TflmRun } from '../helpers/tflm.js';

const py = process.env.ARENAPACK_SKIP_TFLM === '1' ? { error: 'ARENAPACK_SKIP_TFLM=1' } : tflmPython();
/** The runtime's Python; without it these checks skip (test/runtime/tflm.test.ts fails and says why). */
const python = 'python' in py ? py.python : undefined;

/** TFLM's head and tail for each file, in order (no Invoke: the allocation is what is measured). */
function tflmHeads(pythonPath: string, files: readonly string[]): TflmRun[] {
  const runs = runInTflm(pythonPath, files, 0);
  return files.map((f) => runs.get(f)!);
}
const models = sharedDir('models/tflite');
const dir = mkdtempSync(join(tmpdir(), 'arenapack-tflm-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The simulated head of a model file: reference scratch placed by TFLM's greedy planner. */
function simulate(bytes: Uint8Array, file: string, withScratch = true): { head: number; scratch: number[][] } {
  const model = tflmGraph(importTflite(bytes, file));
  const scratch = modelScratch(model, 'reference');
  const used = withScratch ? scratch : { ...scratch, operators: [] };
  return { head: tflmHead(model, used).head, scratch: scratch.operators.map((o) => o.requests.map((r) => r.bytes)) };
}

describe('reference scratch sizes and TFLM placement, measured in TFLM (tflite-micro)', () => {
  it.skipIf(!python)('single-operator fixtures: the head TFLM uses equals the simulated head, and the scratch shows in it', () => {
    const fixtures = scratchFixtures();
    const files = fixtures.map((f) => {
      const path = join(dir, `${f.name}.tflite`);
      writeFileSync(path, buildTflite(f.spec));
      return path;
    });
    const measured = tflmHeads(python!, files);
    fixtures.forEach((f, i) => {
      const bytes = readFileSync(files[i]!);
      const sim = simulate(bytes, f.name);
      expect(sim.scratch, f.name).toEqual([f.scratch]);
      expect(measured[i]!.error, f.name).toBeUndefined();
      expect({ name: f.name, head: measured[i]!.head }).toEqual({ name: f.name, head: sim.head });
      // The fixture is built so that the scratch decides the head: without it the figure differs.
      expect(simulate(bytes, f.name, false).head, f.name).toBeLessThan(sim.head);
    });
  });

  it.skipIf(!python || !models)('corpus: on every model TFLM runs, its own planner\'s head equals the simulated one (tensors and scratch)', () => {
    const files = readdirSync(models!).filter((f) => f.endsWith('.tflite')).sort().map((f) => join(models!, f));
    const measured = tflmHeads(python!, files).filter((m) => m.error === undefined);
    expect(measured.length).toBeGreaterThan(30);
    const rows = measured.map((m) => {
      const sim = simulate(readFileSync(m.file), m.file);
      return { file: m.file.split('/').pop(), tflm: m.head, simulated: sim.head };
    });
    expect(rows.filter((r) => r.tflm !== r.simulated)).toEqual([]);
  });
});

describe('TFLM places scratch around arenapack\'s offline plan as simulated', () => {
  it.skipIf(!python || !models)('corpus: the head TFLM uses with the scratch-shaped plan equals the simulated head, never above TFLM\'s own', () => {
    const files = readdirSync(models!).filter((f) => f.endsWith('.tflite')).sort().map((f) => join(models!, f));
    const runs = tflmHeads(python!, files).filter((m) => m.error === undefined);
    const written: { path: string; simulated: number; own: number }[] = [];
    for (const m of runs) {
      const bytes = new Uint8Array(readFileSync(m.file));
      const imported = importTflite(bytes, m.file, { batch: 1 });
      const graph = tflmGraph(imported);
      const scratch = modelScratch(graph);
      const plans = imported.subgraphs.map((sg) => solve(sg.problem, { method: 'heuristic' }));
      const offsets = (ps: readonly { offsets: number[]; peak: number }[]) => tensorOffsets(imported, ps);
      const shaped = shapeForScratch({ graph, scratch, subgraphs: imported.subgraphs, plans, solve: (p) => solve(p, { method: 'heuristic' }), offsets });
      const path = join(dir, `shaped-${m.file.split('/').pop()!}`);
      writeFileSync(path, writeOfflinePlan(bytes, m.file, offsets(shaped.chosen.plans)));
      written.push({ path, simulated: shaped.chosen.head.head, own: m.head! });
    }
    const measured = tflmHeads(python!, written.map((w) => w.path));
    const rows = written.map((w, i) => ({ file: w.path.split('/').pop(), tflm: measured[i]!.head ?? measured[i]!.error, simulated: w.simulated }));
    expect(rows.length).toBeGreaterThan(30);
    expect(rows.filter((r) => r.tflm !== r.simulated)).toEqual([]);
    // Never more than TFLM's own planner needs (variables out of the arena, scratch shaped).
    expect(written.filter((w) => w.simulated > w.own).map((w) => w.path)).toEqual([]);
  });
});

describe('planForTflm with --reorder, measured in TFLM', () => {
  it.skipIf(!python || !models)('corpus models with scratch: the reordered, scratch-shaped model runs with the head reported', () => {
    const files = readdirSync(models!).filter((f) => f.endsWith('.tflite')).sort().map((f) => join(models!, f));
    const runs = tflmHeads(python!, files).filter((m) => m.error === undefined);
    const written: { path: string; head: number; own: number }[] = [];
    for (const m of runs) {
      const bytes = new Uint8Array(readFileSync(m.file));
      if (modelScratch(tflmGraph(importTflite(bytes, m.file, { batch: 1 }))).operators.length === 0) continue;
      const { reordered, results } = reorderModel(bytes, m.file, { batch: 1 });
      const orders = results.map((r) => r.order);
      const plans = reordered.subgraphs.map((sg) => solve(sg.problem, { method: 'heuristic' }));
      const offsets = (ps: readonly { offsets: number[]; peak: number }[]) => tensorOffsets(reordered, ps);
      const facts = planForTflm({ model: reordered, plans, solve: (p) => solve(p, { method: 'heuristic' }), offsets, orders });
      const path = join(dir, `reordered-${m.file.split('/').pop()!}`);
      writeFileSync(path, writeOfflinePlan(bytes, m.file, offsets(facts.plans), orders));
      written.push({ path, head: facts.head, own: m.head! });
    }
    expect(written.length).toBeGreaterThanOrEqual(10);
    const measured = tflmHeads(python!, written.map((w) => w.path));
    const rows = written.map((w, i) => ({ file: w.path.split('/').pop(), tflm: measured[i]!.head ?? measured[i]!.error, reported: w.head }));
    expect(rows.filter((r) => r.tflm !== r.reported)).toEqual([]);
  });
});
