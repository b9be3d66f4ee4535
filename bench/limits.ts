// `npm run bench -- limits`: the whole `arenapack plan` command against --time-limit (issue #10,
// "Scale and limits": the command must end within the limit + 10%), on the cases the issue names:
// the heuristics at 10^4 and 10^5 buffers, a capacity that does not fit (spill) at 10^4, 10^5 and
// 10^6, greedy-size at 10^6 (report and --json), memory tiers at 10^5 and three memories at 8,000,
// GLPK on MiniMalloc's A, a 10^5 problem split in time, the fit hints after a 10^5 spill, three
// memories at 20,000 buffers with the last bounded or not, 10,000 and 2,000 buffers densely live, and four 10^5 files with --jobs 2. Each case is one process (`node build/js/cli.js plan ...`, build first):
// its wall time from spawn to exit, the ratio to the limit, the exit code, and over memory tiers the plan's traffic cost. The inputs come from
// the seeded generators of the tests (test/helpers/problems.ts), so every run plans the same files.
// ARENAPACK_BENCH_ONLY=regexp runs the cases whose name matches; ARENAPACK_BENCH_CLI=path times another
// build of the command (e.g. a copy of main's build/js, for a before / after table).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { problemToCsv } from '../src/export/csv.js';
import { liveBound } from '../src/problem/bounds.js';
import type { Problem } from '../src/problem/types.js';
import { scatteredProblem, sideBySide } from '../test/helpers/problems.js';
import { printTable } from './table.js';

const here = dirname(fileURLToPath(import.meta.url));

/**
 * One case: its name, the input (a generated problem, several of them planned in one command, or a
 * file of ../shared), the flags (given the first problem), the limit (s).
 */
interface LimitCase {
  name: string;
  input: (() => Problem) | (() => Problem[]) | string;
  flags: (p: Problem | undefined) => string[];
  limit: number;
}

/** 80% of the live bound, as bytes: a capacity the plan cannot fit whole (the spill phase runs). */
const cap80 = (p: Problem | undefined): string[] => ['--capacity', String(Math.floor(liveBound(p!) * 0.8))];

/**
 * Three memories, as test/solve/tiers-scale.test.ts's threeMemories (costs 1, 2 and 10, the last
 * unbounded), sized so that the first does not hold the whole plan: 512 KiB and 1 MiB against a live
 * bound of about 2 MiB (scatteredProblem(8000, 1)), so the heuristic's rounds of placements run.
 */
const threeMemories = (): string[] => ['--memory', 'tcm=512KiB:1', '--memory', 'sram=1MiB:2', '--memory', 'ddr:10'];

/**
 * The three memories with a bounded last one (sram 64 KiB, psram 1 MiB, ddr 64 MiB; costs 1, 4,
 * 20), over 20,000 buffers of 1 B..64 KiB living 1..16 steps from 0..5,000 (a live bound of about 1.5 MiB):
 * short of time, the bands (one arena cut by address) when ddr holds the top of that arena.
 */
const boundedMemories = (): string[] => ['--memory', 'sram=64KiB:1', '--memory', 'psram=1MiB:4', '--memory', 'ddr=64MiB:20'];

/** The cases of the issue (see the file's head); the 10^6 cases are the "Done when". */
export function limitCases(shared: string): LimitCase[] {
  return [
    { name: '1e4 heuristic', input: () => scatteredProblem(10_000, 1), flags: () => ['--method', 'heuristic'], limit: 10 },
    { name: '1e5 heuristic', input: () => scatteredProblem(100_000, 1), flags: () => ['--method', 'heuristic'], limit: 10 },
    { name: '1e4 capacity 80% LB', input: () => scatteredProblem(10_000, 1), flags: cap80, limit: 10 },
    { name: '1e5 capacity 80% LB', input: () => scatteredProblem(100_000, 1), flags: cap80, limit: 10 },
    { name: '1e5 memory tiers', input: () => scatteredProblem(100_000, 1), flags: () => ['--memory', 'sram=512KiB:1', '--memory', 'ddr:10'], limit: 10 },
    { name: 'A.csv glpk', input: join(shared, 'benchmarks', 'minimalloc', 'challenging', 'A.1048576.csv'), flags: () => ['--method', 'glpk'], limit: 5 },
    { name: '1e5 split in time (10 parts)', input: () => sideBySide(Array.from({ length: 10 }, (_, k) => scatteredProblem(10_000, k + 1))), flags: () => [], limit: 1 },
    { name: '1e5 capacity 1MiB + hints', input: () => scatteredProblem(100_000, 1), flags: () => ['--capacity', '1MiB'], limit: 30 },
    { name: '1e6 capacity 80% LB', input: () => scatteredProblem(1_000_000, 1), flags: cap80, limit: 10 },
    { name: '1e6 greedy-size', input: () => scatteredProblem(1_000_000, 1), flags: () => ['--method', 'greedy-size'], limit: 10 },
    { name: '1e6 greedy-size --json', input: () => scatteredProblem(1_000_000, 1), flags: () => ['--method', 'greedy-size', '--json'], limit: 10 },
    { name: '8e3 three memories', input: () => scatteredProblem(8_000, 1), flags: threeMemories, limit: 1 },
    { name: '1e6 heuristic', input: () => scatteredProblem(1_000_000, 1), flags: () => ['--method', 'heuristic'], limit: 10 },
    { name: '1e5 three memories', input: () => scatteredProblem(100_000, 1), flags: threeMemories, limit: 3 },
    { name: '2e4 three memories, ddr bounded', input: () => scatteredProblem(20_000, 1, 5000), flags: boundedMemories, limit: 1 },
    { name: '2e4 three memories, ddr unbounded', input: () => scatteredProblem(20_000, 1, 5000), flags: () => boundedMemories().slice(0, 5).concat('ddr:20'), limit: 1 },
    // Dense (issue #10's audit): 10,000 buffers live within ~116 steps (the report's "before" took 1.8 s
    // past the deadline: 12 s under 10), and 2,000 within ~76 under the default limit (the search ran
    // until the clock: another plan each run).
    { name: '1e4 dense (~116 steps)', input: () => scatteredProblem(10_000, 5, 100), flags: () => [], limit: 10 },
    { name: '2e3 dense (~76 steps), default limit', input: () => scatteredProblem(2_000, 11, 60), flags: () => [], limit: 10 },
    { name: '4 files x 1e5 --jobs 2', input: () => [1, 2, 3, 4].map((k) => scatteredProblem(100_000, k)), flags: () => ['--jobs', '2'], limit: 5 },
  ];
}

