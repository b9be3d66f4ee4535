import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ImportedModel, ModelImportOptions } from '../../../src/import/model.js';
import { importTflite } from '../../../src/import/tflite/index.js';
import { liveBound } from '../../../src/problem/bounds.js';
import { InputError } from '../../../src/problem/errors.js';
import { verifyPlan } from '../../../src/problem/verify.js';
import { solve } from '../../../src/solve/solve.js';
import { sharedDir } from '../../helpers/shared.js';

const dir = sharedDir('models/tflite');

/**
 * Models with a dynamic batch (shape_signature [-1, ...]): planned with no flag at their stored shape
 * (batch 1, as TFLM allocates them), with a note saying so.
 */
const DYNAMIC_BATCH = new Set([
  'kazuhito_keypoint_classifier.tflite',
  'kazuhito_point_history_classifier.tflite',
  'mediapipe_custom_gesture_classifier.tflite',
  'mlperftiny_ad01_fp32.tflite',
  'mlperftiny_ad01_int8.tflite',
  'mlperftiny_ic_resnet8_fp32.tflite',
  'mlperftiny_ic_resnet8_int8.tflite',
  'mlperftiny_ic_resnet_3blk_480k_fp32.tflite',
  'mlperftiny_ic_resnet_3blk_480k_int8.tflite',
  'mlperftiny_ic_resnet_6blk_750k_fp32.tflite',
  'mlperftiny_kws_dscnn_int8.tflite',
  'mlperftiny_streaming_ww_int8.tflite',
  'mlperftiny_vww_96_14blk_836k_int8.tflite',
  'mlperftiny_vww_96_fp32.tflite',
  'mlperftiny_vww_96_int8.tflite',
  'tfexamples_mobilenet_v2_035_96_embedder.tflite',
  'tfexamples_planestrike_tf.tflite',
  'tfexamples_planestrike_tf_agents.tflite',
  'tfmicro_hello_world_float.tflite',
  'tfmicro_hello_world_int8.tflite',
  'tfmicro_rf_detector_pr1341.tflite',
  'ultraface_rfb_320.tflite',
]);

/** Models whose stored shapes contradict their producers (placeholders): planned at the shapes full TFLite computes. */
const PLACEHOLDERS = new Set(['ultraface_rfb_320.tflite', 'tfexamples_planestrike_tf_agents.tflite']);

/** Models that cannot be planned statically, and the error they give. */
const NOT_PLANNABLE: Record<string, RegExp> = {
  // A string tokenizer graph (Flex ops): string tensors have no size before run time.
  'tflsupport_wiki40b_lm_en.tflite': /tensor 0 "serving_default_input_25:0" is a STRING tensor, whose size is known only at run time/,
};

/**
 * Where our live bound differs from REPORT.md's max_live_LB_B, and why (everything else must match).
 * tfmicro_mnist_lstm_int8: its LSTM has five intermediates of shape [0] (zero elements, 0 bytes here);
 * REPORT counts each as one element (4 FLOAT32 x 4 B + 1 INT8 x 1 B = 17 B) at the LSTM step.
 */
const REPORT_DIFFERS: Record<string, number> = { 'tfmicro_mnist_lstm_int8.tflite': 1421 - 17 };

/** Models carrying their own offline plan (Vela's): REPORT's bound is of every tensor planned anew. */
const OWN_PLAN = new Set(['tfmicro_person_detect_vela.tflite']);

/** REPORT.md's TFLite table: file -> max_live_LB_B (columns found by their header). */
function reportBounds(text: string): Map<string, number> {
  const out = new Map<string, number>();
  let col = -1;
  for (const line of text.split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    if (cells.includes('max_live_LB_B')) col = cells.indexOf('max_live_LB_B');
    else if (col >= 0 && cells[1]?.endsWith('.tflite')) out.set(cells[1], Number(cells[col]));
  }
  return out;
}

function importCorpus(f: string, bytes: Uint8Array, opts: ModelImportOptions): ImportedModel {
  const model = importTflite(bytes, f, opts);
  const notes = model.subgraphs[0]!.notes.join('\n');
  if (DYNAMIC_BATCH.has(f)) expect(notes).toMatch(/tensors have a dynamic shape signature \(-1\): planned at their stored shape/);
  expect(/stored shape that contradicts their producer/.test(notes)).toBe(PLACEHOLDERS.has(f));
  return model;
}

describe.skipIf(dir === undefined)('every TFLite model of ../shared/models', () => {
  const files = dir ? readdirSync(dir).filter((f) => f.endsWith('.tflite')).sort() : [];
  const report = dir ? reportBounds(readFileSync(join(dir, '..', 'REPORT.md'), 'utf8')) : new Map<string, number>();

  it('the corpus and REPORT.md are there', () => {
    expect(files.length).toBeGreaterThanOrEqual(60);
    expect(files.every((f) => report.has(f))).toBe(true);
  });

  it.each(files)('%s imports (or fails as expected); plans verify; live bound matches REPORT.md', (f) => {
    const bytes = new Uint8Array(readFileSync(join(dir!, f)));
    const expected = NOT_PLANNABLE[f];
    if (expected) {
      let err: unknown;
      try {
        importCorpus(f, bytes, {});
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(InputError);
      expect((err as Error).message).toMatch(expected);
      return;
    }
    const model = importCorpus(f, bytes, {});
    for (const sg of model.subgraphs) {
      // One fast method keeps the suite quick; the portfolio's plans are verified by solve() itself.
      const r = solve(sg.problem, { method: 'greedy-size' });
      expect(verifyPlan(sg.problem, r.offsets, r.peak).valid).toBe(true);
      expect(r.peak).toBeGreaterThanOrEqual(liveBound(sg.problem));
    }
    // REPORT.md's conventions: raw bytes (align 1), no weights, tensors prepared once from constants
    // left out, and every tensor its own buffer (no RESHAPE sharing).
    // REPORT counts variables as whole-run activations; arenapack leaves them out of the arena (TFLM
    // holds them in its persistent tail), so REPORT's bound = ours + the variables' raw bytes.
    const raw = importCorpus(f, bytes, { align: 1, keepPrepared: false, shareReshapes: false, replaceOfflinePlan: OWN_PLAN.has(f) });
    const sg0 = raw.subgraphs[0]!;
    const variables = (sg0.tensors ?? []).filter((t) => t.kind === 'variable').reduce((a, t) => a + t.bytes!, 0);
    expect(liveBound(sg0.problem) + variables).toBe(REPORT_DIFFERS[f] ?? report.get(f));
  });
});
