// The CLI loads what a command does not need only when it needs it (src/cli.ts): planning a CSV or
// JSON problem on one thread must not load the model readers (onnx-proto/protobufjs, flatbuffers),
// GLPK, the tiers planner or the worker pool — their loading was most of the command's fixed cost
// (~0.45 s against 0.13 s for a bare `node`), paid from --time-limit. Checked on the built files'
// static imports (what Node loads before the first line runs), in build/js (what the tests and the
// bench run) and in the bundle (the package's bin).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { builtCli, cliRunner, repoRoot } from './helpers/cli.js';

/** The static imports of an ES module's text: relative paths and package names (dynamic import() left out). */
function staticImports(text: string): string[] {
  const out: string[] = [];
  // `import x from '...'`, `import { a, b } from '...'` (over several lines too), `export * from '...'`, `import '...'`.
  for (const m of text.matchAll(/^(?:import|export)\s+(?:[\w$*{},\s]*?\s*from\s*)?['"]([^'"]+)['"]/gm)) out.push(m[1]!);
  return out;
}

/** Every module `entry` loads before it runs: the files (absolute) and the packages (names as imported). */
function staticGraph(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>([entry]);
  const packages = new Set<string>();
  const todo = [entry];
  while (todo.length > 0) {
    const file = todo.pop()!;
    for (const spec of staticImports(readFileSync(file, 'utf8'))) {
      if (spec.startsWith('.')) {
        const dep = resolve(dirname(file), spec);
        if (!files.has(dep)) {
          files.add(dep);
          todo.push(dep);
        }
      } else if (!spec.startsWith('node:')) packages.add(spec);
    }
  }
  return { files, packages };
}

/** The packages only some commands need (a model, --method glpk, several files). */
const HEAVY = ['onnx-proto', 'protobufjs', 'flatbuffers', 'glpk.js', 'comlink'];
const heavy = (packages: Set<string>): string[] => [...packages].filter((p) => HEAVY.some((h) => p === h || p.startsWith(`${h}/`)));

describe('the CLI loads the model readers, GLPK, the tiers commands and the workers lazily', () => {
  it('staticImports finds the forms tsc and rollup write, and not import()', () => {
    const text = "import { a,\n  b } from './x.js';\nimport c from 'commander';\nexport { d } from \"./y.js\";\nimport './z.js';\nconst e = await import('./w.js');\n";
    expect(staticImports(text)).toEqual(['./x.js', 'commander', './y.js', './z.js']);
  });

  it('build/js/cli.js: no model reader, GLPK, tiers command, fit hint, picture, trace or worker among its static imports', () => {
    const { files, packages } = staticGraph(builtCli);
    expect(heavy(packages)).toEqual([]);
    const js = join(repoRoot, 'build', 'js');
    const loaded = [...files].map((f) => f.slice(js.length + 1));
    expect(loaded.filter((f) => /^(import\/(onnx|tflite)\/(index|reader|decode)\.js|import\/model-file\.js|worker\/|solve\/ilp\/(?!sections\.js)|cli-(model|tiers|shared-arena)\.js|plan-model|problem-fit-hints|model-fit-hints|order\/model|export\/(svg|trace)\.js)/.test(f))).toEqual([]);
    // The CSV path is still there (a check that the walk follows the imports).
    expect(loaded).toContain('import/csv.js');
    expect(loaded).toContain('solve/solve.js');
  });

  it("build/dist/cli.js (the package's bin): none of those packages among its static imports", () => {
    const bin = join(repoRoot, 'build', 'dist', 'cli.js');
    expect(existsSync(bin), 'npm run build first').toBe(true);
    const { packages } = staticGraph(bin);
    expect(heavy(packages)).toEqual([]);
    expect(packages).toContain('commander');
  });

  // What a run really loads (dynamic imports too), by a module hook that logs every URL Node loads.
  it('a CSV with --capacity that does not fit (fit hints, spilling) loads no model reader, GLPK or worker: only the problem hints more than without', () => {
    const { dir, file } = cliRunner('arenapack-lazy-');
    const csv = file('spill.csv', 'id,lower,upper,size\nimg,0,2,24576\nc1,1,3,40960\nc2,2,4,32768\nres,1,5,16384\nhead,4,6,8192\n');
    const hook = pathToFileURL(join(repoRoot, 'test', 'helpers', 'load-log-register.mjs')).href;
    const js = pathToFileURL(join(repoRoot, 'build', 'js')).href;
    /** The run's stdout and the URLs it loaded: every one, and ours relative to build/js. */
    const loads = (name: string, ...args: string[]): { out: string; all: string[]; ours: string[] } => {
      const log = join(dir, name);
      writeFileSync(log, '');
      const r = spawnSync(process.execPath, ['--import', hook, builtCli, 'plan', csv, '--json', ...args], { encoding: 'utf8', cwd: repoRoot, env: { ...process.env, ARENAPACK_LOAD_LOG: log } });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const all = readFileSync(log, 'utf8').split('\n').filter((u) => u !== '');
      return { out: r.stdout, all, ours: all.filter((u) => u.startsWith(`${js}/`)).map((u) => u.slice(js.length + 1)) };
    };
    const plain = loads('plain.txt');
    const capacity = loads('capacity.txt', '--capacity', '64KiB');
    // The hints were made: the capacity needed and the spill.
    const hints = (JSON.parse(capacity.out) as { hints?: { change: string }[] }).hints ?? [];
    expect(hints.map((h) => h.change)).toEqual(['capacity', 'spill']);
    // The log saw the runs: the CLI and the CSV reader.
    expect(capacity.ours).toContain('cli.js');
    expect(capacity.ours).toContain('import/csv.js');
    expect(capacity.ours.filter((f) => !plain.ours.includes(f))).toEqual(['problem-fit-hints.js']);
    expect(capacity.ours.filter((f) => /^(import\/(onnx\/|tflite\/(index|reader|decode)\.js|model-file\.js)|order\/model\.js|runtime\/tflm\/(scratch-room|model-head)\.js|worker\/|solve\/ilp\/(?!sections\.js)|cli-(model|tiers|shared-arena)\.js|plan-model|model-fit-hints)/.test(f))).toEqual([]);
    expect(capacity.all.filter((u) => /\/node_modules\/(onnx-proto|protobufjs|flatbuffers|glpk\.js|comlink)\//.test(u))).toEqual([]);
  });
});
