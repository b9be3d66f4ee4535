import { parseSize, sizeUnitNote } from '../format/bytes.js';
import { InputError } from '../problem/errors.js';
import type { Problem } from '../problem/types.js';
import { parseGaps } from '../format/gaps.js';
import { excerpt } from '../format/printable.js';

/** A buffer's fields: the problem's (src/problem/types.ts Buffer, MiniMalloc's alias names) and `memory` of a plan written by --out. */
const BUFFER_FIELDS = new Set(['id', 'size', 'start', 'end', 'align', 'offset', 'weight', 'spillable', 'memories', 'gaps', 'hint', 'aliasOf', 'aliasOffset', 'alias_of', 'alias_offset', 'memory']);

/**
 * The top level's fields: the problem's, and those of a plan JSON written by `plan --out`/`--json`
 * (read back as a problem whose offsets are fixed): src/export/json.ts, the spill and tiers plans.
 */
const TOP_FIELDS = new Set([
  'buffers', 'capacity', 'memories',
  'peak', 'liveBound', 'status', 'method', 'bound', 'gap', 'proof', 'methods', 'peakStep', 'peakLive', 'atPeak', 'profile', 'baseline',
  'fits', 'spilled', 'spilledBytes', 'ddrTraffic', 'spill', 'hints', 'spillFailure', 'cost', 'how', 'rounds', 'baselineCost', 'copyInBytes', 'failure', 'timeMs',
]);

/** A memory's fields in `memories`: the problem's, and those a tiered plan JSON adds (what each memory holds). */
const MEMORY_FIELDS = new Set(['name', 'capacity', 'align', 'cost', 'readOnly', 'used', 'bound', 'method', 'buffers', 'bytes', 'traffic']);

/** Throws InputError naming the first field of `obj` not in `known` (a misspelt "capacty" must not be ignored). */
function checkFields(obj: object, known: ReadonlySet<string>, where: string, file: string): void {
  const unknown = Object.keys(obj).find((k) => !known.has(k));
  if (unknown !== undefined) {
    throw new InputError(`${file}: ${where}unknown field ${JSON.stringify(unknown)} (known: ${[...known].join(', ')})`, { file, field: unknown });
  }
}

/**
 * Reads a Problem from JSON: `{ "buffers": [{ "id", "size", "start", "end", ... }], "capacity"? }`
 * or a bare array of buffers. `capacity` may be a number of bytes or a string such as "2MiB".
 * Ids that are numbers are kept as their decimal strings. Gaps, hints and aliases (src/problem/relative.ts):
 * `"gaps": [{ "start", "end", "window"?: { "lo", "hi" } }]` or MiniMalloc's string (`"2-4 6-8@0:16"`),
 * `"hint"`, `"aliasOf"` and `"aliasOffset"` (or `alias_of`, `alias_offset`). Field checks are validateProblem's.
 * A plan JSON written by `plan --out` reads back as its problem with the plan's offsets fixed; as in the
 * CSV reader, an offset is kept only for a buffer with no `memory` or `memory: "chip"` (others are offsets
 * in another memory's arena). A field the format does not have is an InputError naming it. `notes`,
 * when given, receives the note for each size written with a unit read two ways (sizeUnitNote).
 */
export function parseJson(text: string, file = '<json>', notes?: string[]): Problem {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    // V8 names a character position; the message names its line and column, as the CSV reader's do.
    const message = (e as Error).message;
    const at = /at position (\d+)/.exec(message);
    if (at === null) throw new InputError(`${file}: not valid JSON (${message})`, { file });
    const pos = Math.min(Number(at[1]), text.length);
    const line = text.slice(0, pos).split('\n').length;
    const column = pos - (text.lastIndexOf('\n', pos - 1) + 1) + 1;
    throw new InputError(`${file}:${line}:${column}: not valid JSON (${message.replace(/ (in JSON )?at position \d+.*$/, '')})`, { file });
  }
  refuseOtherPlans(data, file);
  const obj: { buffers?: unknown; capacity?: unknown; memories?: unknown } = Array.isArray(data) ? { buffers: data } : (data as object);
  if (obj === null || typeof obj !== 'object' || !Array.isArray(obj.buffers)) {
    throw new InputError(`${file}: expected an object with a "buffers" array, or an array of buffers`, { file });
  }
  if (!Array.isArray(data)) checkFields(obj, TOP_FIELDS, '', file);
  const buffers = (obj.buffers as unknown[]).map((b) => {
    if (b === null || typeof b !== 'object') return b;
    const out: Record<string, unknown> = { ...(b as object) };
    if (typeof out.id === 'number') out.id = String(out.id);
    checkFields(out, BUFFER_FIELDS, `buffer ${JSON.stringify(out.id)}: `, file);
    if ('memory' in out) {
      const memory = out.memory;
      if (typeof memory !== 'string' || !/^([A-Za-z_][\w.-]*)?$/.test(memory)) {
        throw new InputError(`${file}: buffer ${JSON.stringify(out.id)}: memory ${JSON.stringify(memory)} is not chip, ddr or a memory's name`, { file, buffer: String(out.id), field: 'memory' });
      }
      // Only an on-chip offset is a fixed offset of this arena: others are in another memory's.
      if (!/^(chip|)$/i.test(memory)) delete out.offset;
      delete out.memory;
    }
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
      const note = sizeUnitNote(`${file}: "capacity"`, obj.capacity, problem.capacity);
      if (note !== undefined) notes?.push(note);
    } else {
      problem.capacity = obj.capacity as number;
    }
  }
  if (obj.memories !== undefined) problem.memories = parseMemories(obj.memories, file, notes);
  return problem;
}

