import { parse } from 'csv-parse/sync';
import { printable } from '../format/printable.js';
import { InputError } from '../problem/errors.js';
import type { Buffer, Problem } from '../problem/types.js';
import { parseGaps } from '../format/gaps.js';

const COLUMN_NAMES: Record<string, string> = {
  id: 'id',
  buffer: 'id',
  buffer_id: 'id',
  lower: 'lower',
  start: 'lower',
  begin: 'lower',
  upper: 'upper',
  end: 'end',
  size: 'size',
  alignment: 'alignment',
  offset: 'offset',
  hint: 'hint',
  weight: 'weight',
  spillable: 'spillable',
  gaps: 'gaps',
  alias_of: 'alias_of',
  alias_offset: 'alias_offset',
  memory: 'memory',
};

/** A record of the file: its cells (trimmed, quotes removed) and the line it ends on (1-based). */
export interface CsvRecord {
  cells: string[];
  line: number;
}

/**
 * Text csv-parse would read as plain lines: printable ASCII without a quote, tabs, and line breaks that
 * are all `\n` or all `\r\n`. No field can then hold a delimiter, a quote or a line break, and the only
 * characters its `trim` removes are spaces and tabs (String.prototype.trim removes the same there).
 */
const PLAIN_CSV = /^[\t\n\r\x20\x21\x23-\x7e]*$/;

/** The line break of a PLAIN_CSV text, or undefined when it mixes `\r\n` with bare `\r` or `\n`. */
function plainLineBreak(text: string): string | undefined {
  if (!text.includes('\r')) return '\n';
  return /\r(?!\n)|(?<!\r)\n/.test(text) ? undefined : '\r\n';
}

/**
 * The records of a PLAIN_CSV text, as csvRecords() gives them from csv-parse: one per line, split at
 * commas, each field trimmed; lines with no text are left out. About ten times faster than
 * csv-parse on a million lines (`npm run bench -- scale`); test/import/csv.test.ts checks that
 * both give the same records.
 */
function plainRecords(text: string, lineBreak: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  const lines = text.split(lineBreak);
  for (let i = 0; i < lines.length; i++) {
    const cells = lines[i]!.split(',');
    let any = false;
    for (let k = 0; k < cells.length; k++) {
      const c = cells[k]!.trim();
      cells[k] = c;
      if (c !== '') any = true;
    }
    if (any) records.push({ cells, line: i + 1 });
  }
  return records;
}

/**
 * The file's records by RFC 4180 (csv-parse's synchronous API, no streams; the browser bundles get its
 * browser build, see rollup.config.mjs):
 * quoted fields may hold commas, doubled quotes and line breaks; whitespace around a field is trimmed;
 * a UTF-8 byte-order mark is skipped; records with no text at all are left out. A text with no quote
 * and nothing but printable ASCII (PLAIN_CSV) is split by plainRecords() instead, with the same result.
 */
export function csvRecords(text: string, file: string): CsvRecord[] {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const lineBreak = PLAIN_CSV.test(body) ? plainLineBreak(body) : undefined;
  if (lineBreak !== undefined) return plainRecords(body, lineBreak);
  return csvParseRecords(text, file);
}

/** csvRecords() by csv-parse, for any text. */
export function csvParseRecords(text: string, file: string): CsvRecord[] {
  let rows: { record: string[]; info: { lines: number } }[];
  try {
    rows = parse(text, { bom: true, trim: true, relax_column_count: true, skip_empty_lines: true, info: true }) as unknown as typeof rows;
  } catch (e) {
    const line = (e as { lines?: unknown }).lines;
    const message = ((e as Error).message ?? String(e)).replace(/^Invalid (Record|Opening Quote|Closing Quote)?:? ?/, '');
    throw new InputError(`${file}${typeof line === 'number' ? `:${line}` : ''}: not valid CSV (${message})`, { file });
  }
  return rows.map((r) => ({ cells: r.record, line: r.info.lines })).filter((r) => r.cells.some((c) => c !== ''));
}

/**
 * Reads MiniMalloc's CSV: a header naming `id,lower,upper,size` (aliases buffer/buffer_id, start/begin,
 * and `end`, which is inclusive), optional `alignment`, `offset` (a fixed offset), `weight`, `spillable`,
 * `gaps` (parseGaps: `lo-hi` / `lo-hi@a:b` items, `hi` inclusive too under `end`), `hint` (a preferred
 * offset), `alias_of` and `alias_offset` (src/problem/relative.ts); empty cells (and -1 for `hint`) mean
 * none. `upper` is exclusive. Ids stay strings. Fields may be quoted (RFC 4180). A buffer of 0 bytes is read
 * as it is (size 0): importProblem sets it aside. Errors name the file, line and column. A spilled
 * solution's `memory` column (`chip` / `ddr`, or a tiered plan's memory names) is read back too: a row's
 * offset in another memory than `chip` is in that memory's arena, so it is not taken as a fixed (on-chip)
 * offset. When `lines` is given, it gets each id's line (the last line with that id), for messages about a
 * buffer found later (validateProblem's).
 */
