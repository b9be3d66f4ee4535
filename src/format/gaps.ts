import type { Gap } from '../problem/types.js';

/**
 * MiniMalloc's `gaps` cell: items `lo-hi` (steps where the buffer holds nothing) or `lo-hi@a:b` (where
 * only bytes [a, b) of it are live), separated by spaces (as MiniMalloc's converter.cc splits them) or
 * semicolons. `hi` is exclusive, or inclusive when the file's range column is `end` (`inclusiveEnd`):
 * then it is read as hi + 1, as MiniMalloc does. Returns the gaps in the cell's order, unchecked against
 * the buffer (validateTies does that); throws an Error naming the malformed item.
 */
export function parseGaps(cell: string, inclusiveEnd = false): Gap[] {
  const gaps: Gap[] = [];
  for (const item of cell.split(/[\s;]+/)) {
    if (item === '') continue;
    const m = /^(\d+)-(\d+)(?:@(\d+):(\d+))?$/.exec(item);
    if (m === null) throw new Error(`gap "${item}" is not lo-hi or lo-hi@a:b`);
    const [start, end, lo, hi] = [m[1], m[2], m[3], m[4]].map((v) => (v === undefined ? undefined : Number(v)));
    if (![start, end, lo, hi].every((v) => v === undefined || Number.isSafeInteger(v))) throw new Error(`gap "${item}" has a number past 2^53-1`);
    const gap: Gap = { start: start!, end: end! + (inclusiveEnd ? 1 : 0) };
    if (lo !== undefined && hi !== undefined) gap.window = { lo, hi };
    gaps.push(gap);
  }
  return gaps;
}

/** Gaps as a MiniMalloc `gaps` cell (`hi` exclusive, items separated by spaces): parseGaps reads it back. */
export function formatGaps(gaps: readonly Gap[]): string {
  return gaps.map((g) => `${g.start}-${g.end}${g.window ? `@${g.window.lo}:${g.window.hi}` : ''}`).join(' ');
}
