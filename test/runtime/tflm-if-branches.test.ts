/**
 * An IF's then and else branches exclude each other: arenapack places both at one base, right above
 * what the caller has live at the IF (src/runtime/tflm/subgraph-layout.ts; for TFLM they live only
 * while the IF runs, one after the other in its lifetime walk). Checked here in the real runtime
 * (TFLM, the tflite-micro package) for both outcomes of the condition (every BOOL input true, then
 * false: scripts/tflm_run.py --bool): the model written with that plan computes what the model as
 * stored computes (TFLM's own planner), in the head arenapack reports; the same plan with the else
 * branch stacked above the then branch runs too, and the difference of the two heads, as TFLM
 * measures them, is what sharing the base saves.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tensorOffsets } from '../../src/export/tensor-offsets.js';
import { shapePatches, writeOfflinePlan } from '../../src/export/tflm-offline-plan.js';
import { importTflite } from '../../src/import/tflite/index.js';
import { tflmAligned } from '../../src/runtime/tflm/allocation.js';
import { plannedHead } from '../../src/runtime/tflm/arena.js';
import { tflmGraph } from '../../src/runtime/tflm/graph.js';
import { calledSubgraphBases, crossSubgraphConflicts } from '../../src/runtime/tflm/subgraph-layout.js';
import { solveVerified } from '../helpers/plan.js';
import { buildTflite, FIXTURES, type ModelSpec } from '../helpers/tflite-builder.js';
import { runInTflm, tflmPython, writtenForTflm, type TflmRun } from '../helpers/tflm.js';

const skip = process.env.ARENAPACK_SKIP_TFLM === '1';
if (skip) console.warn('SKIPPED: ARENAPACK_SKIP_TFLM=1: the IF branches sharing a base are not checked in TensorFlow Lite Micro');

const dir = mkdtempSync(join(tmpdir(), 'arenapack-tflm-if-'));
const summary: string[] = [];

/**
 * The fixtures (IF at main's step 1, then = subgraph 1, else = subgraph 2) and what sharing the
 * branches' base saves on each, measured in TFLM (head with the else branch stacked above the then
 * branch minus the head with both at one base): on ifBranch stacking lifts the else branch above
 * main's later peak (320 B against 256 B); on ifWide the branches are the model's peak (912 B against 656 B).
 */
const CASES: { name: string; spec: () => ModelSpec; saving: number }[] = [
  { name: 'if_branch', spec: FIXTURES.ifBranch, saving: 64 },
  { name: 'if_wide', spec: FIXTURES.ifWide, saving: 256 },
];

describe.skipIf(skip)('IF branches at one base, in TFLM, for both outcomes of the condition', () => {
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
    if (summary.length > 0) console.log(`TFLM IF branches:\n  ${summary.join('\n  ')}`);
  });

  it.for(CASES)('$name', { timeout: 120_000 }, ({ name, spec, saving }) => {
    const py = tflmPython();
    if ('error' in py) expect.fail(py.error);
    const bytes = buildTflite(spec());
    const model = importTflite(bytes, `${name}.tflite`);
    const plans = model.subgraphs.map((sg) => solveVerified(sg.problem, { method: 'heuristic' }));
    const bases = calledSubgraphBases(model, plans)!;
    expect(bases[1], 'then and else at one base').toBe(bases[2]);
    const shared = tensorOffsets(model, plans);
    // The alternative: the else branch stacked above the then branch (both still above main's live set).
    const lift = tflmAligned(plans[1]!.peak);
    const stacked = shared.map((o, s) => (s === 2 ? o.map((x) => (x >= 0 ? x + lift : x)) : o));
    const graph = tflmGraph(model);
    expect(crossSubgraphConflicts(graph, shared)).toEqual([]);
    expect(crossSubgraphConflicts(graph, stacked)).toEqual([]);
    // The plan the CLI writes (--write-tflite) reports this head.
    expect(writtenForTflm(bytes, `${name}.tflite`, false).head).toBe(plannedHead(model, shared));
    const files = { original: join(dir, `${name}.tflite`), shared: join(dir, `${name}.shared.tflite`), stacked: join(dir, `${name}.stacked.tflite`) };
    writeFileSync(files.original, bytes);
    writeFileSync(files.shared, writeOfflinePlan(bytes, name, shared, undefined, shapePatches(model)));
    writeFileSync(files.stacked, writeOfflinePlan(bytes, name, stacked, undefined, shapePatches(model)));
    const outcomes = new Map<string, Map<string, TflmRun>>();
    for (const cond of ['true', 'false']) outcomes.set(cond, runInTflm(py.python, Object.values(files), 3, ['--bool', cond]));
    for (const [cond, runs] of outcomes) {
      const base = runs.get(files.original)!;
      expect(base.error, `${name} as stored, condition ${cond}`).toBeUndefined();
      for (const variant of ['shared', 'stacked'] as const) {
        const got = runs.get(files[variant])!;
        expect(got.error, `${name} (${variant}), condition ${cond}`).toBeUndefined();
        expect(got.outputs, `${name} (${variant}), condition ${cond}: outputs`).toEqual(base.outputs);
      }
      expect(runs.get(files.shared)!.head, `${name}, condition ${cond}: TFLM's head vs the head reported`).toBe(plannedHead(model, shared));
      expect(runs.get(files.stacked)!.head).toBe(plannedHead(model, stacked));
    }
    // The two outcomes ran different branches: the outputs differ.
    expect(outcomes.get('true')!.get(files.original)!.outputs).not.toEqual(outcomes.get('false')!.get(files.original)!.outputs);
    const measured = { shared: outcomes.get('true')!.get(files.shared)!.head!, stacked: outcomes.get('true')!.get(files.stacked)!.head!, own: outcomes.get('true')!.get(files.original)!.head! };
    expect(measured.stacked - measured.shared, `${name}: bytes saved by one base`).toBe(saving);
    summary.push(`${name}: TFLM head ${measured.shared} B with the branches at one base, ${measured.stacked} B stacked (saving ${measured.stacked - measured.shared} B), TFLM's own planner ${measured.own} B`);
  });
});
