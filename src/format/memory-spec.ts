/**
 * Memory tiers as text (the command line's `--memory`, the page's memories field): `NAME=SIZE:COST`,
 * `NAME=SIZE` (cost: the memory's position, 1 for the first), `NAME:COST` or `NAME::COST` (no size:
 * unbounded, the last memory only). NAME: a letter, then letters, digits or `_`. SIZE as parseSize
 * (`64KiB`, `2MiB`, `4MB`, bytes); COST a non-negative decimal number written with digits only
 * (`0`, `20`, `2.5`: no sign, exponent or hexadecimal, so `-0` and `+1` are refused).
 */
import type { MemoryTier } from '../problem/types.js';
import { MEMORY_NAME } from '../problem/validate.js';
import { parseSize, sizeUnitNote } from './bytes.js';
import { plural } from './plural.js';

/** A cost as written: digits, then an optional fraction (`.` and digits). */
const COST = /^\d+(?:\.\d+)?$/;

/** A name: a letter, then letters, digits or `_` (the rule every memory's name follows). */
const NAME = MEMORY_NAME;

/** `"text"` for a message, or `an empty field` when the text is empty. */
const shown = (field: string): string => (field === '' ? 'an empty field' : `"${field}"`);

/**
 * One memory from its text; `position` is its index in the list (for the default cost). The text
 * (trimmed) is split at `:` into fields: the first is NAME or NAME=SIZE, the next the cost; the one
 * empty field allowed is the size of `NAME::COST`. Every other case is an error saying what is wrong:
 * an empty name, size or cost (`x=`, `x=64KiB:`, `:5`), an empty field between colons (`x=64KiB::1`,
 * `x:::1`), fields after the cost, empty ones named as such (`x:1:` ends in an empty field, `x:1:2`
 * has one field too many), a second `=`, a name that is not a letter followed by letters, digits or `_`,
 * a size parseSize refuses (`-0`, `0`, `lots`), a cost that is not digits with an optional fraction
 * (`-0`, `+1`, `1e3`, `0x10`, ` 1`, `Infinity`).
 * Throws an Error naming the spec and the field that is wrong (a size's error names the memory).
 * `notes`, when given, receives the note for a size written with a unit read two ways (sizeUnitNote).
 */
export function parseMemorySpec(value: string, position: number, notes?: string[]): MemoryTier {
  const spec = value.trim();
  const fail = (why: string): never => {
    throw new Error(`"${spec}": ${why} (NAME=SIZE[:COST] or NAME:COST, e.g. dtcm=64KiB:1, psram:20)`);
  };
  const [head, ...rest] = spec.split(':');
  const eq = head!.indexOf('=');
  const name = eq < 0 ? head! : head!.slice(0, eq);
  if (name === '') fail('the name is empty');
  if (!NAME.test(name)) fail(`the name "${name}" is not a letter followed by letters, digits or _`);
  const size = eq < 0 ? undefined : head!.slice(eq + 1);
  if (size === '') fail('the size after "=" is empty');
  if (size !== undefined && size.includes('=')) fail(`the size "${size}" holds a second "="`);
  // NAME::COST: the empty size field between the colons, for a memory without a size.
  const noSize = size === undefined && rest.length >= 2 && rest[0] === '';
  const fields = noSize ? rest.slice(1) : rest;
  const colon = noSize ? '"::"' : '":"';
  if (fields.length > 0 && fields[0] === '') {
    if (fields.length === 1) fail(`the cost after ${colon} is empty`);
    fail(
      size !== undefined && !noSize && fields.length === 2
        ? 'an empty field between "::" (the size is given after "="; NAME::COST is for a memory without a size)'
        : 'an empty field between colons',
    );
  }
  if (fields.length > 1) {
    const extra = fields.slice(1);
    const empty = extra.filter((f) => f === '').length;
    const what =
      empty === extra.length
        ? `${empty === 1 ? 'an empty field' : `${empty} empty fields`} after the cost "${fields[0]}" (${empty === 1 ? 'a trailing ":"' : 'colons with nothing between them'})`
        : `${plural(extra.length, 'field')} too many after the cost "${fields[0]}": ${extra.map(shown).join(', ')}`;
    fail(what);
  }
  const cost = fields[0];
  const mem: MemoryTier = { name, cost: position + 1 };
  if (size !== undefined) {
    try {
      mem.capacity = parseSize(size);
    } catch (e) {
      throw new Error(`${name}: ${(e as Error).message}`);
    }
    const note = sizeUnitNote(`memory ${name}:`, size, mem.capacity);
    if (note !== undefined) notes?.push(note);
  }
  if (cost !== undefined) {
    if (!COST.test(cost)) fail(`the cost "${cost}" is not a non-negative number written with digits (0, 20, 2.5: no sign, exponent or spaces)`);
    const c = Number(cost);
    if (!Number.isFinite(c)) fail(`the cost "${cost}" is too large`);
    mem.cost = c;
  }
  return mem;
}

/**
 * A comma-separated list of memories, fastest first: `dtcm=64KiB:1, sram=512KiB:2, psram:20`. Blank
 * text is no memories; an empty item between commas (`a:1,,b:2`, a comma first or last) is an error
 * naming its place, as each spec's own errors are (parseMemorySpec). `notes`: as parseMemorySpec's.
 */
export function parseMemoryList(text: string, notes?: string[]): MemoryTier[] {
  if (text.trim() === '') return [];
  const items = text.split(',');
  const blank = items.findIndex((s) => s.trim() === '');
  if (blank >= 0) throw new Error(`"${text.trim()}": memory ${blank + 1} of ${items.length} is empty (a comma ${blank === 0 ? 'first' : blank === items.length - 1 ? 'last' : 'after another'}); list NAME=SIZE[:COST] items separated by single commas`);
  return items.map((s, k) => parseMemorySpec(s, k, notes));
}
