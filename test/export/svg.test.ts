import { describe, expect, it } from 'vitest';
import { formatBytes } from '../../src/format/bytes.js';
import { addressTicks, layoutSvg, modelPanels, panelsSvg, problemPanels, shortName, SVG_GEOMETRY } from '../../src/export/svg.js';
import { importTflite } from '../../src/import/tflite/index.js';
import type { Problem } from '../../src/problem/types.js';
import { highWaterProfile } from '../../src/problem/profile.js';
import { peakFacts } from '../../src/export/report.js';
import { buildTflite, FIXTURES } from '../helpers/tflite-builder.js';
import { solveVerified } from '../helpers/plan.js';

const { W, LEFT, RIGHT, HEAD, PLOT_H, PANEL_H } = SVG_GEOMETRY;
const plotW = W - LEFT - RIGHT;

/** The text of every <text> element with `cls` (or all), unescaped only for &amp; &lt; &gt;. */
const texts = (svg: string, cls?: string): { y: number; text: string }[] =>
  [...svg.matchAll(/<text([^>]*)>([^<]*)<\/text>/g)]
    .filter((m) => cls === undefined || m[1]!.includes(`class="${cls}"`))
    .map((m) => ({ y: Number(/ y="([\d.-]+)"/.exec(m[1]!)![1]), text: m[2]!.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&') }));

describe('layoutSvg', () => {
  const model = importTflite(buildTflite(FIXTURES.chain()), '/home/someone/models/c<&>.tflite', { align: 1 });
  const plans = model.subgraphs.map((sg) => solveVerified(sg.problem, { iterations: 200 }));

  it('one rectangle per buffer with a tooltip; the title names the file without its folders, escaped', () => {
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
    expect(svg).toContain('c&lt;&amp;&gt;.tflite — subgraph 0');
    expect(svg).not.toContain('/home/someone');
    expect(svg).not.toContain('c<&>');
  });

  it('a long title is cut to the width with an ellipsis, never past the picture', () => {
    const long = importTflite(buildTflite(FIXTURES.chain()), `${'very_long_model_name_'.repeat(12)}.tflite`, { align: 1 });
    const svg = layoutSvg(long, plans);
    const head = texts(svg)[0]!.text;
    expect(head.endsWith('…')).toBe(true);
    // 14 px bold text: at most 8.2 px a character (the check in Chromium measures the real width).
    expect(head.length * 8.2).toBeLessThanOrEqual(W - 24);
  });

  it('rectangles sit at their offsets: the 1024 B buffer spans steps 1..3 across', () => {
    const svg = layoutSvg(model, plans);
    const rect = /<rect class="buf activation" data-i="2" x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)"/.exec(svg)!;
    const peak = plans[0]!.peak;
    expect(Number(rect[1])).toBeCloseTo(LEFT + plotW / 3, 1);
    expect(Number(rect[3])).toBeCloseTo((2 * plotW) / 3, 1);
    expect(Number(rect[4])).toBeCloseTo((1024 / peak) * PLOT_H, 1);
    const top = plans[0]!.offsets[2]! + 1024;
    expect(Number(rect[2])).toBeCloseTo(HEAD + PLOT_H - (top / peak) * PLOT_H, 1);
  });

  it('the largest blocks carry their tensor name inside; the tensors at the peak step are written out with the operator', () => {
    const svg = layoutSvg(model, plans);
    expect(texts(svg, 'name').map((t) => t.text)).toContain('relu');
    const atPeak = texts(svg, 'at-peak').map((t) => t.text);
    // Step 1 runs RELU: conv (256 B) and relu (1 KiB) are live, 1.25 KiB.
    expect(atPeak[0]).toBe('At peak step 1 (operator 1 RELU): 1.25 KiB live in 2 buffers');
    expect(atPeak[1]).toBe('relu 1.00 KiB, conv 256 B');
  });

  it('bound, peak and capacity labels never overlap, even when their values nearly coincide', () => {
    // Two buffers that cannot share: live bound 100, a plan at 101 (one byte of waste), capacity 102.
    const problem: Problem = { buffers: [{ id: 'a', size: 50, start: 0, end: 2 }, { id: 'b', size: 50, start: 1, end: 3 }] };
    const svg = panelsSvg([
      { head: 'h', figures: 'f', id: 'p', problem, idx: [0, 1], offsets: [0, 51], peak: 101, bound: 100, capacity: 102, labels: ['a', 'b'], roles: ['activation', 'activation'] },
    ]);
    const labels = texts(svg, 'line-label');
    expect(labels.map((l) => l.text).sort()).toEqual(['bound 100 B', 'capacity 102 B', 'peak 101 B']);
    const ys = labels.map((l) => l.y).sort((a, b) => a - b);
    for (let k = 1; k < ys.length; k++) expect(ys[k]! - ys[k - 1]!).toBeGreaterThanOrEqual(13);
    // They sit right of the plot, inside the picture.
    for (const m of svg.matchAll(/<text class="line-label" x="([\d.]+)"/g)) expect(Number(m[1])).toBeGreaterThan(LEFT + plotW);
  });

  it('address ticks at powers of two, labelled; a legend', () => {
    expect(addressTicks(54 * 1024)).toEqual([0, 16384, 32768, 49152]);
    expect(addressTicks(1280)).toEqual([0, 512, 1024]);
    expect(addressTicks(0)).toEqual([0]);
    const svg = layoutSvg(model, plans);
    for (const a of addressTicks(plans[0]!.peak)) expect(svg).toContain(`text-anchor="end" fill="#555">${formatBytes(a)}</text>`);
    for (const item of ['activation', 'lower bound', 'peak (arena)', 'peak step']) expect(svg).toContain(`>${item}</text>`);
    // Prepared and weight buffers in the legend only where the picture has some: a buffer list never does.
    const roles = new Set(model.subgraphs.flatMap((sg) => sg.tensorsOf.map((ts) => sg.tensors![ts[0]!]!.kind)));
    expect(svg.includes('>P: prepared</text>')).toBe(roles.has('prepared'));
    expect(svg.includes('>W: weights</text>')).toBe(roles.has('constant'));
    const list = panelsSvg(problemPanels({ buffers: [{ id: 'a', start: 0, end: 2, size: 8 }] }, { offsets: [0], peak: 8 }, 'a.csv'));
    expect(list).toContain('>activation</text>');
    expect(list).not.toContain('P: prepared');
    expect(list).not.toContain('W: weights');
  });

  it('prepared and weight buffers are hatched and named with P: / W:', () => {
    const dq = importTflite(buildTflite(FIXTURES.dequantize()), 'dq.tflite', { align: 1, includeWeights: true });
    const p = dq.subgraphs.map((sg) => solveVerified(sg.problem, { method: 'greedy-size' }));
    const svg = layoutSvg(dq, p);
    expect(svg).toContain('>P: prepared</text>');
    expect(svg).toContain('>W: weights</text>');
    const sg = dq.subgraphs[0]!;
    const kinds = sg.tensorsOf.map((ts) => sg.tensors![ts[0]!]!.kind);
    expect(kinds).toContain('prepared');
    expect(kinds).toContain('constant');
    kinds.forEach((k, i) => {
      const role = k === 'prepared' ? 'prepared' : k === 'constant' ? 'weights' : 'activation';
      const rect = new RegExp(`<rect class="buf ${role}" data-i="${i}"[^>]*fill="([^"]+)"`).exec(svg);
      expect(rect, `buffer ${i} (${k})`).not.toBeNull();
      if (role !== 'activation') expect(rect![1]).toBe(`url(#hatch-${role})`);
    });
    expect(svg).toContain('<pattern id="hatch-prepared"');
    expect(texts(svg, 'name').some((t) => t.text.startsWith('P: ') || t.text.startsWith('W: '))).toBe(true);
  });

  it('the memory profile: the high-water line reaches the peak, at the steps of highWaterProfile()', () => {
    const svg = layoutSvg(model, plans);
    const d = /<path class="high-water" d="([^"]+)"/.exec(svg)![1]!;
    const pts = [...d.matchAll(/[ML]([\d.]+),([\d.]+)/g)].map((m) => [Number(m[1]), Number(m[2])] as const);
    const hw = highWaterProfile(model.subgraphs[0]!.problem, plans[0]!.offsets);
    const peak = plans[0]!.peak;
    const profileTop = HEAD + PLOT_H + 34 + 70 - (70 - 14); // the chart's top line: the largest value
    expect(Math.min(...pts.map(([, y]) => y))).toBeCloseTo(profileTop, 1);
    expect(Math.max(...hw.values)).toBe(peak);
    const steps = 3;
    const xsAtTop = pts.filter(([, y]) => Math.abs(y - profileTop) < 0.01).map(([x]) => Math.round(((x - LEFT) / plotW) * steps));
    const k = hw.values.indexOf(peak);
    expect(xsAtTop).toContain(hw.steps[k]);
    expect(svg).toContain('>memory profile</text>');
  });

  it('a capacity far above the peak is noted, not drawn; deterministic', () => {
    const svg = layoutSvg(model, plans, 2 ** 30);
    expect(svg).toContain('capacity 1.00 GiB</text>');
    expect(svg).toContain('(above the plot)');
    expect(layoutSvg(model, plans, 2 ** 30)).toBe(svg);
  });

  it('one panel per subgraph, and one per memory after spilling', () => {
    const two = importTflite(buildTflite(FIXTURES.twoSubgraphs()), 't.tflite');
    const svg = layoutSvg(two, two.subgraphs.map((sg) => solveVerified(sg.problem, { method: 'greedy-size' })));
    expect(svg).toContain('<g id="subgraph-0">');
    expect(svg).toContain('<g id="subgraph-1">');
    expect(svg).toContain(`height="${2 * PANEL_H}"`);
    const spilled = { ...plans[0]!, spill: { memory: ['chip', 'chip', 'ddr', 'chip'] as ('chip' | 'ddr')[], ddrPeak: 1024, capacity: 600 } };
    const panels = modelPanels(model, [spilled], 600);
    expect(panels.map((p) => p.id)).toEqual(['subgraph-0-chip', 'subgraph-0-ddr']);
    expect(panels.map((p) => p.idx)).toEqual([[0, 1, 3], [2]]);
  });

  it('a buffer list: one panel, or on chip and DDR after spilling; an arena with no buffers draws no profile', () => {
    const problem: Problem = { buffers: [{ id: 'a', size: 8, start: 0, end: 2 }, { id: 'b', size: 8, start: 1, end: 3 }] };
    expect(problemPanels(problem, { offsets: [0, 8], peak: 16 }, '/x/p.csv').map((p) => [p.id, p.head])).toEqual([['buffers', 'p.csv']]);
    const spilled = problemPanels(problem, { offsets: [0, 0], peak: 8, spill: { memory: ['chip', 'ddr'], ddrPeak: 8, capacity: 8 } }, 'p.csv', 8);
    expect(spilled.map((p) => p.idx)).toEqual([[0], [1]]);
    const empty = panelsSvg(problemPanels(problem, { offsets: [0, 0], peak: 0, spill: { memory: ['ddr', 'ddr'], ddrPeak: 16, capacity: 4 } }, 'p.csv', 4));
    expect(empty).toContain('<g id="buffers-chip">');
    expect(empty).not.toMatch(/d=" Z"/);
    expect((empty.match(/class="high-water"/g) ?? []).length).toBe(1); // the DDR panel's only
  });

  it('the peak step is the report\'s (where the plan\'s top is set), not the step with the most live bytes', () => {
    // a: 100 B at step 0; b: 50 B at step 1, placed above a's bytes: the top (150 B) is set at step 1.
    const problem: Problem = { buffers: [{ id: 'a', size: 100, start: 0, end: 1 }, { id: 'b', size: 50, start: 1, end: 2 }] };
    const plan = { offsets: [0, 100], peak: 150 };
    expect(peakFacts(problem, plan).step).toBe(1);
    const svg = panelsSvg(problemPanels(problem, plan, 'p.csv'));
    expect(svg).toContain('peak step 1</text>');
    expect(svg).toMatch(/At peak step 1: 50 B live in 1 buffer</);
  });

  it('shortName keeps the last two scopes of the first fused name', () => {
    expect(shortName('model/conv2d_1/BiasAdd;model/conv2d_1/Conv2D')).toBe('conv2d_1/BiasAdd');
    expect(shortName('/encoder/layer.0/Add_output_0')).toBe('layer.0/Add_output_0');
    expect(shortName('input')).toBe('input');
  });
});
