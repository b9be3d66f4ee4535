// The dynamic program over downsets: TypeScript (src/order/dp.ts, the reference) against WebAssembly
// (src/order/dp-wasm.ts), on the corpus blocks and on random DAGs of growing size; results compared.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { OnnxImportOptions } from '../src/import/onnx/index.js';
import { dpOrder, type DpOptions, type DpResult } from '../src/order/dp.js';
import { dpOrderWasm } from '../src/order/dp-wasm.js';
import { subgraphOpGraph } from '../src/order/from-graph.js';
import type { OpGraph, OrderTensor, ShareRule } from '../src/order/graph.js';
import { wholePart } from '../src/order/memory.js';
import type { ReorderedModel } from '../src/order/model.js';
import type { Part } from '../src/order/part.js';
import { blockParts, DEFAULT_MAX_EVALS, DEFAULT_MAX_STATES, heuristicOrder } from '../src/order/reorder.js';
import { hoistable } from '../src/order/hoist.js';
import { printTable } from './table.js';

type Dp = (part: Part, options: DpOptions) => DpResult;
interface Job {
  part: Part;
  options: DpOptions;
}

/** Best of `runs` wall times of running every job (after one warm-up run), ms, and the last results. */
function timeJobs(dp: Dp, jobs: readonly Job[], runs: number): { ms: number; results: DpResult[] } {
  let results = jobs.map((j) => dp(j.part, j.options));
  let best = Infinity;
  for (let r = 0; r < runs; r++) {
    const t = performance.now();
    results = jobs.map((j) => dp(j.part, j.options));
    best = Math.min(best, performance.now() - t);
  }
  return { ms: best, results };
}

const rate = (states: number, ms: number): string => (ms > 0 ? `${((states / ms) * 1000 / 1e6).toFixed(2)} M` : '-');

/** One row: TS and WASM over the same jobs; `same` when every result is identical. */
function compare(label: string, jobs: readonly Job[], runs: number, extra: string[]): { row: string[]; ts: number; wasm: number; states: number; same: boolean } {
  const ts = timeJobs(dpOrder, jobs, runs);
  const wasm = timeJobs(dpOrderWasm, jobs, runs);
  const same = ts.results.every((r, i) => JSON.stringify(r) === JSON.stringify(wasm.results[i]));
  const states = ts.results.reduce((a, r) => a + r.states, 0);
  const row = [label, ...extra, String(states), ts.ms.toFixed(1), wasm.ms.toFixed(1), rate(states, ts.ms), rate(states, wasm.ms), (ts.ms / Math.max(wasm.ms, 1e-6)).toFixed(2) + 'x', same ? 'yes' : 'NO'];
  return { row, ts: ts.ms, wasm: wasm.ms, states, same };
}

/** The DP jobs reorder.ts gives a graph with no floor shortcut: each block of 2+ operators, under its heuristic peak. */
function blockJobs(g: OpGraph, maxStates: number): Job[] {
  const jobs: Job[] = [];
  for (const { part } of blockParts(g, hoistable(g))) {
    if (part !== undefined) jobs.push({ part, options: { maxStates, upper: heuristicOrder(part, DEFAULT_MAX_EVALS).peak } });
  }
  return jobs;
}

/** Subgraph 0 of a model as an operator graph (the importer's stored subgraph comes from `m`). */
function graphOf(m: ReorderedModel): OpGraph {
  return subgraphOpGraph(m.stored.subgraphs[0]!, true).graph;
}

