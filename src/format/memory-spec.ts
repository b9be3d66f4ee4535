/**
 * Memory tiers as text (the command line's `--memory`, the page's memories field): `NAME=SIZE:COST`,
 * `NAME=SIZE` (cost: the memory's position, 1 for the first), `NAME:COST` or `NAME::COST` (no size:
 * unbounded, the last memory only). NAME: a letter, then letters, digits or `_`. SIZE as parseSize
 * (`64KiB`, `2MiB`, `4MB`, bytes); COST a non-negative number.
 */
import type { MemoryTier } from '../problem/types.js';
import { parseSize } from './bytes.js';

/** One memory from its text; `position` is its index in the list (for the default cost). Throws an Error saying what is wrong. */
export function parseMemorySpec(value: string, position: number): MemoryTier {
  const m = /^([A-Za-z][A-Za-z0-9_]*)(?:=([^:]*))?(?::{1,2}([^:]*))?$/.exec(value.trim());
  if (m === null) throw new Error(`"${value}" is not NAME=SIZE[:COST] (e.g. dtcm=64KiB:1, psram:20)`);
  const [, name, size, cost] = m;
  const mem: MemoryTier = { name: name!, cost: position + 1 };
  if (size !== undefined && size !== '') {
    try {
      mem.capacity = parseSize(size);
    } catch (e) {
      throw new Error(`${name}: ${(e as Error).message}`);
    }
  }
  if (cost !== undefined) {
    const c = Number(cost);
    if (cost === '' || !Number.isFinite(c) || c < 0) throw new Error(`${name}: cost "${cost}" is not a non-negative number`);
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
