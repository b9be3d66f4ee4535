import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../src/problem/errors.js';
import type { Problem } from '../src/problem/types.js';
import { verifyPlan } from '../src/problem/verify.js';
import { placeWithGlpk } from '../src/solve/ilp/place.js';
import { certifyLowerBound } from '../src/solve/certify.js';
import { solve } from '../src/solve/solve.js';
import { tightProblem } from '../test/helpers/problems.js';
import { benchAblation } from './ablation.js';
import { benchCallgrind } from './callgrind.js';
import { challengingProblems } from './challenging.js';
import { load } from './models.js';
import { benchScaled } from './scaled.js';
import { ms, printTable } from './table.js';

function row(name: string, p: Problem, limitMs: number): string[] {
  const h = solve(p, { method: 'heuristic', timeLimitMs: 1000 });
  const t = performance.now();
  const e = solve(p, { method: 'exact', timeLimitMs: limitMs });
  const took = performance.now() - t;
  if (!verifyPlan(p, e.offsets, e.peak).valid) throw new Error(`${name}: invalid exact plan`);
  const fits = p.capacity === undefined ? '-' : e.peak <= p.capacity ? 'yes' : 'no';
  return [
    name,
    String(p.buffers.length),
    String(e.liveBound),
    String(h.peak),
    String(e.peak),
    fits,
    e.status,
    `${(e.gap * 100).toFixed(2)}%`,
    String(e.searchNodes ?? 0),
    ms(took),
  ];
}

const HEAD = ['instance', 'n', 'live bound', 'heuristic peak', 'exact peak', 'fits cap', 'status', 'gap', 'search nodes', 'time ms'];

/**
 * Exact-search nodes each probe of certifyLowerBound() may take in `bench exact` and `bench certify`
 * (ARENAPACK_BENCH_CERTIFY_NODES, default 100,000: about 5 s on D here): a budget in nodes, so the bound
 * certified is the same on every machine (the time limit is only a guard).
 */
export const certifyNodes = Number(process.env.ARENAPACK_BENCH_CERTIFY_NODES ?? 100_000);

/**
 * One challenging instance: `exact` with its capacity (1 MiB) for `limitMs` — when the first plan within
 * the capacity came (from the solve's progress reports, so to about 0.1 s), when the status became
 * optimal (the solve ends there) — then certifyLowerBound() with `certifyNodes` nodes a probe (guarded by
 * `certifyMs`) from the solve's bound and plan. The best bound is the higher of the two, named by what proves it.
 */
function instanceRow(name: string, p: Problem, limitMs: number, certifyMs: number): { cells: string[]; firstFitMs?: number } {
  const cap = p.capacity!;
  let firstFitMs: number | undefined;
  const e = solve(p, {
    method: 'exact',
    timeLimitMs: limitMs,
    onProgress: (q) => {
      if (firstFitMs === undefined && q.best !== undefined && q.best <= cap) firstFitMs = q.elapsedMs;
    },
  });
  if (!verifyPlan(p, e.offsets, e.peak).valid) throw new Error(`${name}: invalid exact plan`);
  if (firstFitMs === undefined && e.peak <= cap) firstFitMs = e.timeMs;
  // The sub-instance windows left out: their stop is by time, and they never paid here (npm run bench -- subbound).
  const c = certifyLowerBound(p, { timeLimitMs: certifyMs, maxNodesPerProbe: certifyNodes, subInstances: false, upper: e.peak, from: e.bound });
  const best = Math.min(e.peak, c.best);
  const bound = Math.max(e.bound, c.bound);
  const which =
    c.bound > e.bound && c.bySearch ? 'certified by search' : c.bound > e.bound && c.bySubInstance ? 'sub-instance' : e.proof.startsWith('exact search') ? 'exact search' : e.proof;
  const gap = (best - bound) / bound;
  return {
    cells: [
      name,
      String(p.buffers.length),
      String(e.liveBound),
      firstFitMs === undefined ? 'none' : ms(firstFitMs),
      e.status === 'optimal' ? ms(e.timeMs) : '-',
      String(best),
      String(bound),
      which,
      `${(gap * 100).toFixed(2)}%`,
      c.probes.length === 0 ? '-' : `${c.probes.length} (${c.probes.filter((q) => q.outcome === 'no plan').length} proofs)`,
    ],
    ...(firstFitMs !== undefined ? { firstFitMs } : {}),
  };
}

const INSTANCE_HEAD = ['instance', 'n', 'live bound', 'first fit ms', 'proof ms', 'best plan', 'best bound', 'bound from', 'gap', 'probes'];

