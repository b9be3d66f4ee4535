/**
 * ONNX Runtime as the oracle of the ONNX importer's shapes and element types (issue #16): every node
 * output of every corpus model, and of fixture models built here, must have in ORT the element type and
 * the dims arenapack inferred, since a plan is only as good as its sizes and the verifier cannot see a
 * wrong size. See test/helpers/ort-oracle.ts for how tensors inside If branches are reached.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { OnnxImportOptions } from '../../src/import/onnx/index.js';
import { CORPUS_OPTIONS, CORPUS_VALUES } from '../helpers/onnx-corpus.js';
import { BOOL, INT64, graph, graphAttr, int, ints, model, node, tensor, vi } from '../helpers/onnx-builder.js';
import { randomOnnx } from '../helpers/random-onnx.js';
import { compareWithOrt, ortCannotLoad } from '../helpers/ort-oracle.js';
import { sharedDir } from '../helpers/shared.js';

const dir = sharedDir('models/onnx');

/** Other input shapes (and the sample rate they go with) for the models with symbolic inputs. */
const OTHER_SHAPES: { file: string; options: OnnxImportOptions; values?: Record<string, number[]> }[] = [
  { file: 'onnxjs_super_resolution_10.onnx', options: { batch: 2 } },
  { file: 'onnxjs_teams_msra_190729.onnx', options: { inputShapes: { bgrm: [2, 4, 192, 320] } } },
  // 8 kHz: a 256-sample frame, which takes the other branch of the sample-rate If nodes.
  { file: 'npm_silero_vad_legacy.onnx', options: { inputShapes: { input: [1, 256], h: [2, 1, 64], c: [2, 1, 64] } }, values: { sr: [8000] } },
  { file: 'npm_silero_vad_legacy.onnx', options: { inputShapes: { input: [2, 512], h: [2, 2, 64], c: [2, 2, 64] } }, values: { sr: [16000] } },
  { file: 'npm_silero_vad_v5.onnx', options: { inputShapes: { input: [1, 288], state: [2, 1, 128] } }, values: { sr: [8000] } },
  { file: 'npm_silero_vad_v5.onnx', options: { inputShapes: { input: [3, 576], state: [2, 3, 128] } }, values: { sr: [16000] } },
];

describe.skipIf(dir === undefined)('ONNX corpus against ONNX Runtime (../shared/models/onnx)', () => {
  const files = dir ? readdirSync(dir).filter((f) => f.endsWith('.onnx')).sort() : [];
  const bytes = (f: string): Uint8Array => readFileSync(join(dir!, f));
  const tally = { models: 0, tensors: 0, branches: 0, differences: 0, skipped: [] as string[] };

  afterAll(() => {
    console.log(
      `ORT oracle: ${tally.models} model runs, ${tally.tensors} tensors compared (${tally.branches} If branches followed), ${tally.differences} differences; ` +
        `ORT could not run ${tally.skipped.length}: ${tally.skipped.join('; ') || 'none'}`,
    );
  });

  it.for(files)('%s: every tensor has ORT\'s shape and element type', async (f, ctx) => {
    const b = bytes(f);
    const reason = await ortCannotLoad(b);
    if (reason !== undefined) {
      // Skipped by trying: the reason is ORT's own message.
      console.log(`ORT cannot run ${f}: ${reason}`);
      tally.skipped.push(`${f} (${reason})`);
      ctx.skip(`ORT cannot load it: ${reason}`);
      return;
    }
    const r = await compareWithOrt(b, f, CORPUS_OPTIONS[f] ?? {}, 1, CORPUS_VALUES[f] ?? {});
    tally.differences += r.mismatches.length;
    expect(r.mismatches).toEqual([]);
    expect(r.compared).toBeGreaterThan(0);
    tally.models++;
    tally.tensors += r.compared;
    tally.branches += r.taken.length;
  });

  it.each(OTHER_SHAPES.map((c) => [c.file, JSON.stringify(c.options.inputShapes ?? c.options), c] as const))(
    '%s with %s: every tensor has ORT\'s shape and element type',
    async (f, _shapes, c) => {
      const r = await compareWithOrt(bytes(f), f, c.options, 2, c.values ?? {});
      tally.differences += r.mismatches.length;
      expect(r.mismatches).toEqual([]);
      tally.models++;
      tally.tensors += r.compared;
      tally.branches += r.taken.length;
    },
  );

  it('ran ORT on every corpus model but the ones it cannot load', () => {
    expect(tally.models - OTHER_SHAPES.length + tally.skipped.length).toBe(files.length);
    expect(tally.models - OTHER_SHAPES.length).toBeGreaterThanOrEqual(25);
    // The Silero models' If nodes were followed into their branches (both sample rates).
    expect(tally.branches).toBeGreaterThanOrEqual(30);
  });
});

