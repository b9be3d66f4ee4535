import { liveBound } from '../src/problem/bounds.js';
import { blocksOf } from '../src/problem/relative.js';
import type { Buffer, Problem } from '../src/problem/types.js';
import { verifyPlan } from '../src/problem/verify.js';
import { BLOCK_ORDERS, placeBlocks, type BlockMethod } from '../src/solve/blocks.js';
import { DEFAULT_BLOCK_WORK, searchBlocks } from '../src/solve/blocks-exact.js';
import { printTable } from './table.js';
import { rng } from '../test/helpers/problems.js';

/**
 * A model-like tied problem of n buffers over about n steps: sizes 1..64 (x 16 bytes), a third of the
 * longer buffers with a gap (half of them keeping a window), a fifth of the buffers views of an earlier,
 * larger one that is live next to them (concatenation inputs, in-place outputs).
 */
export function tiedProblem(n: number, seed: number): Problem {
  const r = rng(seed);
  const int = (lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
  const buffers: Buffer[] = [];
  for (let i = 0; i < n; i++) {
    const start = int(0, n);
    const b: Buffer = { id: `b${i}`, start, end: start + int(1, 6), size: 16 * int(1, 64) };
    const targets = buffers.filter((c) => c.aliasOf === undefined && c.size >= b.size);
    if (targets.length > 0 && r() < 0.2) {
      const t = targets[int(0, targets.length - 1)]!;
      b.aliasOf = t.id;
      b.aliasOffset = 16 * int(0, (t.size - b.size) / 16);
    } else if (b.end - b.start >= 3 && r() < 0.33) {
      const gs = int(b.start + 1, b.end - 2);
      b.gaps = [{ start: gs, end: int(gs + 1, b.end - 1), ...(r() < 0.5 ? { window: { lo: 0, hi: 16 * int(1, b.size / 16) } } : {}) }];
      if (b.gaps[0]!.window?.hi === b.size) delete b.gaps[0]!.window;
    }
    buffers.push(b);
  }
  return { buffers };
}

/**
 * `npm run bench -- blocks`: the block search on model-like tied problems of growing size (10 seeds
 * each; bench/blocks-exact.ts's generator), from the best block heuristic, with the default work budget
 * of solve(): how often it proves the optimum, how often it beats the heuristics, nodes, work and time.
 * Sets BLOCKS_EXACT_MAX_RECTS and DEFAULT_BLOCK_WORK (src/solve/blocks-exact.ts).
 */
export function benchBlocksExact(workBudget = DEFAULT_BLOCK_WORK): void {
  const rows: string[][] = [];
  for (const n of [8, 12, 16, 24, 32, 48, 64, 96, 128, 192]) {
    let proven = 0;
    let atBound = 0;
    let better = 0;
    let nodes = 0;
    let work = 0;
    let ms = 0;
    let rects = 0;
    const seeds = 10;
    for (let seed = 1; seed <= seeds; seed++) {
      const p = tiedProblem(n, 1000 * n + seed);
      const blocks = blocksOf(p);
      rects += blocks.reduce((s, b) => s + b.rects.length, 0);
      const bound = Math.max(liveBound(p), ...p.buffers.map((b) => b.size));
      const h = Math.min(...(Object.keys(BLOCK_ORDERS) as BlockMethod[]).map((m) => placeBlocks(p, m).peak));
      if (h <= bound) {
        atBound++;
        proven++;
        continue;
      }
      const t = performance.now();
      const out = searchBlocks(blocks, { target: h - 1, bound, maxWork: workBudget });
      ms += performance.now() - t;
      nodes += out.nodes;
      work += out.work;
      if (out.plan !== undefined) {
        better++;
        const offsets = p.buffers.map(() => 0);
        blocks.forEach((blk, k) => blk.members.forEach((m) => (offsets[m.index] = out.plan!.bases[k]! + m.delta)));
        if (!verifyPlan(p, offsets, out.plan.peak).valid) throw new Error(`invalid plan, n ${n} seed ${seed}`);
      }
      if (out.exhausted || (out.plan !== undefined && out.plan.peak <= bound)) proven++;
    }
    rows.push([
      String(n),
      (rects / seeds).toFixed(0),
      `${atBound}/${seeds}`,
      `${better}/${seeds - atBound}`,
      `${proven}/${seeds}`,
      nodes === 0 ? '-' : (nodes / (seeds - atBound)).toFixed(0),
      work === 0 ? '-' : (work / (seeds - atBound) / 1e6).toFixed(1),
      ms === 0 ? '-' : (ms / (seeds - atBound)).toFixed(0),
      work === 0 ? '-' : (work / ms / 1e3).toFixed(1),
    ]);
  }
  printTable(
    `Block search on model-like tied problems (10 seeds per size; from the best block heuristic; work budget ${workBudget / 1e6}M)`,
    ['buffers', 'live runs', 'heuristic at bound', 'search lower', 'proven optimal', 'nodes (mean)', 'work M (mean)', 'ms (mean)', 'work M/s'],
    rows,
  );
}
