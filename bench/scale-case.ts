// One case of `npm run bench -- scale`, in a process of its own so that its peak memory is its own:
//   tsx bench/scale-case.ts <kind> <n> <method> <time limit s>
// prints one JSON line: { n, pairs, method, peak, liveBound, status, methods, notes, timeMs, maxRssMiB, wasmMiB }.
import { verifyPlan } from '../src/problem/verify.js';
import type { Problem } from '../src/problem/types.js';
import type { MethodName, Portfolio } from '../src/solve/methods.js';
import { solve } from '../src/solve/solve.js';
import { randomProblem, scatteredProblem } from '../test/helpers/problems.js';

const [kind = 'scattered', nText = '10000', method = 'greedy-size', limitText = '10'] = process.argv.slice(2);
const n = Number(nText);
const problem: Problem = kind === 'scattered' ? scatteredProblem(n, 1) : kind === 'dense' ? scatteredProblem(n, 1, Math.round(n / 40)) : randomProblem(n, 1);
const t = performance.now();
const r = solve(problem, { method: method as MethodName | Portfolio, timeLimitMs: Number(limitText) * 1000 });
const timeMs = performance.now() - t;
const tv = performance.now();
const valid = verifyPlan(problem, r.offsets, r.peak).valid;
const verifyMs = performance.now() - tv;
console.log(
  JSON.stringify({
    kind,
    n,
    method,
    peak: r.peak,
    liveBound: r.liveBound,
    status: r.status,
    best: r.method,
    methods: r.methods.map((m) => m.method),
    notes: r.notes ?? [],
    timeMs,
    verifyMs,
    valid,
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
  }),
);
