import { parseSize } from '../format/bytes.js';
import { InputError } from '../problem/errors.js';
import type { Problem } from '../problem/types.js';
import { parseGaps } from '../format/gaps.js';

/**
 * Reads a Problem from JSON: `{ "buffers": [{ "id", "size", "start", "end", ... }], "capacity"? }`
 * or a bare array of buffers. `capacity` may be a number of bytes or a string such as "2MiB".
 * Ids that are numbers are kept as their decimal strings. Gaps, hints and aliases (src/problem/relative.ts):
 * `"gaps": [{ "start", "end", "window"?: { "lo", "hi" } }]` or MiniMalloc's string (`"2-4 6-8@0:16"`),
 * `"hint"`, `"aliasOf"` and `"aliasOffset"` (or `alias_of`, `alias_offset`). Field checks are validateProblem's.
 */
export function parseJson(text: string, file = '<json>'): Problem {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new InputError(`${file}: not valid JSON (${(e as Error).message})`, { file });
  }
  const obj: { buffers?: unknown; capacity?: unknown; memories?: unknown } = Array.isArray(data) ? { buffers: data } : (data as object);
  if (obj === null || typeof obj !== 'object' || !Array.isArray(obj.buffers)) {
    throw new InputError(`${file}: expected an object with a "buffers" array, or an array of buffers`, { file });
  }
  const buffers = (obj.buffers as unknown[]).map((b) => {
    if (b === null || typeof b !== 'object') return b;
    const out: Record<string, unknown> = { ...(b as object) };
    if (typeof out.id === 'number') out.id = String(out.id);
    // MiniMalloc's CSV names, accepted as JSON fields too.
    for (const [from, to] of [['alias_of', 'aliasOf'], ['alias_offset', 'aliasOffset']] as const) {
      if (from in out) {
        if (to in out) throw new InputError(`${file}: buffer ${JSON.stringify(out.id)}: give "${to}" or "${from}", not both`, { file, field: from });
        out[to] = out[from];
        delete out[from];
      }
    }
    if (typeof out.gaps === 'string') {
      try {
        out.gaps = parseGaps(out.gaps);
      } catch (e) {
        throw new InputError(`${file}: buffer ${JSON.stringify(out.id)}: ${(e as Error).message}`, { file, field: 'gaps' });
      }
    }
    return out;
  }) as Problem['buffers'];
  const problem: Problem = { buffers };
  if (obj.capacity !== undefined) {
    if (typeof obj.capacity === 'string') {
      try {
        problem.capacity = parseSize(obj.capacity);
      } catch (e) {
        throw new InputError(`${file}: capacity ${(e as Error).message}`, { file, field: 'capacity' });
      }
    } else {
      problem.capacity = obj.capacity as number;
    }
  }
  if (obj.memories !== undefined) problem.memories = parseMemories(obj.memories, file);
  return problem;
}

/**
 * A JSON problem's `memories`: `[{ "name", "capacity"?, "align"?, "cost", "readOnly"? }]`, fastest first; a
 * capacity may be bytes or a string such as "512KiB". Field checks are validateMemories'.
 */
function parseMemories(value: unknown, file: string): NonNullable<Problem['memories']> {
  if (!Array.isArray(value)) throw new InputError(`${file}: "memories" must be an array of { name, capacity?, align?, cost }`, { file, field: 'memories' });
  return value.map((m: unknown, k) => {
    if (m === null || typeof m !== 'object') throw new InputError(`${file}: memory #${k} must be an object`, { file, field: 'memories' });
    const mem = { ...(m as Record<string, unknown>) };
    if (typeof mem.capacity === 'string') {
      try {
        mem.capacity = parseSize(mem.capacity);
      } catch (e) {
        throw new InputError(`${file}: memory #${k}: capacity ${(e as Error).message}`, { file, field: 'memories.capacity' });
      }
    }
    return mem as unknown as NonNullable<Problem['memories']>[number];
  });
}
