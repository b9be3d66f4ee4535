// Workers: the cost of a round trip to a worker thread against inline solve(), and the throughput of
// the pool with 1 and 2 workers on the model corpus (../shared/models), or on random problems.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { importModelFile } from '../src/import/model-file.js';
import type { Problem } from '../src/problem/types.js';
import { verifyPlan } from '../src/problem/verify.js';
import type { SolveOptions } from '../src/solve/solve.js';
import { solve } from '../src/solve/solve.js';
import { createSolver } from '../src/worker/node.js';
import { randomProblem } from '../test/helpers/problems.js';
import { ms, printTable } from './table.js';

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Median wall time of an async call over `runs` runs after 3 warm-ups, milliseconds. */
async function timeAsync(fn: () => Promise<unknown>, runs: number): Promise<number> {
  for (let i = 0; i < 3; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  return median(times);
}

/** Subgraph problems of every model in ../shared/models/{tflite,onnx} that imports with defaults (batch 1). */
function corpus(shared: string): { name: string; problems: Problem[] } {
  const dir = join(shared, 'models');
  const files: string[] = [];
  for (const sub of ['tflite', 'onnx']) {
    const d = join(dir, sub);
    if (existsSync(d)) for (const f of readdirSync(d).sort()) if (/\.(tflite|onnx)$/.test(f)) files.push(join(d, f));
  }
  const problems: Problem[] = [];
  for (const f of files) {
    try {
      const model = importModelFile(new Uint8Array(readFileSync(f)), f, { batch: 1 });
      for (const sg of model.subgraphs) if (sg.problem.buffers.length > 0) problems.push(sg.problem);
    } catch {
      // A model the importers can't read yet is left out of the throughput table.
    }
  }
  return { name: `${problems.length} subgraphs of the ${files.length} models in ${dir} (those that import)`, problems };
}

export async function benchWorkers(shared: string): Promise<void> {
  // Round trip: the same 1k-buffer solve inline and through one worker thread.
  const p = randomProblem(1000, 1);
  const rows: string[][] = [];
  const one = createSolver({ size: 1 });
  try {
    for (const method of ['greedy-size', 'heuristic'] as const) {
      const opts: SolveOptions = { method, timeLimitMs: 2000 };
      const inline = await timeAsync(async () => solve(p, opts), 21);
      const worker = await timeAsync(() => one.solve(p, opts), 21);
      const r = await one.solve(p, opts);
      if (!verifyPlan(p, r.offsets, r.peak).valid) throw new Error('worker: invalid plan');
      rows.push([method, ms(inline), ms(worker), ms(worker - inline), worker - inline < 5 ? 'yes' : 'NO']);
    }
  } finally {
    one.close();
  }
  printTable('Worker round trip, randomProblem(1000, 1) (median of 21, ms)', ['method', 'inline', 'worker', 'extra', 'under 5 ms'], rows);

  // Throughput: every problem of a set, inline one after another, then through pools of 1 and 2.
  const { name, problems: once } = corpus(shared);
  await throughput(`5 rounds of ${name}`, [...once, ...once, ...once, ...once, ...once]);
  await throughput('24 random problems of 2000 buffers', Array.from({ length: 24 }, (_, i) => randomProblem(2000, i + 1)));
}

async function throughput(name: string, problems: Problem[]): Promise<void> {
  if (problems.length === 0) {
    console.log(`\n(SKIPPED: ${name}: no problems)`);
    return;
  }
  const opts: SolveOptions = { method: 'heuristic', timeLimitMs: 1000 };
  const t0 = performance.now();
  for (const q of problems) solve(q, opts);
  const inlineMs = performance.now() - t0;
  const tRows: string[][] = [['inline (main thread)', ms(inlineMs), (problems.length / (inlineMs / 1000)).toFixed(1)]];
  for (const size of [1, 2]) {
    const pool = createSolver({ size });
    try {
      await Promise.all(Array.from({ length: size }, () => pool.solve(problems[0]!, opts))); // start the workers
      const t = performance.now();
      const results = await Promise.all(problems.map((q) => pool.solve(q, opts)));
      const took = performance.now() - t;
      results.forEach((r, i) => {
        if (!verifyPlan(problems[i]!, r.offsets, r.peak).valid) throw new Error('pool: invalid plan');
      });
      tRows.push([`pool of ${size}`, ms(took), (problems.length / (took / 1000)).toFixed(1)]);
    } finally {
      pool.close();
    }
  }
  printTable(`Pool throughput, method heuristic: ${name}`, ['run', 'total ms', 'problems/s'], tRows);
}
