import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/problem/errors.js';
import type { Problem } from '../../src/problem/types.js';
import { validateProblem } from '../../src/problem/validate.js';

const ok = { id: 'ok', size: 8, start: 0, end: 2 };

function fault(extra: Record<string, unknown>): InputError {
  const p = { buffers: [ok, { id: 'bad', size: 8, start: 0, end: 2, ...extra }] } as Problem;
  try {
    validateProblem(p);
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return e as InputError;
  }
  throw new Error('validateProblem accepted a faulty problem');
}

describe('validateProblem', () => {
  it('accepts a good problem', () => {
    expect(validateProblem({ buffers: [ok], capacity: 64 }).buffers).toHaveLength(1);
  });
  it.each([
    [{ size: 0 }, 'size', /positive safe integer/],
    [{ size: -3 }, 'size', /positive safe integer/],
    [{ size: 1.5 }, 'size', /positive safe integer/],
    [{ size: 2 ** 53 }, 'size', /positive safe integer/],
    [{ size: '8' }, 'size', /positive safe integer/],
    [{ start: 2, end: 2 }, 'end', /greater than start/],
    [{ start: 3, end: 1 }, 'end', /greater than start/],
    [{ start: 0.5 }, 'start', /safe integer step/],
    [{ start: -5, end: 2 }, 'start', /non-negative safe integer step, got -5/],
    [{ align: 3 }, 'align', /power of two/],
    [{ align: 0 }, 'align', /power of two/],
    [{ align: 8, offset: 4 }, 'offset', /not a multiple of its alignment 8/],
    [{ offset: -8 }, 'offset', /non-negative/],
    [{ weight: -1 }, 'weight', /non-negative/],
    [{ spillable: 'yes' }, 'spillable', /true or false/],
  ])('rejects %j naming the buffer and the field', (extra, field, msg) => {
    const e = fault(extra);
    expect(e.buffer).toBe('bad');
    expect(e.field).toBe(field);
    expect(e.message).toMatch(/buffer "bad"/);
    expect(e.message).toMatch(msg);
  });
  it('rejects duplicate ids', () => {
    expect(() => validateProblem({ buffers: [ok, { ...ok }] })).toThrow(/buffer "ok": id is used twice \(buffers #0 and #1\)/);
  });
  it('rejects fixed offsets that collide while both are live', () => {
    const p = {
      buffers: [
        { id: 'x', size: 16, start: 0, end: 4, offset: 0 },
        { id: 'y', size: 16, start: 3, end: 6, offset: 8 },
      ],
    };
    expect(() => validateProblem(p)).toThrow(/"x": fixed offset 0 collides with buffer "y" at 8/);
    // Not live together: no collision.
    p.buffers[1]!.start = 4;
    expect(() => validateProblem(p)).not.toThrow();
  });
  it('rejects a bad capacity and totals beyond 2^53', () => {
    expect(() => validateProblem({ buffers: [ok], capacity: 0 })).toThrow(/capacity/);
    const huge = { buffers: [0, 1, 2].map((i) => ({ id: `h${i}`, size: 2 ** 52, start: 0, end: 1 })) };
    expect(() => validateProblem(huge)).toThrow(/2\^53/);
  });
  it('accepts large powers of two as alignment', () => {
    expect(() => validateProblem({ buffers: [{ ...ok, align: 2 ** 40 }] })).not.toThrow();
  });
});
