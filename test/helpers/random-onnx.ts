import fc from 'fast-check';
import { int, model, node, vi, weights } from './onnx-builder.js';

/** One node of a random ONNX graph: what it reads (recent tensors) and how it changes the size. */
interface RandomNode {
  reads: number[];
  kind: 'matmul' | 'concat' | 'identity' | 'relu';
  width: number;
}

/**
 * A random ONNX model of `min`..`max` nodes over FLOAT tensors of shape [1, k]: MatMul (a new width,
 * weights as initializers), Concat (of 2-3 tensors), Identity (a view that may share its input's
 * buffer) and Relu. Every tensor nothing reads is a graph output.
 */
export function randomOnnx(min: number, max: number): fc.Arbitrary<Uint8Array> {
  const n = fc.record({
    reads: fc.array(fc.nat(), { minLength: 1, maxLength: 3 }),
    kind: fc.constantFrom<RandomNode['kind']>('matmul', 'matmul', 'concat', 'identity', 'relu'),
    width: fc.integer({ min: 1, max: 16 }),
  });
  return fc.record({ input: fc.integer({ min: 1, max: 16 }), nodes: fc.array(n, { minLength: min, maxLength: max }) }).map(({ input, nodes }) => build(input, nodes));
}

function build(input: number, nodes: RandomNode[]): Uint8Array {
  const width = new Map<string, number>([['x', input]]);
  const available = ['x'];
  const read = new Set<string>();
  const initializers: ReturnType<typeof weights>[] = [];
  const out: ReturnType<typeof node>[] = [];
  for (const [i, nd] of nodes.entries()) {
    const reads = [...new Set(nd.reads.map((r) => available[available.length - 1 - (r % Math.min(available.length, 4))]!))];
    const y = `t${i}`;
    const x = reads[0]!;
    if (nd.kind === 'matmul') {
      initializers.push(weights(`w${i}`, [width.get(x)!, nd.width]));
      out.push(node('MatMul', [x, `w${i}`], [y]));
      width.set(y, nd.width);
      read.add(x);
    } else if (nd.kind === 'concat' && reads.length > 1) {
      out.push(node('Concat', reads, [y], [int('axis', 1)]));
      width.set(y, reads.reduce((a, r) => a + width.get(r)!, 0));
      reads.forEach((r) => read.add(r));
    } else {
      out.push(node(nd.kind === 'identity' ? 'Identity' : 'Relu', [x], [y]));
      width.set(y, width.get(x)!);
      read.add(x);
    }
    available.push(y);
  }
  const outputs = available.filter((t) => t !== 'x' && !read.has(t)).map((t) => vi(t, [1, width.get(t)!]));
  return model({ nodes: out, inputs: [vi('x', [1, input])], outputs, initializers });
}
