// `npm run bench -- scale`: plans of 10^4..10^6 buffers (issue #10's random CSV: 1 B..64 KiB, live
// 1..16 steps, 4 buffers starting per step), each case in a process of its own so that its peak memory
// (max RSS) is its own: the whole command's wall time against --time-limit (benchTimeLimit), and each
// step of it (bench/scale-case.ts, benchScale); verify = the independent verifier.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { problemToCsv } from '../src/export/csv.js';
import { liveBound } from '../src/problem/bounds.js';
import { scatteredProblem } from '../test/helpers/problems.js';
import { printTable } from './table.js';

const here = dirname(fileURLToPath(import.meta.url));
const tsx = join(here, '..', 'node_modules', '.bin', 'tsx');

interface CaseOut {
  n: number;
  method: string;
  peak: number;
  chipPeak?: number;
  spilled?: number;
  liveBound: number;
  status: string;
  best: string;
  methods: string[];
  heuristicsMs: number;
  notes: string[];
  phases: Record<'read' | 'parse' | 'validate' | 'solve' | 'spill' | 'report', number>;
  totalMs: number;
  verifyMs: number;
  valid: boolean;
  maxRssMiB: number;
}

/**
 * The steps of `arenapack plan X.csv` one by one (bench/scale-case.ts: read, parse, validate, solve —
 * of which the heuristics —, spill, report) under one deadline of 10 s made before the file is read,
 * at 10^4..10^6 buffers, each case in a process of its own; then the independent verifier (not timed
 * in the total).
 */
