import { parse } from 'csv-parse/sync';
import { excerpt } from '../format/printable.js';
import { InputError } from '../problem/errors.js';
import type { Buffer, Problem } from '../problem/types.js';
import { parseGaps } from '../format/gaps.js';
import { plural } from '../format/plural.js';

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
 * offset. When `lines` is given, it gets each buffer's line (in file order), for messages about a
 * buffer found later (validateProblem's); `notes` gets a note per memory other than `chip` whose rows
 * give offsets (those are planned anew: said, never silent).
 */
export function parseCsv(text: string, file = '<csv>', lines?: number[], notes?: string[]): Problem {
  return plainCsvProblem(text, lines) ?? parseCsvRecords(text, file, lines, notes);
}

/**
 * The longest first line read as a header, characters: every column name with room to spare (the
 * longest header of all columns is under 100). A longer one is no header of ours (a binary file, one
 * huge line): refused before the whole file is parsed as one record of hundreds of megabytes.
 */
const MAX_HEADER_CHARS = 4096;

/** Throws an InputError naming the line when the first line with text is over MAX_HEADER_CHARS long. */
function refuseLongHeader(text: string, file: string): void {
  let pos = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  for (; pos < text.length && (text[pos] === '\n' || text[pos] === '\r'); pos++) if (text[pos] === '\n') line++;
  const nl = text.indexOf('\n', pos);
  const length = (nl < 0 ? text.length : nl) - pos;
  if (length > MAX_HEADER_CHARS) {
    throw new InputError(
      `${file}:${line}: the first line is ${length} characters long, not a header such as "id,lower,upper,size" (it starts "${excerpt(text.slice(pos, pos + 40), 40)}"; is this a CSV file?)`,
      { file },
    );
  }
}

/** parseCsv() through csvRecords(), for any text: every column, every error. */
export function parseCsvRecords(text: string, file = '<csv>', lines?: number[], notes?: string[]): Problem {
  refuseLongHeader(text, file);
  const records = csvRecords(text, file);
  if (records.length === 0) throw new InputError(`${file}: empty file, expected a header "id,lower,upper,size"`, { file });
  const headRecord = records[0]!;
  const row = headRecord.line - 1;
  const header = headRecord.cells.map((h) => h.toLowerCase());
  const cols = new Map<string, number>();
  header.forEach((h, i) => {
    const name = COLUMN_NAMES[h];
    if (name === undefined) {
      throw new InputError(`${file}:${row + 1}: unknown column "${excerpt(h)}" (expected id, lower, upper, size, alignment, offset, hint, gaps, alias_of, alias_offset, weight, spillable)`, { file });
    }
    if (cols.has(name)) throw new InputError(`${file}:${row + 1}: column "${excerpt(h)}" given twice`, { file });
    cols.set(name, i);
  });
  for (const need of ['id', 'lower', 'size']) {
    if (!cols.has(need)) throw new InputError(`${file}:${row + 1}: header lacks the "${need}" column`, { file });
  }
  if (cols.has('upper') === cols.has('end')) {
    throw new InputError(`${file}:${row + 1}: header needs exactly one of "upper" (exclusive) or "end" (inclusive)`, { file });
  }

  const buffers: Buffer[] = [];
  const at = (name: string): number => cols.get(name) ?? -1;
  const [iId, iLower, iUpper, iEnd, iSize, iAlign, iMemory, iOffset, iWeight, iSpill, iGaps, iHint, iAliasOf, iAliasOffset] = (
    ['id', 'lower', 'upper', 'end', 'size', 'alignment', 'memory', 'offset', 'weight', 'spillable', 'gaps', 'hint', 'alias_of', 'alias_offset'] as const
  ).map(at) as [number, number, number, number, number, number, number, number, number, number, number, number, number, number];
  const hasEnd = iEnd >= 0;
  const width = header.length;
  /** Rows with an offset in another memory than chip, by memory: how many, and the first one's id and line. */
  const elsewhere = new Map<string, { rows: number; id: string; line: number }>();
  for (let r = 1; r < records.length; r++) {
    const { cells, line } = records[r]!;
    if (cells.length !== width) {
      throw new InputError(`${file}:${line}: ${plural(cells.length, 'field')}, the header has ${width}`, { file });
    }
    const id = cells[iId]!;
    const start = intCell(cells[iLower]!, 'lower', file, line, id);
    const b: Buffer = {
      id,
      start,
      end: hasEnd ? intCell(cells[iEnd]!, 'end', file, line, id) + 1 : intCell(cells[iUpper]!, 'upper', file, line, id),
      size: intCell(cells[iSize]!, 'size', file, line, id),
    };
    if (iAlign >= 0 && !noneCell(cells[iAlign]!)) b.align = intCell(cells[iAlign]!, 'alignment', file, line, id);
    const memory = iMemory >= 0 ? cells[iMemory]! : undefined;
    if (memory !== undefined && !/^([A-Za-z_][\w.-]*)?$/.test(memory)) {
      throw new InputError(`${file}:${line}: buffer "${excerpt(id)}": memory "${excerpt(memory)}" is not chip, ddr or a memory's name`, { file, buffer: id, field: 'memory' });
    }
    // Only an on-chip offset (no memory, or `chip`) is kept as fixed: others are in another memory's arena.
    if (iOffset >= 0 && !noneCell(cells[iOffset]!)) {
      const offset = intCell(cells[iOffset]!, 'offset', file, line, id);
      if (memory === undefined || /^(chip|)$/i.test(memory)) b.offset = offset;
      else {
        const seen = elsewhere.get(memory);
        if (seen === undefined) elsewhere.set(memory, { rows: 1, id, line });
        else seen.rows++;
      }
    }
    if (iWeight >= 0) rowExtras(b, cells[iWeight]!, 'weight', file, line);
    if (iSpill >= 0) rowExtras(b, cells[iSpill]!, 'spillable', file, line);
    if (iGaps >= 0) rowExtras(b, cells[iGaps]!, hasEnd ? 'gaps-end' : 'gaps', file, line);
    if (iHint >= 0 && !noneCell(cells[iHint]!)) b.hint = intCell(cells[iHint]!, 'hint', file, line, id);
    if (iAliasOf >= 0 && cells[iAliasOf]! !== '') b.aliasOf = cells[iAliasOf]!;
    if (iAliasOffset >= 0 && cells[iAliasOffset]! !== '') b.aliasOffset = intCell(cells[iAliasOffset]!, 'alias_offset', file, line, id);
    buffers.push(b);
    lines?.push(line);
  }
  for (const [memory, { rows, id, line }] of elsewhere) {
    notes?.push(
      `${file}: ${plural(rows, 'buffer')} with an offset in memory "${memory}" (the memory column; the first "${excerpt(id)}", line ${line}) ${rows === 1 ? 'is' : 'are'} planned anew: only offsets on chip (no memory, or chip) are kept as fixed`,
    );
  }
  return { buffers };
}

/** The columns of the one-pass reader (plainCsvProblem), each read by its index here. */
const PLAIN_COLUMNS = ['id', 'lower', 'upper', 'end', 'size'] as const;
const [ID, LOWER, UPPER, END, SIZE] = [0, 1, 2, 3, 4] as const;

/** Digits a number of the one-pass reader may have: any 15 make a safe integer. */
const PLAIN_DIGITS = 15;

/**
 * parseCsv() in one pass over the characters, for the plain files that make up big problems: a PLAIN_CSV
 * text (no quotes, printable ASCII) whose header names exactly id, lower, size and one of upper / end (any
 * order, aliases as COLUMN_NAMES), each row four fields of which the numbers are an optional `-` and 1 to
 * PLAIN_DIGITS digits, spaces and tabs around fields, empty lines anywhere. The problem parseCsv's record
 * path gives, without a string per line or per field, an array per row or a record object (a million
 * buffers: several seconds of splitting and garbage collection; `npm run bench -- scale`). Returns
 * undefined for anything else, bad input included: the record path then reads the file and names the
 * error (test/import/csv.test.ts checks both give the same).
 */
export function plainCsvProblem(text: string, lines?: number[]): Problem | undefined {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (!PLAIN_CSV.test(body)) return undefined;
  const lineBreak = plainLineBreak(body);
  if (lineBreak === undefined) return undefined;
  const cut = lineBreak.length - 1;
  const n = body.length;
  let pos = 0;
  let line = 1;
  // Lines with no character at all before the header; one with spaces or commas only: the record path.
  for (;;) {
    const nl = body.indexOf('\n', pos);
    if (nl !== pos + cut || pos >= n) break;
    pos = nl + 1;
    line++;
  }
  if (pos >= n) return undefined;
  let headEnd = body.indexOf('\n', pos);
  if (headEnd < 0) headEnd = n + cut;
  const head = body.slice(pos, headEnd - cut).split(',');
  if (head.length !== 4) return undefined;
  const roles: number[] = [];
  for (const h of head) {
    const name = Object.hasOwn(COLUMN_NAMES, h.trim().toLowerCase()) ? COLUMN_NAMES[h.trim().toLowerCase()]! : '';
    const role = (PLAIN_COLUMNS as readonly string[]).indexOf(name);
    if (role < 0 || roles.includes(role)) return undefined;
    roles.push(role);
  }
  if (roles.includes(UPPER) && roles.includes(END)) return undefined;
  const hasEnd = roles.includes(END);
  const buffers: Buffer[] = [];
  const found: number[] = [];
  pos = headEnd + 1;
  line++;
  const num = [0, 0, 0, 0, 0];
  while (pos < n) {
    let lineEnd = body.indexOf('\n', pos);
    if (lineEnd < 0) lineEnd = n + cut;
    const end = lineEnd - cut;
    if (end > pos) {
      let id = '';
      let p = pos;
      for (let k = 0; k < 4; k++) {
        let c = body.charCodeAt(p);
        while (p < end && (c === 32 || c === 9)) c = body.charCodeAt(++p);
        const role = roles[k]!;
        if (role === ID) {
          const from = p;
          let last = p;
          while (p < end && c !== 44) {
            if (c !== 32 && c !== 9) last = p + 1;
            c = body.charCodeAt(++p);
          }
          id = body.slice(from, last);
          if (id === '') return undefined;
        } else {
          const negative = c === 45 && p < end;
          if (negative) c = body.charCodeAt(++p);
          let v = 0;
          const from = p;
          while (p < end && c >= 48 && c <= 57) {
            v = v * 10 + (c - 48);
            c = body.charCodeAt(++p);
          }
          if (p === from || p - from > PLAIN_DIGITS) return undefined;
          num[role] = negative ? -v : v;
          while (p < end && (c === 32 || c === 9)) c = body.charCodeAt(++p);
        }
        // Each field ends at a comma, the last at the end of the line.
        if (k < 3 ? p >= end || c !== 44 : p !== end) return undefined;
        p++;
      }
      buffers.push({ id, start: num[LOWER]!, end: hasEnd ? num[END]! + 1 : num[UPPER]!, size: num[SIZE]! });
      found.push(line);
    }
    pos = lineEnd + 1;
    line++;
  }
  if (lines !== undefined) for (const l of found) lines.push(l);
  return { buffers };
}

/** Whether an optional cell says "none": empty, or -1. */
function noneCell(v: string): boolean {
  return v === '' || v === '-1';
}

/**
 * A cell's safe integer (an optional `-`, then decimal digits only); else an InputError naming the
 * file, line, buffer and column. A loop over the characters, not a regular expression: it runs for
 * every number of the file (4 million at a million buffers).
 */
function intCell(v: string, name: string, file: string, line: number, id: string): number {
  const n = v.length;
  let i = n > 0 && v.charCodeAt(0) === 45 ? 1 : 0;
  let ok = i < n;
  for (; i < n && ok; i++) {
    const c = v.charCodeAt(i);
    ok = c >= 48 && c <= 57;
  }
  const x = ok ? Number(v) : NaN;
  if (!Number.isSafeInteger(x)) {
    throw new InputError(`${file}:${line}: buffer "${excerpt(id)}": ${name} "${excerpt(v)}" is not a safe integer`, { file, buffer: id, field: name });
  }
  return x;
}

/** The cells few files have (weight, spillable, gaps) into `b`; an empty cell means none. */
function rowExtras(b: Buffer, v: string, what: 'weight' | 'spillable' | 'gaps' | 'gaps-end', file: string, line: number): void {
  if (v === '') return;
  const where = `${file}:${line}`;
  const id = b.id;
  if (what === 'weight') {
    const w = Number(v);
    if (!Number.isFinite(w)) throw new InputError(`${where}: buffer "${excerpt(id)}": weight "${excerpt(v)}" is not a number`, { file, buffer: id, field: 'weight' });
    b.weight = w;
  } else if (what === 'spillable') {
    if (!/^(true|false|1|0)$/i.test(v)) {
      throw new InputError(`${where}: buffer "${excerpt(id)}": spillable "${excerpt(v)}" is not true/false`, { file, buffer: id, field: 'spillable' });
    }
    b.spillable = /^(true|1)$/i.test(v);
  } else {
    try {
      b.gaps = parseGaps(v, what === 'gaps-end');
    } catch (e) {
      throw new InputError(`${where}: buffer "${excerpt(id)}": ${(e as Error).message}`, { file, buffer: id, field: 'gaps' });
    }
  }
}
