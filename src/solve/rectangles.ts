/**
 * Tied blocks that are plain rectangles, merged into one buffer each (issue #14): an in-place
 * element-wise pair (the input dies where the output starts, same bytes) or a chain of them holds all of
 * its bytes at every step of its span, so the block is exactly its bounding rectangle. A problem whose
 * blocks are all rectangles is the same problem as its blocks' rectangles: every solver (the WASM
 * heuristics and exact search, GLPK, spilling) plans the merged problem, and what it proves holds for
 * the tied one. Blocks that are not rectangles (a concatenation whose inputs start at different steps,
 * gaps) stay with the block heuristics (src/solve/blocks.ts).
 */
import { blocksOf, footprint, hasTies, type Block } from '../problem/relative.js';
import type { Buffer, Problem } from '../problem/types.js';
import { envelopeOf, fromBases } from './blocks.js';

/**
 * Whether the block's live bytes fill its bounding rectangle (envelopeOf's: its members' live ranges,
 * gaps included): every step from the first member's start to the last one's end holds bytes [0, height).
 */
export function isRectangle(problem: Pick<Problem, 'buffers'>, block: Block): boolean {
  if (block.rects.length === 0) return false;
  const members = block.members.map((m) => problem.buffers[m.index]!);
  const start = Math.min(...members.map((b) => b.start));
  const end = Math.max(...members.map((b) => b.end));
  let t = start;
  for (const f of footprint(block.rects)) {
    if (f.start !== t || f.bytes !== block.height) return false;
    t = f.end;
  }
  return t === end;
}

/** A tied problem whose blocks are all rectangles, as one buffer per block. */
export interface MergedRectangles {
  /** One buffer per block (envelopeOf), its weight the members' weights summed (each default its size), spillable only if all are. */
  merged: Problem;
  blocks: Block[];
}

/** The merged problem when `problem` has ties and every block is a rectangle; else undefined. Assumes a validated problem. */
export function mergeRectangles(problem: Problem): MergedRectangles | undefined {
  if (!hasTies(problem)) return undefined;
  const blocks = blocksOf(problem);
  if (!blocks.every((b) => isRectangle(problem, b))) return undefined;
  const merged = envelopeOf(problem, blocks);
  const bs = problem.buffers;
  blocks.forEach((block, k) => {
    const b: Buffer = merged.buffers[k]!;
    const members = block.members.map((m) => bs[m.index]!);
    // Each member's traffic (its weight, default its size): what spilling the block, or another memory, costs.
    b.weight = members.reduce((s, m) => s + (m.weight ?? m.size), 0);
    if (members.some((m) => m.spillable === false)) b.spillable = false;
    const memories = members.filter((m) => m.memories !== undefined).map((m) => m.memories!);
    if (memories.length > 0) b.memories = memories.reduce((a, m) => a.filter((x) => m.includes(x)));
  });
  if (problem.memories !== undefined) merged.memories = problem.memories;
  return { merged, blocks };
}

/** Offsets of the tied problem's buffers from a plan of the merged one (`offsets[k]`: block k's base), and their peak. */
export function spreadOffsets(problem: Problem, m: MergedRectangles, offsets: readonly number[]): { offsets: number[]; peak: number } {
  return fromBases(problem, m.blocks, offsets);
}

/** For each buffer of the tied problem, the index of its block in the merged problem. */
export function blockIndexOf(problem: Problem, m: MergedRectangles): number[] {
  const out = new Array<number>(problem.buffers.length).fill(-1);
  m.blocks.forEach((block, k) => {
    for (const member of block.members) out[member.index] = k;
  });
  return out;
}