/** The corpus table: models whose blocks give the DP any work (every block timed, the rest summed in the last row). */
export function benchDpCorpus(dir: string, ext: string, load: (f: string, bytes: Uint8Array) => ReorderedModel, onnx: (f: string) => OnnxImportOptions): void {
  const rows: string[][] = [];
  const total = { ts: 0, wasm: 0, states: 0, blocks: 0, complete: 0, same: true };
  for (const f of readdirSync(dir).filter((x) => x.endsWith(ext)).sort()) {
    const bytes = new Uint8Array(readFileSync(join(dir, f)));
    let g: OpGraph;
    try {
      g = graphOf(load(f, bytes));
    } catch {
      continue; // not importable: the main table lists it
    }
    const jobs = blockJobs(g, DEFAULT_MAX_STATES);
    if (jobs.length === 0) continue;
    const complete = jobs.filter((j) => dpOrder(j.part, j.options).complete).length;
    const largest = Math.max(...jobs.map((j) => j.part.ops.length));
    const c = compare(f.slice(0, -ext.length), jobs, 3, [`${complete}/${jobs.length}`, String(largest)]);
    total.ts += c.ts;
    total.wasm += c.wasm;
    total.states += c.states;
    total.blocks += jobs.length;
    total.complete += complete;
    total.same &&= c.same;
    if (c.states >= 1000) rows.push(c.row);
  }
  rows.push(['all models', `${total.complete}/${total.blocks}`, '', String(total.states), total.ts.toFixed(1), total.wasm.toFixed(1), rate(total.states, total.ts), rate(total.states, total.wasm), (total.ts / Math.max(total.wasm, 1e-6)).toFixed(2) + 'x', total.same ? 'yes' : 'NO']);
  printTable(
    `DP over downsets, TypeScript vs WebAssembly (${dir}, subgraph 0): every block of 2+ operators, no floor shortcut, upper = heuristic peak, 200,000 states; best of 3 runs after a warm-up; rows with 1,000+ states`,
    HEAD(['solved / blocks', 'largest block']),
    rows,
  );
}

const HEAD = (extra: string[]): string[] => ['case', ...extra, 'states', 'TS ms', 'WASM ms', 'TS states/s', 'WASM states/s', 'speed-up', 'same result'];

/** A seeded random DAG of n operators: each reads 1-3 of the `width` most recent tensors; one in five is a reshape. */
function randomDag(n: number, width: number, seed: number): OpGraph {
  let s = seed >>> 0;
  const rnd = (k: number): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s % k;
  };
  const tensors: OrderTensor[] = [{ size: 1 + rnd(4096), creators: [], users: [], readers: [], fromStart: true, toEnd: false }];
  const preds: number[][] = [];
  const shares: ShareRule[] = [];
  for (let v = 0; v < n; v++) {
    const reads = new Set<number>();
    for (let k = 1 + rnd(3); k > 0; k--) reads.add(tensors.length - 1 - rnd(Math.min(width, tensors.length)));
    const reshape = reads.size === 1 && rnd(5) === 0;
    const from = [...reads][0]!;
    const out = tensors.length;
    tensors.push({ size: reshape ? tensors[from]!.size : 1 + rnd(4096), creators: [v], users: [v], readers: [], fromStart: false, toEnd: false });
    for (const t of reads) {
      tensors[t]!.users.push(v);
      tensors[t]!.readers.push(v);
    }
    if (reshape) shares.push({ op: v, from, to: out });
    preds.push([...new Set([...reads].flatMap((t) => tensors[t]!.creators))].sort((a, b) => a - b));
  }
  for (const t of tensors) if (t.readers.length === 0) t.toEnd = true;
  return { opCount: n, tensors, base: 0, firstStep: 0, preds, shares, pinned: [] };
}

/** Random DAGs of growing size, the whole graph as one part with no upper bound: the DP's raw speed. */
export function benchDpRandom(): void {
  const rows: string[][] = [];
  for (const [n, width] of [
    [20, 6],
    [40, 6],
    [60, 6],
    [80, 6],
    [40, 10],
    [60, 10],
    [120, 8],
  ] as const) {
    const jobs = [1, 2, 3].map((seed) => ({ part: wholePart(randomDag(n, width, seed * 7919 + n)), options: { maxStates: 200_000, upper: Infinity } }));
    const complete = jobs.filter((j) => dpOrder(j.part, j.options).complete).length;
    rows.push(compare(`${n} ops, width ${width}`, jobs, 1, [`${complete}/3`]).row);
  }
  printTable(
    'DP over downsets, TypeScript vs WebAssembly: 3 seeded random DAGs per row (each operator reads 1-3 of the `width` latest tensors), whole graph, no upper bound, 200,000 states; best of 1 run after a warm-up',
    HEAD(['solved']),
    rows,
  );
}