export function benchScale(): void {
  const cases: [number, string, number][] = [
    [10_000, 'greedy-size', 0],
    [10_000, 'auto', 0],
    [100_000, 'greedy-size', 0],
    [100_000, 'heuristic', 0],
    [1_000_000, 'greedy-size', 0],
    [1_000_000, 'heuristic', 0],
    [1_000_000, 'auto', 0],
    [1_000_000, 'auto', 0.8],
  ];
  const rows: string[][] = [];
  const notes = new Set<string>();
  const dir = mkdtempSync(join(tmpdir(), 'arenapack-bench-scale-'));
  const s = (ms: number | undefined): string => (ms === undefined ? '-' : (ms / 1000).toFixed(2));
  try {
    for (const [n, method, capShare] of cases) {
      const p = scatteredProblem(n, 1);
      const file = join(dir, `p${n}.csv`);
      writeFileSync(file, problemToCsv(p));
      const args = [join(here, 'scale-case.ts'), file, method, '10'];
      if (capShare > 0) args.push(String(Math.floor(liveBound(p) * capShare)));
      const r = spawnSync(tsx, args, { encoding: 'utf8', maxBuffer: 1 << 26 });
      rmSync(file);
      if (r.status !== 0) {
        rows.push([String(n), method, `failed (exit ${r.status}): ${(r.stderr || '').split('\n').find((l) => l.trim()) ?? ''}`]);
        continue;
      }
      const o = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as CaseOut;
      for (const x of o.notes) notes.add(`${n} ${method}${capShare > 0 ? ' --capacity' : ''}: ${x}`);
      rows.push([
        String(n),
        method,
        capShare > 0 ? `${capShare * 100}% of LB` : '-',
        o.chipPeak !== undefined ? `${o.chipPeak} (+${o.spilled} spilled)` : String(o.peak),
        `${((o.peak / o.liveBound - 1) * 100).toFixed(1)}%`,
        o.status,
        s(o.phases.read + o.phases.parse),
        s(o.phases.validate),
        s(o.phases.solve),
        s(o.heuristicsMs),
        s(o.phases.spill),
        s(o.phases.report),
        s(o.totalMs),
        s(o.verifyMs),
        o.valid ? 'yes' : 'NO',
        o.maxRssMiB.toFixed(0),
      ]);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  printTable(
    "Scale: issue #10's random CSV (1 B..64 KiB, live 1..16 steps, n/4 start steps), the steps of `plan`, one deadline of 10 s (seconds)",
    ['n', 'method', 'capacity', 'peak', 'over LB', 'status', 'read+parse', 'validate', 'solve', 'heuristics', 'spill', 'report', 'total', 'verify', 'valid', 'max RSS MiB'],
    rows,
  );
  for (const x of notes) console.log(`note ${x}`);
}

/** Makes the child report its peak memory and CPU time on stderr as it exits (a last line `usage {...}`). */
const USAGE_HOOK =
  'data:text/javascript,' +
  encodeURIComponent("process.on('exit',()=>{const u=process.resourceUsage();process.stderr.write('\\nusage '+JSON.stringify({maxRss:u.maxRSS,cpu:(u.userCPUTime+u.systemCPUTime)/1e6})+'\\n')})");

/**
 * The whole command against --time-limit (issue #10: 11.7 s for a 10 s limit with --method heuristic,
 * and a second limit for the spill phase): `arenapack plan` on the random CSV, wall time of the process
 * (node's start, reading, solving, spilling, writing the report), its CPU time (user + system: on a
 * busy machine the wall time also counts the waits) and its peak memory (max RSS).
 */
export function benchTimeLimit(): void {
  const cli = join(here, '..', 'build', 'js', 'cli.js');
  const dir = mkdtempSync(join(tmpdir(), 'arenapack-bench-scale-'));
  const rows: string[][] = [];
  try {
    // Each size at --time-limit 10 and 5, without a capacity (heuristic) and with one that does not
    // fit (auto at 80% of the live bound: the spill phase runs too); greedy-size alone at 10^6.
    const cases: [number, string, number, number][] = [];
    for (const n of [10_000, 100_000, 1_000_000]) for (const limit of [10, 5]) cases.push([n, 'heuristic', limit, 0], [n, 'auto', limit, 0.8]);
    cases.push([1_000_000, 'greedy-size', 10, 0]);
    for (const [n, method, limit, capShare] of cases) {
      const p = scatteredProblem(n, 1);
      const file = join(dir, `p${n}.csv`);
      writeFileSync(file, problemToCsv(p));
      const live = liveBound(p);
      const args = ['--import', USAGE_HOOK, cli, 'plan', file, '--method', method, '--time-limit', String(limit)];
      if (capShare > 0) args.push('--capacity', String(Math.floor(live * capShare)));
      const t = performance.now();
      const r = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 26, timeout: 180_000 });
      const s = (performance.now() - t) / 1000;
      const usage = /usage (\{.*\})\s*$/.exec(r.stderr ?? '');
      const u = usage ? (JSON.parse(usage[1]!) as { maxRss: number; cpu: number }) : undefined;
      // The report's plan of every buffer ("arena needed ... (N B)") and, after spilling, how many spilled.
      const peak = /arena needed .*?\((\d+) B\)/.exec(r.stdout ?? '');
      const spilled = /fits after spilling (\d+) buffers/.exec(r.stdout ?? '');
      const notes = (r.stdout ?? '').split('\n').filter((l) => / left out: the time limit was reached| left out: it would end past the time limit| cut by the time limit after|^  note: spill: the time limit/.test(l)).length;
      rows.push([
        String(n),
        method,
        capShare > 0 ? `${capShare * 100}% of LB` : '-',
        String(limit),
        s.toFixed(2),
        `${((s / limit - 1) * 100).toFixed(0)}%`,
        peak ? `${((Number(peak[1]) / live - 1) * 100).toFixed(1)}%` : '-',
        spilled ? spilled[1]! : '-',
        u ? u.cpu.toFixed(2) : '-',
        u ? (u.maxRss / 1024).toFixed(0) : '-',
        String(notes),
        r.status === null ? 'killed at 180 s' : String(r.status),
      ]);
      rmSync(file);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  printTable('arenapack plan against --time-limit: wall time of the whole command', ['n', 'method', 'capacity', 'limit s', 'wall s', 'over limit', 'plan over LB', 'spilled', 'cpu s', 'max RSS MiB', 'phases cut by the limit', 'exit'], rows);
}
