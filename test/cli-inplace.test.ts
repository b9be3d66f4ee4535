import { describe, expect, it } from 'vitest';
import { cliRunner } from './helpers/cli.js';
import { buildTflite, FIXTURES } from './helpers/tflite-builder.js';

describe('arenapack plan --inplace', () => {
  const { run, file } = cliRunner('arenapack-inplace-');
  const model = file('mix.tflite', buildTflite(FIXTURES.inplaceMix()));

  it('reports the tensors placed and the bytes saved against the same plan without it', () => {
    const r = run('plan', model, '--inplace', 'elementwise', '--inplace', 'concat');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/mix.tflite: in place \(the model planned again without --inplace, the same way\)\n  --inplace elementwise: 3 tensors, --inplace concat: 2 tensors; arena 768 B, 1.00 KiB \(1024 B\) without: 256 B saved/);
    const j = run('plan', model, '--inplace', 'concat', '--inplace', 'elementwise', '--json');
    expect(j.code, j.err).toBe(0);
    expect(JSON.parse(j.out).inplace).toEqual({ kinds: ['concat', 'elementwise'], tensors: { concat: 2, elementwise: 3 }, without: 1024, with: 768, saved: 256 });
  });

  it('refuses an unknown kind (exit 2) and the flag on a CSV problem', () => {
    const bad = run('plan', model, '--inplace', 'softmax');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--inplace.*give elementwise or concat/);
    const csv = file('p.csv', 'id,lower,upper,size\na,0,2,4\n');
    const r = run('plan', csv, '--inplace', 'elementwise');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--inplace applies to model files/);
  });
});
