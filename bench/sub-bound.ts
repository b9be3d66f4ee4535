import { verifyPlan } from '../src/problem/verify.js';
import { solve } from '../src/solve/solve.js';
import { subInstanceBound } from '../src/solve/sub-bound.js';
import { challengingProblems } from './challenging.js';
import { ms, printTable } from './table.js';

/**
 * `npm run bench -- subbound [nodes per window] [nodes in all]`: the sub-instance bound
 * (src/solve/sub-bound.ts) on the challenging instances whose names match ARENAPACK_BENCH_ONLY (default
 * all), with node budgets (defaults 100,000 and 1,000,000; deterministic), against the best plan `exact` (with the
 * instance's capacity, 1 MiB) finds in ARENAPACK_BENCH_EXACT_S seconds (default 10): every window tried, then one row per instance
 * (live bound, sub-instance bound and the window that gave it, best plan, gap before and after). The
 * windows are tried even where exact's plan is proven optimal: a bound above it would be an error.
 */
export function benchSubBound(shared: string, only: RegExp, perWindow: number, total: number, exactMs: number): void {
  const problems = challengingProblems(shared);
  if (!problems) return;
  const rows: string[][] = [];
  for (const [name, p] of problems.filter(([n]) => only.test(n))) {
    const e = solve(p, { method: 'exact', timeLimitMs: exactMs });
    if (!verifyPlan(p, e.offsets, e.peak).valid) throw new Error(`${name}: invalid exact plan`);
    console.log(`\n## ${name}: sub-instance windows (${perWindow} nodes each, ${total} in all), live bound ${e.liveBound}, best plan ${e.peak}\n`);
    const t = performance.now();
    // No `upper`: on instances already proven optimal the windows are tried all the same, so that the bound
    // is checked against the optimum (it must never exceed it), not stopped by it. Each window is printed
    // as it ends (a long run cut short still shows what it did).
    const s = subInstanceBound(p, {
      maxNodesPerWindow: perWindow,
      maxNodes: total,
      onWindow: (w) => console.log(`  steps [${w.from}, ${w.to}): ${w.buffers} buffers, ${w.outcome}${w.peak === undefined ? '' : ` ${w.peak}`}, ${w.nodes} nodes, ${ms(performance.now() - t)} ms`),
    });
    const took = performance.now() - t;
    if (s.bound > e.peak) throw new Error(`${name}: sub-instance bound ${s.bound} above a plan of peak ${e.peak}`);
    const gap = (b: number): string => `${(((e.peak - b) / b) * 100).toFixed(2)}%`;
    rows.push([
      name,
      String(p.buffers.length),
      String(e.liveBound),
      String(s.bound),
      s.window === undefined ? s.proof : `window [${s.window.from}, ${s.window.to}), ${s.window.buffers} buffers`,
      String(s.windows.length),
      String(s.nodes),
      ms(took),
      String(e.peak),
      e.status,
      gap(e.bound),
      gap(Math.max(e.bound, s.bound)),
    ]);
  }
  printTable(
    `Sub-instance bound on MiniMalloc's challenging instances (${perWindow} nodes a window, ${total} in all), best plan from exact in ${exactMs / 1000} s`,
    ['instance', 'n', 'live bound', 'sub bound', 'from', 'windows', 'nodes', 'ms', 'best plan', 'exact status', 'gap before', 'gap after'],
    rows,
  );
}
