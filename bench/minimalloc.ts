// `npm run bench -- minimalloc [seconds]`: MiniMalloc's own C++ solver against arenapack on MiniMalloc's
// eleven challenging instances at 1 MiB, on the same machine in the same run (issue #15), and MiniMalloc
// below 1 MiB at the capacities arenapack reaches on C, D and J.
//
// MiniMalloc is not part of arenapack and is not built by it. Point ARENAPACK_MINIMALLOC at its
// command-line solver, built from its public source (github.com/google/minimalloc, Apache-2.0) outside
// this repository; without it the bench says so and ends (exit 0). How it was built for the figures in
// the README (Debian 12, g++ 12.2, Debian's libabsl-dev 20220623.1):
//   1. The sources: src/{main,converter,minimalloc,solver,sweeper,validator}.cc and their headers, from
//      upstream commit 5d6519933580ed99a057b8d70e010c6709a8cefa (the newest with the round-robin node
//      limits over the WAT, TAW and TWA orders; main.cc of 25c6ad1b). Its CMakeLists.txt builds Abseil from
//      a git submodule; with the system Abseil instead, compile each .cc by hand:
//        g++ -std=c++20 -O3 -DNDEBUG -Isrc -c src/X.cc
//      and link the objects with `pkg-config --libs absl_flags_parse absl_flags absl_statusor absl_status
//      absl_strings absl_time absl_flat_hash_map absl_flat_hash_set absl_btree`.
//   2. Two differences of Debian's Abseil 20220623 from the one upstream pins, adapted in the build (no
//      change to what the solver does): it has no absl/log/log.h (Abseil's logging came in 20230125), which
//      solver.cc includes for its DLOG debug traces only — give it a one-line header on the include path
//      that defines DLOG(severity) as a stream that is never written (what -DNDEBUG makes of it anyway);
//      and it is built with absl::string_view its own class (ABSL_OPTION_USE_STD_STRING_VIEW 0), so the
//      loop in converter.cc's FromCsv that declares each line a std::string_view must declare it an
//      absl::string_view.
//   3. Check it: each of the eleven challenging instances at --capacity=1048576 with --validate must print
//      PASS; this bench verifies its output plans again with arenapack's verifier.
// The solver is run as `minimalloc --capacity=C --input=X.csv --output=Y.csv --timeout=Ss`; it prints its
// own solve time (seconds, without reading the file and writing the plan) on stderr, shown beside the
// wall time of the whole process. Its output CSV (the input's columns plus `offset`) is read back with
// arenapack's own CSV reader (src/import), which takes the offsets as fixed ones.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../src/problem/errors.js';
import { importProblem } from '../src/import/index.js';
import type { Problem } from '../src/problem/types.js';
import { verifyPlan } from '../src/problem/verify.js';
import { solve } from '../src/solve/solve.js';
import { createSolver } from '../src/worker/node.js';
import { challengingProblems } from './challenging.js';
import { firstFit, type Run } from './scaled.js';
import { ms, printTable } from './table.js';

/** The upper median (as bench/workers.ts takes it), ms. */
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const geoMean = (xs: number[]): number => Math.exp(xs.reduce((s, x) => s + Math.log(x), 0) / xs.length);

/** One MiniMalloc run: its wall time, its own timer, and its plan checked by arenapack's verifier. */
interface MiniMallocRun {
  /** Wall time of the whole process (spawn, read, solve, write), ms. */
  wallMs: number;
  /** The solve time MiniMalloc prints on stderr, ms (undefined if it printed none). */
  ownMs?: number;
  /** 'plan': a plan within the capacity, verified; 'none': no plan, exit 1 before the limit (its search
   * ended: none exists at that capacity, by MiniMalloc's search); 'limit': no plan when the limit came. */
  outcome: 'plan' | 'none' | 'limit';
  /** The plan's peak (max offset + size), bytes. */
  peak?: number;
}

/**
 * MiniMalloc's plan from its output CSV, read by arenapack's CSV reader (the offsets come back as fixed
 * offsets), matched to `p`'s buffers by id and checked by verifyPlan within `capacity`. Throws if it is
 * missing, unreadable, lacks a buffer, or is not a valid plan within the capacity.
 */
