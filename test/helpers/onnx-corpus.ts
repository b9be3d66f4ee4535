/** What the tests know about the ONNX corpus in ../shared/models/onnx: the input shapes and values a user gives. */
import type { OnnxImportOptions } from '../../src/import/onnx/index.js';

/** Models whose inputs have symbolic dimensions: the shapes a user gives (`--input-shape`, `--batch`). */
export const CORPUS_OPTIONS: Readonly<Record<string, OnnxImportOptions>> = {
  // input [batch_size, 1, 224, 224]
  'onnxjs_super_resolution_10.onnx': { batch: 1 },
  // bgrm [batch_size, 4, height, width]
  'onnxjs_teams_msra_190729.onnx': { inputShapes: { bgrm: [1, 4, 256, 256] } },
  // input [batch, sequence], h and c [2, batch, 64]: a 512-sample frame at 16 kHz
  'npm_silero_vad_legacy.onnx': { inputShapes: { input: [1, 512], h: [2, 1, 64], c: [2, 1, 64] } },
  // input [?, ?], state [2, ?, 128]: 64 samples of context + a 512-sample frame at 16 kHz
  'npm_silero_vad_v5.onnx': { inputShapes: { input: [1, 576], state: [2, 1, 128] } },
  // image [num_bytes]: the bytes of an encoded image file
  'ortexamples_superres_prepost_op18.onnx': { inputShapes: { image: [100_000] } },
};

/**
 * Input values that select what the model does, for running it (the ONNX Runtime oracle): Silero VAD's
 * `sr` is the sample rate its If nodes branch on, 16 kHz for the frames above.
 */
export const CORPUS_VALUES: Readonly<Record<string, Record<string, number[]>>> = {
  'npm_silero_vad_legacy.onnx': { sr: [16000] },
  'npm_silero_vad_v5.onnx': { sr: [16000] },
};

/** Models that cannot be planned, and why: the error each must give. */
export const CORPUS_ERRORS: Readonly<Record<string, RegExp>> = {
  // The image is decoded by a custom op (onnxruntime-extensions): its size depends on the file's bytes.
  'ortexamples_superres_prepost_op18.onnx':
    /node "pre_process_0" \(DecodeImage of com.microsoft.extensions, #0\): cannot infer the output shape: op_type DecodeImage of domain com.microsoft.extensions has no shape rule/,
};
