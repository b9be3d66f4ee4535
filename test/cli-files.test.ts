/**
 * The files a user depends on, through the built command line: inputs that are not regular files,
 * outputs that would overwrite an input or each other, 0-byte buffers and quoted ids in the outputs,
 * C headers of two models in one translation unit, and names carrying control characters.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, linkSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { MAX_MODEL_BYTES, MAX_TEXT_BYTES } from '../src/cli-io.js';
import { readProblem } from '../src/import/index.js';
import { importTflite } from '../src/import/tflite/index.js';
import { verifyPlan } from '../src/problem/verify.js';
import { buildTflite, FIXTURES, type ModelSpec } from './helpers/tflite-builder.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'build', 'js', 'cli.js');
const dir = mkdtempSync(join(tmpdir(), 'arenapack-files-'));

function run(args: string[], timeout = 60_000): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', cwd: root, timeout });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

function file(name: string, content: string | Uint8Array): string {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
}

const CSV = 'id,lower,upper,size\na,0,2,16\nb,1,3,32\nc,2,4,16\n';

/** Every file in `dir` with its modification time and bytes, to prove a refused run wrote nothing. */
function snapshot(): Map<string, string> {
  return new Map(readdirSync(dir).map((f) => [f, `${statSync(join(dir, f)).mtimeMs}:${readFileSync(join(dir, f)).toString('base64')}`]));
}

describe('input files', () => {
  it.skipIf(process.platform === 'win32')('a FIFO is refused at once (no hang), naming its kind', () => {
    const fifo = join(mkdtempSync(join(tmpdir(), 'arenapack-fifo-')), 'pipe.csv'); // not in dir: snapshot() reads dir's files
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    // No writer ever opens the FIFO: a blocking open would hang until the 20 s timeout.
    const r = run(['plan', fifo], 20_000);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/pipe\.csv: is a FIFO \(named pipe\), not a regular file/);
  });

  it.skipIf(!existsSync('/dev/zero'))('/dev/zero (and a link to it named like a model) is refused before reading', () => {
    for (const args of [['plan', '/dev/zero'], ['inspect', '/dev/zero'], ['convert', '/dev/zero', '--csv', join(dir, 'z.csv')]]) {
      const r = run(args, 20_000);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/\/dev\/zero: is a character device, not a regular file/);
    }
    const link = join(mkdtempSync(join(tmpdir(), 'arenapack-zero-')), 'zero.tflite');
    symlinkSync('/dev/zero', link);
    expect(run(['plan', link], 20_000).err).toMatch(/zero\.tflite: is a character device/);
    expect(existsSync(join(dir, 'z.csv'))).toBe(false);
  });

  it('a file over the size limit is refused before reading, naming its size and the limit (sparse files: no disk used)', () => {
    const big = mkdtempSync(join(tmpdir(), 'arenapack-big-'));
    const csv = join(big, 'huge.csv');
    const model = join(big, 'huge.tflite');
    writeFileSync(csv, '');
    truncateSync(csv, MAX_TEXT_BYTES + 1);
    writeFileSync(model, '');
    truncateSync(model, MAX_MODEL_BYTES + 1);
    for (const [f, limit] of [[csv, MAX_TEXT_BYTES], [model, MAX_MODEL_BYTES]] as const) {
      const r = run(['plan', f], 20_000);
      expect(r.code).toBe(2);
      expect(r.err).toContain(`is ${limit + 1} bytes, more than the ${limit} bytes arenapack reads`);
    }
    rmSync(big, { recursive: true, force: true });
  });

  it('a directory is refused with its kind', () => {
    const r = run(['plan', dir]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/is a directory, not a regular file/);
  });
});