/**
 * Runs each case (limitCases) as `node build/js/cli.js plan FILE FLAGS --time-limit L` and prints
 * the table: case, limit, wall time, wall / limit, exit code, the report's lines that say a phase
 * was cut by the limit, and whether the command said it was late (and why). A case whose file is missing (no ../shared) is left out with a note.
 */
export function benchLimits(shared: string, only?: RegExp): void {
  const cli = process.env.ARENAPACK_BENCH_CLI ?? join(here, '..', 'build', 'js', 'cli.js');
  console.log(`the command timed: ${cli}`);
  const dir = mkdtempSync(join(tmpdir(), 'arenapack-bench-limits-'));
  const rows: string[][] = [];
  try {
    for (const c of limitCases(shared)) {
      if (only !== undefined && !only.test(c.name)) continue;
      let files: string[];
      let p: Problem | undefined;
      if (typeof c.input === 'string') {
        if (!existsSync(c.input)) {
          console.log(`note: ${c.name}: ${c.input} is missing, left out`);
          continue;
        }
        files = [c.input];
      } else {
        const made = c.input();
        const problems = Array.isArray(made) ? made : [made];
        p = problems[0];
        files = problems.map((q, k) => {
          const file = join(dir, `case${k}.csv`);
          writeFileSync(file, problemToCsv(q));
          return file;
        });
      }
      const rssFile = join(dir, 'maxrss');
      rmSync(rssFile, { force: true });
      const args = ['--import', join(here, 'max-rss.mjs'), cli, 'plan', ...files, ...c.flags(p), '--time-limit', String(c.limit)];
      // A run far past its limit is stopped (its row says so): 4 x the limit, at least 60 s.
      const killAt = Math.max(60, 4 * c.limit);
      const t = performance.now();
      const r = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 30, timeout: killAt * 1000, env: { ...process.env, ARENAPACK_BENCH_MAXRSS: rssFile } });
      const s = (performance.now() - t) / 1000;
      const peakMb = existsSync(rssFile) ? (Number(readFileSync(rssFile, 'utf8')) / 1024).toFixed(0) : '-';
      const cut = (r.stdout ?? '').split('\n').filter((l) => /time limit/.test(l)).length;
      // Memory tiers: the plan's traffic cost (the report's line), what the time limit costs in quality.
      const traffic = /traffic cost\s+(\d+)/.exec(r.stdout ?? '')?.[1] ?? '-';
      // What the command itself said of being late: its stderr note past 10% (src/cli-overrun.ts), with the
      // cause it measured, or the plan's note that the limit is below the least time.
      const err = r.stderr ?? '';
      const said = /it had the CPU for/.test(err)
        ? 'over 10%: waited for the CPU'
        : /on the CPU all along/.test(err)
          ? 'over 10%: least work'
          : /below the least time/.test(r.stdout ?? '')
            ? 'below the least time'
            : '-';
      rows.push([c.name, String(c.limit), s.toFixed(2), (s / c.limit).toFixed(2), r.status === null ? `killed at ${killAt} s` : String(r.status), String(cut), said, traffic, peakMb]);
      console.log(`${c.name}: ${s.toFixed(2)} s (limit ${c.limit} s), exit ${r.status}, peak ${peakMb} MiB`);
      if (p !== undefined) for (const f of files) rmSync(f);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  printTable('arenapack plan against --time-limit: wall time of the whole command (spawn to exit; must be <= 1.1 x limit)', ['case', 'limit s', 'wall s', 'wall / limit', 'exit', 'lines naming the time limit', 'the command said it was late', 'traffic cost (tiers)', 'peak MiB (max RSS)'], rows);
}
