import fc from 'fast-check';
import { OP, T, type ModelSpec, type OpSpec, type TensorSpec } from './tflite-builder.js';

/** One operator of a random graph: which earlier tensors it reads (indices into the available ones) and what it is. */
interface RandomOp {
  reads: number[];
  size: number;
  kind: 'plain' | 'reshape' | 'custom' | 'variable';
}

/** A random single-subgraph model of `minOps`..`maxOps` operators: a DAG of INT8 tensors with branches. */
export function randomGraph(minOps: number, maxOps: number): fc.Arbitrary<ModelSpec> {
  const op = fc.record({
    reads: fc.array(fc.nat(), { minLength: 1, maxLength: 3 }),
    size: fc.integer({ min: 1, max: 64 }),
    kind: fc.constantFrom<RandomOp['kind']>('plain', 'plain', 'plain', 'reshape', 'custom', 'variable'),
  });
  return fc
    .record({ inputSize: fc.integer({ min: 1, max: 64 }), ops: fc.array(op, { minLength: minOps, maxLength: maxOps }), extraOutput: fc.nat() })
    .map(({ inputSize, ops, extraOutput }) => specOf(inputSize, ops, extraOutput));
}

function specOf(inputSize: number, ops: RandomOp[], extraOutput: number): ModelSpec {
  const tensors: TensorSpec[] = [{ name: 'in', shape: [inputSize] }];
  const state = 1;
  tensors.push({ name: 'state', shape: [4], variable: true, type: T.INT8 });
  const operators: OpSpec[] = [];
  const available = [0];
  const read = new Set<number>();
  ops.forEach((o, i) => {
    // Recent tensors are likelier to be read, so the graphs look like networks: chains with branches.
    const reads = [...new Set(o.reads.map((r) => available[available.length - 1 - (r % Math.min(available.length, 4))]!))];
    const x = reads[0]!;
    const out = tensors.length;
    const size = o.kind === 'reshape' ? tensors[x]!.shape.reduce((a, d) => a * d, 1) : o.size;
    tensors.push({ name: `t${i}`, shape: o.kind === 'reshape' ? [1, size] : [size] });
    if (o.kind === 'reshape') operators.push({ op: OP.RESHAPE, inputs: [x], outputs: [out] });
    else if (o.kind === 'custom') operators.push({ op: 'SideEffect', inputs: reads, outputs: [out] });
    else if (o.kind === 'variable') operators.push({ op: OP.SVDF, inputs: [...reads, state], outputs: [out] });
    else operators.push({ op: OP.ADD, inputs: reads, outputs: [out] });
    reads.forEach((r) => read.add(r));
    available.push(out);
  });
  const sinks = available.filter((t) => !read.has(t) && t !== 0);
  const outputs = [...new Set([...sinks, available[1 + (extraOutput % (available.length - 1))]!])];
  return { subgraphs: [{ name: 'random', tensors, inputs: [0], outputs, operators }] };
}
