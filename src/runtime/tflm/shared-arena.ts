import { tflmAligned } from './allocation.js';
import type { TflmArena } from './arena.js';

/**
 * Several TFLite models run one after another (a wake-word model, then a classifier) in ONE arena of
 * TensorFlow Lite Micro. The rule, from TFLM's allocator (tensorflow/lite/micro/micro_allocator.cc,
 * micro_allocator.h, micro_interpreter_test.cc TestMultiTenantInterpreter):
 * - the **head** (non-persistent section: the planned tensors and the kernels' scratch) holds what
 *   one model needs while it is invoked and nothing after: it is shared. TFLM's multi-tenant
 *   allocator (one MicroAllocator given to several MicroInterpreters) keeps it at the largest plan it
 *   has committed (CommitStaticMemoryPlan: max_head_buffer_usage_, "the head must be as large as the
 *   greater of the largest model memory plan's size ..."); with MicroAllocator::Create(persistent,
 *   non_persistent) per model, every model is given the same non-persistent buffer. Either way the
 *   shared head is the largest model's head, and every model's offline plan is against its start.
 * - the **tail** (persistent section: TFLM's structs for the model, the kernels' data, the
 *   variables) lives as long as the interpreter: each model keeps its own, apart from the others, for
 *   the whole run (a model's variables keep their state between its invokes while the others run).
 * So the shared arena = max(head_i) + sum(tail_i). The tails are arenapack's estimates (tail.ts), each
 * including the allocator's own objects: with one multi-tenant MicroAllocator those are made once,
 * so the sum over-counts them by (models - 1) times (a safe side); with one MicroAllocator per model
 * (two-buffer Create) each model has its own and the sum is the estimate as it stands.
 * Inputs and outputs sit in the shared head: a model's outputs must be read, and its inputs set
 * again, around its own Invoke (another model's Invoke overwrites them).
 */

/** One model's part of a shared arena. */
export interface SharedArenaModel {
  /** The model file (as given). */
  file: string;
  /** Its head (planned tensors and kernel scratch), bytes: exact, from its offline plan. */
  head: number;
  /** Its tail estimate (variables included), bytes (tail.ts; a lower bound when its `unknown` is not empty). */
  tail: number;
  /** Its variables (a part of the tail), bytes. */
  variables: number;
  /** Where its tail starts, bytes from the arena's start (after the shared head and the earlier models' tails); a multiple of 16. */
  tailOffset: number;
  /** The arena it needs alone (head + tail), bytes. */
  alone: number;
  /** Operator types whose kernels' data its tail estimate does not count (then a lower bound). */
  unknown: string[];
}

/** A shared arena: the shared head, each model's tail after it, and the saving over separate arenas. */
export interface SharedArena {
  /** The shared head: the largest model head, bytes (a multiple of 16). */
  head: number;
  /** The models in the order given, each with its tail's place. */
  models: SharedArenaModel[];
  /** head + every tail: the kTensorArenaSize to give TFLM for all the models, bytes (an ESTIMATE: the tails are). */
  size: number;
  /** The sum of the models' separate arenas (head + tail each), bytes. */
  separate: number;
  /** separate - size: what sharing the head saves, bytes (the sum of every head but the largest). */
  saving: number;
}

/**
 * The shared arena of models whose TFLM arenas are `arenas` (arena.ts tflmArena, one per model, in
 * run order; `files` names them). Throws RangeError when fewer than two arenas or the counts differ
 * (a caller's mistake, not an input's).
 */
export function sharedArena(files: readonly string[], arenas: readonly TflmArena[]): SharedArena {
  if (arenas.length < 2 || files.length !== arenas.length) throw new RangeError(`sharedArena: ${arenas.length} arenas for ${files.length} files (two or more of each)`);
  const head = tflmAligned(Math.max(...arenas.map((a) => a.head)));
  let at = head;
  const models = arenas.map((a, i): SharedArenaModel => {
    const tail = tflmAligned(a.tail.bytes);
    const m = { file: files[i]!, head: a.head, tail, variables: a.variables, tailOffset: at, alone: a.head + tail, unknown: a.tail.unknown };
    at += tail;
    return m;
  });
  const separate = models.reduce((s, m) => s + m.alone, 0);
  return { head, models, size: at, separate, saving: separate - at };
}
