/**
 * Why a tiers instance has no plan, when a simple fact proves it before any search: a buffer (or a
 * block of aliased buffers) larger than every memory it may use, or a step whose live bytes exceed
 * every memory's capacity together. The planner reports the first of these by name instead of the
 * search's "no assignment fits".
 */
import { formatBytesBoth } from '../../format/bytes.js';
import { excerpt } from '../../format/printable.js';
import type { TierInstance } from './instance.js';

/** At most this many buffers are named in one message. */
const NAMED = 3;

/**
 * A sentence naming what makes `inst` infeasible for certain, or undefined when neither fact holds
 * (the instance may still have no plan: the search decides). Each is a valid proof:
 * - a unit spans `size[u]` bytes at once (a buffer's size; a block's height), so it needs a memory
 *   it may use (`allowed[u][m]`) with at least that capacity;
 * - at any step every live unit is in some memory, so the live bytes (RowEntry.bytes, counted once
 *   per unit) are at most the sum of the capacities (a read-only memory's capacity bounds the total
 *   bytes it holds, so also what it holds at one step); only when every memory has a capacity.
 * The step named is the latest start among the set's units: all of them are live there.
 */
export function tiersInfeasibility(inst: TierInstance): string | undefined {
  const alone = unitTooLarge(inst);
  if (alone !== undefined) return alone.reason;
  const { memories, problem } = inst;
  const name = (u: number): string => `"${excerpt(problem.buffers[inst.units[u]![0]!]!.id)}"`;
  if (memories.some((m) => m.capacity === undefined)) return undefined;
  const total = memories.reduce((s, m) => s + m.capacity!, 0);
  for (const set of inst.sets) {
    const live = set.reduce((s, e) => s + e.bytes, 0);
    if (live <= total) continue;
    const step = Math.max(...set.map((e) => inst.span[e.unit]![0]));
    const largest = [...set].sort((x, y) => y.bytes - x.bytes || x.unit - y.unit).slice(0, NAMED);
    const named = largest.map((e) => `${name(e.unit)} ${formatBytesBoth(e.bytes)}`).join(', ') + (set.length > NAMED ? `, ... (${set.length} buffers)` : '');
    const caps = memories.map((m) => `${m.name} ${formatBytesBoth(m.capacity!)}`).join(' + ');
    return `at step ${step} ${formatBytesBoth(live)} are live (${named}), more than all the memories hold together (${caps} = ${formatBytesBoth(total)})`;
  }
  return undefined;
}

/**
 * The first unit (a buffer, or a block of aliased buffers) larger than every memory it may use: the
 * one fact of tiersInfeasibility that blames one unit alone. `unit` indexes `inst.units`; `reason`
 * the sentence tiersInfeasibility gives. Undefined when every unit fits some memory it may use.
 */
export function unitTooLarge(inst: TierInstance): { unit: number; reason: string } | undefined {
  const { memories, problem } = inst;
  const name = (u: number): string => `"${excerpt(problem.buffers[inst.units[u]![0]!]!.id)}"`;
  const capacity = (m: number): number => memories[m]!.capacity ?? Infinity;
  for (let u = 0; u < inst.units.length; u++) {
    const may = memories.map((_, m) => m).filter((m) => inst.allowed[u]![m]);
    if (may.some((m) => inst.size[u]! <= capacity(m))) continue;
    const where = may.length === 0 ? 'no memory it may use' : may.map((m) => `${memories[m]!.name} ${formatBytesBoth(capacity(m))}`).join(', ');
    const what = inst.units[u]!.length > 1 ? `buffer ${name(u)} and the ${inst.units[u]!.length - 1} aliased to it (${formatBytesBoth(inst.size[u]!)} together)` : `buffer ${name(u)} (${formatBytesBoth(inst.size[u]!)})`;
    return { unit: u, reason: `${what} is larger than every memory it may use (${where})` };
  }
  return undefined;
}
