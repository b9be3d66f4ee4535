/**
 * Why a tiers instance has no plan, when a simple fact proves it before any search: a buffer (or a
 * block of aliased buffers) larger than every memory it may use, or a step whose live bytes exceed
 * every memory's capacity together. The planner reports the first of these by name instead of the
 * search's "no assignment fits".
 */
import { formatBytesBoth } from '../../format/bytes.js';
import { excerpt } from '../../format/printable.js';
import type { RowEntry, TierInstance } from './instance.js';
import { plural, verb } from '../../format/plural.js';

/** At most this many buffers are named in one message. */
const NAMED = 3;

/**
 * A sentence naming what makes `inst` infeasible for certain, or undefined when neither fact holds
 * (the instance may still have no plan: the search decides). Each is a valid proof:
 * - a unit spans `size[u]` bytes at once (a buffer's size; a block's height), so it needs a memory
 *   it may use (`allowed[u][m]`) with at least that capacity;
 * - at any step every live unit is in some memory, so the live bytes (RowEntry.bytes, counted once
 *   per unit) are at most the sum of the capacities (a read-only memory's capacity bounds the total
 *   bytes it holds, so also what it holds at one step); only when every memory has a capacity;
 * - the same for the units live at a step that may use only some memories (their own `memories`,
 *   pinning): for each set A of memories that some live unit may use, every bounded, the live units
 *   whose memories all lie in A must fit A's capacities together (Hall's condition, checked for the
 *   sets the units name, not every subset: a valid proof, not a complete one).
 * The step named is the latest start among the units counted: all of them are live there.
 */
export function tiersInfeasibility(inst: TierInstance): string | undefined {
  const alone = unitTooLarge(inst);
  if (alone !== undefined) return alone.reason;
  return allMemoriesStep(inst) ?? restrictedStep(inst);
}

/** The first step whose live bytes exceed every memory's capacity together; undefined when none (or a memory is unbounded). */
function allMemoriesStep(inst: TierInstance): string | undefined {
  const { memories } = inst;
  if (memories.some((m) => m.capacity === undefined)) return undefined;
  const total = memories.reduce((s, m) => s + m.capacity!, 0);
  for (const set of inst.sets) {
    const live = set.reduce((s, e) => s + e.bytes, 0);
    if (live <= total) continue;
    const caps = memories.map((m) => `${m.name} ${formatBytesBoth(m.capacity!)}`).join(' + ');
    return `at step ${stepOf(inst, set)} ${formatBytesBoth(live)} are live (${named(inst, set)}), more than all the memories hold together (${caps} = ${formatBytesBoth(total)})`;
  }
  return undefined;
}

/** The step where every unit of `entries` is live: the latest start among them. */
const stepOf = (inst: TierInstance, entries: readonly RowEntry[]): number => Math.max(...entries.map((e) => inst.span[e.unit]![0]));

/** The largest NAMED units of `entries` with their bytes, and how many there are when more. */
function named(inst: TierInstance, entries: readonly RowEntry[]): string {
  const name = (u: number): string => `"${excerpt(inst.problem.buffers[inst.units[u]![0]!]!.id)}"`;
  const largest = [...entries].sort((x, y) => y.bytes - x.bytes || x.unit - y.unit).slice(0, NAMED);
  return largest.map((e) => `${name(e.unit)} ${formatBytesBoth(e.bytes)}`).join(', ') + (entries.length > NAMED ? `, ... (${entries.length} buffers)` : '');
}

/**
 * The first step where the units that may use only some memories (a set A of them, every one bounded,
 * that a live unit may use) hold more live bytes than A's capacities together; undefined when none.
 * A is a memory set some live unit names (its `allowed` row), not all of them (that is the step fact
 * of tiersInfeasibility). Each set of memories is a bit mask: at most 31 memories are looked at.
 */
function restrictedStep(inst: TierInstance): string | undefined {
  const { memories } = inst;
  const k = memories.length;
  if (k > 31) return undefined;
  const all = 2 ** k - 1;
  const mask = inst.allowed.map((row) => row.reduce((s, a, m) => (a ? s | (1 << m) : s), 0));
  const bounded = memories.reduce((s, m, i) => (m.capacity !== undefined ? s | (1 << i) : s), 0);
  // No unit kept from any memory: nothing to check (and no pass over every step's live units).
  if (mask.every((a) => a === all)) return undefined;
  for (const set of inst.sets) {
    const masks = [...new Set(set.map((e) => mask[e.unit]!))].filter((a) => a !== all && a !== 0 && (a & bounded) === a).sort((x, y) => x - y);
    for (const a of masks) {
      const within = set.filter((e) => (mask[e.unit]! & ~a) === 0);
      const live = within.reduce((s, e) => s + e.bytes, 0);
      const inA = memories.filter((_, m) => (a & (1 << m)) !== 0);
      const capacity = inA.reduce((s, m) => s + m.capacity!, 0);
      if (live <= capacity) continue;
      const names = inA.map((m) => m.name);
      const only = names.length === 1 ? names[0]! : `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]!}`;
      const caps = inA.length === 1 ? `${names[0]} holds ${formatBytesBoth(capacity)}` : `${names.join(' and ')} hold ${formatBytesBoth(capacity)} together (${inA.map((m) => `${m.name} ${formatBytesBoth(m.capacity!)}`).join(' + ')})`;
      return `at step ${stepOf(inst, within)} ${plural(within.length, 'buffer')} that may use only ${only} ${verb(within.length, 'is', 'are')} live with ${formatBytesBoth(live)} (${named(inst, within)}), more than ${caps}`;
    }
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
    const aliases = inst.units[u]!.length - 1;
    const what =
      aliases > 0
        ? `buffer ${name(u)} and ${aliases === 1 ? 'the buffer' : `the ${aliases} buffers`} aliased to it (${formatBytesBoth(inst.size[u]!)} together) are larger than every memory they may use`
        : `buffer ${name(u)} (${formatBytesBoth(inst.size[u]!)}) is larger than every memory it may use`;
    return { unit: u, reason: `${what} (${where})` };
  }
  return undefined;
}
