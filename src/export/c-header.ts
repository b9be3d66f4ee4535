import { plural } from '../format/plural.js';
import type { ImportedModel } from '../import/model.js';
import type { Plan } from '../problem/types.js';
import { InputError } from '../problem/errors.js';
import { printable } from '../format/printable.js';
import { baseName } from './labels.js';
import { tailLabel, tflmArena, type TflmArenaOptions } from '../runtime/tflm/arena.js';
import { HOST_POINTER_BYTES, TARGET32_POINTER_BYTES } from '../runtime/tflm/operator.js';
import { ddrPeaks, modelArena, modelArenaSize, modelPlacements, subgraphBases, tensorOffsets, type TensorPlacement } from './tensor-offsets.js';
import type { SpillInfo } from '../solve/spill.js';

/** C identifiers stay within the 63 significant characters C99 guarantees. */
export const MAX_IDENT = 63;

/** The longest macro prefix: it leaves room for `_SG<s>_T<index>_` and a part of the tensor's name. */
export const MAX_PREFIX = 32;

/** Upper-case letters, digits and underscores; never starting with a digit. */
export function cIdentifier(text: string): string {
  const s = text.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_+|_+$/g, '').toUpperCase();
  return /^[0-9]/.test(s) ? `_${s}` : s;
}

/** Makes each name unique among `used` (adding _2, _3, ... before the cut), within MAX_IDENT characters. */
export function unique(name: string, used: Set<string>): string {
  let candidate = name.slice(0, MAX_IDENT);
  for (let k = 2; used.has(candidate); k++) {
    const tail = `_${k}`;
    candidate = name.slice(0, MAX_IDENT - tail.length) + tail;
  }
  used.add(candidate);
  return candidate;
}

/**
 * Text safe inside a C block comment: control characters escaped (printable(), so a line break or an
 * ESC in a tensor name stays on its line and shows as `\n`, `\x1b`), and `*` `/` / `/` `*` split so the
 * comment neither ends early nor nests.
 */
