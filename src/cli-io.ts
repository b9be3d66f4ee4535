/** What the command line needs around the commands: reading, writing whole files, parsing flags. */
import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, realpathSync, renameSync, rmSync, statSync, writeFileSync, type Stats } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { isPrefix, MAX_PREFIX } from './export/c-header.js';
import { formatBytesExact, parseSize, sizeUnitNote } from './format/bytes.js';
import { excerpt, printable, terminalSafe } from './format/printable.js';
import { InputError } from './problem/errors.js';
import type { MemoryTier, Problem } from './problem/types.js';
import { isPowerOfTwo } from './problem/validate.js';
import type { Command } from 'commander';
import type { Deadline } from './solve/deadline.js';

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
 * The stderr line of an error the command did not expect (exit 1): its stack, or its text when it has
 * none, through terminalSafe, since its message may quote a name from the input.
 */
export function internalErrorText(e: unknown): string {
  return `arenapack: ${terminalSafe((e instanceof Error ? e.stack : undefined) ?? String(e))}\n`;
}

/** lstat/stat that answer undefined for a path that cannot be looked at (missing, ENOTDIR, ELOOP...). */
function statOrUndefined(path: string, link = false): Stats | undefined {
  try {
    return link ? lstatSync(path, { throwIfNoEntry: false }) : statSync(path, { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
}

/**
 * Where an output path is written: a symbolic link is written through (its target is replaced, the
 * link kept), a FIFO or a character device (`/dev/stdout`, a shell's `>(...)`) is written to directly,
 * anything else that exists and is not a regular file is refused (its kind named).
 */
function outputTarget(path: string, fail: (path: string, e: unknown) => never): { at: string; direct: boolean } {
  const link = statOrUndefined(path, true);
  if (link === undefined) return { at: path, direct: false };
  let st: Stats;
  try {
    st = statSync(path);
  } catch (e) {
    // A dangling link or a loop: nothing sensible to write through.
    return fail(path, e);
  }
  // Opened by its own name: /dev/stdout is a link to /proc/self/fd/1, whose target may be a pipe.
  if (st.isFIFO() || st.isCharacterDevice()) return { at: path, direct: true };
  if (st.isFile()) return { at: link.isSymbolicLink() ? realpathSync(path) : path, direct: false };
  return fail(path, Object.assign(new Error(), { code: st.isDirectory() ? 'EISDIR' : `it is ${kindOf(st)}` }));
}

/**
 * Runs `work` with anything written to stdout dropped: GLPK (glpk.js) prints its own log lines
 * ("Writing problem data to 'arenapack_place.lp'...") through console.log, which would land in the
 * middle of --json output. Stdout is restored when `work` settles, resolved or rejected.
 */
export async function withoutStdout<T>(work: () => Promise<T>): Promise<T> {
  const write = process.stdout.write;
  process.stdout.write = ((..._args: unknown[]): boolean => true) as typeof process.stdout.write;
  try {
    return await work();
  } finally {
    process.stdout.write = write;
  }
}

/**
 * Writes several files all or none: every regular file to a temporary file beside it first, then
 * each renamed into place (a symbolic link is written through: its target is replaced, the link kept).
 * A FIFO or a character device (`/dev/stdout`) is written to directly, after every temporary file is
 * written and before any rename. When a write fails, the temporary files are removed and no regular
 * file is changed; the error names the path (InputError, exit 2, like any input fault).
 */
export function writeAllAtomic(outputs: readonly (readonly [string, string | Uint8Array])[]): void {
  const temps: string[] = [];
  const fail = (path: string, e: unknown): never => {
    for (const t of temps) rmSync(t, { force: true });
    const code = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    throw new InputError(`${printable(path)}: cannot write (${code})`, { file: path });
  };
  const targets = outputs.map(([path]) => outputTarget(path, fail));
  const regular = outputs.flatMap(([path, content], i) => (targets[i]!.direct ? [] : [{ path, at: targets[i]!.at, content }]));
  for (const { path, at, content } of regular) {
    const tmp = `${at}.${process.pid}.tmp`;
    try {
      writeFileSync(tmp, content);
      temps.push(tmp);
    } catch (e) {
      fail(path, e);
    }
  }
  outputs.forEach(([path, content], i) => {
    if (!targets[i]!.direct) return;
    try {
      writeFileSync(targets[i]!.at, content);
    } catch (e) {
      fail(path, e);
    }
  });
  regular.forEach(({ path, at }, i) => {
    try {
      renameSync(temps[i]!, at);
    } catch (e) {
      fail(path, e);
    }
  });
}

/** The parsers of options that take one value per use and collect them (see `repeatable`). */
const REPEATABLE = new WeakSet<object>();

/**
 * Marks `parse` as the parser of an option that may be given several times, each use adding one value
 * to the list (`--memory a=1KiB --memory b:2`): refuseRepeatedOptions lets such options repeat. Returns
 * `parse` itself, so it goes straight into commander's `.option(flags, description, repeatable(fn))`.
 */
export function repeatable<T>(parse: (value: string, previous: T[] | undefined) => T[]): (value: string, previous: T[] | undefined) => T[] {
  REPEATABLE.add(parse);
  return parse;
}

/**
 * Refuses an option that takes one value when it is given twice (`--capacity 1KiB --capacity 2KiB`,
 * `--out a.json --out b.json`): commander keeps the last one without a word, and a user who typed both
 * meant one of them. A UsageError (exit 2) names the option and both values. Options whose parser is
 * marked `repeatable` take several values, one per use (`--memory`, `--inplace`, ...); flags without a
 * value (`--json`, `--no-spill`) may repeat, as they say the same thing again. Call it once every
 * option of `cmd` is defined. Returns `cmd`.
 */
export function refuseRepeatedOptions(cmd: Command): Command {
  const given = new Map<string, string>();
  for (const option of cmd.options) {
    if (!option.required && !option.optional) continue;
    if (option.parseArg !== undefined && REPEATABLE.has(option.parseArg)) continue;
    const key = option.attributeName();
    // Commander emits this once per use, after its own listener has parsed the value (a bad value fails first).
    cmd.on(`option:${option.name()}`, (value: unknown) => {
      const before = given.get(key);
      const now = String(value);
      if (before !== undefined) throw new UsageError(`${option.long ?? option.flags} is given twice ("${before}", then "${now}"): give it once`);
      given.set(key, now);
    });
  }
  return cmd;
}

/**
 * Notes the flags' parsers leave for the command to print (a size's unit, sizeUnitNote): printed by
 * takeParseNotes once every flag is parsed, so a command line refused while parsing (`--capacity 1K
 * --capacity 2K`: given twice) prints its refusal alone.
 */
const parseNotes: string[] = [];

/** Leaves a note for the command to print once its flags are parsed (see takeParseNotes). */
export function leaveParseNote(note: string | undefined): void {
  if (note !== undefined) parseNotes.push(note);
}

/** The notes the flags' parsers left, in the order given, and forgets them. */
export function takeParseNotes(): string[] {
  return parseNotes.splice(0, parseNotes.length);
}

/** The parser of --capacity: a size (parseSize), its unit's note left for the command (capacityUnitNote). */
export function sizeOption(value: string): number {
  let bytes: number;
  try {
    bytes = parseSize(value);
  } catch (e) {
    throw new UsageError(`--capacity: ${(e as Error).message}`);
  }
  leaveParseNote(capacityUnitNote(value, bytes));
  return bytes;
}

/**
 * The note for a capacity written with a unit read two ways: KB, MB, GB are decimal (4MB =
 * 4,000,000 B, what the reports show as 3.81 MiB), K, M, G binary as linker scripts read them (2M =
 * 2 MiB). It echoes what was written and the bytes taken, and the other spelling. Undefined for bytes
 * and for KiB, MiB, GiB (one reading).
 */
export function capacityUnitNote(value: string, bytes: number): string | undefined {
  return sizeUnitNote('--capacity', value, bytes);
}

/** The largest --time-limit, seconds: about 11.6 days (timers in Node and browsers hold at most 2^31 - 1 ms). */
export const MAX_TIME_LIMIT_S = 1_000_000;

/**
 * The parser of --time-limit: a positive decimal number of seconds (`10`, `0.5`, `2.`, `.25`), at most
 * MAX_TIME_LIMIT_S. Hex, exponents, signs, spaces, `Infinity` and 0 are a UsageError (exit 2), as the
 * integer flags refuse them (intOption).
 */
export function secondsOption(value: string): number {
  const s = /^(?:\d+\.?\d*|\.\d+)$/.test(value) ? Number(value) : NaN;
  if (!Number.isFinite(s) || s <= 0) throw new UsageError(`--time-limit: "${value}" is not a positive decimal number of seconds (e.g. 10 or 0.5)`);
  if (s > MAX_TIME_LIMIT_S) throw new UsageError(`--time-limit: ${value} s is more than the largest limit, ${MAX_TIME_LIMIT_S} s`);
  return s;
}

/** The largest --seed: solve()'s (the local search's generator takes a 32-bit unsigned seed). */
export { MAX_SEED } from './solve/solve.js';

/**
 * The parser of an integer flag: a decimal integer in [min, max] (default: any non-negative safe
 * integer); anything else is a UsageError naming the flag and the range (exit 2).
 */
export function intOption(flag: string, min = 0, max = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    const v = /^\s*[+]?\d+\s*$/.test(value) ? Number(value) : NaN;
    if (!Number.isSafeInteger(v) || v < min || v > max) {
      const want = max === Number.MAX_SAFE_INTEGER ? (min === 0 ? 'a non-negative integer' : min === 1 ? 'a positive integer' : `an integer of at least ${min}`) : `an integer from ${min} to ${max}`;
      throw new UsageError(`${flag}: "${value}" is not ${want}`);
    }
    return v;
  };
}

/**
 * The largest input read, in bytes: 2 GiB for a model (protobuf's own limit for an ONNX file), 256 MiB
 * for a CSV or JSON problem (its text must fit in one JavaScript string, at most about 512 Mi characters).
 */
export const MAX_MODEL_BYTES = 2 ** 31;
export const MAX_TEXT_BYTES = 2 ** 28;

const isText = (file: string): boolean => /\.(csv|json)$/i.test(file);

/** What a file system object that is not a regular file is, for the message. */
function kindOf(st: Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

/**
 * Reads an input file whole. Only a regular file of at most MAX_MODEL_BYTES (MAX_TEXT_BYTES for .csv
 * and .json) is read: a FIFO, a device such as /dev/zero or a directory is refused before any byte is
 * read (the file is opened non-blocking, so a FIFO without a writer does not hang the open). Throws
 * InputError naming the file (exit 2).
 */
export function readInput(file: string): Uint8Array {
  const fail = (why: string): never => {
    throw new InputError(`${printable(file)}: ${why}`, { file });
  };
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    // `-` is standard input to many tools; arenapack reads named files only (the format comes from the name).
    if (code === 'ENOENT' && file === '-') {
      return fail('no such file: arenapack does not read standard input (a file\'s format comes from its name): save it to a file first, e.g. `cat > problem.csv`');
    }
    // Node decodes the command line as UTF-8, each invalid byte becoming U+FFFD: a file whose name is not
    // valid UTF-8 (`bad\xff.csv`) is looked for under another name, and is not found.
    if (code === 'ENOENT' && file.includes('\ufffd')) {
      return fail('cannot read: the file name is not valid UTF-8 as given (each invalid byte shows as \ufffd), which arenapack cannot open by that name; rename the file (e.g. with convmv or mv) and try again');
    }
    return fail(`cannot read (${code})`);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) fail(`is ${kindOf(st)}, not a regular file: arenapack reads model and problem files only`);
    const limit = isText(file) ? MAX_TEXT_BYTES : MAX_MODEL_BYTES;
    if (st.size > limit) fail(`is ${st.size} bytes, more than the ${limit} bytes arenapack reads from a ${isText(file) ? 'CSV or JSON problem' : 'model'}`);
    const bytes = new Uint8Array(st.size);
    let at = 0;
    try {
      for (let n = 1; at < bytes.length && n > 0; at += n) n = readSync(fd, bytes, at, bytes.length - at, at);
    } catch (e) {
      fail(`cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
    return at === bytes.length ? bytes : bytes.subarray(0, at);
  } finally {
    closeSync(fd);
  }
}

/** A path as the file system sees it: the real path of the file, or of its folder when it does not exist yet. */
function realPath(path: string): string {
  const abs = resolve(path);
  try {
    return realpathSync(abs);
  } catch {
    try {
      return resolve(realpathSync(dirname(abs)), basename(abs));
    } catch {
      return abs;
    }
  }
}

/** device:inode of an existing file (one file under two names, through a hard link), else undefined. */
function fileIdentity(path: string): string | undefined {
  const st = statOrUndefined(path);
  return st === undefined ? undefined : `${st.dev}:${st.ino}`;
}

/**
 * Refuses, before anything is computed or written, an output that would overwrite an input file or
 * another output of the same run: paths are compared as real paths (symbolic links and `..` resolved)
 * and, for files that exist, by device and inode (hard links). `outputs` pairs each flag with its path
 * (undefined = not given). Throws UsageError naming both flags (exit 2).
 */
export function checkOutputPaths(inputs: readonly string[], outputs: readonly (readonly [string, string | undefined])[]): void {
  const seen: { what: string; real: string; id: string | undefined }[] = inputs.map((f) => ({ what: `the input ${printable(f)}`, real: realPath(f), id: fileIdentity(f) }));
  const inputCount = seen.length;
  for (const [flag, path] of outputs) {
    if (path === undefined) continue;
    const real = realPath(path);
    const id = fileIdentity(path);
    const clash = seen.findIndex((s) => s.real === real || (id !== undefined && s.id === id));
    if (clash >= 0) {
      const other = seen[clash]!;
      throw new UsageError(
        clash < inputCount
          ? `${flag} ${printable(path)} is ${other.what}: arenapack never overwrites its input (choose another output file)`
          : `${flag} ${printable(path)} is the same file as ${other.what}: each output needs its own file`,
      );
    }
    seen.push({ what: `${flag} ${printable(path)}`, real, id });
  }
}

/** --prefix: the header's macro prefix, a C identifier (see isPrefix in export/c-header.ts). */
export function prefixOption(value: string): string {
  if (!isPrefix(value)) {
    throw new UsageError(`--prefix: "${value}" is not a C identifier of at most ${MAX_PREFIX} characters starting with a letter (letters, digits, _)`);
  }
  return value;
}

/** --align: a power of two in decimal (1, 2, 4, ... 2^30); hex, exponents and signs are refused (exit 2), as intOption does. */
export function alignOption(value: string): number {
  const v = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!isPowerOfTwo(v)) {
    throw new UsageError(`--align: "${value}" is not a power of two (1, 2, 4, 8, 16, ...)`);
  }
  return v;
}

/** --batch: a positive decimal integer (intOption's rule: `1e3`, `0x10`, `+4` are refused, exit 2). */
export function batchOption(value: string): number {
  return intOption('--batch', 1)(value);
}

/**
 * --no-spill means "never spill past the capacity": without a capacity (--capacity, or a JSON problem's
 * own "capacity") it means nothing and is refused, as other flags that mean nothing alone are.
 * `file`: the file planned without one (for its message); absent when no file given could carry one.
 * Throws UsageError (exit 2).
 */
export function noSpillWithoutCapacity(file?: string): never {
  throw new UsageError(
    file === undefined
      ? '--no-spill goes with --capacity (a plan without a capacity never spills)'
      : `--no-spill goes with a capacity: ${printable(file)} has none (give --capacity, or "capacity" in a JSON problem)`,
  );
}

/** --time-limit in seconds, as solve() takes it (milliseconds). */
export const timeLimitMs = (opts: { timeLimit?: number }): number | undefined =>
  opts.timeLimit !== undefined ? opts.timeLimit * 1000 : undefined;


/**
 * Time to write a buffer list's plan as JSON (--json, --out), per buffer and output (ms): building the
 * JSON (its profile, peak and an object per buffer) and writing it. Measured at 10^6 buffers with
 * `node --cpu-prof` on `plan --method greedy-size --json` (2 cores, others running): planToJson
 * 1.5-2.2 s, the writing 0.9-2.0 s, their garbage collection besides: 2.5 us a buffer.
 */
export const JSON_OUTPUT_MS_PER_BUFFER = 0.0025;

/**
 * Time to write a buffer list's plan as JSON, per output, as a multiple of the time reading the file
 * took (parsing its text and validating the problem: a pass that makes an object and strings per
 * buffer, as building and writing the JSON does, so it slows down with the machine as the JSON will).
 * Measured at 10^6 buffers with `node --cpu-prof` on `plan --method greedy-size --json` (2 cores,
 * quiet): readProblem 1.18 s, planToJson and the writing 3.02 s: 2.6.
 */
export const JSON_OUTPUT_PER_READ = 2.6;

/**
 * The deadline the plan of `buffers` buffers must meet so that the command's `deadline` holds: the
 * command's, less what its JSON outputs will take (each of --json and --out; the text report is in
 * what solve() keeps back for itself): JSON_OUTPUT_MS_PER_BUFFER a buffer, or JSON_OUTPUT_PER_READ
 * times `readMs` (the time reading the file took, ms, measured by the caller) when that is more — a
 * machine busy with other work, which writes the JSON slower too. A million buffers with --json: 2.5 s
 * kept back at least (the 10 s command ended at 13-16 s without it; 10.5-11.2 s with the constant alone).
 * Machine speed then changes the plan only where the time limit cuts the solve short (its notes say so).
 */
export function planDeadline(deadline: Deadline, buffers: number, opts: { json?: boolean; out?: string }, readMs = 0): Deadline {
  const outputs = (opts.json === true ? 1 : 0) + (opts.out !== undefined ? 1 : 0);
  return outputs === 0 ? deadline : deadline.before(outputs * Math.max(buffers * JSON_OUTPUT_MS_PER_BUFFER, readMs * JSON_OUTPUT_PER_READ));
}

/**
 * A buffer list's capacities against the flags, before it is planned (one file, or each of several).
 * Refused (InputError, exit 2): a JSON problem with both "capacity" and "memories" (with memories every
 * memory has its own capacity), and buffers that name "memories" where the plan has none (neither
 * --memory nor the file's). Returns the notes for what a flag replaces: --memory over the file's own
 * "memories", --capacity over its own "capacity".
 */
export function checkCapacities(file: string, problem: Problem, flags: { memory?: readonly MemoryTier[]; capacity?: number }): string[] {
  const notes: string[] = [];
  if (problem.memories !== undefined && problem.capacity !== undefined) {
    throw new InputError(`${printable(file)}: "capacity" and "memories" are both given: with memories each memory has its own capacity; give one of them`, { file, field: 'capacity' });
  }
  if (flags.memory !== undefined && problem.memories !== undefined) {
    notes.push(`--memory replaces the "memories" of ${printable(file)} (${problem.memories.map((m) => m.name).join(', ')})`);
  }
  if (flags.memory === undefined && flags.capacity !== undefined && problem.capacity !== undefined && problem.capacity !== flags.capacity) {
    notes.push(`--capacity ${formatBytesExact(flags.capacity)} replaces the capacity of ${printable(file)} (${formatBytesExact(problem.capacity)})`);
  }
  if (flags.memory === undefined && problem.memories === undefined) {
    const named = problem.buffers.findIndex((b) => b.memories !== undefined);
    if (named >= 0) {
      const b = problem.buffers[named]!;
      throw new InputError(
        `${printable(file)}: buffer "${excerpt(b.id)}" names the memories it may use (${b.memories!.map((m) => `"${excerpt(m)}"`).join(', ')}), but no memories are given: add "memories" to the file or --memory flags`,
        { file, buffer: b.id, field: 'memories' },
      );
    }
  }
  return notes;
}
