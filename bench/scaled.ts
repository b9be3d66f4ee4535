// `npm run bench -- scaled [seconds]`: instances made of k challenging instances side by side in time
// (issue #15), solved whole by the portfolio, against the sum of their parts solved alone.
import type { Problem } from '../src/problem/types.js';
import { verifyPlan } from '../src/problem/verify.js';
import { solve, type SolveOptions, type SolveResult } from '../src/solve/solve.js';
import { createSolver } from '../src/worker/node.js';
import { rng, sideBySide } from '../test/helpers/problems.js';
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
  // The same through a pool of 2 workers (which solves the parts at once).
  const pool = createSolver({ size: 2 });
  const rows: string[][] = [];
  const cases: [string, ScaledPart[]][] = [
    ['F~ C (issue)', [{ name: 'F', mirrored: true }, { name: 'C', mirrored: false }]],
    ...[2, 4, 8, 12].map((k): [string, ScaledPart[]] => [`k=${k} seed 1`, scaledRecipe(names, k, k)]),
  ];
  // ARENAPACK_SCALED_ONLY=issue: the case alone.
  const only = process.env.ARENAPACK_SCALED_ONLY === 'issue' ? cases.slice(0, 1) : cases;
  for (const [label, recipe] of only) {
    const p = scaledProblem(
      recipe.map((x) => byName.get(x.name)!),
      recipe.map((x) => x.mirrored),
    );
    const limit = limitMs * recipe.length;
    const f = await firstFit(p, limit, inline);
    // (Skipped where one thread found no fit: the bench would only wait out the limit again.)
    const w = f.fits ? await firstFit(p, limit, (q, o) => pool.solve(q, o)) : undefined;
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
      unfit > 0 ? `${ms(sum)} (${unfit} no fit)` : ms(sum),
      String(f.peak),
      f.fits ? 'fits' : 'unknown',
      String(f.nodes),
    ]);
  }
  printTable(
    `Scaled instances: k challenging instances side by side in time (~ = mirrored), 1 MiB, exact, ${limitMs / 1000} s per part`,
    ['instance', 'parts', 'buffers', 'first fit ms', '2 workers ms', 'sum of parts ms', 'peak', 'status', 'search nodes'],
    rows,
  );
  pool.close();
}
