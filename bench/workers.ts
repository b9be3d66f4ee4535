// Workers: the cost of a round trip to a worker thread against inline solve(), and the throughput of
// the pool with 1 and 2 workers on the model corpus (../shared/models), or on random problems.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { importModelFile } from '../src/import/model-file.js';
import type { Problem } from '../src/problem/types.js';
import { verifyPlan } from '../src/problem/verify.js';
import type { SolveOptions } from '../src/solve/solve.js';
import { solve } from '../src/solve/solve.js';
import { Engine } from '../src/solve/wasm/engine.js';
import { createSolver } from '../src/worker/node.js';
import { randomProblem } from '../test/helpers/problems.js';
import { challengingProblems } from './challenging.js';
import { firstFit } from './scaled.js';
import { ms, printTable } from './table.js';
import { lastRace } from '../src/worker/solver.js';

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Thousands (nodes) and millions (steps of work), no decimals. */
const kilo = (x: number): string => (x / 1e3).toFixed(0);
const mega = (x: number): string => (x / 1e6).toFixed(0);

/**
 * The nodes the inline exact search visits and the work it does in `fn` (a resumed run counts only what
 * it adds to its paused run), every part's search included: the one worker's effort, to set beside
 * each racing worker's. (Counted by wrapping Engine.search, which every inline search goes through,
 * for the duration of `fn` only.)
 */
function inlineEffort<T>(fn: () => T): { value: T; nodes: number; work: number } {
  const effort = { nodes: 0, work: 0 };
  const search = Engine.prototype.search;
  Engine.prototype.search = function (this: Engine, ...args: Parameters<Engine['search']>) {
    const before = { ...this.resumed };
    const out = search.apply(this, args);
    effort.nodes += out.nodes - (this.resumed.nodes - before.nodes);
    effort.work += out.work - (this.resumed.work - before.work);
    return out;
  };
  try {
    return { value: fn(), ...effort };
  } finally {
    Engine.prototype.search = search;
  }
}

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

/**
 * One worker against the race (a pool of 2: the exact search's runs taken at once by both workers,
 * src/worker/race.ts) on MiniMalloc's challenging set at 1 MiB: time to the first plan within the
 * capacity, and time to the proof of the optimum (`exact`, at most `limitMs` each): medians of `reps`
 * runs (ARENAPACK_BENCH_REPS, default 1), one worker and the race in turn. The race must give the same
 * plan: checked.
 */
