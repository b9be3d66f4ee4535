/** What the command line needs around the commands: reading, writing whole files, parsing flags. */
import { readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { parseSize } from './format/bytes.js';
import { InputError } from './problem/errors.js';
import { isPowerOfTwo } from './problem/validate.js';

/**
 * Exit codes: 0 planned (and, with a capacity, the plan emitted fits it: all on chip, or after
 * spilling); 1 internal error; 2 bad input or usage; 3 no plan fits the capacity, not even after
 * spilling (or with --no-spill, not all on chip).
 */
export const EXIT_INPUT = 2;
export const EXIT_NO_FIT = 3;

/** A command line that cannot be run as given (exit 2). */
export class UsageError extends Error {}

/**
 * Writes several files all or none: every one to a temporary file first, then each renamed into
 * place. When a write fails, the temporary files are removed and nothing is left behind; the error
 * names the path (exit 2, like any input fault).
 */
export function writeAllAtomic(outputs: readonly (readonly [string, string | Uint8Array])[]): void {
  const temps: string[] = [];
  const fail = (path: string, e: unknown): never => {
    for (const t of temps) rmSync(t, { force: true });
    const code = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    throw new InputError(`${path}: cannot write (${code})`, { file: path });
  };
  for (const [path] of outputs) {
    if (statSync(path, { throwIfNoEntry: false })?.isDirectory()) fail(path, Object.assign(new Error(), { code: 'EISDIR' }));
  }
  for (const [path, content] of outputs) {
    const tmp = `${path}.${process.pid}.tmp`;
    try {
      writeFileSync(tmp, content);
      temps.push(tmp);
    } catch (e) {
      fail(path, e);
    }
  }
  outputs.forEach(([path], i) => {
    try {
      renameSync(temps[i]!, path);
    } catch (e) {
      fail(path, e);
    }
  });
}

export function sizeOption(value: string): number {
  try {
    return parseSize(value);
  } catch (e) {
    throw new UsageError(`--capacity: ${(e as Error).message}`);
  }
}

export function secondsOption(value: string): number {
  const s = Number(value);
  if (!Number.isFinite(s) || s <= 0) throw new UsageError(`--time-limit: "${value}" is not a positive number of seconds`);
  return s;
}

export function intOption(flag: string) {
  return (value: string): number => {
    const v = Number(value);
    if (!Number.isSafeInteger(v) || v < 0) throw new UsageError(`${flag}: "${value}" is not a non-negative integer`);
    return v;
  };
}

export function readInput(file: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(file));
  } catch (e) {
    throw new InputError(`${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { file });
  }
}

export function alignOption(value: string): number {
  const v = Number(value);
  if (!isPowerOfTwo(v)) {
    throw new UsageError(`--align: "${value}" is not a power of two (1, 2, 4, 8, 16, ...)`);
  }
  return v;
}

export function batchOption(value: string): number {
  const v = Number(value);
  if (!(Number.isSafeInteger(v) && v > 0)) throw new UsageError(`--batch: "${value}" is not a positive integer`);
  return v;
}

/** --time-limit in seconds, as solve() takes it (milliseconds). */
export const timeLimitMs = (opts: { timeLimit?: number }): number | undefined =>
  opts.timeLimit !== undefined ? opts.timeLimit * 1000 : undefined;

