import { describe, expect, it } from 'vitest';
import { tensorSteps } from '../../../src/graph/live-ranges.js';
import { viewOwners } from '../../../src/graph/views.js';
import { tensorKinds } from '../../../src/import/tflite/lifetimes.js';
import { graphOperators } from '../../../src/import/tflite/operators.js';
import { readTflite } from '../../../src/import/tflite/reader.js';
import { buildTflite, FIXTURES, OP, type ModelSpec } from '../../helpers/tflite-builder.js';

function owners(spec: ModelSpec, bytes?: (number | undefined)[]): number[] {
  const m = readTflite(buildTflite(spec), 'a.tflite');
  const sg = m.subgraphs[0]!;
  const n = sg.tensors.length;
  const kinds = tensorKinds(m, 0);
  const size = bytes ?? new Array<number>(n).fill(32);
  const steps = tensorSteps(sg.operators, n);
  return viewOwners(graphOperators(m, 0), n, new Set(sg.outputs), (t) => kinds[t]!, (t) => size[t], (t) => steps[t]!.lastRead);
}

describe('viewOwners on TFLite RESHAPE / SQUEEZE / EXPAND_DIMS', () => {
  it('SQUEEZE of a dying input shares it; RESHAPE of an input read later does not', () => {
    expect(owners(FIXTURES.reshape())).toEqual([0, 1, 2, 3, 3, 5]);
  });

  it('chains end in the first buffer; EXPAND_DIMS counts too', () => {
    const spec = FIXTURES.reshape();
    const sg = spec.subgraphs[0]!;
    sg.operators[3] = { op: OP.EXPAND_DIMS, inputs: [4], outputs: [5] };
    sg.operators.push({ op: OP.ADD, inputs: [5, 1], outputs: [6] });
    sg.tensors.push({ name: 'out', shape: [1, 32] });
    sg.outputs = [6];
    expect(owners(spec)).toEqual([0, 1, 2, 3, 3, 3, 6]);
  });

  it('no sharing when sizes differ, when the input is a graph output, or for a custom op', () => {
    expect(owners(FIXTURES.reshape(), [32, 32, 8, 32, 16, 32])).toEqual([0, 1, 2, 3, 4, 5]);
    const out = FIXTURES.reshape();
    out.subgraphs[0]!.outputs = [5, 3];
    expect(owners(out)).toEqual([0, 1, 2, 3, 4, 5]);
    const custom = FIXTURES.reshape();
    custom.subgraphs[0]!.operators[2]!.op = 'SQUEEZE';
    expect(owners(custom)).toEqual([0, 1, 2, 3, 4, 5]);
  });
});
