import type { TfliteModel } from '../../src/import/tflite/types.js';

/**
 * Independent of src/order: what an operator order of subgraph `s` must keep, read off the model.
 * Every tensor an operator reads that another operator writes is written at an earlier step; custom
 * operators and operators touching a variable tensor run in their stored relative order. Returns the
 * faults found (empty when the order is valid).
 */
export function orderFaults(model: TfliteModel, s: number, order: readonly number[]): string[] {
  const sg = model.subgraphs[s]!;
  const n = sg.operators.length;
  const faults: string[] = [];
  if (order.length !== n || new Set(order).size !== n || order.some((op) => !(op >= 0 && op < n))) {
    return [`not a permutation of ${n} operators: ${order.join(',')}`];
  }
  const stepOf = new Array<number>(n);
  order.forEach((op, k) => (stepOf[op] = k));
  const writer = new Map<number, number>();
  sg.operators.forEach((op, i) => op.outputs.forEach((t) => !sg.tensors[t]!.isVariable && writer.set(t, i)));
  sg.operators.forEach((op, i) => {
    for (const t of op.inputs) {
      const w = t >= 0 ? writer.get(t) : undefined;
      if (w !== undefined && w !== i && !sg.inputs.includes(t) && stepOf[w]! > stepOf[i]!) faults.push(`operator ${i} reads tensor ${t} before operator ${w} writes it`);
    }
  });
  const pinned = sg.operators
    .map((op, i) => ({ op, i }))
    .filter(({ op }) => model.operatorCodes[op.opcodeIndex]!.custom !== undefined || [...op.inputs, ...op.outputs].some((t) => t >= 0 && sg.tensors[t]!.isVariable))
    .map(({ i }) => i);
  for (let k = 1; k < pinned.length; k++) {
    if (stepOf[pinned[k - 1]!]! > stepOf[pinned[k]!]!) faults.push(`pinned operators ${pinned[k - 1]} and ${pinned[k]} swapped`);
  }
  return faults;
}

/** Every order of subgraph `s` that orderFaults accepts, by brute force (small graphs only); throws past `limit`. */
export function allValidOrders(model: TfliteModel, s: number, limit = 50_000): number[][] {
  const n = model.subgraphs[s]!.operators.length;
  // Prune a prefix as soon as it has a fault: append v, check, undo.
  const out: number[][] = [];
  const prefix: number[] = [];
  const used = new Array<boolean>(n).fill(false);
  const ok = (): boolean => {
    const rest = Array.from({ length: n }, (_, v) => v).filter((v) => !used[v]);
    return orderFaults(model, s, [...prefix, ...rest]).every((f) => !prefixFault(f, prefix));
  };
  const visit = (): void => {
    if (out.length >= limit) throw new Error(`allValidOrders: over ${limit} orders, too many to list (a smaller graph, please)`);
    if (prefix.length === n) {
      if (orderFaults(model, s, prefix).length === 0) out.push([...prefix]);
      return;
    }
    for (let v = 0; v < n; v++) {
      if (used[v]) continue;
      used[v] = true;
      prefix.push(v);
      if (ok()) visit();
      prefix.pop();
      used[v] = false;
    }
  };
  visit();
  return out;
}

/** Whether a fault of orderFaults involves an operator placed in the prefix as the one that ran too early. */
function prefixFault(fault: string, prefix: readonly number[]): boolean {
  const m = /^operator (\d+) reads|^pinned operators \d+ and (\d+)/.exec(fault);
  if (!m) return true;
  return prefix.includes(Number(m[1] ?? m[2]));
}
