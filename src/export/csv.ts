import { formatGaps } from '../format/gaps.js';
import type { Buffer, Problem } from '../problem/types.js';

/**
 * A field as RFC 4180 writes it: in double quotes, its quotes doubled, when it holds a comma, a quote or
 * a line break, or starts or ends with whitespace (which the reader would trim); else as it is.
 */
export function csvField(text: string): string {
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Optional columns, written when any buffer has the field: the problem's own columns come back. */
const OPTIONAL: [string, (b: Buffer) => unknown, (b: Buffer) => string][] = [
  ['alignment', (b) => (b.align ?? 1) !== 1, (b) => String(b.align ?? 1)],
  ['weight', (b) => b.weight !== undefined, (b) => (b.weight === undefined ? '' : String(b.weight))],
  ['spillable', (b) => b.spillable !== undefined, (b) => (b.spillable === undefined ? '' : String(b.spillable))],
  ['gaps', (b) => b.gaps !== undefined && b.gaps.length > 0, (b) => formatGaps(b.gaps ?? [])],
  ['hint', (b) => b.hint !== undefined, (b) => (b.hint === undefined ? '' : String(b.hint))],
  ['alias_of', (b) => b.aliasOf !== undefined, (b) => (b.aliasOf === undefined ? '' : csvField(b.aliasOf))],
  ['alias_offset', (b) => b.aliasOf !== undefined, (b) => (b.aliasOf === undefined ? '' : String(b.aliasOffset ?? 0))],
];

function rows(problem: Problem, offsets?: readonly number[], memory?: readonly string[]): string {
  const bs = problem.buffers;
  const extra = OPTIONAL.filter(([, has]) => bs.some((b) => has(b)));
  const withOffset = offsets !== undefined || bs.some((b) => b.offset !== undefined);
  const head = ['id', 'lower', 'upper', 'size', ...extra.map(([name]) => name), ...(withOffset ? ['offset'] : []), ...(memory ? ['memory'] : [])];
  const lines = [head.join(',')];
  bs.forEach((b, i) => {
    const cells = [csvField(b.id), String(b.start), String(b.end), String(b.size), ...extra.map(([, , cell]) => cell(b))];
    if (withOffset) cells.push(offsets ? String(offsets[i]!) : b.offset === undefined ? '' : String(b.offset));
    if (memory) cells.push(memory[i]!);
    lines.push(cells.join(','));
  });
  return lines.join('\n') + '\n';
}

/** The problem as MiniMalloc CSV (`upper` exclusive; `offset` only for fixed buffers). */
export function problemToCsv(problem: Problem): string {
  return rows(problem);
}

/**
 * A solution as MiniMalloc CSV: the problem's columns plus each buffer's `offset`; with `memory` (a
 * spilled plan) also a `memory` column, `chip` or `ddr` (a tiered plan: the memory's name), the offset being within that memory's arena.
 */
export function solutionToCsv(problem: Problem, offsets: readonly number[], memory?: readonly string[]): string {
  return rows(problem, offsets, memory);
}