/**
 * `npm run bench -- exact [seconds]`: every table issue #15's "Done when" asks for, in one go: the
 * challenging instances (benchExact: first fit, proof, best plan, bound, gap; then perfect packings,
 * GLPK, the model corpus), the scaled instances k = 2..12 (bench/scaled.ts, `seconds` per part), the
 * ablation of the search's switches (bench/ablation.ts, `seconds` per solve at most) and the instruction
 * counts (bench/callgrind.ts, 3000 nodes, one run per instance instead of three). Each table also runs
 * alone: `bench -- exact-table | scaled | ablation | callgrind`. Prints how long each part took.
 */
export async function benchExactAll(shared: string, limitMs: number): Promise<void> {
  console.log(
    `bench exact: the challenging table, the scaled instances, the ablation and the instruction counts in one go (${limitMs / 1000} s per solve or part at most; callgrind one run per instance). ` +
      'Each part ends with the minutes it took (the whole: 22.3 min with 10 s on the 2-core server); each table alone: bench -- exact-table | scaled | ablation | callgrind.',
  );
  // ARENAPACK_BENCH_ONLY: those challenging instances only (benchExact), no other table.
  if (process.env.ARENAPACK_BENCH_ONLY !== undefined) return benchExact(shared, limitMs);
  const t0 = performance.now();
  const laps: [string, number][] = [];
  const lap = async (name: string, part: () => unknown): Promise<void> => {
    const t = performance.now();
    await part();
    laps.push([name, performance.now() - t]);
    console.log(`(${name}: ${((performance.now() - t) / 60_000).toFixed(1)} min)`);
  };
  await lap('challenging, perfect packings, GLPK, models', () => benchExact(shared, limitMs));
  await lap('scaled k = 2..12', () => benchScaled(shared, limitMs));
  await lap('ablation', () => benchAblation(shared, limitMs));
  await lap('instruction counts', () => benchCallgrind(shared, 3000, undefined, 1));
  console.log(`\nbench exact: ${((performance.now() - t0) / 60_000).toFixed(1)} min in all (${laps.map(([n, t]) => `${n} ${(t / 60_000).toFixed(1)}`).join(', ')}).`);
}

/**
 * `npm run bench -- exact-table`: MiniMalloc's challenging set at 1 MiB, perfect packings, GLPK on small ones.
 * ARENAPACK_BENCH_ONLY=regex: only the challenging instances whose names match, and no other table.
 */
export async function benchExact(shared: string, limitMs: number): Promise<void> {
  const only = process.env.ARENAPACK_BENCH_ONLY;
  const problems = challengingProblems(shared)?.filter(([name]) => only === undefined || new RegExp(only).test(name));
  if (problems) {
    const certifyMs = Math.max(limitMs, 60_000);
    let total = 0;
    let fit = 0;
    const rows = problems.map(([name, p]) => {
      const r = instanceRow(name, p, limitMs, certifyMs);
      if (r.firstFitMs !== undefined) {
        total += r.firstFitMs;
        fit++;
      }
      return r.cells;
    });
    printTable(
      `MiniMalloc challenging at capacity 1 MiB: exact (${limitMs / 1000} s each), then certifyLowerBound (${certifyNodes} nodes a probe)`,
      INSTANCE_HEAD,
      rows,
    );
    console.log(`fit 1 MiB: ${fit} of ${rows.length}; total time to first fit ${(total / 1000).toFixed(1)} s. MiniMalloc beside it on this machine: npm run bench -- minimalloc (ARENAPACK_MINIMALLOC).`);
    console.log('proof ms: until the status became optimal; "-": not proven. gap: (best plan - best bound) / best bound.');
  }
  if (only !== undefined) return; // ARENAPACK_BENCH_ONLY: the challenging instances it names, no other table
  const rows = [60, 90, 120, 200].flatMap((n) => [1, 2].map((seed) => row(`perfect ${n}/${seed}`, tightProblem(n, seed), limitMs)));
  printTable('Perfect packings cut into n pieces (optimum = live bound = 4096)', HEAD, rows);

  const small: string[][] = [];
  for (const n of [6, 8, 10, 12]) {
    const p = tightProblem(n, 7, 16, 256);
    const t0 = performance.now();
    const wasm = solve(p, { method: 'exact', timeLimitMs: limitMs });
    const tw = performance.now() - t0;
    const t1 = performance.now();
    const ilp = await placeWithGlpk(p, wasm.liveBound, solve(p, { method: 'naive' }).peak, 30_000);
    const tg = performance.now() - t1;
    small.push([`perfect ${n}`, String(n), String(wasm.peak), wasm.status, ms(tw), String(ilp.peak ?? '-'), ilp.outcome, ms(tg)]);
  }
  printTable('WASM search against GLPK (big-M place model) on small problems', ['instance', 'n', 'WASM peak', 'WASM status', 'WASM ms', 'GLPK peak', 'GLPK status', 'GLPK ms'], small);
  await benchExactModels(shared);
}

/**
 * Every subgraph of every corpus model (default import, batch 1 where dynamic): the best heuristic,
 * then `search` (greedy-size, then the WASM search with 1 s), and GLPK's place model where n <= 12.
 */
