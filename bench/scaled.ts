// `npm run bench -- scaled [seconds]`: instances made of k challenging instances side by side in time
// (issue #15), solved whole by the portfolio, against the sum of their parts solved alone.
import type { Problem } from '../src/problem/types.js';
import { verifyPlan } from '../src/problem/verify.js';
import { solve, type SolveOptions, type SolveResult } from '../src/solve/solve.js';
import { createSolver } from '../src/worker/node.js';
import { randomProblem, rng, sideBySide } from '../test/helpers/problems.js';
import { challengingProblems } from './challenging.js';
import { ms, printTable } from './table.js';

/** One part of a scaled instance: which challenging instance, and whether it runs backwards in time. */
export interface ScaledPart {
  name: string;
  mirrored: boolean;
}

/** The problems side by side in time (sideBySide), under the first one's capacity. */
function scaledProblem(problems: Problem[], mirrored: boolean[]): Problem {
  const capacity = problems[0]?.capacity;
  return { ...sideBySide(problems, mirrored), ...(capacity !== undefined ? { capacity } : {}) };
}

/**
 * The seeded recipe of a scaled instance: k challenging instances drawn with replacement, each
 * mirrored with probability 1/2 when `mirror` is set. Same seed, same instance.
 */
export function scaledRecipe(names: string[], k: number, seed: number, mirror = true): ScaledPart[] {
  const r = rng(seed);
  return Array.from({ length: k }, () => ({ name: names[Math.floor(r() * names.length)]!, mirrored: mirror && r() < 0.5 }));
}

/** A way to solve: inline, or through a pool of workers. */
export type Run = (p: Problem, o: SolveOptions) => Promise<SolveResult>;

/**
 * Wall time (ms) until the portfolio first holds a plan within the capacity: the problem gets one
 * more buffer of `capacity` bytes alone at a step after the rest, which lifts its lower bound to the
 * capacity, so the solve ends at the first plan that fits. Returns the peak of the real buffers.
 * `extra`: more options of the solve (bench/ablation.ts turns switches off).
 */
export async function firstFit(
  p: Problem,
  limitMs: number,
  run: Run,
  extra: SolveOptions = {},
): Promise<{ ms: number; peak: number; fits: boolean; nodes: number }> {
  const cap = p.capacity!;
  const end = Math.max(...p.buffers.map((b) => b.end));
  const q: Problem = { buffers: [...p.buffers, { id: 'floor', size: cap, start: end, end: end + 1 }], capacity: cap };
  const t = performance.now();
  const r = await run(q, { ...extra, method: 'exact', timeLimitMs: limitMs });
  const took = performance.now() - t;
  if (!verifyPlan(q, r.offsets, r.peak).valid) throw new Error('invalid plan');
  let peak = 0;
  p.buffers.forEach((b, i) => (peak = Math.max(peak, r.offsets[i]! + b.size)));
  return { ms: took, peak, fits: peak <= cap, nodes: r.searchNodes ?? 0 };
}

/** The k of `ARENAPACK_SCALED_K` (`2-12` default, or `a-b`, or `k`), the issue's case with `issue`. */
function scaledKs(): { issue: boolean; ks: number[] } {
  const spec = process.env.ARENAPACK_SCALED_K ?? 'issue,2-12';
  const ks: number[] = [];
  let issue = false;
  for (const item of spec.split(',')) {
    if (item === 'issue') issue = true;
    const m = /^(\d+)(?:-(\d+))?$/.exec(item);
    if (m) for (let k = Number(m[1]); k <= Number(m[2] ?? m[1]); k++) ks.push(k);
  }
  return { issue, ks };
}

/**
 * `npm run bench -- scaled [seconds]`: for k = 2..12 (ARENAPACK_SCALED_K picks some), the instance of
 * k challenging instances of recipe seed k, to its first plan within 1 MiB: inline (one thread), through a
 * pool of 2 workers (the parts at once, the exact search raced in a worker left idle), and the sum of
 * its parts' times alone (inline). `seconds`: the limit per part (the whole gets k times it). Both
 * sides are warm (workers started, WASM compiled) before the first row; the workers' start is printed apart.
 */
