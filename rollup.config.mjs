// Bundles (npm run bundle), from the TypeScript sources, transpiled by esbuild (tsc checks types):
//   build/dist/arenapack.js      ESM for Node (+ node-worker.js, cli.js and a shared chunk beside it)
//   build/dist/arenapack.cjs     CommonJS for Node (its workers run node-worker.js, an ES module)
//   build/dist/arenapack.d.ts    the types, one file
//   build/dist/browser/          ESM for browsers: arenapack.js and browser-worker.js (+ a chunk)
//   build/web/                   the page (web/): a static folder that works offline (app.js, its
//                                solver and import workers, index.html, style.css)
// The WASM engine is inlined as base64 in src/solve/wasm/binary.ts: no file to fetch, no loader to
// configure. glpk.js (GPL-3.0) is never bundled: in the Node bundles it stays a lazy import of the
// package 'glpk.js/node'; in the browser bundles that import is a stub (the ILP methods reject there).
import commonjs from '@rollup/plugin-commonjs';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import { readFileSync, rmSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { dts } from 'rollup-plugin-dts';
import esbuild from 'rollup-plugin-esbuild';

// Stale chunks (their names carry a hash) must not pile up in the package: start clean.
for (const dir of ['build/dist', 'build/web']) rmSync(dir, { recursive: true, force: true });

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));
const deps = Object.keys(pkg.dependencies ?? {});
const require = createRequire(import.meta.url);

/** Node builtins and our dependencies (and their subpaths) stay imports in the Node bundles. */
const nodeExternal = (id) =>
  id.startsWith('node:') || builtinModules.includes(id) || deps.some((d) => id === d || id.startsWith(`${d}/`));

const ts = (minify = false) => esbuild({ target: 'es2022', tsconfig: 'tsconfig.json', sourceMap: true, minify });

/** comlink's Node adapter is an .mjs file: CommonJS can't require it on Node 20, so it is inlined. */
const inlineNodeAdapter = {
  name: 'inline-comlink-node-adapter',
  resolveId(id) {
    return id === 'comlink/dist/esm/node-adapter.mjs' ? require.resolve(id) : null;
  },
};

/**
 * Browser code must not reach Node: fail the build if it does (csv-parse/sync becomes its browser build).
 * The ILP methods load 'glpk.js/node'
 * lazily; in the browser bundles that import becomes a stub whose promise rejects with a clear
 * message, so no bundler ever sees glpk.js (GPL-3.0, Node build) through the browser entry.
 */
const GLPK_STUB = '\0glpk-unavailable';
const browserOnly = {
  name: 'no-node-in-browser',
  resolveId(id, importer) {
    if (id === 'glpk.js' || id.startsWith('glpk.js/')) return GLPK_STUB;
    // csv-parse's sync API for Node uses the global Buffer; its browser build of the same API does not.
    if (id === 'csv-parse/sync') return this.resolve('csv-parse/browser/esm/sync', importer, { skipSelf: true });
    if (id.startsWith('node:') || builtinModules.includes(id)) {
      this.error(`browser bundle: ${importer ?? '?'} imports the Node builtin "${id}"`);
    }
    return null;
  },
  load(id) {
    if (id !== GLPK_STUB) return null;
    return "export default function glpkUnavailable() { throw new Error('arenapack: the GLPK (ILP) methods are not available in the browser bundle; use arenapack in Node'); }\n";
  },
};

/** Copies the page's static files next to its script. */
const pageFiles = (files) => ({
  name: 'page-files',
  generateBundle() {
    for (const f of files) this.emitFile({ type: 'asset', fileName: f, source: readFileSync(`web/${f}`) });
  },
});

/** protobufjs (under onnx-proto) has a harmless import cycle; every other warning is shown. */
const onwarn = (warning, warn) => {
  if (warning.code === 'CIRCULAR_DEPENDENCY' && warning.ids?.every((id) => id.includes('node_modules'))) return;
  warn(warning);
};

const browserPlugins = () => [browserOnly, nodeResolve({ browser: true, preferBuiltins: false }), commonjs(), ts(true)];

export default [
  {
    input: { arenapack: 'src/node.ts', 'node-worker': 'src/worker/node-worker.ts', cli: 'src/cli.ts' },
    external: nodeExternal,
    plugins: [ts()],
    output: { dir: 'build/dist', format: 'es', sourcemap: true, chunkFileNames: 'shared-[hash].js' },
  },
  {
    input: 'src/node.ts',
    external: (id) => id !== 'comlink/dist/esm/node-adapter.mjs' && nodeExternal(id),
    plugins: [inlineNodeAdapter, ts()],
    output: { file: 'build/dist/arenapack.cjs', format: 'cjs', sourcemap: true, interop: 'auto', exports: 'named' },
  },
  {
    input: 'src/node.ts',
    external: nodeExternal,
    plugins: [dts({ tsconfig: 'tsconfig.json' })],
    output: { file: 'build/dist/arenapack.d.ts', format: 'es' },
  },
  {
    input: { arenapack: 'src/browser.ts', 'browser-worker': 'src/worker/browser-worker.ts' },
    plugins: browserPlugins(),
    onwarn,
    output: { dir: 'build/dist/browser', format: 'es', sourcemap: true, chunkFileNames: 'shared-[hash].js' },
  },
  {
    input: { app: 'web/src/main.ts', 'browser-worker': 'src/worker/browser-worker.ts', 'import-worker': 'web/src/import-worker.ts' },
    plugins: [...browserPlugins(), pageFiles(['index.html', 'style.css'])],
    onwarn,
    output: { dir: 'build/web', format: 'es', sourcemap: true, chunkFileNames: 'shared-[hash].js' },
  },
];
