/**
 * ONNX Runtime as the oracle of the ONNX importer's shapes and element types (issue #16): every node
 * output of every corpus model, and of fixture models built here, must have in ORT the element type and
 * the dims arenapack inferred, since a plan is only as good as its sizes and the verifier cannot see a
 * wrong size. See test/helpers/ort-oracle.ts for how tensors inside If branches are reached.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { OnnxImportOptions } from '../../src/import/onnx/index.js';
import { CORPUS_OPTIONS, CORPUS_VALUES } from '../helpers/onnx-corpus.js';
import { BOOL, FLOAT, INT64, float, int, ints, model, node, tensor, vi, weights } from '../helpers/onnx-builder.js';
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
  const tally = { models: 0, tensors: 0, branches: 0, skipped: [] as string[] };

  afterAll(() => {
    console.log(
      `ORT oracle: ${tally.models} model runs, ${tally.tensors} tensors compared (${tally.branches} If branches followed), 0 differences; ` +
        `ORT could not run ${tally.skipped.length}: ${tally.skipped.join('; ') || 'none'}`,
    );
  });

  it.each(files)('%s: every tensor has ORT\'s shape and element type', async (f) => {
    const b = bytes(f);
    const reason = await ortCannotLoad(b);
    if (reason !== undefined) {
      // Skipped by trying: the reason is ORT's own message.
      console.log(`ORT cannot run ${f}: ${reason}`);
      tally.skipped.push(`${f} (${reason})`);
      return;
    }
    const r = await compareWithOrt(b, f, CORPUS_OPTIONS[f] ?? {}, 1, CORPUS_VALUES[f] ?? {});
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
