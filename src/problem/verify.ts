import { firstOverlap } from './sweep.js';
import type { Buffer, Memory, MemoryTier, Problem } from './types.js';
import { checkOffsets, type Verdict } from './verify-offsets.js';
import { verifyTiedPlan } from './verify-tied.js';

export { checkOffsets, type Verdict };

/**
 * Checks a placement against its problem, knowing nothing of how it was found: every buffer has
 * an aligned non-negative integer offset (its fixed one, if it has one), and buffers live at the same
 * time never share an address. When `claimedPeak` is given it must equal the recomputed peak.
 * Self-contained on purpose: it shares no code with the solvers (only the sorts and the ordered set of
 * src/problem/sweep.ts, which make the check O(n log n); the collisions it finds are then listed pair by pair).
 * A problem with gaps or aliases is checked by verifyTiedPlan (src/problem/verify-tied.ts), which also checks those.
 */
export function verifyPlan(problem: Problem, offsets: readonly number[], claimedPeak?: number): Verdict {
  if (problem.buffers.some((b) => b.aliasOf !== undefined || (b.gaps !== undefined && b.gaps.length > 0))) {
    return verifyTiedPlan(problem, offsets, claimedPeak);
  }
  const errors: string[] = [];
  const bs = problem.buffers;
  const maxErrors = 20;
  const add = (m: string): void => {
    if (errors.length < maxErrors) errors.push(m);
  };
  const peak = checkOffsets(bs, offsets, add);
  if (peak === undefined || errors.length > 0) return { valid: false, errors, peak: NaN };

  // A sweep over time keeping the live buffers by address finds whether any two collide in
  // O(n log n); only then are the collisions listed, pair by pair.
  const n = bs.length;
  const rect = { start: new Float64Array(n), end: new Float64Array(n), lo: new Float64Array(n), hi: new Float64Array(n) };
  for (let i = 0; i < n; i++) {
    const b = bs[i]!;
    rect.start[i] = b.start;
    rect.end[i] = b.end;
    rect.lo[i] = offsets[i]!;
    rect.hi[i] = offsets[i]! + b.size;
  }
  if (firstOverlap(rect) !== undefined) listCollisions(bs, offsets, add);
  if (claimedPeak !== undefined && claimedPeak !== peak) add(`plan claims peak ${claimedPeak} but its offsets reach ${peak}`);
  return { valid: errors.length === 0, errors, peak };
}

/**
 * Every pair of buffers live at the same step that share an address, one line each through `add`:
 * a sweep over time comparing each buffer that starts with every buffer still live (O(n x live)).
 */
function listCollisions(bs: readonly Buffer[], offsets: readonly number[], add: (m: string) => void): void {
  const order = bs.map((_, i) => i).sort((x, y) => bs[x]!.start - bs[y]!.start || x - y);
  let live: number[] = [];
  for (const i of order) {
    const b = bs[i]!;
    if (b.size <= 0) continue;
    live = live.filter((j) => bs[j]!.end > b.start);
    const lo = offsets[i]!;
    const hi = lo + b.size;
    for (const j of live) {
      const c = bs[j]!;
      const clo = offsets[j]!;
      if (lo < clo + c.size && clo < hi) {
        add(
          `buffers "${c.id}" [${clo}, ${clo + c.size}) and "${b.id}" [${lo}, ${hi}) overlap in memory while both live at step ${b.start}`,
        );
      }
    }
    live.push(i);
  }
}

/** The two arenas of a spilled plan, as a caller claims them. */
export interface SpilledClaim {
  /** Bytes of the on-chip arena: must be within the capacity. */
  chipPeak: number;
  /** Bytes of the DDR arena. */
  ddrPeak: number;
}

/**
 * Checks a plan over two memories: every buffer lives in exactly one (`memory[i]` is `chip` or `ddr`);
 * buffers that may not spill (`spillable: false`) or have a fixed offset are on chip; the on-chip
 * buffers form a valid placement (verifyPlan on them alone) whose peak is within `capacity`; the DDR
 * buffers form a valid placement of their own (reuse there too). `offsets[i]` is buffer i's offset in
 * its memory's arena. When `claimed` is given, both peaks must equal the recomputed ones.
 */
export function verifySpilledPlan(
  problem: Problem,
  memory: readonly Memory[],
  offsets: readonly number[],
  capacity: number,
  claimed?: SpilledClaim,
): Verdict & { ddrPeak: number } {
  const bs = problem.buffers;
  const errors: string[] = [];
  if (memory.length !== bs.length || offsets.length !== bs.length) {
    errors.push(`plan has ${memory.length} memories and ${offsets.length} offsets for ${bs.length} buffers`);
    return { valid: false, errors, peak: NaN, ddrPeak: NaN };
  }
  const chip: number[] = [];
  const ddr: number[] = [];
  bs.forEach((b, i) => {
    const m = memory[i];
    if (m === 'chip') chip.push(i);
    else if (m === 'ddr') {
      ddr.push(i);
      if (b.spillable === false) errors.push(`buffer "${b.id}" may not spill but is in DDR`);
      if (b.offset !== undefined) errors.push(`buffer "${b.id}" has a fixed offset but is in DDR`);
    } else errors.push(`buffer "${b.id}": memory ${String(m)} is neither chip nor ddr`);
  });
  const part = (idx: number[], name: string): Verdict => {
    const v = verifyPlan(
      { buffers: idx.map((i) => bs[i]!) },
      idx.map((i) => offsets[i]!),
    );
    for (const e of v.errors) errors.push(`${name}: ${e}`);
    return v;
  };
  const onChip = part(chip, 'on chip');
  const inDdr = part(ddr, 'DDR');
  if (onChip.valid && onChip.peak > capacity) errors.push(`on chip: peak ${onChip.peak} exceeds the capacity ${capacity}`);
  if (claimed !== undefined) {
    if (onChip.valid && claimed.chipPeak !== onChip.peak) errors.push(`plan claims an on-chip peak of ${claimed.chipPeak} but its offsets reach ${onChip.peak}`);
    if (inDdr.valid && claimed.ddrPeak !== inDdr.peak) errors.push(`plan claims a DDR peak of ${claimed.ddrPeak} but its offsets reach ${inDdr.peak}`);
  }
  return { valid: errors.length === 0, errors, peak: onChip.peak, ddrPeak: inDdr.peak };
}

