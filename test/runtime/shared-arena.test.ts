import { describe, expect, it } from 'vitest';
import { sharedArenaHeader } from '../../src/export/shared-arena.js';
import { InputError } from '../../src/problem/errors.js';
import type { TflmArena } from '../../src/runtime/tflm/arena.js';
import { sharedArena } from '../../src/runtime/tflm/shared-arena.js';

const arena = (head: number, tail: number, variables = 0, unknown: string[] = []): TflmArena => ({
  head,
  variables,
  tail: { bytes: tail, pointerBits: 32, unknown },
  total: head + tail,
});

describe('sharedArena (several models, one TFLM arena)', () => {
  it('the largest head, then every tail in order; the saving is every other head', () => {
    const s = sharedArena(['kws.tflite', 'cls.tflite', 'ad.tflite'], [arena(16000, 2048, 64), arena(40960, 5120), arena(768, 1024, 0, ['CUSTOM'])]);
    expect(s.head).toBe(40960);
    expect(s.models.map((m) => m.tailOffset)).toEqual([40960, 40960 + 2048, 40960 + 2048 + 5120]);
    expect(s.size).toBe(40960 + 2048 + 5120 + 1024);
    expect(s.separate).toBe(16000 + 2048 + 40960 + 5120 + 768 + 1024);
    expect(s.saving).toBe(16000 + 768);
    expect(s.models[0]).toMatchObject({ file: 'kws.tflite', head: 16000, tail: 2048, variables: 64, alone: 18048, unknown: [] });
    expect(s.models[2]!.unknown).toEqual(['CUSTOM']);
  });

  it('keeps every tail 16-aligned, and the same model twice shares its head with itself', () => {
    const s = sharedArena(['a.tflite', 'a.tflite'], [arena(100, 40), arena(100, 40)]);
    expect(s.head).toBe(112);
    expect(s.models.map((m) => m.tailOffset)).toEqual([112, 160]);
    expect(s.size).toBe(208);
    expect(s.saving).toBe(s.separate - s.size);
  });

  it('is for two or more models', () => {
    expect(() => sharedArena(['a.tflite'], [arena(16, 16)])).toThrow(RangeError);
    expect(() => sharedArena(['a.tflite', 'b.tflite'], [arena(16, 16)])).toThrow(RangeError);
  });

  it('the header refuses a macro defined twice, naming it', () => {
    const s = sharedArena(['a.tflite', 'b.tflite'], [arena(16, 16), arena(32, 16)]);
    const text = sharedArenaHeader(s, 'SHARED_ARENA', ['#define A_X 1', '#define B_X 2']);
    expect(text).toContain('#define SHARED_ARENA_SIZE 64\n');
    expect(text).toContain('#define A_TAIL_OFFSET 32\n');
    expect(() => sharedArenaHeader(s, 'SHARED_ARENA', ['#define A_X 1', '#define A_X 2'])).toThrow(InputError);
    expect(() => sharedArenaHeader(s, 'SHARED_ARENA', ['#define A_X 1', '#define A_X 2'])).toThrow(/A_X would be defined twice/);
  });
});
