/**
 * Which model format a file is, without loading a model reader: the CLI asks it of every input and
 * loads the readers (protobufjs for ONNX, flatbuffers for TFLite) only for a model.
 */
import { TFLITE_IDENTIFIER } from './tflite/schema.js';

/** The model formats arenapack knows, by extension. */
export const MODEL_EXTENSIONS = ['.tflite', '.onnx'] as const;

/** Whether the file is a TFLite flatbuffer: its identifier ("TFL3") at bytes 4..7. */
function hasTfliteIdentifier(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && [...TFLITE_IDENTIFIER].every((c, i) => bytes[4 + i] === c.charCodeAt(0));
}

/** Which model format a file is: by extension first, then by the TFLite identifier; undefined = not a model. */
export function modelFormat(file: string, bytes?: Uint8Array): 'tflite' | 'onnx' | undefined {
  const lower = file.toLowerCase();
  if (lower.endsWith('.tflite')) return 'tflite';
  if (lower.endsWith('.onnx')) return 'onnx';
  if (bytes !== undefined && hasTfliteIdentifier(bytes)) return 'tflite';
  return undefined;
}
