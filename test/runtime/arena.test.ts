import { describe, expect, it } from 'vitest';
import { tensorOffsets } from '../../src/export/tensor-offsets.js';
import { writeOfflinePlan } from '../../src/export/tflm-offline-plan.js';
import { importTflite } from '../../src/import/tflite/index.js';
import { tflmArena } from '../../src/runtime/tflm/arena.js';
import { solve } from '../../src/solve/solve.js';
import { buildTflite, FIXTURES } from '../helpers/tflite-builder.js';

describe('tflmArena: variables', () => {
  it('a variable the kept offline plan places is in the head, not in the tail (micro_allocator.cc AllocateVariables)', () => {
    const bytes = buildTflite(FIXTURES.svdfState());
    // Tensor 3 is the variable state, FLOAT32 [1, 8] = 32 B.
    const plain = importTflite(bytes, 's.tflite');
    const plainOffsets = tensorOffsets(plain, plain.subgraphs.map((sg) => solve(sg.problem, { method: 'heuristic' })));
    expect(plainOffsets[0]![3]).toBe(-1);
    const free = tflmArena(plain, plainOffsets);
    expect(free.variables).toBe(32);

    const withPlan = writeOfflinePlan(bytes, 's.tflite', [[-1, -1, -1, 256, -1, -1, -1]]);
    const kept = importTflite(withPlan, 'k.tflite');
    expect(kept.subgraphs[0]!.tensors![3]!.fixedOffset).toBe(256);
    const offsets = tensorOffsets(kept, kept.subgraphs.map((sg) => solve(sg.problem, { method: 'heuristic' })));
    expect(offsets[0]![3]).toBe(256);
    const arena = tflmArena(kept, offsets);
    expect(arena.head).toBeGreaterThanOrEqual(256 + 32);
    expect(arena).toEqual({ head: arena.head, variables: 0 });
  });
});
