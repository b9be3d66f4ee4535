import { plural } from '../format/plural.js';
import { InputError } from '../problem/errors.js';
import type { Buffer, Problem } from '../problem/types.js';
import { validateProblem } from '../problem/validate.js';
import { parseCsv } from './csv.js';
import { parseJson } from './json.js';

/** Every format `plan` reads: the problem formats and the models (by extension or content, src/import/model-file.ts). */
export const READ_FORMATS = [
  '.csv (MiniMalloc buffers: id,lower,upper,size)',
  '.json (a Problem: { "buffers": [...] })',
  '.tflite (TensorFlow Lite model)',
  '.onnx (ONNX model)',
] as const;

/** A problem as a file gives it, with its 0-byte buffers set aside: they take no memory, so they are not planned. */
export interface ReadProblem {
  /** The buffers to plan (every buffer of at least one byte, in file order), validated. */
  problem: Problem;
  /** Every buffer of the file in file order, 0-byte ones included (size 0); the outputs list these. */
  all: Problem;
  /** Indices into `all.buffers` of the 0-byte buffers. */
  empty: number[];
  /** Notes on how the file was read, for the user (a JSON size written with a unit read two ways: sizeUnitNote). */
  notes: string[];
}

/** Prefixes an InputError's message with the file name, and the buffer's line when `lineOf` knows it. */
function inFile<T>(file: string, run: () => T, lineOf?: (id: string) => number | undefined): T {
  try {
    return run();
  } catch (e) {
    if (e instanceof InputError) {
      // A buffer with no id is named by its index (`#3`, validateProblem's fail()): its line is one with an empty id.
      const id = e.field === 'id' && e.buffer !== undefined && /^#\d+$/.test(e.buffer) ? '' : e.buffer;
      const line = id === undefined ? undefined : lineOf?.(id);
      e.message = `${file}${line === undefined ? '' : `:${line}`}: ${e.message}`;
      e.file = file;
    }
    throw e;
  }
}

const isZeroSize = (b: unknown): boolean => b !== null && typeof b === 'object' && (b as { size?: unknown }).size === 0;

/**
 * The text of a CSV or JSON problem file: its bytes as UTF-8 (a leading byte-order mark dropped).
 * Throws an InputError naming the file, the line and the column (bytes) of the first byte that is not
 * UTF-8 (a Latin-1 `é`, say), rather than reading it as U+FFFD: an id read so would be written back
 * changed in every output.
 */
export function problemText(bytes: Uint8Array, file: string): string {
  const decodes = (d: TextDecoder, b: Uint8Array): boolean => {
    try {
      d.decode(b);
      return true;
    } catch {
      return false;
    }
  };
  const strict = new TextDecoder('utf-8', { fatal: true });
  try {
    return strict.decode(bytes);
  } catch {
    // A line at a time (a newline byte is never inside a multi-byte character): the first that fails.
    let start = 0;
    for (let line = 1; ; line++) {
      const nl = bytes.indexOf(0x0a, start);
      const end = nl < 0 ? bytes.length : nl;
      if (!decodes(strict, bytes.subarray(start, end))) {
        // The column: walk the line a character at a time (1 to 4 bytes each) to the first that is none.
        let ok = 0;
        for (;;) {
          const at = start + ok;
          const k = bytes[at]! < 0x80 ? 1 : [2, 3, 4].find((w) => at + w <= end && decodes(strict, bytes.subarray(at, at + w)));
          if (k === undefined) break;
          ok += k;
        }
        const byte = bytes[start + ok] ?? 0;
        throw new InputError(
          `${file}:${line}: not UTF-8 text: byte 0x${byte.toString(16).padStart(2, '0')} at column ${ok + 1} (bytes) — arenapack reads CSV and JSON problems as UTF-8; convert the file first (e.g. iconv -f latin1 -t utf-8)`,
          { file },
        );
      }
      if (nl < 0) break;
      start = nl + 1;
    }
    throw new InputError(`${file}: not UTF-8 text`, { file });
  }
}

