// `npm run bench -- callgrind [nodes]`: instructions executed (valgrind's callgrind, event Ir) by a
// fixed-work solve of each MiniMalloc challenging instance (bench/callgrind-case.mjs: `search` at 1 MiB
// ending at a budget of search nodes, default 3000), three runs each (bench -- exact: one), with their spread. Counts do not
// depend on the machine's load the way times do; V8 is made as repeatable as it goes (V8_FLAGS below),
// and the spread says how far that holds. Needs the built bundle (npm run build) and valgrind; skipped,
// visibly, without either.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { printTable } from './table.js';

/**
 * V8 made repeatable: one thread (no concurrent compiler or GC threads: their interleaving changes what
 * the main thread does), fixed random and hash seeds, and the WASM engine compiled once by the optimizing
 * compiler up front (no baseline tier, no tier-up at a time that depends on the clock).
 */
export const V8_FLAGS = ['--single-threaded', '--predictable', '--predictable-gc-schedule', '--random-seed=1', '--hash-seed=1', '--no-liftoff', '--no-wasm-tier-up'];

/** Runs of each instance by default (the spread says how repeatable the counts are). */
const RUNS = 3;

/** Ir of one run, or an Error with valgrind's output. */
function countIr(caseFile: string, csv: string, nodes: number, outDir: string): { ir: number; result: string } {
  const out = join(outDir, 'callgrind.out');
  const r = spawnSync(
    'valgrind',
    ['--tool=callgrind', `--callgrind-out-file=${out}`, process.execPath, ...V8_FLAGS, caseFile, csv, String(nodes)],
    { encoding: 'utf8', maxBuffer: 64 << 20 },
  );
  const m = /Collected\s*:\s*(\d+)/.exec(r.stderr);
  if (r.status !== 0 || !m) throw new Error(`valgrind failed on ${csv} (exit ${r.status}):\n${r.stderr.slice(-2000)}`);
  rmSync(out, { force: true });
  return { ir: Number(m[1]), result: r.stdout.trim() };
}

/** Whether `valgrind --version` runs. */
function haveValgrind(): boolean {
  return spawnSync('valgrind', ['--version'], { encoding: 'utf8' }).status === 0;
}

/**
 * The instruction counts of the instances named in `only` (comma-separated; default all), `runs` runs
 * each (default RUNS; with one run no spread is shown). Skipped with a visible note without the
 * instances, valgrind or the built bundle.
 */
export function benchCallgrind(shared: string, nodes: number, only?: string, runs = RUNS): void {
  const dir = join(shared, 'benchmarks', 'minimalloc', 'challenging');
  const root = fileURLToPath(new URL('..', import.meta.url));
  const caseFile = join(root, 'bench', 'callgrind-case.mjs');
  if (!existsSync(dir)) return void console.log(`\n(SKIPPED: ${dir} is absent: no instruction counts)`);
  if (!haveValgrind()) return void console.log('\n(SKIPPED: valgrind is not installed (apt-get install valgrind): no instruction counts)');
  if (!existsSync(join(root, 'build', 'dist', 'arenapack.js'))) return void console.log('\n(SKIPPED: build/dist is absent: run npm run build first)');
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.csv'))
    .filter((f) => only === undefined || only.split(',').includes(f.split('.')[0]!))
    .sort();
  const tmp = mkdtempSync(join(tmpdir(), 'arenapack-callgrind-'));
  const rows: string[][] = [];
  let total = 0;
  let worst = 0;
  try {
    for (const f of files) {
      const counted = Array.from({ length: runs }, () => countIr(caseFile, join(dir, f), nodes, tmp));
      const irs = counted.map((r) => r.ir);
      const lo = Math.min(...irs);
      const hi = Math.max(...irs);
      const median = [...irs].sort((a, b) => a - b)[Math.floor(runs / 2)]!;
      const spread = (hi - lo) / median;
      worst = Math.max(worst, spread);
      total += median;
      if (new Set(counted.map((r) => r.result)).size !== 1) throw new Error(`${f}: the runs gave different results: ${counted.map((r) => r.result).join(' / ')}`);
      const spreadCell = runs > 1 ? `${(spread * 100).toFixed(3)}%` : '-';
      rows.push([f.split('.')[0]!, counted[0]!.result, (median / 1e9).toFixed(4), ...irs.map((x) => String(x)), spreadCell]);
      console.log(`${f}: median ${median} Ir${runs > 1 ? `, spread ${spreadCell}` : ''}`);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  printTable(
    `Instructions (callgrind Ir) of a fixed-work solve: search at 1 MiB, ${nodes} nodes at most; node ${process.version} ${V8_FLAGS.join(' ')}`,
    ['instance', 'result', runs > 1 ? 'G Ir (median)' : 'G Ir', ...Array.from({ length: runs }, (_, i) => `run ${i + 1}`), 'spread (max-min)/median'],
    rows,
  );
  console.log(`\nTotal of the medians: ${(total / 1e9).toFixed(3)} G Ir${runs > 1 ? `; largest spread ${(worst * 100).toFixed(3)}%` : ' (one run each: bench -- callgrind runs three and shows their spread)'}.`);
}