export const comment = (s: string): string => printable(s).replace(/\*\//g, '* /').replace(/\/\*/g, '/ *');

/**
 * Text as the body of a C string literal: `"` and `\` escaped, every character outside printable
 * ASCII written as octal escapes of its UTF-8 bytes (three digits each, so no following digit joins it),
 * and `?` escaped to keep trigraphs out (C11 5.2.1.1).
 */
export function cString(s: string): string {
  let out = '';
  for (const byte of new TextEncoder().encode(s)) {
    const c = String.fromCharCode(byte);
    if (c === '"' || c === '\\' || c === '?') out += `\\${c}`;
    else if (byte >= 0x20 && byte < 0x7f) out += c;
    else out += `\\${byte.toString(8).padStart(3, '0')}`;
  }
  return out;
}

/**
 * The macro prefix a header gets by default: the model file's base name without its extension, as an
 * upper-case C identifier (`person_detect.tflite` -> `PERSON_DETECT`), so headers of two models can be
 * included in one C file; `MODEL_` goes before a name that starts with a digit, and `ARENAPACK` stands
 * for a name with no letter or digit.
 */
export function headerPrefix(file: string): string {
  const base = baseName(file).replace(/\.[^.]*$/, '');
  const id = cIdentifier(base);
  if (id === '') return 'ARENAPACK';
  return (/^_*[0-9]/.test(id) ? `MODEL_${id.replace(/^_+/, '')}` : id).slice(0, MAX_PREFIX).replace(/_+$/, '');
}

/** Whether `name` can be a macro prefix: a C identifier that does not start with an underscore (those are reserved). */
export function isPrefix(name: string): boolean {
  return /^[A-Za-z][A-Za-z0-9_]*$/.test(name) && name.length <= MAX_PREFIX;
}

/**
 * The arena size lines. TFLite (TFLM): the head TFLM will use (every tensor rounded up to 16, as it
 * plans, and the kernel scratch it places around them: exact), the variables (a part of its tail),
 * TAIL_ESTIMATE (src/runtime/tflm/tail.ts, for the pointer size asked), ARENA_SIZE = head + that
 * estimate, and ARENA_SIZE_WITH_TAIL(tail_bytes) = head + a tail measured on the target. ONNX: the
 * planned arena.
 */
function arenaLines(model: ImportedModel, offsets: readonly (readonly number[])[], planned: number, prefix: string, used: Set<string>, tflm: TflmArenaOptions = {}): string[] {
  if (model.format !== 'tflite') return [`/* Bytes of the arena (all subgraphs). */`, `#define ${unique(`${prefix}_ARENA_SIZE`, used)} ${planned}`];
  const a = tflmArena(model, offsets, tflm);
  const head = unique(`${prefix}_HEAD_SIZE`, used);
  const tail = unique(`${prefix}_TAIL_ESTIMATE`, used);
  return [
    tflm.headWithScratch !== undefined
      ? `/* TFLM's head (planned tensors, all subgraphs, each rounded up to 16 bytes, and the kernel scratch TFLM places around them at run time), bytes. Scratch that holds pointers (ADD_N) is sized for the ${HOST_POINTER_BYTES}-byte pointers of the 64-bit host runtime it is checked in; a 32-bit target's (${TARGET32_POINTER_BYTES} bytes) ask half as much there. */`
      : `/* TFLM's head (planned tensors, all subgraphs, each rounded up to 16 bytes as TFLM plans), bytes; kernel scratch it places online may add to it. */`,
    `#define ${head} ${a.head}`,
    `/* Variables (state), in TFLM's persistent tail, each rounded up to 16 bytes. */`,
    `#define ${unique(`${prefix}_VARIABLES_SIZE`, used)} ${a.variables}`,
    `/* TFLM's tail (persistent: its structs, the kernels' data, the variables), bytes: an ${comment(tailLabel(a.tail))}. */`,
    `#define ${tail} ${a.tail.bytes}`,
    `/* The arena to give TFLM (kTensorArenaSize) ~ head + tail estimate: an ESTIMATE (the head exact). */`,
    `#define ${unique(`${prefix}_ARENA_SIZE`, used)} (${head} + ${tail})`,
    `/* The arena with a tail measured on the target (arena_used_bytes() after AllocateTensors() minus the head), bytes. */`,
    `#define ${unique(`${prefix}_ARENA_SIZE_WITH_TAIL`, used)}(tail_bytes) (${head} + (tail_bytes))`,
  ];
}

export interface HeaderOptions {
  /** SHA-256 (hex) of the model to ship: the command line gives the model it writes with --write-tflite, else the input. */
  sha256: string;
  /** Prefix of every macro and of the include guard (default: headerPrefix(model.file)); see isPrefix. */
  prefix?: string;
  /**
   * TFLite: the arena's options as tflmArena takes them (src/runtime/tflm/arena.ts, tflmArenaOptions):
   * the head TFLM uses with its kernels' scratch placed around the offline plan (default: the planned
   * tensors' head alone), the scratch requests and the pointer size of the tail estimate.
   */
  tflm?: TflmArenaOptions;
  /** tensorOffsets(model, plans), when the caller has them already (computed once per plan). */
  offsets?: readonly (readonly number[])[];
  /** modelPlacements(model, plans, offsets), when the caller has them already: the macros per tensor. */
  placements?: readonly (readonly TensorPlacement[])[];
}

/**
 * A C header with the plan: the arena size, the model's sha256 (to detect a stale header), and per
 * tensor planned an `#define <PREFIX>_SG<s>_T<index>_<NAME>_OFFSET <bytes>`; offsets are from the start
 * of the arena (each subgraph at its base: tensor-offsets.ts modelArena). The guard is `<PREFIX>_PLAN_H` and the
 * first line names the model by its base name (never a path of this machine). Names from the model
 * only appear in comments, escaped. Deterministic: same plan, same bytes.
 */
export function cHeader(
  model: ImportedModel,
  plans: readonly (Pick<Plan, 'offsets' | 'peak' | 'method' | 'status'> & { spill?: Pick<SpillInfo, 'memory' | 'ddrPeak'> })[],
  opts: HeaderOptions,
): string {
  const prefix = opts.prefix ?? headerPrefix(model.file);
  if (!isPrefix(prefix)) {
    throw new InputError(`header prefix "${printable(prefix)}" is not a C identifier of at most ${MAX_PREFIX} characters starting with a letter`, { field: 'prefix' });
  }
  const offsets = opts.offsets ?? tensorOffsets(model, plans);
  const layout = modelArena(model, plans);
  const bases = layout.bases;
  // After spilling, a second arena in DDR: its size, each subgraph's base and size, and *_DDR_OFFSET per tensor in it.
  const spilled = plans.some((p) => p.spill !== undefined);
  const placements = opts.placements ?? modelPlacements(model, plans, offsets);
  const ddrBases = subgraphBases(ddrPeaks(plans));
  const used = new Set<string>();
  const guard = unique(`${prefix}_PLAN_H`, used);
  const lines: string[] = [
    `/* Memory plan for ${comment(baseName(model.file))}, generated by arenapack. Do not edit: re-run arenapack. */`,
    `#ifndef ${guard}`,
    `#define ${guard}`,
    '',
    `/* SHA-256 of the model file this plan is for: compare it with the model you ship. */`,
    `#define ${unique(`${prefix}_MODEL_SHA256`, used)} "${cString(opts.sha256)}"`,
    ...arenaLines(model, offsets, layout.size, prefix, used, opts.tflm ?? {}),
  ];
  if (spilled) {
    lines.push(`/* Bytes of the DDR arena the spilled tensors live in (all subgraphs, stacked); their offsets are *_DDR_OFFSET. */`);
    lines.push(`#define ${unique(`${prefix}_DDR_ARENA_SIZE`, used)} ${modelArenaSize(ddrPeaks(plans))}`);
  }
  model.subgraphs.forEach((sg, s) => {
    const plan = plans[s]!;
    lines.push('');
    lines.push(`/* subgraph ${s}${sg.name ? ` "${comment(sg.name)}"` : ''}: ${plural(sg.problem.buffers.length, 'buffer')}, ${plan.peak} bytes by ${plan.method} (${plan.status}) */`);
    lines.push(`#define ${unique(`${prefix}_SG${s}_BASE`, used)} ${bases[s]}`);
    lines.push(`#define ${unique(`${prefix}_SG${s}_SIZE`, used)} ${plan.peak}`);
    if (plan.spill !== undefined) {
      lines.push(`#define ${unique(`${prefix}_SG${s}_DDR_BASE`, used)} ${ddrBases[s]}`);
      lines.push(`#define ${unique(`${prefix}_SG${s}_DDR_SIZE`, used)} ${plan.spill.ddrPeak}`);
    }
    for (const t of placements[s]!) {
      const base = `${prefix}_SG${s}_T${t.tensor}${t.name ? `_${cIdentifier(t.name)}` : ''}`;
      const suffix = t.memory === 'chip' ? '_OFFSET' : '_DDR_OFFSET';
      const id = unique(`${base.slice(0, MAX_IDENT - suffix.length)}${suffix}`, used);
      lines.push(`#define ${id} ${t.offset}${t.name || t.size !== undefined ? ` /* ${comment(t.name)}${t.size !== undefined ? `, ${t.size} B` : ''} */` : ''}`);
    }
  });
  lines.push('', `#endif /* ${guard} */`, '');
  return lines.join('\n');
}
