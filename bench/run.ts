// npm run bench [-- core|exact|exact-table|certify|subbound|ablation|callgrind|scaled|models|inplace|limits|blocks|order|tflm|workers|scale|tiers|minimalloc|all] [-- seconds]: the tables the issues ask for.
// Timings live here, never in the tests.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchAblation } from './ablation.js';
import { benchBlocksExact } from './blocks-exact.js';
import { benchCallgrind } from './callgrind.js';
import { benchChallenging, benchRandom, benchWasmVsTs } from './core.js';
import { benchCertify, benchExact, benchExactAll } from './exact.js';
import { benchInplace } from './inplace.js';
import { benchLimits } from './limits.js';
import { benchMinimalloc } from './minimalloc.js';
import { benchModels } from './models.js';
import { benchOrder } from './order.js';
import { benchScaled } from './scaled.js';
import { benchSubBound } from './sub-bound.js';
import { benchScale, benchTimeLimit } from './scale.js';
import { benchTflm } from './tflm.js';
import { benchTiers } from './tiers.js';
import { benchWorkers } from './workers.js';

const shared = process.env.ARENAPACK_SHARED ?? join(fileURLToPath(new URL('.', import.meta.url)), '..', '..', 'shared');
const which = process.argv[2] ?? 'core';
/** Time limit of each exact solve in `exact` (per part in `scaled`), seconds (default 10). */
const seconds = Number(process.argv[3] ?? 10);
const suites: Record<string, () => void | Promise<void>> = {
  core: () => {
    benchChallenging(shared);
    benchRandom();
    benchWasmVsTs(shared);
  },
  // Every table of issue #15's "Done when" (exact-table, scaled, ablation, callgrind); exact-table alone.
  exact: () => benchExactAll(shared, seconds * 1000),
  'exact-table': () => benchExact(shared, seconds * 1000),
  certify: () => benchCertify(shared, seconds * 1000, new RegExp(process.env.ARENAPACK_BENCH_ONLY ?? '^[CDJ]$'), Number(process.env.ARENAPACK_BENCH_EXACT_S ?? 10) * 1000),
  // (Its numbers are node budgets: a window's, default 100000, and all windows', default 1000000.)
  subbound: () =>
    benchSubBound(shared, new RegExp(process.env.ARENAPACK_BENCH_ONLY ?? '.'), Number(process.argv[3] ?? 100_000), Number(process.argv[4] ?? 1_000_000), Number(process.env.ARENAPACK_BENCH_EXACT_S ?? 10) * 1000),
  ablation: () => benchAblation(shared, seconds * 1000, process.argv[4]),
  // (Its number is a budget of search nodes, not seconds; default 3000.)
  callgrind: () => benchCallgrind(shared, Number(process.argv[3] ?? 3000), process.argv[4]),
  scaled: () => benchScaled(shared, seconds * 1000),
  limits: () => benchLimits(shared, process.env.ARENAPACK_BENCH_ONLY ? new RegExp(process.env.ARENAPACK_BENCH_ONLY) : undefined),
  models: () => benchModels(shared),
  inplace: () => benchInplace(shared),
  blocks: () => benchBlocksExact(),
  order: () => benchOrder(shared),
  tflm: () => benchTflm(shared),
  tiers: () => benchTiers(shared, seconds * 1000, process.env.ARENAPACK_BENCH_ONLY ? new RegExp(process.env.ARENAPACK_BENCH_ONLY) : undefined),
  workers: () => benchWorkers(shared, seconds * 1000),
  // (MiniMalloc's C++ solver beside arenapack: ARENAPACK_MINIMALLOC=/path/to/minimalloc; without it, a note.)
  minimalloc: () => benchMinimalloc(shared, seconds * 1000),
  scale: () => {
    benchTimeLimit();
    benchScale();
  },
};
suites.all = async () => {
  for (const name of ['core', 'exact', 'models', 'order', 'tflm', 'workers']) await suites[name]!();
};
const suite = suites[which];
if (!suite) {
  console.error(`unknown bench "${which}" (have: ${Object.keys(suites).join(', ')})`);
  process.exit(2);
}
console.log(`arenapack bench ${which} — node ${process.version}, ${new Date().toISOString()}`);
await suite();
