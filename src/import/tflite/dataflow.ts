/** What a TFLite subgraph's operators may write: checked before anything is planned. */
import { InputError } from '../../problem/errors.js';
import { bufferHasData, type TfliteBuffer, type TfliteSubgraph } from './types.js';

/**
 * Each operator's outputs are fresh values: an operator that reads its own output, writes a graph
 * input or writes a constant (a tensor whose buffer holds data) has no live range a plan could honour
 * (the interpreter would overwrite an input or weights). Throws an InputError naming the file, subgraph,
 * operator and tensor. (A tensor two operators write is tensorKinds' check, lifetimes.ts.)
 */
export function checkOperatorOutputs(sg: TfliteSubgraph, s: number, buffers: readonly TfliteBuffer[], file: string): void {
  const inputs = new Set(sg.inputs);
  const name = (t: number): string => `tensor ${t}${sg.tensors[t]?.name ? ` "${sg.tensors[t]!.name}"` : ''}`;
  sg.operators.forEach((op, i) => {
    const fail = (why: string, t: number): never => {
      const tensor = name(t);
      throw new InputError(`${file}: subgraph ${s}, operator ${i}: ${why.replace('$T', tensor)}`, { file, buffer: tensor });
    };
    for (const t of op.outputs) {
      if (op.inputs.includes(t)) fail('reads its own output $T', t);
      if (inputs.has(t)) fail('writes $T, a graph input', t);
      if (bufferHasData(buffers[sg.tensors[t]!.buffer])) fail('writes $T, a constant (its buffer holds data)', t);
    }
  });
}
