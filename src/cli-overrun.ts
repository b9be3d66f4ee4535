/**
 * The last check of a command with a time limit: did it end within the limit, give or take
 * OVERRUN_TOLERANCE? A command whose phases the deadline cuts ends within it; one whose least work
 * (reading, a first plan, the verifier, the outputs) takes longer, or that waited for the CPU while
 * other processes held the cores, says so on stderr rather than overrunning in silence (issue #10).
 */
/**
 * How far past its time limit a command may end before it says so, as a share of the limit: 10%
 * (issue #10: "the whole command must respect it within 10%").
 */
export const OVERRUN_TOLERANCE = 0.1;

/**
 * Below this share of the wall time spent on the CPU (all the process's threads), the process
 * waited for it: other processes held the cores. A command planning on one thread spends ~100%
 * (more with V8's compiler and collector threads) when nothing else runs.
 */
export const WAITED_BELOW = 0.8;

/**
 * The note of a command that ended more than OVERRUN_TOLERANCE past its limit, or undefined when it
 * did not. `limitMs`: the command's time limit (ms, > 0); `wallMs`: the time from the process's start
 * to now (ms); `cpuMs`: the CPU time the process had meanwhile (ms, user + system, every thread).
 * The note says which of the two it measured: the process waited for the CPU (cpuMs below
 * WAITED_BELOW of wallMs), or it ran all along (then what the limit cannot cut, or a phase that
 * stopped late, took the time: the plan's own note says when its least work is past the limit).
 */
export function overrunNote(limitMs: number, wallMs: number, cpuMs: number): string | undefined {
  if (!(wallMs > limitMs * (1 + OVERRUN_TOLERANCE))) return undefined;
  const s = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
  const head = `the command took ${s(wallMs)}, over its time limit (${s(limitMs)}) by more than ${Math.round(OVERRUN_TOLERANCE * 100)}%`;
  if (cpuMs < wallMs * WAITED_BELOW) {
    return `${head}: it had the CPU for ${s(cpuMs)} of them (other processes held the cores); the same command on an idle machine ends sooner`;
  }
  return `${head}, on the CPU all along: what the limit cannot cut (reading, a first plan, the verifier, the outputs), or a phase that stopped late, took longer than it allows`;
}

/**
 * Writes overrunNote's note for the command of this process to stderr (`arenapack: note: ...`) when
 * there is one: the wall time from the process's start (performance.now()) and its CPU time
 * (process.cpuUsage()). `limitMs` as overrunNote's. Returns the note, or undefined.
 */
export function sayOverrun(limitMs: number): string | undefined {
  const cpu = process.cpuUsage();
  const note = overrunNote(limitMs, performance.now(), (cpu.user + cpu.system) / 1000);
  if (note !== undefined) process.stderr.write(`arenapack: note: ${note}\n`);
  return note;
}