function readMiniMallocPlan(p: Problem, capacity: number, file: string): number {
  let out: Problem;
  try {
    out = importProblem(readFileSync(file, 'utf8'), file);
  } catch (e) {
    throw new Error(`MiniMalloc's output ${file} does not read as a plan: ${e instanceof InputError ? e.message : String(e)}`);
  }
  const byId = new Map(out.buffers.map((b) => [b.id, b.offset]));
  const offsets = p.buffers.map((b) => {
    const o = byId.get(b.id);
    if (o === undefined) throw new Error(`MiniMalloc's output ${file} has no offset for buffer ${b.id}`);
    return o;
  });
  const peak = Math.max(...p.buffers.map((b, i) => offsets[i]! + b.size));
  const v = verifyPlan({ ...p, capacity }, offsets, peak);
  if (!v.valid) throw new Error(`MiniMalloc's plan in ${file} fails arenapack's verifier: ${v.errors.slice(0, 3).join('; ')}`);
  if (peak > capacity) throw new Error(`MiniMalloc's plan in ${file} peaks at ${peak} > ${capacity}`);
  return peak;
}

/** Runs MiniMalloc on `input` at `capacity` for at most `limitMs` (its --timeout; killed 10 s after). */
function runMiniMalloc(bin: string, p: Problem, input: string, capacity: number, limitMs: number, dir: string): MiniMallocRun {
  const output = join(dir, 'plan.csv');
  rmSync(output, { force: true });
  const args = [`--capacity=${capacity}`, `--input=${input}`, `--output=${output}`, `--timeout=${limitMs / 1000}s`];
  const t = performance.now();
  const r = spawnSync(bin, args, { encoding: 'utf8', timeout: limitMs + 10_000 });
  const wallMs = performance.now() - t;
  if (r.error) throw new Error(`${bin}: ${r.error.message}`);
  const own = /^(\d+(?:\.\d+)?)/.exec(r.stderr ?? '');
  const ownMs = own ? Number(own[1]) * 1000 : undefined;
  if (r.status === 0) return { wallMs, ...(ownMs !== undefined ? { ownMs } : {}), outcome: 'plan', peak: readMiniMallocPlan(p, capacity, output) };
  if (r.status !== 1 || ownMs === undefined) throw new Error(`${bin} ${args.join(' ')}: exit ${r.status ?? r.signal}, stderr: ${(r.stderr ?? '').slice(0, 300)}`);
  return { wallMs, ownMs, outcome: ownMs < limitMs ? 'none' : 'limit' };
}

/**
 * arenapack's inline `exact` with the capacity, as bench/exact.ts's instanceRow times it: the first
 * progress report holding a plan within the capacity (its elapsed time), else the end if the final
 * plan fits. The solve itself runs on to its proof or the limit; its final plan is verified.
 */
function exactFirstReport(p: Problem, limitMs: number): { ms?: number; peak: number } {
  const cap = p.capacity!;
  let first: number | undefined;
  const e = solve(p, {
    method: 'exact',
    timeLimitMs: limitMs,
    onProgress: (q) => {
      if (first === undefined && q.best !== undefined && q.best <= cap) first = q.elapsedMs;
    },
  });
  if (!verifyPlan(p, e.offsets, e.peak).valid) throw new Error('exact: invalid plan');
  if (first === undefined && e.peak <= cap) first = e.timeMs;
  return { ...(first !== undefined ? { ms: first } : {}), peak: e.peak };
}

/** The capacities below 1 MiB that arenapack reaches on C, D and J (README, issue #15). */
const BELOW: [string, number][] = [
  ['C', 1_039_360],
  ['D', 1_045_504],
  ['D', 1_038_336],
  ['J', 1_041_408],
];

/**
 * `npm run bench -- minimalloc [seconds]`: with ARENAPACK_MINIMALLOC set, per challenging instance at
 * 1 MiB, taken in turn in the same run (`ARENAPACK_BENCH_REPS` times, default 1; medians): MiniMalloc's
 * wall time to its plan (and its own timer), arenapack's firstFit inline (one thread), the inline
 * `exact` solve's first report within the capacity, and firstFit through a pool of 2 (the race); each
 * plan verified (MiniMalloc's read back from its CSV). Then totals, arenapack/MiniMalloc ratios (of the
 * totals, and the geometric mean of the per-instance ratios), and MiniMalloc alone below 1 MiB on C, D
 * and J with `ARENAPACK_BENCH_BELOW_S` seconds each (default: `seconds`). `seconds` (default 10):
 * the limit of each solve at 1 MiB, both tools. `ARENAPACK_BENCH_ONLY=regex` picks instances by name.
 */