describe('outputs never overwrite an input or each other', () => {
  const input = file('in.csv', CSV);
  const model = file('m.tflite', buildTflite(FIXTURES.chain()));
  const cases: [string, string[]][] = [
    ['--out on the CSV', ['plan', input, '--out', input]],
    ['--emit-lp on the CSV', ['plan', input, '--emit-lp', input]],
    ['--out on the CSV through ..', ['plan', input, '--out', join(dir, '..', dir.split('/').pop()!, 'in.csv')]],
    ['--out on the model', ['plan', model, '--out', model]],
    ['--svg on the model', ['plan', model, '--svg', model]],
    ['--header on the model', ['plan', model, '--header', model]],
    ['--write-tflite on the model', ['plan', model, '--write-tflite', model]],
    ['convert --csv on the model', ['convert', model, '--csv', model]],
  ];
  for (const [what, args] of cases) {
    it(`${what}: exit 2, nothing written`, () => {
      const before = snapshot();
      const r = run(args);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/is the input .*never overwrites its input/);
      expect(snapshot()).toEqual(before);
    });
  }

  it('through a symbolic link or a hard link to the input: refused', () => {
    const sym = join(dir, 'sym.csv');
    symlinkSync(input, sym);
    const hard = join(dir, 'hard.json');
    linkSync(input, hard);
    const before = snapshot();
    for (const out of [sym, hard]) {
      const r = run(['plan', input, '--out', out]);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/never overwrites its input/);
    }
    expect(snapshot()).toEqual(before);
  });

  it('two outputs with one path (or two names of one file): refused before either is written', () => {
    const same = join(dir, 'same.out');
    const before = snapshot();
    for (const args of [
      ['plan', input, '--out', same, '--emit-lp', same],
      ['plan', model, '--out', same, '--svg', same],
      ['plan', model, '--header', same, '--write-tflite', join(dir, '.', 'same.out')],
    ]) {
      const r = run(args);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/is the same file as .*each output needs its own file/);
    }
    expect(snapshot()).toEqual(before);
    expect(existsSync(same)).toBe(false);
  });

  it('distinct outputs are written as before', () => {
    const r = run(['plan', model, '--out', join(dir, 'ok.json'), '--svg', join(dir, 'ok.svg'), '--header', join(dir, 'ok.h')]);
    expect(r.code).toBe(0);
    for (const f of ['ok.json', 'ok.svg', 'ok.h']) expect(existsSync(join(dir, f))).toBe(true);
  });
});

describe('0-byte buffers and quoted ids through the command line', () => {
  it('z,0,3,0 is accepted: noted in the report, offset 0 in --json and --out, the rest planned and verified', () => {
    const text = 'id,lower,upper,size\na,0,3,8\nz,0,3,0\n"b,c",1,4,4\n';
    const input = file('zero.csv', text);
    const report = run(['plan', input]);
    expect(report.code).toBe(0);
    expect(report.out).toMatch(/note: 1 buffer of 0 bytes not planned \(offset 0 in the outputs\): z/);
    const out = join(dir, 'zero.out.csv');
    const r = run(['plan', input, '--json', '--out', out]);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out) as { peak: number; buffers: { id: string; offset: number; size: number }[] };
    expect(json.buffers.map((b) => b.id)).toEqual(['a', 'z', 'b,c']);
    expect(json.buffers[1]).toMatchObject({ id: 'z', offset: 0, size: 0 });
    const read = readProblem(text, 'zero.csv');
    const planned = json.buffers.filter((b) => b.size > 0).map((b) => b.offset);
    expect(verifyPlan(read.problem, planned, json.peak).errors).toEqual([]);
    // The solution CSV reads back: the quoted id, the 0-byte buffer, every offset.
    const back = readProblem(readFileSync(out, 'utf8'), 'back.csv');
    expect(back.all.buffers.map((b) => [b.id, b.offset])).toEqual(json.buffers.map((b) => [b.id, b.offset]));
  });

  it('--jobs (worker path) gives 0-byte buffers the same offset 0', () => {
    const input = file('zero2.csv', 'id,lower,upper,size\na,0,3,8\nz,0,3,0\n');
    // Two files: the worker path (one file plans on the main thread whatever --jobs says).
    const r = run(['plan', input, input, '--jobs', '1', '--json']);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out) as { plan: { buffers: { id: string; offset: number }[] } }[];
    expect(json[0]!.plan.buffers).toEqual([expect.objectContaining({ id: 'a', offset: 0 }), expect.objectContaining({ id: 'z', offset: 0 })]);
  });
});

