import { describe, expect, it } from 'vitest';
import { layoutSvg } from '../../src/export/svg.js';
import { importTflite } from '../../src/import/tflite/index.js';
import { verifyPlan } from '../../src/problem/verify.js';
import { solve } from '../../src/solve/solve.js';
import { buildTflite, FIXTURES } from '../helpers/tflite-builder.js';
import { solveVerified } from '../helpers/plan.js';

describe('layoutSvg', () => {
  const model = importTflite(buildTflite(FIXTURES.chain()), 'c<&>.tflite', { align: 1 });
  const plans = model.subgraphs.map((sg) => {
    const r = solve(sg.problem, { iterations: 200 });
    expect(verifyPlan(sg.problem, r.offsets, r.peak).valid).toBe(true);
    return r;
  });

  it('one rectangle per buffer with a tooltip, bound and capacity lines, the peak step, escaped text', () => {
    const svg = layoutSvg(model, plans, 2048);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    const titles = [...svg.matchAll(/<title>([^<]*)<\/title>/g)].map((m) => m[1]);
    expect(titles).toEqual([
      'input (tensor 0): 256 B, steps [0, 1), offset ' + plans[0]!.offsets[0],
      'conv (tensor 2): 256 B, steps [0, 2), offset ' + plans[0]!.offsets[1],
      'relu (tensor 3): 1024 B, steps [1, 3), offset ' + plans[0]!.offsets[2],
      'logits (tensor 4): 10 B, steps [2, 3), offset ' + plans[0]!.offsets[3],
    ]);
    expect(svg).toContain('bound 1.25 KiB');
    expect(svg).toContain('capacity 2.00 KiB');
    expect(svg).toContain('peak step 1');
    expect(svg).toContain('c&lt;&amp;&gt;.tflite');
    expect(svg).not.toContain('c<&>');
  });

  it('rectangles sit at their offsets: the 1024 B buffer spans steps 1..3 across', () => {
    const svg = layoutSvg(model, plans);
    const rect = /<rect x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)"[^>]*><title>relu/.exec(svg)!;
    const plotW = 960 - 150 - 20;
    expect(Number(rect[1])).toBeCloseTo(150 + plotW / 3, 1);
    expect(Number(rect[3])).toBeCloseTo((2 * plotW) / 3, 1);
    expect(Number(rect[4])).toBeCloseTo((1024 / plans[0]!.peak) * 360, 1);
    // y: addresses go up from the plot's bottom (40 + 360), so the top edge sits at offset + size.
    const top = plans[0]!.offsets[2]! + 1024;
    expect(Number(rect[2])).toBeCloseTo(40 + 360 - (top / plans[0]!.peak) * 360, 1);
  });

  it('a capacity far above the peak is noted, not drawn; deterministic', () => {
    const svg = layoutSvg(model, plans, 2 ** 30);
    expect(svg).toContain('capacity 1.00 GiB (above the plot)');
    expect(layoutSvg(model, plans, 2 ** 30)).toBe(svg);
  });

  it('one panel per subgraph', () => {
    const two = importTflite(buildTflite(FIXTURES.twoSubgraphs()), 't.tflite');
    const svg = layoutSvg(two, two.subgraphs.map((sg) => solveVerified(sg.problem, { method: 'greedy-size' })));
    expect(svg).toContain('<g id="subgraph-0">');
    expect(svg).toContain('<g id="subgraph-1">');
    expect(svg).toContain('height="880"');
  });
});
