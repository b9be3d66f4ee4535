import type { ImportedModel } from '../../import/model.js';
import { tflmAligned, tflmAllocation } from './allocation.js';
import type { TflmGraph } from './graph.js';

/**
 * Where each subgraph's plan goes in TFLM's one head, following TFLM's own lifetimes across
 * subgraphs (tensorflow/lite/micro/micro_allocation_info.cc): the offline plan is one array of every
 * subgraph's tensors, concatenated in subgraph order (subgraph_offsets), and the lifetimes are
 * allocation scopes of one walk that starts at subgraph 0 and, at each IF / WHILE / CALL_ONCE,
 * walks the subgraphs it runs before the operator's inputs are marked read
 * (MarkSubgraphLifetimesIfNecessary). So:
 *  - a subgraph run once in that walk (a WHILE's cond and body, an IF's branches, from one call
 *    site) lives only while its calling operator runs: its plan goes right above the caller's
 *    buffers live at the calling step (the caller's own base plus the top of those buffers), not
 *    above the caller's whole peak. Subgraphs run by one operator are walked one after the other and
 *    never live at the same scope: they share that base.
 *  - a subgraph the walk reaches more than once (called from two operators, or inside such a
 *    subgraph) keeps its first creation and its last use (UpdateFirstCreated / UpdateLastUsed): it
 *    lives from its first run to its last, across everything in between. Such subgraphs, and those
 *    no operator runs, are stacked above all the others (safe whatever lives meanwhile).
 * Without control-flow operators (or with calls in a cycle, which TFLM refuses), every subgraph is
 * stacked after the previous ones.
 */

/** A subgraph's plan as the layout reads it: offsets per buffer, its peak; after spilling, which buffers are on chip. */
export interface LayoutPlan {
  offsets: readonly number[];
  peak: number;
  spill?: { memory: readonly ('chip' | 'ddr')[] };
}

/** How often TFLM's lifetime walk runs each subgraph, and from where (caller, step) when it runs it once. */
interface Walk {
  /** runs[s]: how many times the walk marks subgraph s (0 = never run; counted exactly up to 2, at least 2 beyond). */
  runs: number[];
  /** The caller and the step of the calling operator in the caller's run order, for subgraphs run once. */
  site: ({ caller: number; step: number } | undefined)[];
  /** Subgraphs in the order the walk first reaches them (subgraph 0 first). */
  order: number[];
}

/** The subgraphs the operator at `step` of subgraph `s` runs (the model graph's `calls`). */
function callsAt(model: ImportedModel, s: number, step: number): readonly number[] {
  const sg = model.subgraphs[s]!;
  const op = sg.order !== undefined ? sg.order[step]! : step;
  return sg.operators[op]?.calls ?? [];
}

/** TFLM's walk over the subgraphs (see the module comment); undefined when the calls form a cycle. */
function walk(model: ImportedModel): Walk | undefined {
  const n = model.subgraphs.length;
  const out: Walk = { runs: new Array<number>(n).fill(0), site: new Array(n).fill(undefined), order: [] };
  const active = new Set<number>();
  const visit = (s: number): boolean => {
    if (active.has(s)) return false;
    if (out.runs[s]! === 0) out.order.push(s);
    out.runs[s]!++;
    // A third run teaches nothing: its callees already run twice (and a cycle showed on the first).
    if (out.runs[s]! > 2) return true;
    active.add(s);
    const steps = model.subgraphs[s]!.operatorCount;
    for (let k = 0; k < steps; k++) {
      for (const c of callsAt(model, s, k)) {
        if (out.runs[c]! === 0) out.site[c] = { caller: s, step: k };
        if (!visit(c)) return false;
      }
    }
    active.delete(s);
    return true;
  };
  return visit(0) ? out : undefined;
}

/** The end of the highest buffer of `plan` live at `step` (on chip, its size rounded up as TFLM rounds), bytes. */
function topAt(model: ImportedModel, s: number, plan: LayoutPlan, step: number): number {
  let top = 0;
  model.subgraphs[s]!.problem.buffers.forEach((b, i) => {
    if (b.start <= step && step < b.end && (plan.spill?.memory[i] ?? 'chip') === 'chip') top = Math.max(top, plan.offsets[i]! + tflmAligned(b.size));
  });
  return top;
}

/**
 * The base (bytes from the start of the head) of each subgraph's plan in the model's one arena, as
 * the module comment says; undefined when the model has no control-flow calls (or they form a cycle):
 * then the subgraphs are stacked (tensor-offsets.ts subgraphBases). Every base is a multiple of 16.
 */
export function calledSubgraphBases(model: ImportedModel, plans: readonly LayoutPlan[]): number[] | undefined {
  const w = walk(model);
  if (w === undefined || w.order.length <= 1) return undefined;
  const n = model.subgraphs.length;
  const bases = new Array<number>(n).fill(-1);
  bases[0] = 0;
  // Subgraphs run once, callers before callees (the walk's order): right above what the caller has live.
  for (const c of w.order) {
    const at = w.site[c];
    if (c === 0 || w.runs[c] !== 1 || at === undefined || bases[at.caller]! < 0) continue;
    bases[c] = tflmAligned(bases[at.caller]! + topAt(model, at.caller, plans[at.caller]!, at.step));
  }
  // The others (run several times, or never): each above everything placed so far.
  const rest = [...w.order, ...model.subgraphs.map((_, s) => s).filter((s) => w.runs[s] === 0)].filter((s) => bases[s]! < 0);
  for (const s of rest) {
    bases[s] = tflmAligned(bases.reduce((top, b, t) => (b >= 0 ? Math.max(top, b + plans[t]!.peak) : top), 0));
  }
  return bases;
}

/**
 * Checks an offline plan against TFLM's lifetimes across subgraphs: no two tensors of different
 * subgraphs that TFLM sees live at one allocation scope may share bytes (sizes rounded up to 16).
 * `offsets[s][t]`: the offline plan (-1 = placed by the runtime). Returns the conflicts found
 * (empty when the layout is safe), each naming both tensors.
 */
export function crossSubgraphConflicts(graph: TflmGraph, offsets: readonly (readonly number[])[]): string[] {
  const alloc = tflmAllocation(graph, [], (s, t) => {
    const o = offsets[s]?.[t] ?? -1;
    return o >= 0 ? o : undefined;
  });
  const placed = alloc.buffers.flatMap((b, i) => {
    const src = alloc.sources[i]!;
    return b.offline !== undefined && src.kind === 'tensor' ? [{ ...b, offline: b.offline, s: src.subgraph, t: src.tensor }] : [];
  });
  placed.sort((a, b) => a.first - b.first);
  const out: string[] = [];
  for (let i = 0; i < placed.length; i++) {
    const a = placed[i]!;
    for (let j = i + 1; j < placed.length && placed[j]!.first <= a.last; j++) {
      const b = placed[j]!;
      if (a.s === b.s) continue;
      if (a.offline < b.offline + b.size && b.offline < a.offline + a.size) {
        out.push(`subgraph ${a.s} tensor ${a.t} [${a.offline}, ${a.offline + a.size}) and subgraph ${b.s} tensor ${b.t} [${b.offline}, ${b.offline + b.size}) are live at scope ${b.first}`);
      }
    }
  }
  return out;
}