/** A chain model whose tensor and subgraph names carry control characters and a C comment's end. */
function nastyModel(): ModelSpec {
  const spec = FIXTURES.chain();
  const sg = spec.subgraphs[0]!;
  sg.name = 'main\x1b[2J\x07';
  sg.tensors[0]!.name = 'in\x1b]0;owned\x07put';
  sg.tensors[2]!.name = 'conv\nline two\r\x9b31m';
  sg.tensors[3]!.name = 'relu */ #define EVIL 1 /*';
  return spec;
}

/** No C0 control other than the line break, no DEL and no C1 control. */
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

describe('control characters in names', () => {
  const model = file('nasty.tflite', buildTflite(nastyModel()));

  it('the report and inspect show them escaped, on their own line', () => {
    for (const args of [['plan', model], ['inspect', model]]) {
      const r = run(args);
      expect(r.code).toBe(0);
      expect(r.out).not.toMatch(CONTROL);
      expect(r.out).toContain('main\\x1b[2J\\x07');
    }
    const inspect = run(['inspect', model]).out;
    expect(inspect).toContain('in\\x1b]0;owned\\x07put');
    expect(inspect).toContain('conv\\nline two\\r\\x9b31m');
    expect(inspect.split('\n').filter((l) => l.includes('line two'))).toHaveLength(1);
  });

  it('an error message naming such a buffer is escaped too', () => {
    const r = run(['plan', file('bad.csv', 'id,lower,upper,size\n"x\x1b[31m",0,1,big\n')]);
    expect(r.code).toBe(2);
    expect(r.err).not.toMatch(CONTROL);
    expect(r.err).toContain('x\\x1b[31m');
  });

  it('the SVG and the C header carry them escaped; the header compiles', () => {
    const svg = join(dir, 'nasty.svg');
    const header = join(dir, 'nasty.h');
    expect(run(['plan', model, '--svg', svg, '--header', header]).code).toBe(0);
    const svgText = readFileSync(svg, 'utf8');
    expect(svgText).not.toMatch(CONTROL);
    expect(svgText).toContain('in\\x1b]0;owned\\x07put');
    const h = readFileSync(header, 'utf8');
    expect(h).not.toMatch(CONTROL);
    expect(h.split('\n').filter((l) => l.includes('EVIL'))).toEqual([expect.stringMatching(/^#define \w+ \d+ \/\* relu \* \/ #define EVIL 1 \/ \*, \d+ B \*\/$/)]);
    if (cc !== undefined) {
      const c = file('nasty.c', `#include "${header}"\nint size = NASTY_ARENA_SIZE + NASTY_ARENA_SIZE_WITH_TAIL(1024);\n#ifdef EVIL\n#error EVIL defined\n#endif\n`);
      const r = spawnSync(cc, ['-std=c99', '-Wall', '-Werror', '-c', c, '-o', join(dir, 'nasty.o')], { encoding: 'utf8' });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
    }
  });
});

/** A C compiler on this machine (cc, gcc or clang), or undefined. */
const cc = ['cc', 'gcc', 'clang'].find((c) => spawnSync(c, ['--version']).status === 0);
if (cc === undefined) console.warn('SKIPPED: no C compiler (cc, gcc, clang) on this machine: the C headers are not compiled');

describe('C headers of two models in one firmware', () => {
  it('guard and macro prefix come from the file name; the first line names the base name only', () => {
    const a = file('person_detect.tflite', buildTflite(FIXTURES.chain()));
    const h = join(dir, 'pd.h');
    expect(run(['plan', a, '--header', h]).code).toBe(0);
    const text = readFileSync(h, 'utf8');
    expect(text.split('\n')[0]).toBe('/* Memory plan for person_detect.tflite, generated by arenapack. Do not edit: re-run arenapack. */');
    expect(text).not.toContain(dir);
    expect(text).toMatch(/^#ifndef PERSON_DETECT_PLAN_H$/m);
    expect(text).toMatch(/^#define PERSON_DETECT_HEAD_SIZE \d+$/m);
    expect(text).toMatch(/^#define PERSON_DETECT_TAIL_ESTIMATE \d+$/m);
    expect(text).toMatch(/^#define PERSON_DETECT_ARENA_SIZE \(PERSON_DETECT_HEAD_SIZE \+ PERSON_DETECT_TAIL_ESTIMATE\)$/m);
    expect(text).toMatch(/^#define PERSON_DETECT_ARENA_SIZE_WITH_TAIL\(tail_bytes\) \(PERSON_DETECT_HEAD_SIZE \+ \(tail_bytes\)\)$/m);
    expect(text).not.toContain('ARENAPACK_');
  });

  it('--prefix names the macros and the guard; a prefix that is not a C identifier is refused (exit 2)', () => {
    const a = file('kws.tflite', buildTflite(FIXTURES.chain()));
    const h = join(dir, 'kws.h');
    expect(run(['plan', a, '--header', h, '--prefix', 'KWS_V2']).code).toBe(0);
    const text = readFileSync(h, 'utf8');
    expect(text).toMatch(/^#ifndef KWS_V2_PLAN_H$/m);
    expect(text).toMatch(/^#define KWS_V2_SG0_T0_INPUT_OFFSET \d+/m);
    for (const bad of ['2fast', 'a-b', '_x', 'x'.repeat(33)]) {
      const r = run(['plan', a, '--header', join(dir, 'bad.h'), '--prefix', bad]);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/--prefix: .* is not a C identifier/);
    }
    expect(run(['plan', a, '--prefix', 'X']).err).toMatch(/--prefix .* give --header too/);
    expect(run(['plan', file('p.csv', CSV), '--prefix', 'X']).err).toMatch(/--prefix applies to model files/);
    // --write-tflite writes TFLite only: its message says so (ONNX is refused on its own).
    const w = run(['plan', file('p.csv', CSV), '--write-tflite', join(dir, 'w.tflite')]);
    expect(w.code).toBe(2);
    expect(w.err).toMatch(/--write-tflite applies to TFLite models \(\.tflite\), not to /);
    expect(existsSync(join(dir, 'w.tflite'))).toBe(false);
    expect(existsSync(join(dir, 'bad.h'))).toBe(false);
  });

  it('--pointer-bits sizes the tail estimate (32 by default, 64: the host\'s larger structs); other values are refused (exit 2)', () => {
    const a = file('pb.tflite', buildTflite(FIXTURES.chain()));
    type Tflm = { head: number; tail: { bytes: number; pointerBits: number }; total: number };
    const tflm = (args: string[]): Tflm => (JSON.parse(run(['plan', a, '--json', ...args]).out) as { arena: { tflm: Tflm } }).arena.tflm;
    const [d, t32, t64] = [tflm([]), tflm(['--pointer-bits', '32']), tflm(['--pointer-bits', '64'])];
    expect(d).toEqual(t32);
    expect(t32.tail.pointerBits).toBe(32);
    expect(t64.tail.pointerBits).toBe(64);
    expect(t64.head).toBe(t32.head);
    expect(t64.tail.bytes).toBeGreaterThan(t32.tail.bytes);
    expect(t64.total).toBe(t64.head + t64.tail.bytes);
    const bad = run(['plan', a, '--pointer-bits', '16']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--pointer-bits.*give 32 or 64/);
  });

  it.skipIf(cc === undefined)('two headers from two models in one translation unit: both define everything, values as planned', () => {
    const one = file('model_one.tflite', buildTflite(FIXTURES.chain()));
    const two = file('model-two.tflite', buildTflite(FIXTURES.twoSubgraphs()));
    const h1 = join(dir, 'one.h');
    const h2 = join(dir, 'two.h');
    type Json = { peak: number; arena: { tflm: { head: number; variables: number; tail: { bytes: number; pointerBits: number; unknown: string[] }; total: number } } };
    const j1 = JSON.parse(run(['plan', one, '--header', h1, '--json']).out) as Json;
    const j2 = JSON.parse(run(['plan', two, '--header', h2, '--json']).out) as Json;
    const head1 = Number(/#define MODEL_ONE_HEAD_SIZE (\d+)/.exec(readFileSync(h1, 'utf8'))![1]);
    const head2 = Number(/#define MODEL_TWO_HEAD_SIZE (\d+)/.exec(readFileSync(h2, 'utf8'))![1]);
    // The head TFLM uses (at least the plan's peak), as the JSON says; the arena adds the tail estimate
    // (32-bit by default), or a tail the user measures.
    expect(head1).toBe(j1.arena.tflm.head);
    expect(head2).toBe(j2.arena.tflm.head);
    expect(Object.keys(j1.arena.tflm).sort()).toEqual(['head', 'tail', 'total', 'variables']);
    expect(j1.arena.tflm.tail.pointerBits).toBe(32);
    expect(j1.arena.tflm.total).toBe(j1.arena.tflm.head + j1.arena.tflm.tail.bytes);
    const tail1 = Number(/#define MODEL_ONE_TAIL_ESTIMATE (\d+)/.exec(readFileSync(h1, 'utf8'))![1]);
    expect(tail1).toBe(j1.arena.tflm.tail.bytes);
    const [size1, size2] = [head1 + 1000, head2 + 1000];
    expect(j1.arena.tflm.head).toBeGreaterThanOrEqual(j1.peak);
    expect(j2.arena.tflm.head).toBeGreaterThanOrEqual(j2.peak);
    const program = file(
      'both.c',
      [
        `#include "${h1}"`,
        `#include "${h2}"`,
        `#include "${h1}" /* included twice: the guard holds */`,
        '#include <stdio.h>',
        'int main(void) {',
        '  printf("%d %d %d %d\\n", (int)MODEL_ONE_ARENA_SIZE_WITH_TAIL(1000), (int)MODEL_TWO_ARENA_SIZE_WITH_TAIL(1000), (int)MODEL_TWO_SG1_BASE, (int)MODEL_ONE_ARENA_SIZE);',
        '  return 0;',
        '}',
        '',
      ].join('\n'),
    );
    const exe = join(dir, 'both');
    const compiled = spawnSync(cc!, ['-std=c99', '-Wall', '-Werror', program, '-o', exe], { encoding: 'utf8' });
    expect(compiled.stderr).toBe('');
    expect(compiled.status).toBe(0);
    const ran = spawnSync(exe, [], { encoding: 'utf8' });
    const base1 = Number(/#define MODEL_TWO_SG1_BASE (\d+)/.exec(readFileSync(h2, 'utf8'))![1]);
    expect(ran.stdout.trim()).toBe(`${size1} ${size2} ${base1} ${j1.arena.tflm.total}`);
    // Tensor offsets match the plan of the model as imported.
    const sg = importTflite(new Uint8Array(readFileSync(one)), one).subgraphs[0]!;
    expect(readFileSync(h1, 'utf8').match(/_OFFSET /g)?.length).toBe(sg.tensorsOf.flat().length);
  });
});

describe('--emit-lp', () => {
  it('writes the LP file and keeps stdout for the plan: --json output parses (GLPK printed "Writing problem data to ..." into it)', () => {
    const input = join(dir, 'emit.csv');
    writeFileSync(input, CSV);
    const lp = join(dir, 'emit.lp');
    const r = spawnSync(process.execPath, [cli, 'plan', input, '--emit-lp', lp, '--json'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(() => JSON.parse(r.stdout)).not.toThrow();
    expect(r.stdout).not.toContain('Writing problem data');
    expect(readFileSync(lp, 'utf8')).toMatch(/^Minimize/m);
  });
});
