/** The exact search's progress line on stderr: in place on a terminal, every few seconds otherwise. */
import { formatBytes } from './format/bytes.js';
import type { SolveProgress } from './solve/solve.js';

export function progressReporter(label: string): { update: (p: SolveProgress) => void; done: () => void } {
  const tty = process.stderr.isTTY === true;
  let last = 0;
  let shown = false;
  return {
    update(p) {
      if (p.elapsedMs < 1000 || p.elapsedMs - last < (tty ? 200 : 5000)) return;
      last = p.elapsedMs;
      const best = p.best !== undefined ? formatBytes(p.best) : 'none yet';
      const what = p.phase === 'search' ? `search ${p.nodes} nodes` : p.phase;
      const line = `${label}: ${what}, best ${best}, bound ${formatBytes(p.bound)}, ${(p.elapsedMs / 1000).toFixed(1)} s`;
      process.stderr.write(tty ? `\r${line}\x1b[K` : `${line}\n`);
      shown = true;
    },
    done() {
      if (shown && tty) process.stderr.write('\n');
    },
  };
}