export async function benchMinimalloc(shared: string, limitMs: number): Promise<void> {
  const bin = process.env.ARENAPACK_MINIMALLOC;
  if (!bin) {
    console.log('\n(SKIPPED: MiniMalloc is not configured: set ARENAPACK_MINIMALLOC=/path/to/minimalloc, its command-line');
    console.log(' solver built from github.com/google/minimalloc; bench/minimalloc.ts says how it was built here.)');
    return;
  }
  if (!existsSync(bin)) {
    console.error(`ARENAPACK_MINIMALLOC=${bin}: no such file (set it to MiniMalloc's command-line solver)`);
    process.exitCode = 2;
    return;
  }
  const problems = challengingProblems(shared);
  if (!problems) return;
  const dir = join(shared, 'benchmarks', 'minimalloc', 'challenging');
  const reps = Number(process.env.ARENAPACK_BENCH_REPS ?? 1);
  const only = process.env.ARENAPACK_BENCH_ONLY ? new RegExp(process.env.ARENAPACK_BENCH_ONLY) : undefined;
  const belowMs = Number(process.env.ARENAPACK_BENCH_BELOW_S ?? limitMs / 1000) * 1000;
  const tmp = mkdtempSync(join(tmpdir(), 'arenapack-minimalloc-'));
  const inline: Run = (q, o) => Promise.resolve(solve(q, o));
  const pool = createSolver({ size: 2 });
  try {
    // Warm-ups, not timed: the WASM module inline, both workers of the pool, one MiniMalloc process.
    const tiny: Problem = { buffers: [{ id: 'a', size: 8, start: 0, end: 2 }, { id: 'b', size: 8, start: 1, end: 3 }], capacity: 16 };
    solve(tiny, { method: 'exact', timeLimitMs: 1000 });
    await Promise.all([pool.solve(tiny, { method: 'exact', timeLimitMs: 1000 }), pool.solve(tiny, { method: 'exact', timeLimitMs: 1000 })]);
    writeFileSync(join(tmp, 'tiny.csv'), 'id,lower,upper,size\na,0,2,8\nb,1,3,8\n');
    runMiniMalloc(bin, { buffers: tiny.buffers }, join(tmp, 'tiny.csv'), 16, 1000, tmp);

    const rows: string[][] = [];
    const tot = { mm: 0, own: 0, fit: 0, exact: 0, race: 0 };
    const ratios: { fit: number[]; exact: number[]; race: number[] } = { fit: [], exact: [], race: [] };
    let allFit = true;
    for (const [name, p] of problems) {
      if (only && !only.test(name)) continue;
      const cap = p.capacity!;
      const input = join(dir, `${name}.${cap}.csv`);
      if (!existsSync(input)) throw new Error(`${input}: absent (the instance's file name must be NAME.CAPACITY.csv)`);
      const mm: MiniMallocRun[] = [];
      const fits: { ms: number; peak: number; fits: boolean }[] = [];
      const exacts: { ms?: number; peak: number }[] = [];
      const races: { ms: number; peak: number; fits: boolean }[] = [];
      for (let i = 0; i < reps; i++) {
        mm.push(runMiniMalloc(bin, p, input, cap, limitMs, tmp));
        fits.push(await firstFit(p, limitMs, inline));
        exacts.push(exactFirstReport(p, limitMs));
        races.push(await firstFit(p, limitMs, (q, o) => pool.solve(q, o)));
      }
      const mmOk = mm.every((r) => r.outcome === 'plan');
      const fitOk = fits.every((f) => f.fits);
      const exactOk = exacts.every((e) => e.ms !== undefined);
      const raceOk = races.every((f) => f.fits);
      const samePlan = [...fits, ...races].every((f) => f.peak === fits[0]!.peak);
      const mmMs = median(mm.map((r) => r.wallMs));
      const ownMs = mm.every((r) => r.ownMs !== undefined) ? median(mm.map((r) => r.ownMs!)) : undefined;
      const fitMs = median(fits.map((f) => f.ms));
      const exactMs = exactOk ? median(exacts.map((e) => e.ms!)) : undefined;
      const raceMs = median(races.map((f) => f.ms));
      const ok = mmOk && fitOk && exactOk && raceOk;
      if (ok) {
        tot.mm += mmMs;
        tot.own += ownMs ?? 0;
        tot.fit += fitMs;
        tot.exact += exactMs!;
        tot.race += raceMs;
        ratios.fit.push(fitMs / mmMs);
        ratios.exact.push(exactMs! / mmMs);
        ratios.race.push(raceMs / mmMs);
      } else allFit = false;
      const cell = (good: boolean, t: number | undefined): string => (good && t !== undefined ? ms(t) : `no fit in ${limitMs / 1000} s`);
      rows.push([
        name,
        String(p.buffers.length),
        cell(mmOk, mmMs),
        ownMs === undefined ? '-' : ms(ownMs),
        mmOk ? String(mm[0]!.peak) : '-',
        cell(fitOk, fitMs),
        mmOk && fitOk ? `${(fitMs / mmMs).toFixed(2)}x` : '-',
        cell(exactOk, exactMs),
        mmOk && exactOk ? `${(exactMs! / mmMs).toFixed(2)}x` : '-',
        cell(raceOk, raceMs),
        mmOk && raceOk ? `${(raceMs / mmMs).toFixed(2)}x` : '-',
        String(fits[0]!.peak),
        samePlan ? 'yes' : 'NO',
      ]);
    }
    printTable(
      `MiniMalloc (C++, ${bin}) against arenapack, challenging instances at 1 MiB, time to the first plan within it (ms), ${limitMs / 1000} s each at most, median of ${reps}`,
      ['instance', 'n', 'MiniMalloc wall', 'its timer', 'its peak', 'firstFit inline', 'ratio', 'exact 1st report', 'ratio', 'race (2 workers)', 'ratio', 'arenapack peak', 'same plan'],
      rows,
    );
    const r = (a: number): string => `${(a / tot.mm).toFixed(2)}x`;
    console.log(
      `Totals${allFit ? '' : ' (instances where every run fit)'}: MiniMalloc ${(tot.mm / 1000).toFixed(1)} s wall (${(tot.own / 1000).toFixed(1)} s by its own timer); ` +
        `arenapack firstFit inline ${(tot.fit / 1000).toFixed(1)} s (${r(tot.fit)}), exact's first report ${(tot.exact / 1000).toFixed(1)} s (${r(tot.exact)}), ` +
        `race of 2 workers ${(tot.race / 1000).toFixed(1)} s (${r(tot.race)}).`,
    );
    if (ratios.fit.length > 0) {
      console.log(
        `Geometric mean of arenapack/MiniMalloc per instance: firstFit inline ${geoMean(ratios.fit).toFixed(2)}x, exact's first report ${geoMean(ratios.exact).toFixed(2)}x, race ${geoMean(ratios.race).toFixed(2)}x.`,
      );
    }
    console.log(
      'ratio: arenapack / MiniMalloc wall (below 1: arenapack faster). firstFit: the whole solve, ended at the first plan within the capacity (bench/scaled.ts); ' +
        "exact 1st report: the solve's own elapsed time at its first progress report with a plan within it (bench/exact.ts). Every plan verified by arenapack's " +
        "verifier, MiniMalloc's read back from its output CSV; same plan: inline and race peaks equal in every run.",
    );

    const below: string[][] = [];
    for (const [name, capacity] of BELOW) {
      if (only && !only.test(name)) continue;
      const p = problems.find(([n]) => n === name)?.[1];
      if (!p) continue;
      const m = runMiniMalloc(bin, p, join(dir, `${name}.${p.capacity}.csv`), capacity, belowMs, tmp);
      below.push([
        name,
        String(capacity),
        m.outcome === 'plan' ? `plan, peak ${m.peak} (verified)` : m.outcome === 'none' ? 'none exists (its search ended)' : `none in ${belowMs / 1000} s`,
        ms(m.wallMs),
        m.ownMs === undefined ? '-' : ms(m.ownMs),
      ]);
    }
    printTable(
      `MiniMalloc below 1 MiB, at the capacities arenapack reaches (C proven optimal at 1,039,360), ${belowMs / 1000} s each`,
      ['instance', 'capacity', 'MiniMalloc', 'wall ms', 'its timer ms'],
      below,
    );
  } finally {
    pool.close();
    rmSync(tmp, { recursive: true, force: true });
  }
}
