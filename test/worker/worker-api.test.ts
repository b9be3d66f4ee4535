import { describe, expect, it } from 'vitest';
import { workerApi } from '../../src/worker/worker-api.js';
import { Deadline } from '../../src/solve/deadline.js';
import { verifyPlan } from '../../src/problem/verify.js';
import { randomProblem } from '../helpers/problems.js';

describe('a deadline crossing to a worker', () => {
  it('crosses as a time on the timeline every thread shares, only from the real clock', () => {
    const d = Deadline.in(1234);
    const back = Deadline.atEpoch(d.toEpochMs()!);
    // Within a microsecond: the shared timeline is about 1.8e12 ms, where a double keeps ~0.2 us.
    expect(Math.abs(back.endMs - d.endMs)).toBeLessThan(0.001);
    expect(new Deadline(5000, () => 0).toEpochMs()).toBeUndefined();
  });

  it("ends the worker's solve by the caller's deadline, not by a time limit that starts when the solve does", () => {
    const api = workerApi(() => undefined);
    const problem = randomProblem(60, 3);
    // The caller's deadline passed while the problem was in transit; the time limit it also sent is long.
    const late = api.solve(problem, { timeLimitMs: 60_000, endsAtEpochMs: performance.timeOrigin + performance.now() - 1 });
    const onTime = api.solve(problem, { timeLimitMs: 60_000 });
    if (!late.ok || !onTime.ok) throw new Error('solve failed');
    expect(late.result.notes ?? []).toContain('inorder left out: the time limit was reached');
    expect(onTime.result.notes ?? []).not.toContain('inorder left out: the time limit was reached');
    for (const r of [late.result, onTime.result]) expect(verifyPlan(problem, r.offsets, r.peak).valid).toBe(true);
  });
});