/**
 * Reads a problem from a file's text, choosing the format by the file name's extension, sets its
 * 0-byte buffers aside (models' importers skip 0-byte tensors the same way) and validates the rest.
 * A 0-byte buffer must still have a unique id and a live range with start < end; it gets offset 0 in
 * the outputs (allOffsets). Errors (InputError) name the file, and for a CSV the buffer's line.
 */
export function readProblem(text: string, file: string): ReadProblem {
  const lower = file.toLowerCase();
  const notes: string[] = [];
  let all: Problem;
  // Each buffer's line in a CSV (file order); a message about a buffer names the last line with its id.
  const lines: number[] = [];
  const lineOf = (id: string): number | undefined => {
    for (let i = lines.length - 1; i >= 0; i--) if (all.buffers[i]?.id === id) return lines[i];
    return undefined;
  };
  if (lower.endsWith('.csv')) all = parseCsv(text, file, lines, notes);
  else if (lower.endsWith('.json')) all = parseJson(text, file, notes);
  else throw new InputError(`${file}: not a format arenapack reads; it reads ${READ_FORMATS.join(', ')}`, { file });
  if (!Array.isArray(all.buffers)) return inFile(file, () => ({ problem: validateProblem(all), all, empty: [], notes }), lineOf);
  const empty: number[] = [];
  for (let i = 0; i < all.buffers.length; i++) if (isZeroSize(all.buffers[i])) empty.push(i);
  const problem: Problem = empty.length === 0 ? all : { ...all, buffers: all.buffers.filter((b) => !isZeroSize(b)) };
  return inFile(file, () => {
    validateProblem(problem);
    if (empty.length > 0) {
      // The 0-byte buffers pass the same checks as a 1-byte buffer would, without a fixed offset's collisions.
      // Nothing can alias a 0-byte buffer, nor one alias anything: their aliases and gaps are not planned.
      validateProblem({ buffers: empty.map((i) => ({ ...all.buffers[i]!, size: 1, offset: undefined, aliasOf: undefined, aliasOffset: undefined, gaps: undefined, hint: undefined })) as Buffer[] });
      const ids = new Set(problem.buffers.map((b) => b.id));
      for (const i of empty) {
        const id = all.buffers[i]!.id;
        if (ids.has(id)) throw new InputError(`buffer "${id}": id is used twice (buffer #${i} has 0 bytes)`, { buffer: id, field: 'id' });
      }
    }
    return { problem, all, empty, notes };
  }, lineOf);
}

/**
 * Reads a problem from a file's text, choosing the format by the file name's extension, and
 * validates it. 0-byte buffers are left out (see readProblem, which keeps them for the outputs).
 * Errors name the file.
 */
export function importProblem(text: string, file: string): Problem {
  return readProblem(text, file).problem;
}

/** Offsets of every buffer of `read.all`, from the offsets of `read.problem`'s buffers: 0 for a 0-byte buffer. */
export function allOffsets(read: ReadProblem, offsets: readonly number[]): number[] {
  return allValues(read, offsets, 0);
}

/** Per-buffer values of read.problem spread over read.all.buffers, `empty` for the 0-byte ones. */
export function allValues<T>(read: ReadProblem, values: readonly T[], empty: T): T[] {
  if (read.empty.length === 0) return [...values];
  const out: T[] = [];
  let k = 0;
  read.all.buffers.forEach((b) => out.push(isZeroSize(b) ? empty : values[k++]!));
  return out;
}

/** The report's line about 0-byte buffers ('' when there are none): how many, and the first few ids. */
export function emptyBuffersNote(read: ReadProblem): string {
  const n = read.empty.length;
  if (n === 0) return '';
  const ids = read.empty.slice(0, 10).map((i) => read.all.buffers[i]!.id);
  return `  note: ${plural(n, 'buffer')} of 0 bytes not planned (offset 0 in the outputs): ${ids.join(', ')}${n > 10 ? ', ...' : ''}\n`;
}
