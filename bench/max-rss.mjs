// Loaded by bench/limits.ts into each `arenapack plan` it times (`node --import ./bench/max-rss.mjs`):
// at the process's exit, the main thread writes the peak resident set of the whole process (all its
// threads, the workers of --jobs included: getrusage's ru_maxrss, in KiB on Linux) to the file named by
// ARENAPACK_BENCH_MAXRSS. Nothing is printed: the command's output stays the same.
import { writeFileSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';

const file = process.env.ARENAPACK_BENCH_MAXRSS;
if (isMainThread && file) {
  process.on('exit', () => {
    writeFileSync(file, String(process.resourceUsage().maxRSS));
  });
}
