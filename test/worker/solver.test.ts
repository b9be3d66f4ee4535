import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/problem/errors.js';
import type { Problem } from '../../src/problem/types.js';
import { verifyPlan } from '../../src/problem/verify.js';
import { solve } from '../../src/solve/solve.js';
import { crashWorker, createSolver } from '../../src/worker/node.js';
import { planOf, randomProblem, tightProblem } from '../helpers/problems.js';

const solver = createSolver({ size: 2 });
afterAll(() => solver.close());

const small: Problem = {
  capacity: 96 * 1024,
  buffers: [
    { id: 'input', size: 27648, start: 0, end: 2 },
    { id: 'conv1', size: 36864, start: 1, end: 3 },
    { id: 'conv2', size: 36864, start: 2, end: 4, align: 16 },
    { id: 'skip', size: 9216, start: 1, end: 4 },
    { id: 'output', size: 4096, start: 3, end: 5 },
  ],
};


describe('createSolver (worker_threads)', () => {
  it('returns the same plans as inline solve(), for each method', async () => {
    const problems = [small, randomProblem(300, 7), tightProblem(40, 3)];
    // Methods whose plans do not depend on the clock (the local search can, under a time limit).
    const methods = ['greedy-size', 'inorder', 'slots-greedy-breadth', 'naive'] as const;
    for (const p of problems) {
      for (const method of methods) {
        const inline = solve(p, { method });
        const viaWorker = await solver.solve(p, { method });
        expect(planOf(viaWorker)).toEqual(planOf(inline));
        expect(verifyPlan(p, viaWorker.offsets, viaWorker.peak).valid).toBe(true);
      }
    }
  });

  it('rejects a seed outside 0..2^32-1 with solve()\'s RangeError, and the pool still plans', async () => {
    await expect(solver.solve(small, { method: 'local-search', seed: 2 ** 32 })).rejects.toThrow(RangeError);
    await expect(solver.solve(small, { method: 'local-search', seed: -1 })).rejects.toThrow(/seed must be an integer from 0 to 4294967295/);
    const r = await solver.solve(small, { method: 'local-search', seed: 2 ** 32 - 1 });
    expect(verifyPlan(small, r.offsets, r.peak).valid).toBe(true);
  });

  it('solves several problems at once, each plan valid', async () => {
    const ps = [1, 2, 3, 4, 5].map((s) => randomProblem(200, s));
    const results = await Promise.all(ps.map((p) => solver.solve(p, { method: 'greedy-size' })));
    results.forEach((r, i) => {
      expect(verifyPlan(ps[i]!, r.offsets, r.peak).valid).toBe(true);
      expect(r.peak).toBe(solve(ps[i]!, { method: 'greedy-size' }).peak);
    });
  });

  it('reports the exact search progress through the callback (solve under a short time limit)', async () => {
    const p = tightProblem(200, 1);
    const seen: { nodes: number; bound: number }[] = [];
    const r = await solver.solve(p, { method: 'exact', timeLimitMs: 700, onProgress: (q) => seen.push(q) });
    expect(verifyPlan(p, r.offsets, r.peak).valid).toBe(true);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen[0]!.bound).toBe(r.liveBound);
    expect(seen.at(-1)!.nodes).toBeGreaterThan(0);
  });

  it('reports from the start of a solve: the phases in order (heuristics, local search, search), time since the call', async () => {
    const p = tightProblem(120, 2);
    const seen: { phase: string; nodes: number; elapsedMs: number }[] = [];
    const r = await solver.solve(p, { method: 'auto', split: false, iterations: 3000, maxNodes: 20_000, onProgress: (q) => seen.push(q) });
    expect(verifyPlan(p, r.offsets, r.peak).valid).toBe(true);
    // The first report comes before any method ran: the heuristics phase, no nodes yet.
    expect(seen[0]).toMatchObject({ phase: 'heuristics', nodes: 0 });
    const order = ['heuristics', 'local search', 'search'];
    const phases = seen.map((q) => q.phase).filter((ph, k, a) => k === 0 || a[k - 1] !== ph);
    expect(phases).toEqual(order.filter((ph) => phases.includes(ph)));
    // This problem is tight: the heuristics miss the bound, so the local search and the search both run.
    expect(r.methods.map((m) => m.method)).toContain('local-search');
    expect(phases).toContain('local search');
    for (let k = 1; k < seen.length; k++) expect(seen[k]!.elapsedMs).toBeGreaterThanOrEqual(seen[k - 1]!.elapsedMs);
    expect(seen.at(-1)!.elapsedMs).toBeLessThanOrEqual(r.timeMs + 1000); // measured from the call, not from the search
  });

  it('no progress callback after an abort', async () => {
    const p = tightProblem(200, 1);
    const ac = new AbortController();
    let after = 0;
    let aborted = false;
    const run = solver.solve(p, {
      method: 'exact',
      timeLimitMs: 60_000,
      signal: ac.signal,
      onProgress: (q) => {
        if (aborted) after++;
        else if (q.phase === 'search' && q.nodes > 0) {
          // Keep this thread busy while the worker goes on reporting: its reports queue up, then abort.
          const until = Date.now() + 400;
          while (Date.now() < until);
          aborted = true;
          ac.abort();
        }
      },
    });
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    // Whatever the worker had already sent is dropped: give it time to arrive.
    await new Promise((w) => setTimeout(w, 300));
    expect(aborted).toBe(true);
    expect(after).toBe(0);
  });

  it('rejects bad input with a real InputError that names the buffer and field', async () => {
    const bad: Problem = { buffers: [{ id: 'a', size: 8, start: 0, end: 2 }, { id: 'oops', size: -4, start: 1, end: 3 }] };
    let inline: unknown;
    try {
      solve(bad);
    } catch (e) {
      inline = e;
    }
    expect(inline).toBeInstanceOf(InputError);
    const err = await solver.solve(bad).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(InputError);
    const e = err as InputError;
    const i = inline as InputError;
    expect(e.message).toBe(i.message);
    expect(e.buffer).toBe(i.buffer);
    expect(e.field).toBe(i.field);
    expect(e.buffer).toBe('oops');
  });

  it('cancels a solve stuck in the exact search: AbortError at once, the pool still works', async () => {
    const p = tightProblem(200, 1);
    const ac = new AbortController();
    const started = solver.solve(p, { method: 'exact', timeLimitMs: 120_000, signal: ac.signal });
    await new Promise((r) => setTimeout(r, 200));
    ac.abort();
    const err = await started.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(DOMException);
    expect((err as DOMException).name).toBe('AbortError');
    // Both workers (the replaced one included) go on solving.
    const after = await Promise.all([small, small, small].map((q) => solver.solve(q, { method: 'greedy-size' })));
    for (const r of after) {
      expect(r.peak).toBe(solve(small, { method: 'greedy-size' }).peak);
      expect(verifyPlan(small, r.offsets, r.peak).valid).toBe(true);
    }
  });

  it('rejects at once when the signal is already aborted, or aborts while queued', async () => {
    const ac = new AbortController();
    ac.abort();
    await expect(solver.solve(small, { signal: ac.signal })).rejects.toMatchObject({ name: 'AbortError' });
    const one = createSolver({ size: 1 });
    try {
      const block = new AbortController();
      const first = one.solve(tightProblem(200, 1), { method: 'exact', timeLimitMs: 120_000, signal: block.signal });
      const queued = new AbortController();
      const second = one.solve(small, { signal: queued.signal });
      queued.abort();
      await expect(second).rejects.toMatchObject({ name: 'AbortError' });
      block.abort();
      await expect(first).rejects.toMatchObject({ name: 'AbortError' });
      const r = await one.solve(small, { method: 'greedy-size' });
      expect(r.peak).toBe(solve(small, { method: 'greedy-size' }).peak);
      expect(verifyPlan(small, r.offsets, r.peak).valid).toBe(true);
    } finally {
      one.close();
    }
  });

  it.each(['exit', 'throw'] as const)('a worker that dies (%s) rejects its call and is replaced', async (kind) => {
    const err = await crashWorker(solver, kind).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(kind === 'exit' ? /exited \(code 70\)/ : /crashed: arenapack worker: crash requested/);
    const rs = await Promise.all([1, 2, 3].map((s) => solver.solve(randomProblem(100, s), { method: 'greedy-size' })));
    rs.forEach((r, i) => expect(verifyPlan(randomProblem(100, i + 1), r.offsets, r.peak).valid).toBe(true));
  });

  it('rejects calls after close()', async () => {
    const s = createSolver({ size: 1 });
    s.close();
    await expect(s.solve(small)).rejects.toThrow(/closed/);
    expect(() => createSolver({ size: 0 })).toThrow(RangeError);
  });
});
