import type { Problem } from '../problem/types.js';

function checkId(id: string): string {
  if (/[,\r\n]/.test(id)) throw new Error(`buffer "${id}": an id with a comma or line break cannot be written as CSV`);
  return id;
}

function rows(problem: Problem, offsets?: readonly number[]): string {
  const withAlign = problem.buffers.some((b) => (b.align ?? 1) !== 1);
  const withOffset = offsets !== undefined || problem.buffers.some((b) => b.offset !== undefined);
  const head = ['id', 'lower', 'upper', 'size', ...(withAlign ? ['alignment'] : []), ...(withOffset ? ['offset'] : [])];
  const lines = [head.join(',')];
  problem.buffers.forEach((b, i) => {
    const cells = [checkId(b.id), b.start, b.end, b.size];
    if (withAlign) cells.push(b.align ?? 1);
    if (withOffset) cells.push(offsets ? offsets[i]! : (b.offset ?? ''));
    lines.push(cells.join(','));
  });
  return lines.join('\n') + '\n';
}

/** The problem as MiniMalloc CSV (`upper` exclusive; `offset` only for fixed buffers). */
export function problemToCsv(problem: Problem): string {
  return rows(problem);
}

/** A solution as MiniMalloc CSV: the problem's columns plus each buffer's `offset`. */
export function solutionToCsv(problem: Problem, offsets: readonly number[]): string {
  return rows(problem, offsets);
}
