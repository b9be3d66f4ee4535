import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeOnnx, importOnnx, inferShapes, type GraphShapes } from '../../src/import/onnx/index.js';
import { liveBound } from '../../src/problem/bounds.js';
import { verifyPlan } from '../../src/problem/verify.js';
import { solve } from '../../src/solve/solve.js';
import { CORPUS_ERRORS, CORPUS_OPTIONS } from '../helpers/onnx-corpus.js';
import { sharedDir } from '../helpers/shared.js';

const dir = sharedDir('models/onnx');

/** Without the options CORPUS_OPTIONS gives, the symbolic inputs are named. */
const WITHOUT_OPTIONS: Record<string, RegExp> = {
  'onnxjs_super_resolution_10.onnx': /1 input dimension is not known: graph input "input" \[batch_size, 1, 224, 224\]: "batch_size" at axis 0\. Give --dim batch_size=N, or --batch N .*, or --input-shape input=Nx1x224x224$/,
  'onnxjs_teams_msra_190729.onnx': /3 input dimensions are not known: graph input "bgrm" \[batch_size, 4, height, width\]: "batch_size" at axis 0, "height" at axis 2, "width" at axis 3\. Give --dim batch_size=N --dim height=N --dim width=N/,
  // All three at once (the second and third input's "batch" is not on the first axis): one run, not three.
  'npm_silero_vad_legacy.onnx':
    /4 input dimensions are not known: graph input "input" \[batch, sequence\]: "batch" at axis 0, "sequence" at axis 1; graph input "h" \[2, batch, 64\]: "batch" at axis 1; graph input "c" \[2, batch, 64\]: "batch" at axis 1\. Give --dim batch=N --dim sequence=N/,
  'npm_silero_vad_v5.onnx': /3 input dimensions are not known: graph input "input" \[\?, \?\]: an unknown dimension at axis 0, an unknown dimension at axis 1; graph input "state" \[2, \?, 128\]: an unknown dimension at axis 1/,
};

function graphs(root: GraphShapes): GraphShapes[] {
  return [root, ...root.children.flatMap(graphs)];
}

