import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeOnnx, importOnnx, inferShapes, type GraphShapes, type OnnxImportOptions } from '../../src/import/onnx/index.js';
import { liveBound } from '../../src/problem/bounds.js';
import { verifyPlan } from '../../src/problem/verify.js';
import { solve } from '../../src/solve/solve.js';
import { sharedDir } from '../helpers/shared.js';

const dir = sharedDir('models/onnx');

/** Models whose inputs have symbolic dimensions: the shapes a user gives (`--input-shape`, `--batch`). */
const OPTIONS: Record<string, OnnxImportOptions> = {
  // input [batch_size, 1, 224, 224]
  'onnxjs_super_resolution_10.onnx': { batch: 1 },
  // bgrm [batch_size, 4, height, width]
  'onnxjs_teams_msra_190729.onnx': { inputShapes: { bgrm: [1, 4, 256, 256] } },
  // input [batch, sequence], h and c [2, batch, 64]: a 512-sample frame at 16 kHz
  'npm_silero_vad_legacy.onnx': { inputShapes: { input: [1, 512], h: [2, 1, 64], c: [2, 1, 64] } },
  // input [?, ?], state [2, ?, 128]: 64 samples of context + a 512-sample frame at 16 kHz
  'npm_silero_vad_v5.onnx': { inputShapes: { input: [1, 576], state: [2, 1, 128] } },
  // image [num_bytes]: the bytes of an encoded image file
  'ortexamples_superres_prepost_op18.onnx': { inputShapes: { image: [100_000] } },
};

/** Models that cannot be planned, and why: the error each must give. */
const EXPECTED_ERRORS: Record<string, RegExp> = {
  // The image is decoded by a custom op (onnxruntime-extensions): its size depends on the file's bytes.
  'ortexamples_superres_prepost_op18.onnx':
    /node "pre_process_0" \(DecodeImage of com.microsoft.extensions, #0\): cannot infer the output shape: op_type DecodeImage of domain com.microsoft.extensions has no shape rule/,
};

/** Without the options above, the symbolic inputs are named. */
const WITHOUT_OPTIONS: Record<string, RegExp> = {
  'onnxjs_super_resolution_10.onnx': /graph input "input" \[batch_size, 1, 224, 224\] has the symbolic dimension "batch_size" at axis 0: give --input-shape input=Nx1x224x224 or --batch N/,
  'onnxjs_teams_msra_190729.onnx': /graph input "bgrm" \[batch_size, 4, height, width\] has the symbolic dimension "batch_size" at axis 0/,
  'npm_silero_vad_legacy.onnx': /graph input "input" \[batch, sequence\] has the symbolic dimension "batch" at axis 0/,
  'npm_silero_vad_v5.onnx': /graph input "input" \[\?, \?\] has an unknown dimension at axis 0/,
};

function graphs(root: GraphShapes): GraphShapes[] {
  return [root, ...root.children.flatMap(graphs)];
}

describe.skipIf(dir === undefined)('ONNX corpus (../shared/models/onnx)', () => {
  const files = dir ? readdirSync(dir).filter((f) => f.endsWith('.onnx')).sort() : [];
  const bytes = (f: string): Uint8Array => readFileSync(join(dir!, f));

  it('has the files this test lists', () => {
    expect(files.length).toBeGreaterThanOrEqual(26);
    for (const f of [...Object.keys(OPTIONS), ...Object.keys(EXPECTED_ERRORS)]) expect(files).toContain(f);
  });

  it('infers every shape the models declare in value_info (the oracle), with no shape taken from value_info', () => {
    const report: string[] = [];
    let models = 0;
    let compared = 0;
    for (const f of files) {
      if (EXPECTED_ERRORS[f]) continue;
      const root = inferShapes(decodeOnnx(bytes(f), f), OPTIONS[f] ?? {});
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
      const expected = EXPECTED_ERRORS[f];
      if (expected) {
        expect(() => importOnnx(bytes(f), f, OPTIONS[f] ?? {}), f).toThrow(expected);
        continue;
      }
      const m = importOnnx(bytes(f), f, OPTIONS[f] ?? {});
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
    expect(imported).toBe(files.length - Object.keys(EXPECTED_ERRORS).length);
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
      if (!row || EXPECTED_ERRORS[f]) continue;
      const cells = row.split('|').map((c) => c.trim());
      const valueInfoCount = Number(cells[10]);
      if (!(valueInfoCount > 0)) continue;
      const knownKiB = Number(cells[11]);
      const root = inferShapes(decodeOnnx(bytes(f), f), OPTIONS[f] ?? {});
      const declared = new Set([...root.graph.valueInfo, ...root.graph.outputs].map((v) => v.name));
      const inputs = new Set(root.graph.inputs.map((v) => v.name));
      const sub = importOnnx(bytes(f), f, { ...OPTIONS[f], align: 1, shareReshapes: false }).subgraphs[0]!;
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

  it('names the symbolic input when its shape is not given', () => {
    for (const [f, message] of Object.entries(WITHOUT_OPTIONS)) expect(() => importOnnx(bytes(f), f), f).toThrow(message);
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
