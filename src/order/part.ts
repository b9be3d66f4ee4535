/**
 * A part of the schedule: a set of operators that run one after another once every operator in
 * `before` has run, seen locally (operators and tensors renumbered from 0) so that the search over
 * its orders never looks at the rest of the graph. See graph.ts for when a tensor is live.
 */
import type { Bytes } from '../problem/types.js';
import type { OpGraph } from './graph.js';

/** A tensor the part creates or frees: local operator indices. */
export interface PartTensor {
  size: Bytes;
  /** Local creators, when the tensor does not exist yet as the part begins (else empty). */
  creators: number[];
  /** Local users, when the tensor dies within the part (else empty). */
  users: number[];
}

export interface Part {
  /** The graph's operators in the part; local operator i is ops[i]. */
  ops: number[];
  /** Local predecessors of each local operator (those outside the part have run or run after it). */
  preds: number[][];
  /** Bytes live between steps as the part begins (whole-run bytes and tensors crossing it included). */
  start: Bytes;
  /** Bytes live only at the part's first step (graph inputs nothing reads, when the part starts the run). */
  first: Bytes;
  tensors: PartTensor[];
  /** creates[v]: local tensors v brings to life unless another local creator ran before it. */
  creates: number[][];
  /** frees[v]: local tensors that die once v and their other local users have run. */
  frees: number[][];
  /** share[v]: a local tensor whose memory v's output takes when v is its last reader (-1 = none). */
  share: number[];
  /** shareReaders[v]: the other local readers of share[v], all of which must have run. */
  shareReaders: number[][];
}

/**
 * The part made of `ops` (in a valid stored order), run after every operator with `before[op]`
 * set; `atStart` when it begins the run (step 0).
 */
export function buildPart(g: OpGraph, ops: readonly number[], before: Uint8Array, atStart: boolean): Part {
  const localOf = new Map<number, number>();
  ops.forEach((op, i) => localOf.set(op, i));
  const inPart = (op: number): boolean => localOf.has(op);
  const preds = ops.map((op) => g.preds[op]!.filter(inPart).map((p) => localOf.get(p)!));
  const creates: number[][] = ops.map(() => []);
  const frees: number[][] = ops.map(() => []);
  const share = ops.map(() => -1);
  const shareReaders: number[][] = ops.map(() => []);
  const tensors: PartTensor[] = [];
  const localTensor = new Map<number, number>();
  let start = g.base;
  g.tensors.forEach((t, k) => {
    const created = t.fromStart || t.creators.some((c) => before[c] === 1);
    const touched = t.users.some(inPart);
    const alive = t.toEnd || t.users.some((u) => before[u] !== 1 && !inPart(u));
    const needed = t.toEnd || t.users.some((u) => before[u] !== 1);
    if (created && needed) start += t.size;
    if (!touched || (created && alive)) return;
    const pt: PartTensor = {
      size: t.size,
      creators: created ? [] : t.creators.filter(inPart).map((c) => localOf.get(c)!),
      users: alive ? [] : t.users.filter(inPart).map((u) => localOf.get(u)!),
    };
    const id = tensors.push(pt) - 1;
    localTensor.set(k, id);
    for (const c of pt.creators) creates[c]!.push(id);
    for (const u of pt.users) frees[u]!.push(id);
  });
  for (const rule of g.shares) {
    const v = localOf.get(rule.op);
    const from = localTensor.get(rule.from);
    if (v === undefined || from === undefined) continue;
    const readers = g.tensors[rule.from]!.readers;
    // Only when every reader of the input outside the part has run before it.
    if (readers.some((r) => !inPart(r) && before[r] !== 1)) continue;
    share[v] = from;
    shareReaders[v] = readers.filter((r) => r !== rule.op && inPart(r)).map((r) => localOf.get(r)!);
  }
  return { ops: [...ops], preds, start, first: atStart ? g.firstStep : 0, tensors, creates, frees, share, shareReaders };
}
