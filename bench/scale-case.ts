// One case of `npm run bench -- scale`, in a process of its own so that its peak memory is its own:
//   tsx bench/scale-case.ts <csv file> <method> <time limit s> [capacity]
// runs the steps of `arenapack plan FILE` (src/cli.ts) one by one under one deadline made before the
// file is read, times each, and prints one JSON line (CaseOut in bench/scale.ts).
import { readFileSync } from 'node:fs';
import { formatReport } from '../src/export/report.js';
import { parseCsv } from '../src/import/csv.js';
import { validateProblem } from '../src/problem/validate.js';
import { verifyPlan, verifySpilledPlan } from '../src/problem/verify.js';
import { Deadline } from '../src/solve/deadline.js';
import type { MethodName, Portfolio } from '../src/solve/methods.js';
import { solve } from '../src/solve/solve.js';
import { planWithSpill, spillOptions } from '../src/solve/spill.js';

const [file = '', method = 'greedy-size', limitText = '10', capacityText] = process.argv.slice(2);
const t0 = performance.now();
const deadline = Deadline.in(Number(limitText) * 1000);
const phases: Record<string, number> = {};
const timed = <T>(name: string, run: () => T): T => {
  const t = performance.now();
  const r = run();
  phases[name] = performance.now() - t;
  return r;
};
const text = timed('read', () => readFileSync(file, 'utf8'));
const problem = timed('parse', () => parseCsv(text, file));
timed('validate', () => validateProblem(problem));
if (capacityText !== undefined) problem.capacity = Number(capacityText);
const options = { method: method as MethodName | Portfolio, deadline };
// Validated above, as the CLI does (solve() then checks only the capacity): its row is not counted twice.
const r = timed('solve', () => solve(problem, { ...options, validated: true }));
const plan = timed('spill', () => planWithSpill(problem, r, spillOptions(options, r)));
timed('report', () => formatReport(problem, plan, file, { verbose: false, hints: [] }));
const totalMs = performance.now() - t0;
const tv = performance.now();
const valid = plan.spill !== undefined ? verifySpilledPlan(problem, plan.spill.memory, plan.offsets, plan.spill.capacity).valid : verifyPlan(problem, plan.offsets, plan.peak).valid;
const verifyMs = performance.now() - tv;
console.log(
  JSON.stringify({
    n: problem.buffers.length,
    method,
    peak: r.peak,
    chipPeak: plan.spill !== undefined ? plan.peak : undefined,
    spilled: plan.spill?.spilled.length,
    liveBound: r.liveBound,
    status: plan.status,
    best: r.method,
    methods: r.methods.map((m) => m.method),
    heuristicsMs: r.methods.reduce((s, m) => s + m.timeMs, 0),
    notes: [...(plan.notes ?? [])],
    phases,
    totalMs,
    verifyMs,
    valid,
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
  }),
);
