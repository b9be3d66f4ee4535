import { describe, expect, it } from 'vitest';
import { importModelFile, modelFormat } from '../../src/import/model-file.js';
import { InputError } from '../../src/problem/errors.js';
import { buildTflite, FIXTURES } from '../helpers/tflite-builder.js';

describe('importModelFile', () => {
  const bytes = buildTflite(FIXTURES.chain());

  it('chooses the importer by extension, else by the TFL3 identifier', () => {
    expect(modelFormat('a.TFLITE')).toBe('tflite');
    expect(modelFormat('a.onnx')).toBe('onnx');
    expect(modelFormat('a.bin', bytes)).toBe('tflite');
    expect(modelFormat('a.csv', new TextEncoder().encode('id,lower,upper,size\n'))).toBeUndefined();
    expect(importModelFile(bytes, 'model.bin').subgraphs[0]!.problem.buffers).toHaveLength(4);
  });

  it('passes the options on', () => {
    expect(importModelFile(bytes, 'm.tflite', { align: 1 }).subgraphs[0]!.problem.buffers[0]!.align).toBeUndefined();
    expect(importModelFile(bytes, 'm.tflite').subgraphs[0]!.problem.buffers[0]!.align).toBe(16);
  });

  it('.onnx goes to the ONNX importer; anything else: not a model', () => {
    expect(() => importModelFile(new Uint8Array(8), 'm.onnx')).toThrow(/m\.onnx: not a valid ONNX model/);
    expect(() => importModelFile(new Uint8Array(8), 'm.dat')).toThrow(InputError);
    expect(() => importModelFile(new Uint8Array(8), 'm.dat')).toThrow(/m\.dat: not a model file/);
  });
});
