/**
 * Memory tiers as text (the command line's `--memory`, the page's memories field): `NAME=SIZE:COST`,
 * `NAME=SIZE` (cost: the memory's position, 1 for the first), `NAME:COST` or `NAME::COST` (no size:
 * unbounded, the last memory only). NAME: a letter, then letters, digits or `_`. SIZE as parseSize
 * (`64KiB`, `2MiB`, `4MB`, bytes); COST a non-negative number.
 */
import type { MemoryTier } from '../problem/types.js';
import { parseSize } from './bytes.js';
import { plural } from './plural.js';

/**
 * One memory from its text; `position` is its index in the list (for the default cost). The fields are
 * split at `=` and `:`; a field given empty (`x=`, `x=64KiB:`, `x=64KiB::1`) or one too many
 * (`x=64KiB:1:2`) is an error: the only empty field allowed is the size of `NAME::COST`.
 * Throws an Error naming the spec and the field that is wrong.
 */
export function parseMemorySpec(value: string, position: number): MemoryTier {
  const spec = value.trim();
  const fail = (why: string): never => {
    throw new Error(`"${spec}": ${why} (NAME=SIZE[:COST] or NAME:COST, e.g. dtcm=64KiB:1, psram:20)`);
  };
  const fields = spec.split(':');
  const [head, ...rest] = fields;
  const eq = head!.indexOf('=');
  const name = eq < 0 ? head! : head!.slice(0, eq);
  if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(name)) fail(name === '' ? 'the name is empty' : `the name "${name}" is not a letter followed by letters, digits or _`);
  const size = eq < 0 ? undefined : head!.slice(eq + 1);
  if (size === '') fail('the size after "=" is empty');
  if (size !== undefined && size.includes('=')) fail(`the size "${size}" holds a second "="`);
  // NAME::COST: an empty size field between the colons, for a memory without a size.
  if (rest.length === 2 && size === undefined && rest[0] === '') rest.shift();
  else if (rest.slice(0, -1).includes('')) fail(size === undefined || rest.length > 2 ? 'an empty field between colons' : 'an empty field between "::" (the size is given after "="; NAME::COST is for a memory without a size)');
  if (rest.length > 1) fail(`${plural(rest.length - 1, 'field')} too many after the cost "${rest[0]}": ${rest.slice(1).map((f) => `"${f}"`).join(', ')}`);
  const cost = rest[0];
  const mem: MemoryTier = { name, cost: position + 1 };
  if (size !== undefined) {
    try {
      mem.capacity = parseSize(size);
    } catch (e) {
      throw new Error(`${name}: ${(e as Error).message}`);
    }
  }
  if (cost !== undefined) {
    if (cost.trim() === '') fail('the cost after ":" is empty');
    const c = Number(cost);
    if (!Number.isFinite(c) || c < 0) fail(`the cost "${cost}" is not a non-negative number`);
    mem.cost = c;
  }
  return mem;
}

/** A comma-separated list of memories, fastest first: `dtcm=64KiB:1, sram=512KiB:2, psram:20`. */
export const parseMemoryList = (text: string): MemoryTier[] =>
  text
    .split(',')
    .filter((s) => s.trim() !== '')
    .map((s, k) => parseMemorySpec(s, k));