describe.skipIf(dir === undefined)('ONNX corpus (../shared/models/onnx)', () => {
  const files = dir ? readdirSync(dir).filter((f) => f.endsWith('.onnx')).sort() : [];
  const bytes = (f: string): Uint8Array => readFileSync(join(dir!, f));

  it('has the files this test lists', () => {
    expect(files.length).toBeGreaterThanOrEqual(26);
    for (const f of [...Object.keys(CORPUS_OPTIONS), ...Object.keys(CORPUS_ERRORS)]) expect(files).toContain(f);
  });

  it('infers every shape the models declare in value_info (the oracle), with no shape taken from value_info', () => {
    const report: string[] = [];
    let models = 0;
    let compared = 0;
    for (const f of files) {
      if (CORPUS_ERRORS[f]) continue;
      const root = inferShapes(decodeOnnx(bytes(f), f), CORPUS_OPTIONS[f] ?? {});
      let declared = 0;
      for (const g of graphs(root)) {
        expect(g.fromValueInfo, f).toEqual([]);
        for (const v of [...g.graph.valueInfo, ...g.graph.outputs]) {
          if (!v.shape) continue;
          const got = g.infos.get(v.name);
          if (!got) continue; // an output handed through from the enclosing graph
          declared++;
          const ok = got.shape.length === v.shape.length && v.shape.every((d, k) => typeof d !== 'number' || d === got.shape[k]);
          if (!ok) report.push(`${f}: "${v.name}" declared [${v.shape.join(', ')}], inferred [${got.shape.join(', ')}]`);
          if (v.elemType !== undefined && v.elemType !== got.dtype) report.push(`${f}: "${v.name}" declared type ${v.elemType}, inferred ${got.dtype}`);
        }
      }
      if (root.graph.valueInfo.length > 0) models++;
      compared += declared;
    }
    expect(report).toEqual([]);
    console.log(`ONNX oracle: ${compared} declared shapes (value_info and graph outputs) equal the inferred ones; ${models} models carry value_info`);
    expect(models).toBeGreaterThanOrEqual(7);
    expect(compared).toBeGreaterThan(800);
  });

  it('imports every model or fails with the expected error, and every plan passes the verifier', () => {
    let imported = 0;
    let planned = 0;
    for (const f of files) {
      const expected = CORPUS_ERRORS[f];
      if (expected) {
        expect(() => importOnnx(bytes(f), f, CORPUS_OPTIONS[f] ?? {}), f).toThrow(expected);
        continue;
      }
      const m = importOnnx(bytes(f), f, CORPUS_OPTIONS[f] ?? {});
      imported++;
      expect(m.subgraphs.length, f).toBeGreaterThanOrEqual(1);
      expect(m.subgraphs[0]!.problem.buffers.length, f).toBeGreaterThan(0);
      for (const s of m.subgraphs) {
        if (s.problem.buffers.length === 0) continue;
        const plan = solve(s.problem, { iterations: 200 });
        const verdict = verifyPlan(s.problem, plan.offsets, plan.peak);
        expect(verdict.errors, `${f} subgraph ${s.index}`).toEqual([]);
        expect(plan.peak).toBeGreaterThanOrEqual(liveBound(s.problem));
        planned++;
      }
    }
    console.log(`ONNX corpus: ${imported} of ${files.length} models imported, ${planned} subgraphs planned and verified`);
    expect(imported).toBe(files.length - Object.keys(CORPUS_ERRORS).length);
  });

  it('plans the activations REPORT.md counts for the models whose value_info lists every tensor', () => {
    // REPORT.md's known_act_KiB sums the value_info and outputs with static shapes (computed apart from this
    // importer). Those lists hold every activation, and sometimes the graph input (vww) or a weight reshaped
    // by a node (mnist's Parameter193_reshape1, folded into a constant here), so: planned activations, minus
    // inputs value_info leaves out, plus constants it lists.
    const report = readFileSync(join(dir!, '..', 'REPORT.md'), 'utf8');
    const checked: string[] = [];
    for (const f of files) {
      const row = report.split('\n').find((l) => l.startsWith(`| ${f} |`));
      if (!row || CORPUS_ERRORS[f]) continue;
      const cells = row.split('|').map((c) => c.trim());
      const valueInfoCount = Number(cells[10]);
      if (!(valueInfoCount > 0)) continue;
      const knownKiB = Number(cells[11]);
      const root = inferShapes(decodeOnnx(bytes(f), f), CORPUS_OPTIONS[f] ?? {});
      const declared = new Set([...root.graph.valueInfo, ...root.graph.outputs].map((v) => v.name));
      const inputs = new Set(root.graph.inputs.map((v) => v.name));
      const sub = importOnnx(bytes(f), f, { ...CORPUS_OPTIONS[f], align: 1, shareReshapes: false }).subgraphs[0]!;
      let total = 0;
      sub.problem.buffers.forEach((b, k) => {
        if (!inputs.has(sub.names[k]!) || declared.has(sub.names[k]!)) total += b.size;
      });
      for (const name of declared) {
        const t = root.infos.get(name);
        if (t && root.constants.has(name)) total += t.shape.reduce((a, d) => a * d, 1) * 4;
      }
      expect(Math.abs(total / 1024 - knownKiB), f).toBeLessThan(0.051);
      checked.push(f);
    }
    console.log(`ONNX activations equal REPORT.md's known_act_KiB for ${checked.length} models`);
    expect(checked.length).toBeGreaterThanOrEqual(7);
  });

  it('plans the Dropout masks of the opset-9 models at the input\'s type (FLOAT, 4 bytes an element: Dropout-7), and verifies the plans', () => {
    const models = ['onnxlight_squeezenet.onnx', 'onnxlight_bvlc_alexnet.onnx', 'onnxlight_vgg19.onnx', 'onnxlight_inception_v1.onnx'];
    const masks: string[] = [];
    let total = 0;
    for (const f of models) {
      const decoded = decodeOnnx(bytes(f), f);
      expect(decoded.opsets.get(''), f).toBe(9);
      const names = decoded.graph.nodes.filter((n) => n.opType === 'Dropout' && n.outputs[1]).map((n) => n.outputs[1]!);
      expect(names.length, f).toBeGreaterThan(0);
      const sub = importOnnx(bytes(f), f, { align: 1 }).subgraphs[0]!;
      const root = inferShapes(decoded);
      for (const name of names) {
        const k = sub.names.indexOf(name);
        expect(k, `${f} ${name}`).toBeGreaterThanOrEqual(0);
        const info = root.infos.get(name)!;
        const elements = info.shape.reduce((a, d) => a * d, 1);
        expect(info.dtype, `${f} ${name}`).toBe(1);
        expect(sub.problem.buffers[k]!.size, `${f} ${name}`).toBe(elements * 4);
        total += elements * 4;
        masks.push(`${f} ${name} ${elements * 4} B`);
      }
      const plan = solve(sub.problem, { iterations: 200 });
      expect(verifyPlan(sub.problem, plan.offsets, plan.peak).errors, f).toEqual([]);
    }
    // SqueezeNet's r62 is float32 [1, 512, 13, 13]; the four models' six masks are 311,808 B more than as BOOL.
    expect(masks).toContain('onnxlight_squeezenet.onnx r62 346112 B');
    expect(masks.length).toBe(6);
    expect(total).toBe(415_744);
    expect(total - total / 4).toBe(311_808);
  });

  it('names the symbolic input when its shape is not given', () => {
    for (const [f, message] of Object.entries(WITHOUT_OPTIONS)) expect(() => importOnnx(bytes(f), f), f).toThrow(message);
  });

  it('silero VAD (legacy) plans with --dim by name and --batch on a "batch" dimension off the first axis', () => {
    const f = 'npm_silero_vad_legacy.onnx';
    // --batch alone leaves "sequence": the message names it, and only it.
    expect(() => importOnnx(bytes(f), f, { batch: 1 })).toThrow(/1 input dimension is not known: graph input "input" \[batch, sequence\]: "sequence" at axis 1\. Give --dim sequence=N, or --input-shape/);
    const byName = importOnnx(bytes(f), f, { dims: { batch: 1, sequence: 512 } });
    const byShape = importOnnx(bytes(f), f, { inputShapes: { input: [1, 512], h: [2, 1, 64], c: [2, 1, 64] } });
    const mixed = importOnnx(bytes(f), f, { batch: 1, dims: { sequence: 512 } });
    const sizes = (m: typeof byName): number[] => m.subgraphs[0]!.problem.buffers.map((b) => b.size);
    expect(sizes(byName)).toEqual(sizes(byShape));
    expect(sizes(mixed)).toEqual(sizes(byShape));
    expect(() => importOnnx(bytes(f), f, { batch: 1, dims: { sequence: 512, seq: 3 } })).toThrow(/--dim seq: no graph input has a symbolic dimension "seq" \(they are "batch", "sequence"\)/);
  });

  it('plans the weights too with includeWeights (the onnxlight models hold them as ConstantOfShape outputs)', () => {
    const f = 'onnxlight_squeezenet.onnx';
    const without = importOnnx(bytes(f), f).subgraphs[0]!.problem;
    const withWeights = importOnnx(bytes(f), f, { includeWeights: true }).subgraphs[0]!.problem;
    const sum = (p: typeof without): number => p.buffers.reduce((s, b) => s + b.size, 0);
    // SqueezeNet 1.0 has about 1.2 million float parameters.
    expect(sum(withWeights) - sum(without)).toBeGreaterThan(4_000_000);
    expect(withWeights.buffers.filter((b) => b.start === 0 && b.end === 105).length).toBeGreaterThan(50);
  });
});