export function parseCsv(text: string, file = '<csv>', lines?: Map<string, number>): Problem {
  const records = csvRecords(text, file);
  if (records.length === 0) throw new InputError(`${file}: empty file, expected a header "id,lower,upper,size"`, { file });
  const headRecord = records[0]!;
  const row = headRecord.line - 1;
  const header = headRecord.cells.map((h) => h.toLowerCase());
  const cols = new Map<string, number>();
  header.forEach((h, i) => {
    const name = COLUMN_NAMES[h];
    if (name === undefined) {
      throw new InputError(`${file}:${row + 1}: unknown column "${printable(h)}" (expected id, lower, upper, size, alignment, offset, hint, gaps, alias_of, alias_offset, weight, spillable)`, { file });
    }
    if (cols.has(name)) throw new InputError(`${file}:${row + 1}: column "${h}" given twice`, { file });
    cols.set(name, i);
  });
  for (const need of ['id', 'lower', 'size']) {
    if (!cols.has(need)) throw new InputError(`${file}:${row + 1}: header lacks the "${need}" column`, { file });
  }
  if (cols.has('upper') === cols.has('end')) {
    throw new InputError(`${file}:${row + 1}: header needs exactly one of "upper" (exclusive) or "end" (inclusive)`, { file });
  }

  const buffers: Buffer[] = [];
  for (let r = 1; r < records.length; r++) {
    const { cells, line } = records[r]!;
    const where = `${file}:${line}`;
    if (cells.length !== header.length) {
      throw new InputError(`${where}: ${cells.length} fields, the header has ${header.length}`, { file });
    }
    const id = cells[cols.get('id')!]!;
    const cell = (name: string): string | undefined => {
      const i = cols.get(name);
      return i === undefined ? undefined : cells[i];
    };
    const int = (name: string, optional = false): number | undefined => {
      const v = cell(name);
      if (v === undefined || (optional && (v === '' || v === '-1'))) return undefined;
      if (!/^-?\d+$/.test(v) || !Number.isSafeInteger(Number(v))) {
        throw new InputError(`${where}: buffer "${id}": ${name} "${v}" is not a safe integer`, { file, buffer: id, field: name });
      }
      return Number(v);
    };
    const b: Buffer = {
      id,
      start: int('lower')!,
      end: cols.has('upper') ? int('upper')! : int('end')! + 1,
      size: int('size')!,
    };
    const align = int('alignment', true);
    if (align !== undefined) b.align = align;
    const memory = cell('memory');
    if (memory !== undefined && !/^([A-Za-z_][\w.-]*)?$/.test(memory)) {
      throw new InputError(`${where}: buffer "${id}": memory "${memory}" is not chip, ddr or a memory's name`, { file, buffer: id, field: 'memory' });
    }
    const offset = int('offset', true);
    // Only an on-chip offset (no memory, or `chip`) is kept as fixed: others are in another memory's arena.
    if (offset !== undefined && (memory === undefined || /^(chip|)$/i.test(memory))) b.offset = offset;
    const weight = cell('weight');
    if (weight !== undefined && weight !== '') {
      const w = Number(weight);
      if (!Number.isFinite(w)) throw new InputError(`${where}: buffer "${id}": weight "${weight}" is not a number`, { file, buffer: id, field: 'weight' });
      b.weight = w;
    }
    const spill = cell('spillable');
    if (spill !== undefined && spill !== '') {
      if (!/^(true|false|1|0)$/i.test(spill)) {
        throw new InputError(`${where}: buffer "${id}": spillable "${spill}" is not true/false`, { file, buffer: id, field: 'spillable' });
      }
      b.spillable = /^(true|1)$/i.test(spill);
    }
    const gaps = cell('gaps');
    if (gaps !== undefined && gaps !== '') {
      try {
        b.gaps = parseGaps(gaps, cols.has('end'));
      } catch (e) {
        throw new InputError(`${where}: buffer "${id}": ${(e as Error).message}`, { file, buffer: id, field: 'gaps' });
      }
    }
    const hint = int('hint', true);
    if (hint !== undefined) b.hint = hint;
    const aliasOf = cell('alias_of');
    if (aliasOf !== undefined && aliasOf !== '') b.aliasOf = aliasOf;
    const aliasOffset = cell('alias_offset');
    if (aliasOffset !== undefined && aliasOffset !== '') b.aliasOffset = int('alias_offset')!;
    buffers.push(b);
    lines?.set(id, line);
  }
  return { buffers };
}