/**
 * Plan JSONs that are no problem, refused with what the file is and what to give instead (issue #10):
 * a model's plan (`plan model.tflite --out x.json` / `--json`: `model`, `format`, `subgraphs`), whose
 * buffers are subgraph 0's at TFLM's rounding without the model graph (kernel scratch, TFLM's tail, the
 * other subgraphs), so planning them as a buffer list would report an arena the model does not need;
 * and the list several files' `--json` prints (`[{ "file", "plan" }, ...]`).
 */
function refuseOtherPlans(data: unknown, file: string): void {
  if (data === null || typeof data !== 'object') return;
  if (!Array.isArray(data)) {
    const m = data as { model?: unknown; format?: unknown; subgraphs?: unknown };
    if (typeof m.model === 'string' && (m.format === 'tflite' || m.format === 'onnx') && Array.isArray(m.subgraphs)) {
      throw new InputError(
        `${file}: this is the plan arenapack wrote for the model ${JSON.stringify(m.model)} (${m.format}, ${m.subgraphs.length} subgraph${m.subgraphs.length === 1 ? '' : 's'}), ` +
          `not a problem: it lacks the model graph (kernel scratch, TFLM's tail, how subgraphs share the arena). ` +
          `Plan the model itself (arenapack plan ${m.model}); for a buffer list that reads back, write subgraph 0's plan with ` +
          `--out FILE.csv (its solution CSV), or every subgraph's problem with arenapack convert ${m.model} --csv FILE`,
        { file, field: 'model' },
      );
    }
    return;
  }
  const first = data[0] as { file?: unknown; plan?: unknown } | null | undefined;
  if (first !== null && typeof first === 'object' && typeof first.file === 'string' && 'plan' in first) {
    throw new InputError(
      `${file}: this is the list of plans arenapack printed for several files (--json: [{ "file", "plan" }, ...]), not a problem: ` +
        `plan each file itself, or write one file's plan with --out FILE.json`,
      { file, field: 'file' },
    );
  }
}

/**
 * A JSON problem's `memories`: `[{ "name", "capacity"?, "align"?, "cost", "readOnly"? }]`, fastest first; a
 * capacity may be bytes or a string such as "512KiB". Field checks are validateMemories'.
 */
function parseMemories(value: unknown, file: string, notes?: string[]): NonNullable<Problem['memories']> {
  if (!Array.isArray(value)) throw new InputError(`${file}: "memories" must be an array of { name, capacity?, align?, cost }`, { file, field: 'memories' });
  return value.map((m: unknown, k) => {
    if (m === null || typeof m !== 'object') throw new InputError(`${file}: memory #${k} must be an object`, { file, field: 'memories' });
    const mem = { ...(m as Record<string, unknown>) };
    checkFields(mem, MEMORY_FIELDS, `memory #${k}: `, file);
    // What a tiered plan JSON says each memory holds is no part of the problem.
    for (const f of ['used', 'bound', 'method', 'buffers', 'bytes', 'traffic']) delete mem[f];
    // An unbounded memory: capacity null in a plan JSON.
    if (mem.capacity === null) delete mem.capacity;
    if (typeof mem.capacity === 'string') {
      try {
        const written = mem.capacity;
        mem.capacity = parseSize(written);
        const note = sizeUnitNote(`${file}: memory ${typeof mem.name === 'string' ? `"${excerpt(mem.name)}"` : `#${k}`} "capacity"`, written, mem.capacity as number);
        if (note !== undefined) notes?.push(note);
      } catch (e) {
        throw new InputError(`${file}: memory #${k}: capacity ${(e as Error).message}`, { file, field: 'memories.capacity' });
      }
    }
    return mem as unknown as NonNullable<Problem['memories']>[number];
  });
}