export async function benchScaled(shared: string, limitMs: number): Promise<void> {
  const problems = challengingProblems(shared);
  if (!problems) return;
  const byName = new Map(problems);
  const names = problems.map(([n]) => n);
  const inline: Run = (p, o) => Promise.resolve(solve(p, o));
  const alone = new Map<string, { ms: number; fits: boolean }>();
  const aloneFit = async (part: ScaledPart): Promise<{ ms: number; fits: boolean }> => {
    const key = `${part.name}${part.mirrored ? '~' : ''}`;
    if (!alone.has(key)) {
      const p = scaledProblem([byName.get(part.name)!], [part.mirrored]);
      alone.set(key, await firstFit(p, limitMs, inline));
    }
    return alone.get(key)!;
  };
  const pool = createSolver({ size: 2 });
  // Both sides warm before the table (as bench workers does): the workers started, the main thread's
  // WASM compiled. A cold pool's first row paid the workers' start (issue #15: F~ C, the first row, at
  // 0.48x); that start is printed apart.
  const warm = randomProblem(50, 1);
  solve(warm, { method: 'heuristic' });
  const t0 = performance.now();
  await Promise.all([pool.solve(warm, { method: 'heuristic' }), pool.solve(warm, { method: 'heuristic' })]);
  const startMs = performance.now() - t0;
  const rows: string[][] = [];
  const { issue, ks } = scaledKs();
  const cases: [string, ScaledPart[]][] = [
    ...(issue ? [['F~ C (issue)', [{ name: 'F', mirrored: true }, { name: 'C', mirrored: false }]] as [string, ScaledPart[]]] : []),
    ...ks.map((k): [string, ScaledPart[]] => [`k=${k} seed ${k}`, scaledRecipe(names, k, k)]),
  ];
  let inlineTotal = 0;
  let poolTotal = 0;
  for (const [label, recipe] of cases) {
    const p = scaledProblem(
      recipe.map((x) => byName.get(x.name)!),
      recipe.map((x) => x.mirrored),
    );
    const limit = limitMs * recipe.length;
    const f = await firstFit(p, limit, inline);
    // (Skipped where one thread found no fit: the bench would only wait out the limit again.)
    const w = f.fits ? await firstFit(p, limit, (q, o) => pool.solve(q, o)) : undefined;
    if (w !== undefined && w.peak !== f.peak) throw new Error(`${label}: the pool's plan differs from the inline one (${w.peak} vs ${f.peak})`);
    if (f.fits && w?.fits) {
      inlineTotal += f.ms;
      poolTotal += w.ms;
    }
    let sum = 0;
    let unfit = 0;
    for (const x of recipe) {
      const a = await aloneFit(x);
      sum += a.ms;
      if (!a.fits) unfit++;
    }
    rows.push([
      label,
      recipe.map((x) => `${x.name}${x.mirrored ? '~' : ''}`).join(' '),
      String(p.buffers.length),
      f.fits ? ms(f.ms) : `no fit in ${limit / 1000} s`,
      w === undefined ? '-' : w.fits ? ms(w.ms) : `no fit in ${limit / 1000} s`,
      w?.fits && f.fits ? `${(f.ms / w.ms).toFixed(2)}x` : '-',
      unfit > 0 ? `${ms(sum)} (${unfit} no fit)` : ms(sum),
      f.fits ? `${(f.ms / sum).toFixed(2)}x` : '-',
      String(f.peak),
      f.fits ? 'fits' : 'unknown',
      String(f.nodes),
    ]);
  }
  printTable(
    `Scaled instances: k challenging instances side by side in time (~ = mirrored), to the first plan within 1 MiB (exact), ${limitMs / 1000} s per part`,
    ['instance', 'parts', 'buffers', 'inline ms', '2 workers ms', 'speed-up', 'sum of parts ms', 'inline / sum', 'peak', 'status', 'search nodes'],
    rows,
  );
  console.log(`Total where both fit: inline ${ms(inlineTotal)} ms, 2 workers ${ms(poolTotal)} ms (same plans: checked).`);
  console.log(`The 2 workers' start before the table (not in it): ${ms(startMs)} ms (${import.meta.url.endsWith('.ts') ? 'from the .ts sources through tsx' : 'built JS'}).`);
  pool.close();
}
