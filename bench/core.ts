import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { importProblem } from '../src/import/index.js';
import { liveBound } from '../src/problem/bounds.js';
import type { Problem } from '../src/problem/types.js';
import { verifyPlan } from '../src/problem/verify.js';
import { KERNELS, type MethodName } from '../src/solve/methods.js';
import { conflictGraph, decodeBestFit, greedySizeReference, sizeOrder } from '../src/solve/reference/greedy-size.js';
import { solve } from '../src/solve/solve.js';
import { Engine } from '../src/solve/wasm/engine.js';
import { randomProblem } from '../test/helpers/problems.js';
import { challengingProblems } from './challenging.js';
import { ms, printTable, ratio, timeMs } from './table.js';

const SHOWN: MethodName[] = ['naive', 'slots-inorder', 'slots-greedy-breadth', 'inorder', 'greedy-conflicts', 'greedy-size'];

function methodRow(name: string, problem: Problem, lsMs: number): string[] {
  const lb = liveBound(problem);
  const cells = [name, String(problem.buffers.length), String(lb)];
  for (const m of SHOWN) {
    const r = solve(problem, { method: m });
    cells.push(`${ratio(r.peak, lb)} ${ms(r.methods[0]!.timeMs)}ms`);
  }
  const ls = solve(problem, { method: 'local-search', timeLimitMs: lsMs, iterations: 1e9 });
  if (!verifyPlan(problem, ls.offsets, ls.peak).valid) throw new Error(`${name}: invalid local-search plan`);
  cells.push(`${ratio(ls.peak, lb)}`);
  cells.push(problem.capacity !== undefined ? (ls.peak <= problem.capacity ? 'yes' : 'no') : '-');
  return cells;
}

const head = ['instance', 'n', 'live bound', ...SHOWN.map((m) => `${m} (peak/LB time)`), `local-search 1s`, 'fits'];

export function benchChallenging(shared: string): void {
  const problems = challengingProblems(shared);
  if (!problems) return;
  const rows = problems.map(([name, p]) => methodRow(name, p, 1000));
  printTable('MiniMalloc challenging, capacity 1 MiB: peak / live bound and time per method', head, rows);
  console.log('Reference: MiniMalloc (exact, C++) fits all eleven in 1 MiB; greedy-by-size 1.29-1.41x the bound.');
}

export function benchRandom(): void {
  const rows = [1000, 10000, 100000].map((n) => methodRow(`random ${n}`, randomProblem(n, n), 1000));
  printTable('Random model-like problems: peak / live bound and time per method', head, rows);
}

/** Greedy-size: the WASM kernel against the plain TypeScript reference, whole and decode only. */
export function benchWasmVsTs(shared: string): void {
  const engine = new Engine();
  const problems: [string, Problem][] = [1000, 10000, 100000].map((n) => [`random ${n}`, randomProblem(n, n)]);
  const k = join(shared, 'benchmarks', 'minimalloc', 'challenging', 'K.1048576.csv');
  if (existsSync(k)) problems.unshift(['challenging K', importProblem(readFileSync(k, 'utf8'), k)]);
  const rows = problems.map(([name, p]) => {
    const runs = p.buffers.length >= 100000 ? 3 : 9;
    const tsWhole = timeMs(() => greedySizeReference(p), runs);
    const wasmWhole = timeMs(() => {
      engine.load(p);
      engine.run(KERNELS['greedy-size']);
    }, runs);
    const graph = conflictGraph(p);
    // As the WASM kernel on a loaded problem: the size order, then placing (the graph is built).
    const tsDecode = timeMs(() => decodeBestFit(p, graph, sizeOrder(p)), runs);
    engine.load(p);
    const wasmDecode = timeMs(() => engine.run(KERNELS['greedy-size']), runs);
    const same = greedySizeReference(p).peak === engine.run(KERNELS['greedy-size']).peak;
    return [
      name,
      String(p.buffers.length),
      String(engine.conflictPairs()),
      ms(tsWhole),
      ms(wasmWhole),
      `${(tsWhole / wasmWhole).toFixed(1)}x`,
      ms(tsDecode),
      ms(wasmDecode),
      `${(tsDecode / wasmDecode).toFixed(1)}x`,
      same ? 'yes' : 'NO',
    ];
  });
  printTable(
    'greedy-size, WASM against the plain TypeScript reference (median ms)',
    ['problem', 'n', 'pairs', 'TS whole', 'WASM whole', 'speed-up', 'TS decode', 'WASM decode', 'speed-up', 'same peak'],
    rows,
  );
  console.log('whole = build the conflict graph + order + place (WASM: including the copy into memory); decode = order + place');
  console.log('on a built graph (WASM: and the offsets copied out), the placing the local search repeats on every move.');
  console.log('Target: greedy-size on 10k buffers under 20 ms.');
}