async function benchRace(shared: string, limitMs: number, reps: number): Promise<void> {
  const problems = challengingProblems(shared);
  if (!problems) return;
  const one = createSolver({ size: 1 });
  // ARENAPACK_BENCH_RACE=always: race whatever other processes do (the race before it looked at them).
  const two = createSolver({ size: 2, ...(process.env.ARENAPACK_BENCH_RACE === 'always' ? { busy: () => 0 } : {}) });
  // Every worker started first (a worker starts on first use: in A's solve, the lane's start would
  // compete with the solve for the CPU, which is no part of the race).
  const warm = randomProblem(50, 1);
  await Promise.all([one.solve(warm, { method: 'heuristic' }), two.solve(warm, { method: 'heuristic' }), two.solve(warm, { method: 'heuristic' })]);
  const rows: string[][] = [];
  const effortRows: string[][] = [];
  const totals = { fit1: 0, fit2: 0, proof1: 0, proof2: 0 };
  try {
    for (const [name, p] of problems) {
      // Each solve `reps` times, one worker and the race in turn; the medians.
      const fits1: { ms: number; peak: number; fits: boolean }[] = [];
      const fits2: typeof fits1 = [];
      let lanesFit = 0;
      let race: ReturnType<typeof lastRace>;
      for (let i = 0; i < reps; i++) {
        fits1.push(await firstFit(p, limitMs, (q, o) => one.solve(q, o)));
        const before = lastRace(two);
        fits2.push(await firstFit(p, limitMs, (q, o) => two.solve(q, o)));
        race = lastRace(two);
        if (race === before) race = undefined; // (it did not race: cores busy)
        lanesFit = race?.byLanes ?? 0;
      }
      // What each worker did for the (last) raced first fit, against the inline search's effort.
      let inline: { nodes: number; work: number } | undefined;
      await firstFit(p, limitMs, (q, o) => {
        const counted = inlineEffort(() => solve(q, o));
        inline = counted;
        return Promise.resolve(counted.value);
      });
      const w = (k: number): string => {
        const x = race?.workers[k];
        return x === undefined ? '-' : `${x.runs} (${x.resumed}) ${kilo(x.nodes)} / ${mega(x.work)}`;
      };
      effortRows.push([name, `${kilo(inline!.nodes)} / ${mega(inline!.work)}`, w(0), w(1), String(race?.takeovers ?? '-'), String(race?.rerun ?? '-'), String(race?.cancelled ?? '-')]);
      const f1 = { ...fits1[0]!, ms: median(fits1.map((f) => f.ms)) };
      const f2 = { ...fits2[0]!, ms: median(fits2.map((f) => f.ms)) };
      if ([...fits1, ...fits2].some((f) => f.peak !== f1.peak)) throw new Error(`${name}: the race's first fit differs`);
      const proof = async (s: typeof one): Promise<{ ms: number; peak: number; status: string }> => {
        const t = performance.now();
        const r = await s.solve(p, { method: 'exact', timeLimitMs: limitMs });
        const took = performance.now() - t;
        if (!verifyPlan(p, r.offsets, r.peak).valid) throw new Error(`${name}: invalid plan`);
        return { ms: took, peak: r.peak, status: r.status };
      };
      const proofs1: { ms: number; peak: number; status: string }[] = [];
      const proofs2: typeof proofs1 = [];
      // (A proof not reached in the limit is not tried again: it would only wait out the limit.)
      for (let i = 0; i < reps && (i === 0 || (proofs1[0]!.status === 'optimal' && proofs2[0]!.status === 'optimal')); i++) {
        proofs1.push(await proof(one));
        proofs2.push(await proof(two));
      }
      const p1 = { ...proofs1[0]!, ms: median(proofs1.map((x) => x.ms)) };
      const p2 = { ...proofs2[0]!, ms: median(proofs2.map((x) => x.ms)) };
      const proven = p1.status === 'optimal' && p2.status === 'optimal';
      if (proven && p1.peak !== p2.peak) throw new Error(`${name}: the race's optimum differs`);
      totals.fit1 += f1.ms;
      totals.fit2 += f2.ms;
      if (proven) {
        totals.proof1 += p1.ms;
        totals.proof2 += p2.ms;
      }
      const cell = (x: { ms: number; status: string }): string => (x.status === 'optimal' ? ms(x.ms) : `not in ${limitMs / 1000} s`);
      rows.push([
        name,
        String(p.buffers.length),
        f1.fits ? ms(f1.ms) : 'no fit',
        f2.fits ? ms(f2.ms) : 'no fit',
        `${(f1.ms / f2.ms).toFixed(2)}x`,
        String(lanesFit),
        cell(p1),
        cell(p2),
        proven ? `${(p1.ms / p2.ms).toFixed(2)}x` : '-',
        `${p2.peak}${p2.status === 'optimal' ? '' : ' (feasible)'}`,
      ]);
    }
  } finally {
    one.close();
    two.close();
  }
  printTable(
    `Racing the exact search: one worker against a pool of 2 (the race), MiniMalloc challenging at 1 MiB, exact, ${limitMs / 1000} s each, median of ${reps}`,
    ['instance', 'n', 'first fit, 1 worker ms', 'race ms', 'speed-up', 'runs by lane', 'proof, 1 worker ms', 'race ms', 'speed-up', 'peak'],
    rows,
  );
  console.log(
    `Totals: first fit ${ms(totals.fit1)} ms (1 worker) vs ${ms(totals.fit2)} ms (race); proofs reached by both ${ms(totals.proof1)} vs ${ms(totals.proof2)} ms.`,
  );
  console.log('Same plans in both (checked); "runs by lane": runs of the first-fit search the second worker ran and the driver committed.');
  printTable(
    'Effort of the first fit: the inline search (one worker) against each worker of the race (runs answered, of which resumed; k nodes visited / M steps of work)',
    ['instance', '1 worker', 'race: driver', 'race: lane', 'takeovers', 'rerun', 'cancelled'],
    effortRows,
  );
  console.log('A resumed run counts only the nodes and work it adds to its paused run; runs after the deciding one are counted too (cancelled or not committed).');
}

/** `npm run bench -- workers [seconds]`: the race table (`seconds` per solve, default 10), then the pool's round trip and throughput. */
export async function benchWorkers(shared: string, limitMs = 10_000): Promise<void> {
  await benchRace(shared, limitMs, Number(process.env.ARENAPACK_BENCH_REPS ?? 1));
  if (process.env.ARENAPACK_BENCH_ONLY === 'race') return;
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
