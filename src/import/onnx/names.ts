/** ONNX's single-assignment rule for the names of a graph's values, checked before anything is planned. */
import { InputError } from '../../problem/errors.js';
import { nodeLabel } from './graph.js';
import type { OnnxGraph } from './types.js';

/**
 * Every value of a graph has one definition (ONNX IR spec, "Names Within a Graph": names of inputs,
 * initializers and node outputs are unique, a graph is in single static assignment form). Throws an
 * InputError naming the graph (`where`), the value and both definitions for: two graph inputs of one
 * name, two initializers of one name, and a node output that is also a graph input or an initializer.
 * An initializer that is also listed as a graph input is allowed (IR version < 4 requires it: a default
 * the caller may override). Two nodes writing one name are executionOrder's check.
 */
export function checkValueNames(graph: OnnxGraph, where = ''): void {
  const at = where; // a prefix such as `node "if" (If, #3) then_branch: `, or ''
  const inputs = new Map<string, number>();
  graph.inputs.forEach((v, i) => {
    const prev = inputs.get(v.name);
    if (prev !== undefined) throw new InputError(`${at}graph input "${v.name}" is listed twice (inputs #${prev} and #${i})`, { buffer: v.name });
    inputs.set(v.name, i);
  });
  const initializers = new Map<string, number>();
  graph.initializers.forEach((t, i) => {
    const prev = initializers.get(t.name);
    if (prev !== undefined) throw new InputError(`${at}initializer "${t.name}" is defined twice (initializers #${prev} and #${i})`, { buffer: t.name });
    initializers.set(t.name, i);
  });
  graph.nodes.forEach((n, i) => {
    for (const o of n.outputs) {
      if (!o) continue;
      if (initializers.has(o)) {
        throw new InputError(`${nodeLabel(n, i, where)}: writes "${o}", which is initializer #${initializers.get(o)} (a constant)`, { buffer: o });
      }
      if (inputs.has(o)) throw new InputError(`${nodeLabel(n, i, where)}: writes "${o}", which is graph input #${inputs.get(o)}`, { buffer: o });
    }
  });
}