export async function benchExactModels(shared: string): Promise<void> {
  const rows: string[][] = [];
  let problems = 0;
  let proven = 0;
  let within = 0;
  let slowest = 0;
  for (const kind of ['tflite', 'onnx']) {
    const dir = join(shared, 'models', kind);
    if (!existsSync(dir)) {
      console.log(`\n(SKIPPED: ${dir} is absent)`);
      continue;
    }
    for (const f of readdirSync(dir).filter((x) => x.endsWith(`.${kind}`)).sort()) {
      let subgraphs;
      try {
        subgraphs = load(f, new Uint8Array(readFileSync(join(dir, f)))).subgraphs;
      } catch (e) {
        if (e instanceof InputError) continue; // the models table lists what does not import, and why
        throw e;
      }
      for (const [i, sg] of subgraphs.entries()) {
        const p = sg.problem;
        if (p.buffers.length === 0) continue;
        const h = solve(p, { method: 'heuristic', timeLimitMs: 1000 });
        const t = performance.now();
        const e = solve(p, { method: 'search', timeLimitMs: 1000 });
        const took = performance.now() - t;
        if (!verifyPlan(p, e.offsets, e.peak).valid) throw new Error(`${f} subgraph ${i}: invalid plan`);
        const search = e.methods.find((m) => m.method === 'search');
        let glpk = ['-', '-'];
        if (p.buffers.length <= 12) {
          const t1 = performance.now();
          const ilp = await placeWithGlpk(p, e.liveBound, h.peak, 30_000);
          glpk = [String(ilp.peak ?? ilp.outcome), ms(performance.now() - t1)];
        }
        problems++;
        if (e.status === 'optimal') proven++;
        if (e.status === 'optimal' && took < 1000) within++;
        slowest = Math.max(slowest, took);
        rows.push([
          `${f}${subgraphs.length > 1 ? ` #${i}` : ''}`,
          String(p.buffers.length),
          String(e.liveBound),
          String(h.peak),
          String(e.peak),
          e.status,
          search ? ms(search.timeMs) : '- (greedy met the bound)',
          ms(took),
          ...glpk,
        ]);
      }
    }
  }
  if (rows.length === 0) return;
  printTable(
    'Model corpus (every subgraph; align 16): best heuristic against greedy-size + WASM search (1 s); GLPK place model where n <= 12',
    ['problem', 'n', 'live bound', 'heuristic peak', 'search peak', 'status', 'search ms', 'solve ms', 'GLPK peak', 'GLPK ms'],
    rows,
  );
  console.log(`\nProven optimal: ${proven} of ${problems}; proven within 1 s: ${within} of ${problems}; slowest solve ${ms(slowest)} ms.`);
}

/**
 * `npm run bench -- certify [seconds]`: certifyLowerBound() on the challenging instances whose names match
 * ARENAPACK_BENCH_ONLY (default C, D and J) with `certifyNodes` nodes a probe and at most `limitMs` each,
 * from the cheap bound up to the best plan `exact` finds in `exactMs`: every probe (cap, outcome, nodes,
 * time) and the bound certified (the same on every machine when the nodes, not the time, end the probes).
 */
export function benchCertify(shared: string, limitMs: number, only: RegExp, exactMs: number): void {
  const problems = challengingProblems(shared);
  if (!problems) return;
  for (const [name, p] of problems.filter(([n]) => only.test(n))) {
    const e = solve({ buffers: p.buffers }, { method: 'exact', timeLimitMs: exactMs });
    const c = certifyLowerBound(p, { timeLimitMs: limitMs, maxNodesPerProbe: certifyNodes, upper: e.peak });
    const sub = c.subInstance;
    if (sub !== undefined) console.log(`${name}: sub-instance bound first: ${sub.bound} (${sub.proof}); ${sub.windows.length} windows, ${sub.nodes} nodes`);
    printTable(
      `${name}: certifyLowerBound (${certifyNodes} nodes a probe, at most ${limitMs / 1000} s) from the live bound ${e.liveBound} up to exact's plan ${e.peak} (${exactMs / 1000} s)`,
      ['probe cap', 'outcome', 'peak', 'nodes', 'ms'],
      c.probes.map((q) => [String(q.cap), q.outcome, q.peak === undefined ? '-' : String(q.peak), String(q.nodes), ms(q.timeMs)]),
    );
    console.log(
      `${name}: bound ${c.bound} (${c.bySearch ? 'certified by search' : c.proof}${c.bySearch ? `, at ${ms(c.provenAtMs)} ms` : ''}), best plan ${c.best}, ${c.optimal ? 'proven optimal' : `gap ${(c.gap * 100).toFixed(2)}%`}; ${ms(c.timeMs)} ms in all`,
    );
  }
}
