// `npm run bench -- ablation [seconds] [config,...]`: the exact search's switches (src/solve/switches.ts)
// measured one at a time (issue #15). Per MiniMalloc challenging instance at 1 MiB: wall time to the
// first plan within 1 MiB (bench/scaled.ts firstFit) and the search's nodes, with everything on and with
// each switch off in turn; a geometric-mean row per configuration. A solve that finds no fit within
// `seconds` counts as `seconds` in the mean (marked ">"): the mean is then a lower bound.
import type { Problem } from '../src/problem/types.js';
import { solve, type SolveOptions } from '../src/solve/solve.js';
import { BOOLEAN_SWITCHES, STATIC_ORDERS } from '../src/solve/switches.js';
import { challengingProblems } from './challenging.js';
import { firstFit, type Run } from './scaled.js';
import { printTable } from './table.js';

/** One column of the ablation: a name and the options that differ from the defaults. */
export interface AblationConfig {
  name: string;
  options: SolveOptions;
}

/** Everything on; each boolean switch off; decomposition before the search off; each static order alone; TWA first. */
export function ablationConfigs(): AblationConfig[] {
  return [
    { name: 'all on', options: {} },
    ...BOOLEAN_SWITCHES.map((s) => ({ name: `-${s}`, options: { switches: { [s]: false } } })),
    { name: '-split', options: { split: false } },
    ...STATIC_ORDERS.map((o) => ({ name: `only ${o}`, options: { switches: { orders: [o] } } })),
    // The orders in turn, TWA first (alone it fits most instances fastest, but not B, C and H).
    { name: 'TWA first', options: { switches: { orders: ['TWA', 'WAT', 'TAW'] } } },
  ];
}

/** Geometric mean of positive numbers. */
export function geomean(xs: readonly number[]): number {
  return Math.exp(xs.reduce((s, x) => s + Math.log(Math.max(x, 1e-9)), 0) / xs.length);
}

export async function benchAblation(shared: string, limitMs: number, only?: string): Promise<void> {
  const problems = challengingProblems(shared);
  if (!problems) return;
  const wanted = only?.split(',').filter((x) => x !== '');
  const configs = ablationConfigs().filter((c) => wanted === undefined || wanted.includes(c.name));
  if (configs.length === 0) throw new Error(`no ablation configuration named ${only} (have: ${ablationConfigs().map((c) => c.name).join(', ')})`);
  const inline: Run = (p: Problem, o: SolveOptions) => Promise.resolve(solve(p, o));
  const timeRows: string[][] = [];
  const nodeRows: string[][] = [];
  let base: number | undefined;
  for (const c of configs) {
    const times: number[] = [];
    const tcells: string[] = [];
    const ncells: string[] = [];
    let unfit = 0;
    for (const [, p] of problems) {
      const f = await firstFit(p, limitMs, inline, c.options);
      const t = f.fits ? f.ms : limitMs;
      if (!f.fits) unfit++;
      times.push(t);
      tcells.push(f.fits ? (f.ms / 1000).toFixed(2) : `>${limitMs / 1000}`);
      ncells.push(String(f.nodes));
    }
    const g = geomean(times);
    const total = times.reduce((s, x) => s + x, 0);
    if (c.name === 'all on') base = g;
    const rel = base === undefined ? '-' : `${(g / base).toFixed(2)}x`;
    const mark = unfit > 0 ? '>' : '';
    timeRows.push([c.name, ...tcells, `${mark}${(g / 1000).toFixed(2)}`, `${mark}${(total / 1000).toFixed(1)}`, rel]);
    nodeRows.push([c.name, ...ncells]);
    // Rows as they finish: a long run shows its progress.
    console.log(`${c.name}: geomean ${(g / 1000).toFixed(2)} s, total ${(total / 1000).toFixed(1)} s${unfit > 0 ? `, ${unfit} without a fit in ${limitMs / 1000} s` : ''}`);
  }
  const names = problems.map(([n]) => n);
  printTable(
    `Ablation: seconds to the first plan within 1 MiB (MiniMalloc challenging; ${limitMs / 1000} s each at most; ">" = no fit in time)`,
    ['configuration', ...names, 'geomean', 'total', 'vs all on'],
    timeRows,
  );
  printTable('Ablation: search nodes until then (summed over the parts and restarts)', ['configuration', ...names], nodeRows);
}