describe('fixture models against ONNX Runtime (no ../shared needed)', () => {
  /**
   * Shape -> Gather -> Equal gives an If condition known at import time (its then_branch is planned);
   * inside it, an If on the graph input `flag` (known only at run time: both branches planned, ORT
   * takes one); a Dropout at the end, whose mask is BOOL in opset 13 and FLOAT in opset 9.
   */
  const nested = (opset: number): Uint8Array => {
    const inner = graphAttr('then_branch', graph({ name: 'inner_then', nodes: [node('Relu', ['tc'], ['a_y'])], outputs: [vi('a_y', null)] }));
    const innerElse = graphAttr('else_branch', graph({ name: 'inner_else', nodes: [node('Sigmoid', ['tc'], ['b_y'])], outputs: [vi('b_y', null)] }));
    const outerThen = graph({
      name: 'outer_then',
      nodes: [node('Conv', ['x', 'w'], ['tc'], [ints('pads', [1, 1, 1, 1])]), node('If', ['flag'], ['ty'], [inner, innerElse], 'inner_if')],
      outputs: [vi('ty', null)],
    });
    const outerElse = graph({
      name: 'outer_else',
      nodes: [node('Conv', ['x', 'w'], ['ec'], [ints('pads', [1, 1, 1, 1])]), node('Neg', ['ec'], ['ey'])],
      outputs: [vi('ey', null)],
    });
    return model(
      {
        inputs: [vi('x', [1, 3, 8, 8]), vi('flag', [], BOOL)],
        initializers: [tensor('w', [4, 3, 3, 3], new Array(108).fill(0.25)), tensor('two', [], [2], INT64), tensor('eight', [], [8], INT64)],
        nodes: [
          node('Shape', ['x'], ['s']),
          node('Gather', ['s', 'two'], ['d'], [int('axis', 0)]),
          node('Equal', ['d', 'eight'], ['e']),
          node('If', ['e'], ['y1'], [graphAttr('then_branch', outerThen), graphAttr('else_branch', outerElse)], 'outer_if'),
          node('Dropout', ['y1'], ['dy', 'dm']),
        ],
        outputs: [vi('dy', null), vi('dm', null, opset >= 10 ? BOOL : 1)],
      },
      opset,
    );
  };

  it.each([9, 13])('follows nested If branches and types the Dropout mask (opset %i)', async (opset) => {
    for (const [seed, flag] of [[1, 0], [2, 1]] as const) {
      const r = await compareWithOrt(nested(opset), `nested-${opset}.onnx`, {}, seed, { flag: [flag] });
      expect(r.mismatches).toEqual([]);
      expect(r.taken).toEqual(['outer_if: then_branch', `inner_if: ${flag ? 'then_branch' : 'else_branch'}`]);
      expect(r.runs).toBe(3);
      // s, d, e, tc, the inner branch's output, ty, y1 (two Identities), dy, dm
      expect(r.compared).toBe(9);
    }
  });

  it('agrees with ORT on random graphs (MatMul, Concat, Identity, Relu)', async () => {
    const models = fc.sample(randomOnnx(1, 12), { numRuns: 25, seed: 16 });
    let compared = 0;
    for (const [k, m] of models.entries()) {
      const r = await compareWithOrt(m, `random-${k}.onnx`, {}, k);
      expect(r.mismatches).toEqual([]);
      compared += r.compared;
    }
    expect(compared).toBeGreaterThan(100);
  });
});