/**
 * Checks a plan over memory tiers, knowing nothing of how it was found: every buffer lives in exactly
 * one memory (`memory[i]`, an index into `memories`) that it may use (its `memories` names; the first
 * one when it has `spillable: false` or a fixed offset); the buffers of each memory form a valid
 * placement of their own (verifyPlan on them alone, offsets multiples of the memory's `align` too)
 * whose peak is within that memory's capacity. `offsets[i]` is buffer i's offset in its memory's arena.
 * When `claimedPeaks` is given, each memory's peak must equal the recomputed one. `peaks[m]` is NaN
 * when memory m's placement is invalid. A read-only memory (MemoryTier.readOnly: flash) has no arena:
 * its buffers must name it in their `memories`, their offsets are not checked, their total bytes must
 * be within its capacity, and its peak is 0. Copied weights count in the memories they are copied to
 * like any other buffer (whole-run buffers there). With gaps or aliases, an alias lives in the memory of
 * what it aliases, and each memory is checked by verifyTiedPlan (through verifyPlan): its aliases' offsets,
 * and bytes held only while live.
 */
export function verifyTieredPlan(
  problem: Problem,
  memories: readonly MemoryTier[],
  memory: readonly number[],
  offsets: readonly number[],
  claimedPeaks?: readonly number[],
): Omit<Verdict, 'peak'> & { peaks: number[] } {
  const bs = problem.buffers;
  const errors: string[] = [];
  if (memory.length !== bs.length || offsets.length !== bs.length) {
    errors.push(`plan has ${memory.length} memories and ${offsets.length} offsets for ${bs.length} buffers`);
    return { valid: false, errors, peaks: memories.map(() => NaN) };
  }
  const members: number[][] = memories.map(() => []);
  bs.forEach((b, i) => {
    const m = memory[i]!;
    if (!Number.isInteger(m) || m < 0 || m >= memories.length) {
      errors.push(`buffer "${b.id}": memory ${String(m)} is not one of the ${memories.length} memories`);
      return;
    }
    members[m]!.push(i);
    const name = memories[m]!.name;
    if (b.memories !== undefined && !b.memories.includes(name)) errors.push(`buffer "${b.id}" may not live in memory "${name}"`);
    if (m !== 0 && b.spillable === false) errors.push(`buffer "${b.id}" may not spill but is in memory "${name}"`);
    if (m !== 0 && b.offset !== undefined) errors.push(`buffer "${b.id}" has a fixed offset but is in memory "${name}"`);
  });
  // An alias is a view of another buffer's bytes: both in one memory (verifyTiedPlan then checks its offset).
  const index = new Map(bs.map((b, i) => [b.id, i]));
  bs.forEach((b, i) => {
    if (b.aliasOf === undefined) return;
    const t = index.get(b.aliasOf);
    if (t !== undefined && memory[t] !== memory[i]) errors.push(`buffer "${b.id}" (in memory "${memories[memory[i]!]?.name ?? String(memory[i])}") aliases "${b.aliasOf}" (in memory "${memories[memory[t]!]?.name ?? String(memory[t])}"): a view lives in the memory of what it aliases`);
  });
  const peaks = memories.map((mem, m) => {
    const idx = members[m]!;
    if (mem.readOnly === true) {
      // No arena in a read-only memory: its buffers stay where they are stored; only their total is bounded.
      const total = idx.reduce((s, i) => s + bs[i]!.size, 0);
      if (mem.capacity !== undefined && total > mem.capacity) errors.push(`memory "${mem.name}": its buffers take ${total} B, more than its capacity ${mem.capacity}`);
      for (const i of idx) if (bs[i]!.memories?.includes(mem.name) !== true) errors.push(`buffer "${bs[i]!.id}" is in read-only memory "${mem.name}" without naming it in its memories`);
      const claimed = claimedPeaks?.[m];
      if (claimed !== undefined && claimed !== 0) errors.push(`memory "${mem.name}": plan claims an arena of ${claimed} B in a read-only memory (none is planned there)`);
      return 0;
    }
    const align = mem.align ?? 1;
    const v = verifyPlan(
      // The memory's alignment on each buffer (a copy only where it adds to the buffer's own).
      { buffers: idx.map((i) => (align <= (bs[i]!.align ?? 1) ? bs[i]! : { ...bs[i]!, align })) },
      idx.map((i) => offsets[i]!),
    );
    for (const e of v.errors) errors.push(`memory "${mem.name}": ${e}`);
    if (!v.valid) return NaN;
    if (mem.capacity !== undefined && v.peak > mem.capacity) errors.push(`memory "${mem.name}": peak ${v.peak} exceeds its capacity ${mem.capacity}`);
    const claimed = claimedPeaks?.[m];
    if (claimed !== undefined && claimed !== v.peak) errors.push(`memory "${mem.name}": plan claims a peak of ${claimed} but its offsets reach ${v.peak}`);
    return v.peak;
  });
  return { valid: errors.length === 0, errors, peaks };
}
