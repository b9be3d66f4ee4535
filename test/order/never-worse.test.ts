import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readTflite } from '../../src/import/tflite/reader.js';
import { reorderTflite, type ReorderedModel } from '../../src/order/model.js';
import { InputError } from '../../src/problem/errors.js';
import { liveBound } from '../../src/problem/bounds.js';
import { verifyPlan } from '../../src/problem/verify.js';
import { solve } from '../../src/solve/solve.js';
import { orderFaults } from '../helpers/order-check.js';
import { randomGraph } from '../helpers/random-graph.js';
import { sharedDir } from '../helpers/shared.js';
import { buildTflite, FIXTURES, type ModelSpec } from '../helpers/tflite-builder.js';

const tfliteDir = sharedDir('models/tflite');

/** The checks every reordered model must pass: valid orders, never a higher bound, plans that verify. */
function check(bytes: Uint8Array, file: string, r: ReorderedModel): void {
  const model = readTflite(bytes, file);
  r.results.forEach((res, s) => {
    expect(orderFaults(model, s, res.order), `${file} subgraph ${s}`).toEqual([]);
    const before = liveBound(r.stored.subgraphs[s]!.problem);
    const after = liveBound(r.reordered.subgraphs[s]!.problem);
    expect(after, `${file} subgraph ${s}`).toBeLessThanOrEqual(before);
    expect([res.storedBound, res.bound]).toEqual([before, after]);
    const p = r.reordered.subgraphs[s]!.problem;
    const plan = solve(p, { method: 'greedy-size' });
    expect(verifyPlan(p, plan.offsets, plan.peak).valid, `${file} subgraph ${s}`).toBe(true);
  });
}

describe('reordering never raises the live bound', () => {
  it('on every fixture of the importer tests (variables, intermediates, prepared tensors, shared reshapes, subgraphs, no operators)', () => {
    const empty: ModelSpec = { subgraphs: [{ tensors: [{ shape: [4] }, { shape: [8] }], inputs: [0], outputs: [0, 1], operators: [] }] };
    for (const [name, spec] of [...Object.entries(FIXTURES).filter(([k]) => k !== 'unknownDim').map(([k, f]) => [k, f()] as const), ['empty', empty] as const]) {
      const bytes = buildTflite(spec);
      for (const options of [{ batch: 1 }, { batch: 1, align: 1, shareReshapes: false, keepPrepared: false, includeWeights: true }]) {
        // reorderTflite itself checks both bounds against the importer's live ranges.
        check(bytes, `${name}.tflite`, reorderTflite(bytes, `${name}.tflite`, options));
      }
    }
  });

  it('on random graphs of 10 to 60 operators (the importer agrees on both bounds)', () => {
    let lower = 0;
    fc.assert(
      fc.property(randomGraph(10, 60), (spec) => {
        const bytes = buildTflite(spec);
        const r = reorderTflite(bytes, 'r.tflite');
        check(bytes, 'r.tflite', r);
        if (r.results[0]!.bound < r.results[0]!.storedBound) lower++;
      }),
      { numRuns: 60, seed: 61 },
    );
    expect(lower).toBeGreaterThan(10);
  });

  it.skipIf(tfliteDir === undefined)('on every model of ../shared/models/tflite', () => {
    const dir = tfliteDir!;
    let planned = 0;
    for (const f of readdirSync(dir).filter((x) => x.endsWith('.tflite')).sort()) {
      const bytes = new Uint8Array(readFileSync(join(dir, f)));
      let r: ReorderedModel;
      try {
        r = reorderTflite(bytes, f, { batch: 1 });
      } catch (e) {
        // Models the importer cannot plan (string tensors, unknown dimensions) are out of scope here.
        if (e instanceof InputError) continue;
        throw e;
      }
      check(bytes, f, r);
      planned++;
    }
    expect(planned).toBeGreaterThan(50);
  });
});
