/**
 * The flags the CLI's commands declare that parse a value of their own (--memory, --inplace and the
 * model readers' flags), apart from the code that runs the commands: src/cli.ts loads this at once and
 * the model readers, GLPK, the tiers planner and the workers only when a command needs them.
 */
import { InvalidArgumentError, type Command } from 'commander';
import { alignOption, batchOption, leaveParseNote, repeatable, UsageError } from './cli-io.js';
import { parseMemorySpec } from './format/memory-spec.js';
import { INPLACE_KINDS, type InplaceKind } from './graph/inplace.js';
import type { MemoryTier } from './problem/types.js';

/** One `--memory` flag (see parseMemorySpec), added to the ones before it. Memories are listed fastest first. */
export const memoryOption = repeatable(function memoryOption(value: string, all: MemoryTier[] = []): MemoryTier[] {
  try {
    const notes: string[] = [];
    const mem = parseMemorySpec(value, all.length, notes);
    for (const note of notes) leaveParseNote(`--${note}`);
    return [...all, mem];
  } catch (e) {
    const msg = (e as Error).message;
    throw new UsageError(`--memory${msg.startsWith('"') ? ':' : ''} ${msg}`);
  }
});

/** One --inplace value, checked; repeated flags collect. */
function inplaceOption(v: string, all: InplaceKind[] = []): InplaceKind[] {
  if (!(INPLACE_KINDS as readonly string[]).includes(v)) throw new InvalidArgumentError(`give ${INPLACE_KINDS.join(' or ')}`);
  return [...all, v as InplaceKind];
}

/** The importer's flags, shared by plan, inspect and convert. */
export function withModelFlags(cmd: Command): Command {
  return cmd
    .option('--align <n>', 'models: alignment of every buffer in bytes, a power of two (default 16, TFLM\'s; 1 = raw bytes)', alignOption)
    .option('--include-weights', 'models: plan constant tensors (weights) too, as whole-run buffers')
    .option('--batch <n>', 'models: size of a dynamic batch dimension (TFLite -1; ONNX: a symbolic first axis, or a dimension named batch)', batchOption)
    .option('--no-prepared', 'TFLite models: leave tensors computed from constants (DEQUANTIZE, DENSIFY) out of the plan (TFLM then places them itself, in the head)')
    .option('--no-share-reshapes', 'models: give RESHAPE / SQUEEZE / EXPAND_DIMS outputs their own buffer')
    .option('--replace-offline-plan', "TFLite: plan every tensor anew instead of keeping the model's own offline plan (e.g. Vela's)")
    .option(
      '--inplace <kind>',
      "models: operators that work in place: elementwise (an element-wise output takes a dying input's bytes, for the kernels TFLM's list names) or concat (a concatenation's dying inputs placed in its output); repeat for both",
      repeatable(inplaceOption),
    )
    .option(
      '--input-shape <name=dims>',
      'ONNX: shape of a symbolic input, e.g. input=1x3x224x224 (repeat per input)',
      repeatable((v: string, all: string[] = []) => [...all, v]),
    )
    .option(
      '--dim <name=value>',
      'ONNX: value of a symbolic input dimension by its name, e.g. sequence=512 (repeat per name)',
      repeatable((v: string, all: string[] = []) => [...all, v]),
    );
}
