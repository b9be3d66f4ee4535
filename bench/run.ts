// npm run bench [-- core]: the tables the issues ask for. Timings live here, never in the tests.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchChallenging, benchRandom, benchWasmVsTs } from './core.js';

const shared = process.env.ARENAPACK_SHARED ?? join(fileURLToPath(new URL('.', import.meta.url)), '..', '..', 'shared');
const which = process.argv[2] ?? 'core';
const suites: Record<string, () => void> = {
  core: () => {
    benchChallenging(shared);
    benchRandom();
    benchWasmVsTs(shared);
  },
};
const suite = suites[which];
if (!suite) {
  console.error(`unknown bench "${which}" (have: ${Object.keys(suites).join(', ')})`);
  process.exit(2);
}
console.log(`arenapack bench ${which} — node ${process.version}, ${new Date().toISOString()}`);
suite();
