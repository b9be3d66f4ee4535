/**
 * The page in Chromium, driven by playwright-core: upload, plan in a worker, compare with Node's
 * solve(), cancel a long exact search, screenshot to test-output/page.png. Needs the bundle (build/web,
 * made by npm run build / npm run bundle) and a Chromium, as test/helpers/chromium.ts finds it: CHROMIUM_PATH
 * when set, else the system's (Debian's package; CI installs it), else the one the npm registry supplies
 * (@sparticuz/chromium), so `npm test` also passes on a fresh machine. ARENAPACK_CHROMIUM=npm runs this
 * whole file on the npm one; test/web/npm-chromium.test.ts runs that fallback on every machine.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cHeader } from '../../src/export/c-header.js';
import { problemToCsv } from '../../src/export/csv.js';
import { modelArenaSize, tensorOffsets } from '../../src/export/tensor-offsets.js';
import { defaultTimeLimitMs } from '../../src/solve/deadline.js';
import { shapePatches, writeOfflinePlan } from '../../src/export/tflm-offline-plan.js';
import { sha256Hex } from '../../src/format/sha256.js';
import { parseCsv } from '../../src/import/csv.js';
import { importProblem } from '../../src/import/index.js';
import { importModelFile } from '../../src/import/model-file.js';
import { planModel } from '../../src/plan-model.js';
import { reorderModel } from '../../src/order/model.js';
import { tflmArena, tflmArenaOptions } from '../../src/runtime/tflm/arena.js';
import { tflmTailReserve } from '../../src/runtime/tflm/tail-reserve.js';
import { planForTflm } from '../../src/runtime/tflm/model-head.js';
import { formatBytes } from '../../src/format/bytes.js';
import type { Problem } from '../../src/problem/types.js';
import { verifyPlan } from '../../src/problem/verify.js';
import { solve } from '../../src/solve/solve.js';
import { planWithSpill } from '../../src/solve/spill.js';
import { SPILL_CSV } from '../helpers/spill-inputs.js';
import { serveStatic } from '../../web/serve.js';
import { exampleCsv } from '../../web/src/example.js';
import { FIXTURES, buildTflite } from '../helpers/tflite-builder.js';
import { randomProblem, tightProblem } from '../helpers/problems.js';
import { model as onnxModel, node, vi } from '../helpers/onnx-builder.js';
import { layoutSvg, stepOperator } from '../../src/export/svg.js';
import { modelTrace, traceText } from '../../src/export/trace.js';
import { sharedDir } from '../helpers/shared.js';
import { CHROMIUM_ARGS, findChromium } from '../helpers/chromium.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const buildDir = join(root, 'build');
const webDir = join(buildDir, 'web');

let server: Server | undefined;
let context: BrowserContext | undefined;
let profile: string | undefined;
let page: Page;
let url: string;
const problems: string[] = [];

beforeAll(async () => {
  const chromiumBrowser = await findChromium();
  console.info(`the page test drives ${chromiumBrowser.path} (${chromiumBrowser.from})`);
  for (const f of ['web/index.html', 'dist/browser/arenapack.js']) {
    if (!existsSync(join(buildDir, f))) throw new Error(`build/${f} is missing: run \`npm run bundle\` (npm test builds it)`);
  }
  // build/ is served: the page at /web/, the browser bundle at /dist/browser/.
  ({ server, url } = await serveStatic(buildDir));
  profile = mkdtempSync(join(tmpdir(), 'arenapack-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumBrowser.path,
    ...(chromiumBrowser.env ? { env: chromiumBrowser.env } : {}),
    headless: true,
    args: [...CHROMIUM_ARGS],
    viewport: { width: 1320, height: 1000 },
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(45_000); // the long exact search starts after the heuristics, slower on a loaded machine
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  await page.goto(`${url}web/`);
  await page.waitForSelector('#file', { state: 'attached' });
}, 120_000); // unpacking the npm Chromium and a first launch on a loaded machine take a while

afterAll(async () => {
  await context?.close();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  if (profile) rmSync(profile, { recursive: true, force: true });
});

/**
 * Empties the page's message line, so that the next outcome is told from the last one even when its
 * text is the same ("Planned deq.tflite in 41 ms" twice: comparing texts waited forever).
 */
async function clearMessage(): Promise<void> {
  await page.evaluate(() => {
    const m = document.getElementById('message')!;
    m.textContent = '';
    m.classList.remove('error');
  });
}

async function upload(name: string, data: string | Uint8Array): Promise<void> {
  await clearMessage();
  await page.setInputFiles('#file', { name, mimeType: 'application/octet-stream', buffer: Buffer.from(data) });
  // Wait for this file's outcome: a plan, a cancel or an error.
  await page.waitForFunction(
    (file) => {
      const m = document.getElementById('message')!.textContent ?? '';
      const error = document.getElementById('message')!.classList.contains('error');
      return m.startsWith(`Planned ${file}`) || m.startsWith('Cancelled') || (error && m !== '');
    },
    name,
  );
}

/** Drops a file on the drop zone, as a user dragging it from the desktop would. */
async function drop(name: string, text: string): Promise<void> {
  await clearMessage();
  await page.evaluate(
    ([n, t]) => {
      const dt = new DataTransfer();
      dt.items.add(new File([t!], n!, { type: 'text/csv' }));
      document.getElementById('drop')!.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    },
    [name, text],
  );
  await page.waitForFunction((file) => (document.getElementById('message')!.textContent ?? '').startsWith(`Planned ${file}`), name);
}

/**
 * Runs `action` (a change of capacity) and waits until the page shows the plan made under `capacity`
 * (bytes); then the status and the fit agree (no "no fit found" beside "fits").
 */
async function withCapacity(capacity: string, action: () => Promise<unknown>): Promise<void> {
  await action();
  await page.waitForFunction((c) => document.getElementById('message')!.dataset['capacity'] === c, capacity);
  if (!(await page.locator('#results').isVisible())) return;
  const status = await page.locator('#status').getAttribute('data-status');
  const fits = await page.locator('#fits').getAttribute('data-fits');
  if (status === 'unknown' || status === 'infeasible') expect(fits).toBe('false');
  else expect(fits).toBe('true');
  expect(Boolean(await page.locator('#fits').getAttribute('data-spilled'))).toBe(status === 'spilled');
}

/** The command line on a file written to a temporary folder: `arenapack plan FILE ...args`. */
function cliRun(name: string, data: string | Uint8Array, args: readonly string[]): { status: number | null; stdout: string; stderr: string } {
  const dir = mkdtempSync(join(tmpdir(), 'arenapack-page-cli-'));
  try {
    const path = join(dir, name);
    writeFileSync(path, data);
    return spawnSync(process.execPath, [join(buildDir, 'js', 'cli.js'), 'plan', path, ...args], { encoding: 'utf8' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The command line's --json for a file, which must exit with `code` (3: does not fit). */
function cliJsonExit(code: number, name: string, data: string | Uint8Array, ...args: string[]): Record<string, unknown> {
  const r = cliRun(name, data, ['--json', ...args]);
  expect(r.status).toBe(code);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

/** The command line's --json for a file (exit 0). */
const cliJson = (name: string, data: string | Uint8Array, ...args: string[]): Record<string, unknown> => cliJsonExit(0, name, data, ...args);

/** The command line's report (its stdout) for a file. */
function cliReport(name: string, data: string | Uint8Array, ...args: string[]): string {
  const r = cliRun(name, data, args);
  expect(r.stderr).toBe('');
  return r.stdout;
}

/** The keys of a plan JSON that say what the plan is (not how long it took). */
const planOf = (j: Record<string, unknown>): unknown => {
  const keep = ['peak', 'status', 'method', 'capacity', 'fits', 'spilled', 'spilledBytes', 'ddrTraffic', 'spill', 'buffers'];
  return Object.fromEntries(keep.filter((k) => k in j).map((k) => [k, j[k]]));
};

/** Clicks a download link and returns the bytes the browser saved. */
async function download(file: string): Promise<Buffer> {
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click(`#downloads a[data-file="${file}"]`)]);
  expect(dl.suggestedFilename()).toBe(file);
  return readFileSync((await dl.path())!);
}

/** The plan JSON the page offers for download. */
async function downloadedPlan(): Promise<{ peak: number; buffers: { offset: number }[] }> {
  const href = await page.locator('#downloads a[data-file$=".plan.json"]').getAttribute('href');
  expect(href).toMatch(/^blob:/);
  return JSON.parse(await page.evaluate((h) => fetch(h!).then((r) => r.text()), href));
}

async function shownPeak(): Promise<number> {
  return Number(await page.locator('#peak').getAttribute('data-bytes'));
}

describe('the browser bundle in Chromium', () => {
  it('build/dist/browser plans in a module Web Worker like solve() in Node, and aborts a long search', async () => {
    const problem = randomProblem(200, 9);
    const hard = tightProblem(200, 1);
    // Plain JavaScript run in the page (a string: vitest would rewrite a dynamic import in a function).
    const script = `(async () => {
      const m = await import('/dist/browser/arenapack.js');
      const [p, h] = ${JSON.stringify([problem, hard])};
      const solver = m.createSolver({ size: 1 });
      try {
        const r = await solver.solve(p, { method: 'greedy-size' });
        const ac = new AbortController();
        let progress = 0;
        const long = solver.solve(h, { method: 'exact', timeLimitMs: 120000, signal: ac.signal, onProgress: () => void progress++ });
        while (progress === 0) await new Promise((w) => setTimeout(w, 20));
        ac.abort();
        const aborted = await long.then(() => 'finished', (e) => e.name);
        const again = await solver.solve(p, { method: 'greedy-size' });
        return { offsets: r.offsets, peak: r.peak, aborted, againPeak: again.peak };
      } finally {
        solver.close();
      }
    })()`;
    const out = (await page.evaluate(script)) as { offsets: number[]; peak: number; aborted: string; againPeak: number };
    const node = solve(problem, { method: 'greedy-size' });
    expect(out.offsets).toEqual(node.offsets);
    expect(verifyPlan(problem, out.offsets, out.peak).valid).toBe(true);
    expect(out.aborted).toBe('AbortError');
    expect(out.againPeak).toBe(node.peak);
  });
});

describe('the page in Chromium', () => {
  it('plans an uploaded CSV in a worker: the same peak as solve() in Node, and a valid plan to download', async () => {
    const problem = randomProblem(300, 5);
    await page.selectOption('#method', 'greedy-size');
    await page.selectOption('#capacity', '4194304'); // it fits 4 MiB (not 2 MiB: that would spill, see below)
    await upload('random300.csv', problemToCsv(problem));
    expect(await page.locator('#message').textContent()).toMatch(/^Planned random300\.csv/);
    const node = solve({ ...problem, capacity: 4 * 1024 * 1024 }, { method: 'greedy-size' });
    expect(node.fits).toBe(true);
    expect(await shownPeak()).toBe(node.peak);
    const plan = await downloadedPlan();
    const offsets = plan.buffers.map((b) => b.offset);
    expect(offsets).toEqual(node.offsets);
    expect(verifyPlan(problem, offsets, plan.peak).valid).toBe(true);
    expect(await page.locator('#methods-body tr').count()).toBe(2);
    expect(await page.locator('#layout rect.buf').count()).toBe(300);
    // A new capacity plans again; one below the peak spills as the command line does (src/solve/spill.ts).
    const tight = node.peak - 1;
    await withCapacity(String(tight), async () => {
      await page.selectOption('#capacity', 'custom');
      await page.fill('#custom', String(tight));
    });
    expect(await page.locator('#fits').getAttribute('data-fits')).toBe('true');
    expect(await page.locator('#status').getAttribute('data-status')).toBe('spilled');
    expect(await page.locator('#spill').textContent()).toMatch(/spill to a DDR arena/);
    const spilled = planWithSpill({ ...problem, capacity: tight }, solve({ ...problem, capacity: tight }, { method: 'greedy-size', timeLimitMs: 2000 }), {
      method: 'greedy-size',
      timeLimitMs: 2000,
    });
    expect(await page.locator('#fits').getAttribute('data-spilled')).toBe(spilled.spill!.spilled.join(','));
    const shown = await downloadedPlan();
    expect(shown.buffers.map((b) => b.offset)).toEqual(spilled.offsets);
    expect(await page.locator('#layout svg#layout-ddr rect.buf').count()).toBe(spilled.spill!.spilled.length);
    await withCapacity('4194304', () => page.selectOption('#capacity', '4194304'));
    expect(await page.locator('#fits').getAttribute('data-fits')).toBe(node.peak <= 4 * 1024 * 1024 ? 'true' : 'false');
  });

  it('plans an uploaded .tflite model like planModel() in Node, with the C header and the planned .tflite to download', async () => {
    const bytes = buildTflite(FIXTURES.chain());
    await page.selectOption('#method', 'auto');
    await upload('chain.tflite', bytes);
    expect(await page.locator('#message').textContent()).toMatch(/^Planned chain\.tflite/);
    const model = importModelFile(bytes, 'chain.tflite');
    const node = planModel(model, { method: 'auto' }, 4 * 1024 * 1024).results[0]!;
    expect(await shownPeak()).toBe(node.peak);
    const plan = await downloadedPlan();
    const offsets = plan.buffers.map((b) => b.offset);
    expect(verifyPlan(model.subgraphs[0]!.problem, offsets, plan.peak).valid).toBe(true);
    const files = await page.locator('#downloads a').evaluateAll((as) => as.map((a) => a.getAttribute('data-file')));
    expect(files).toEqual(['chain.plan.json', 'chain_arena.h', 'chain.planned.tflite', 'chain.layout.svg', 'chain.trace.json']);
    // The lazily made downloads hold what the Node exporters write for the same plan.
    const nodeResults = planModel(model, { method: 'auto' }, 4 * 1024 * 1024).results;
    const header = await download('chain_arena.h');
    // The command line's header: TFLM's head with the kernels' scratch (none here), as planForTflm gives it.
    const facts = planForTflm({ model, plans: nodeResults, solve: (p) => solve(p, { method: 'auto' }), offsets: (plans) => tensorOffsets(model, plans) });
    expect(facts.plans).toEqual(nodeResults);
    const planned = await download('chain.planned.tflite');
    expect(new Uint8Array(planned)).toEqual(writeOfflinePlan(bytes, 'chain.tflite', tensorOffsets(model, nodeResults), undefined, shapePatches(model)));
    // The header names the model to ship: the planned .tflite offered beside it (as --write-tflite), not the input.
    expect(sha256Hex(new Uint8Array(planned))).not.toBe(sha256Hex(bytes));
    expect(header.toString('utf8')).toBe(cHeader(model, nodeResults, { sha256: sha256Hex(new Uint8Array(planned)), tflm: tflmArenaOptions(facts) }));
    // The picture is the command line's --svg; the trace is --trace's.
    expect((await download('chain.layout.svg')).toString('utf8')).toBe(layoutSvg(model, nodeResults, 4 * 1024 * 1024));
    expect((await download('chain.trace.json')).toString('utf8')).toBe(traceText(modelTrace(model, nodeResults)));
  });

  it('reads quoted CSV fields and 0-byte buffers in the browser bundle (csv-parse), names with control characters shown escaped', async () => {
    const text = 'id,lower,upper,size\n"a,b\x1b[2J",0,2,16\nz,0,2,0\n"say ""c""",1,3,8\n';
    await page.selectOption('#method', 'greedy-size');
    await upload('quoted.csv', text);
    expect(await page.locator('#message').textContent()).toMatch(/^Planned quoted\.csv/);
    const problem = importProblem(text, 'quoted.csv');
    expect(problem.buffers.map((b) => b.id)).toEqual(['a,b\x1b[2J', 'say "c"']);
    expect(await shownPeak()).toBe(solve(problem, { method: 'greedy-size' }).peak);
    expect(await page.locator('#facts').textContent()).toMatch(/1 buffer of 0 bytes not planned .*: z/);
    await page.locator('#layout rect.buf').first().hover();
    const tip = (await page.locator('#tip').textContent()) ?? '';
    expect(tip).toContain('a,b\\x1b[2J');
    expect(tip).not.toContain('\x1b');
  });

  it('spills as the command line does: the issue\'s spill.csv under 64 KiB and a model, the same plans as `arenapack plan --json`', async () => {
    await page.selectOption('#method', 'auto');
    await page.selectOption('#time', '10000');
    await withCapacity('65536', async () => {
      await page.selectOption('#capacity', 'custom');
      await page.fill('#custom', '64KiB');
    });
    await upload('spill.csv', SPILL_CSV);
    expect(await page.locator('#status').getAttribute('data-status')).toBe('spilled');
    expect(await page.locator('#fits').getAttribute('data-spilled')).toBe('c1');
    expect(await page.locator('#proof').textContent()).toMatch(/proven best choice/);
    expect(await page.locator('#layout svg#layout-chip rect.buf').count()).toBe(4);
    expect(await page.locator('#layout svg#layout-ddr rect.buf').count()).toBe(1);
    mkdirSync(join(root, 'test-output'), { recursive: true });
    await page.screenshot({ path: join(root, 'test-output/page-spilled.png'), fullPage: true });
    const cli = cliJson('spill.csv', SPILL_CSV, '--capacity', '64KiB', '--time-limit', '10');
    const shown = (await downloadedPlan()) as unknown as Record<string, unknown>;
    expect(planOf(shown)).toEqual(planOf(cli));
    // A model: chain.tflite under 600 B + TFLM's tail estimate (which stays on chip beside the head)
    // spills its 1 KiB tensor, on the page as on the command line.
    const bytes = buildTflite(FIXTURES.chain());
    const cap = String(600 + tflmTailReserve(importModelFile(bytes, 'chain.tflite')).tail.bytes);
    await withCapacity(cap, () => page.fill('#custom', cap));
    await upload('chain.tflite', bytes);
    expect(await page.locator('#status').getAttribute('data-status')).toBe('spilled');
    expect(await page.locator('#fits').getAttribute('data-fits')).toBe('true');
    const modelCli = cliJson('chain.tflite', bytes, '--capacity', cap, '--time-limit', '10') as { subgraphs: Record<string, unknown>[]; arena: { fits: boolean } };
    expect(modelCli.arena.fits).toBe(true);
    const modelShown = (await downloadedPlan()) as unknown as { subgraphs: Record<string, unknown>[] };
    expect(modelShown.subgraphs.map(planOf)).toEqual(modelCli.subgraphs.map(planOf));
    const files = await page.locator('#downloads a').evaluateAll((as) => as.map((a) => a.getAttribute('data-file')));
    expect(files).toEqual(['chain.plan.json', 'chain_arena.h', 'chain.layout.svg', 'chain.trace.json']); // no offline plan for a spilled plan
    // Under 1.5 KiB every buffer of spill.csv spills: the page says nothing stays on chip, as the command line does.
    await withCapacity('1536', async () => page.fill('#custom', '1.5KiB'));
    await upload('spill.csv', SPILL_CSV);
    expect(await page.locator('#status').getAttribute('data-status')).toBe('spilled');
    expect(await page.locator('#peak-where').textContent()).toBe('Peak on chip: none: nothing stays on chip (every buffer spilled to DDR).');
    expect(await page.locator('#peak-body tr').count()).toBe(0);
    expect(await page.locator('#peak-bytes').textContent()).toBe('0 bytes · nothing stays on chip (every buffer spilled to DDR)');
    const none = cliJson('spill.csv', SPILL_CSV, '--capacity', '1.5KiB', '--time-limit', '10') as unknown as Record<string, unknown>;
    expect(none['nothingOnChip']).toBe(true);
    expect(planOf((await downloadedPlan()) as unknown as Record<string, unknown>)).toEqual(planOf(none));
    await page.selectOption('#time', '');
    await withCapacity('2097152', () => page.selectOption('#capacity', '2097152'));
  });

  it('plans over memory tiers (issue #13): presets, a custom list, the same two-memory plan as `arenapack plan --memory`', async () => {
    await page.selectOption('#method', 'auto');
    const presets = await page.locator('#memories option').evaluateAll((os) => os.map((o) => o.textContent));
    expect(presets).toEqual(['one arena (capacity)', 'Cortex-M7: 64 KiB DTCM + 512 KiB SRAM + 8 MiB PSRAM', 'NPU: 2 MiB SRAM + DDR', 'custom…']);
    await page.selectOption('#memories', 'custom');
    await page.fill('#memories-custom', 'chip=64KiB:0, ddr:1');
    await upload('spill.csv', SPILL_CSV);
    expect(await page.locator('#tiers').isVisible()).toBe(true);
    const cli = cliJson('spill.csv', SPILL_CSV, '--memory', 'chip=64KiB:0', '--memory', 'ddr:1') as { cost: number; status: string };
    expect(Number(await page.locator('#tiers-status').getAttribute('data-cost'))).toBe(cli.cost);
    expect(await page.locator('#tiers-status').getAttribute('data-status')).toBe(cli.status);
    expect(await page.locator('#tiers-body tr').count()).toBe(2);
    // Three memories on a model: the page's heuristic (no GLPK there) is valid and never below the command line's proven cost.
    // (The chain's TFLM tail estimate, 1 KiB, takes the end of dtcm: 1 KiB is left for the head.)
    await page.fill('#memories-custom', 'dtcm=2KiB:1, sram=1KiB:2, psram:20');
    const bytes = buildTflite(FIXTURES.chain());
    await upload('chain.tflite', bytes);
    const modelCli = cliJson('chain.tflite', bytes, '--memory', 'dtcm=2KiB:1', '--memory', 'sram=1KiB:2', '--memory', 'psram:20') as { cost: number };
    expect(Number(await page.locator('#tiers-status').getAttribute('data-cost'))).toBeGreaterThanOrEqual(modelCli.cost);
    expect(await page.locator('#tiers-svg svg g[id^="subgraph-0-"]').count()).toBeGreaterThanOrEqual(2);
    await page.selectOption('#memories', '');
    await page.waitForFunction(() => document.getElementById('tiers')!.hidden);
  });

  it('shows the importer\'s error for a bad file, naming the buffer', async () => {
    await upload('bad.csv', 'id,lower,upper,size\nok,0,2,8\nneg,1,3,-4\n');
    expect(await page.locator('#message').getAttribute('class')).toMatch(/error/);
    expect(await page.locator('#message').textContent()).toMatch(/bad\.csv.*neg/);
  });

  it('stays responsive during a long exact search and cancels it; the next plan works', async () => {
    const hard: Problem = tightProblem(200, 1);
    await page.selectOption('#method', 'exact');
    await page.selectOption('#time', '60000');
    await page.setInputFiles('#file', { name: 'tight200.csv', mimeType: 'text/csv', buffer: Buffer.from(problemToCsv(hard)) });
    // Progress reaches the page while the worker searches: the node count moves on.
    await page.waitForFunction(() => Number(document.getElementById('progress-text')!.dataset['nodes'] ?? 0) > 0);
    expect(await page.locator('#progress-text').getAttribute('data-phase')).toBe('search');
    // Reports came from the start of the solve: the heuristics first, then the search (no local search
    // under \`exact\`), each part of the problem reporting in turn.
    expect((await page.locator('#progress-text').getAttribute('data-phases'))!.split(',')[0]).toBe('heuristics');
    expect(await page.locator('#progress-text').textContent()).toMatch(/ s of at most 60 s · search [\d,]+ nodes/);
    const first = Number(await page.locator('#progress-text').getAttribute('data-nodes'));
    await page.waitForFunction((n) => Number(document.getElementById('progress-text')!.dataset['nodes']) > n, first);
    expect(await page.locator('#progress').isVisible()).toBe(true);
    await page.click('#cancel');
    await page.waitForFunction(() => (document.getElementById('message')!.textContent ?? '').startsWith('Cancelled'));
    expect(await page.locator('#progress').isVisible()).toBe(false);
    // The pool replaced the terminated worker (and a dropped file plans like a chosen one).
    const small = randomProblem(40, 2);
    await page.selectOption('#method', 'greedy-size');
    await page.selectOption('#time', '2000');
    await drop('small40.csv', problemToCsv(small));
    // Under the page's 2 MiB it spills, as the command line would.
    const capped = { ...small, capacity: 2 * 1024 * 1024 };
    const options = { method: 'greedy-size', timeLimitMs: 2000 } as const;
    const expected = planWithSpill(capped, solve(capped, options), options);
    expect(await shownPeak()).toBe(expected.peak);
    const plan = await downloadedPlan();
    expect(plan.buffers.map((b) => b.offset)).toEqual(expected.offsets);
    await page.selectOption('#time', ''); // back to the default (the command line's)
  });

  it('shows the example with tooltips and the live set at the peak (screenshot in test-output/page.png)', async () => {
    await page.selectOption('#method', 'auto');
    await page.selectOption('#capacity', '2097152');
    await page.click('#example');
    await page.waitForFunction(() => (document.getElementById('message')!.textContent ?? '').startsWith('Planned example-cnn.csv'));
    const example = parseCsv(exampleCsv(), 'example-cnn.csv');
    const plan = await downloadedPlan();
    expect(verifyPlan(example, plan.buffers.map((b) => b.offset), plan.peak).valid).toBe(true);
    const live = await page.locator('#layout rect.buf.live').count();
    expect(live).toBeGreaterThan(0);
    expect(await page.locator('#layout').getAttribute('class')).toMatch(/peak/);
    await page.locator('#layout rect.buf.live').first().hover();
    expect(await page.locator('#tip').isVisible()).toBe(true);
    expect(await page.locator('#tip').textContent()).toMatch(/live steps \[\d+, \d+\)/);
    mkdirSync(join(root, 'test-output'), { recursive: true });
    await page.screenshot({ path: join(root, 'test-output/page.png'), fullPage: true });
    expect(problems).toEqual([]);
  });
});

/** The number of plans the page has shown so far (data-plans on #message). */
const plansShown = async (): Promise<number> => Number((await page.locator('#message').getAttribute('data-plans')) ?? 0);

/** Runs `action` and waits for the page's next plan (or an error message). */
async function nextPlan(action: () => Promise<unknown>): Promise<void> {
  const before = await plansShown();
  await action();
  await page.waitForFunction(
    (n) => Number(document.getElementById('message')!.dataset['plans'] ?? 0) > n || document.getElementById('message')!.classList.contains('error'),
    before,
  );
}

describe('the page in Chromium: reports (issue 12)', () => {
  it('a failing file after a good one clears the results: no cards, layout, tables or downloads of the last model', async () => {
    await page.selectOption('#method', 'auto');
    await withCapacity('2097152', () => page.selectOption('#capacity', '2097152'));
    await upload('chain.tflite', buildTflite(FIXTURES.chain()));
    expect(await page.locator('#results').isVisible()).toBe(true);
    expect(await page.locator('#downloads a[data-file="chain_arena.h"]').count()).toBe(1);
    expect(await page.locator('#tensors-body tr').count()).toBe(4);
    // A broken model: the reader fails. Nothing of chain.tflite stays on the page.
    await upload('broken.tflite', new Uint8Array([0x1c, 0, 0, 0, 0x54, 0x46, 0x4c, 0x33, 1, 2, 3]));
    expect(await page.locator('#message').getAttribute('class')).toMatch(/error/);
    expect(await page.locator('#message').textContent()).toMatch(/broken\.tflite/);
    expect(await page.locator('#results').isVisible()).toBe(false);
    expect(await page.locator('#downloads a').count()).toBe(0);
    expect(await page.locator('#layout rect.buf').count()).toBe(0);
    expect(await page.locator('#tensors-body tr').count()).toBe(0);
    expect(await page.locator('#peak').textContent()).toBe('');
    expect(await page.locator('#replan').isDisabled()).toBe(true);
    // And a bad CSV after a good CSV, the same.
    await upload('ok.csv', 'id,lower,upper,size\na,0,2,8\nb,1,3,8\n');
    expect(await page.locator('#results').isVisible()).toBe(true);
    await upload('bad.csv', 'id,lower,upper,size\nok,0,2,8\nneg,1,3,-4\n');
    expect(await page.locator('#results').isVisible()).toBe(false);
    expect(await page.locator('#downloads a').count()).toBe(0);
  });

  it('names the peak: its step, the operator run there and the tensors live at it; a table of tensors sortable by size', async () => {
    const bytes = buildTflite(FIXTURES.chain());
    await upload('chain.tflite', bytes);
    const sg = importModelFile(bytes, 'chain.tflite').subgraphs[0]!;
    // The peak the command line names: its step, operator and the buffers live there.
    const cli = cliJson('chain.tflite', bytes) as { peakStep: number; peakOperator: { index: number; type: string }; atPeak: { id: string }[] };
    const step = cli.peakStep;
    const op = stepOperator(sg, step)!;
    expect(op).toBe(`operator ${cli.peakOperator.index} ${cli.peakOperator.type}`);
    expect(op).toBe('operator 1 RELU');
    expect(await page.locator('#peak-where').getAttribute('data-operator')).toBe(op);
    expect(await page.locator('#peak-where').textContent()).toContain(`step ${step}, ${op}`);
    const names = await page.locator('#peak-body tr td:first-child').allTextContents();
    expect(names).toEqual(cli.atPeak.map((b) => sg.names[sg.problem.buffers.findIndex((x) => x.id === b.id)]));
    // The tensors, largest first; sorted the other way round on a click of its header.
    const sizes = async (): Promise<number[]> => (await page.locator('#tensors-body tr').evaluateAll((rows) => rows.map((r) => Number((r as HTMLElement).dataset['size']))));
    const desc = await sizes();
    expect(desc).toEqual([...sg.problem.buffers.map((b) => b.size)].sort((a, b) => b - a));
    await page.click('[data-testid="sort-size"]');
    expect(await sizes()).toEqual([...desc].reverse());
    // The memory profile is drawn: the high-water line and the live area.
    expect(await page.locator('#profile path.high-water').count()).toBe(1);
    expect(await page.locator('#profile path.live').count()).toBe(1);
  });

  it("a TFLite model's arena needed is the command line's (TFLM head with the kernels' scratch, + tail estimate with its requests); the layout names plan --json's peak step", async () => {
    // SVDF asks TFLM for scratch: the head and the tail estimate both count it (src/runtime/tflm).
    const bytes = buildTflite(FIXTURES.svdfState());
    await page.selectOption('#method', 'auto');
    await page.selectOption('#capacity', '2097152');
    await upload('svdf.tflite', bytes);
    expect(await page.locator('#message').getAttribute('data-capacity')).toBe('2097152');
    type Cli = { peakStep: number; arena: { tflm: { head: number; total: number; tail: { bytes: number } } }; tflm: { scratch: unknown[] }; buffers: { offset: number }[] };
    const cli = cliJson('svdf.tflite', bytes, '--capacity', '2MiB') as Cli;
    expect(cli.tflm.scratch).toHaveLength(1);
    const { head, total, tail } = cli.arena.tflm;
    expect(await shownPeak()).toBe(head);
    expect(Number(await page.locator('#peak').getAttribute('data-total'))).toBe(total);
    expect(await page.locator('#peak-bytes').textContent()).toContain(`${head.toLocaleString('en-US')} bytes TFLM head`);
    expect(await page.locator('#peak-bytes').textContent()).toContain(`tail ~${formatBytes(tail.bytes)} (an estimate): kTensorArenaSize ~ ${formatBytes(total)}`);
    expect(await page.locator('#spill').textContent()).toContain(`head + tail estimate ~${formatBytes(tail.bytes)}: ${formatBytes(total)}`);
    // Without the scratch the figures differ: the arena the page showed before (the plan's tensors alone).
    const model = importModelFile(bytes, 'svdf.tflite');
    const plain = tflmArena(model, tensorOffsets(model, planModel(model, { method: 'auto' }).results));
    expect(plain.total).toBeLessThan(total);
    // The plan shown and downloaded is the one the command line emits, its arena the same.
    const plan = (await downloadedPlan()) as unknown as Cli;
    expect(plan.buffers.map((b) => b.offset)).toEqual(cli.buffers.map((b) => b.offset));
    expect(plan.arena.tflm).toEqual(cli.arena.tflm);
    // The layout marks the peak step the report and the JSON name (where the plan's top is set).
    const label = page.locator('#layout text.peak-step');
    expect(await label.textContent()).toBe(`peak step ${cli.peakStep}`);
    expect(Number(await label.getAttribute('data-step'))).toBe(cli.peakStep);
    expect(await page.locator('#peak-where').getAttribute('data-step')).toBe(String(cli.peakStep));
  });

  it('plans an ONNX model with symbolic input dimensions through the shape fields, as the command line with --input-shape', async () => {
    const bytes = onnxModel({
      inputs: [vi('img', ['N', 3, 'H', 'W'])],
      outputs: [vi('y', null)],
      nodes: [node('Relu', ['img'], ['a'], [], 'first'), node('Sigmoid', ['a'], ['b'], [], 'second'), node('Relu', ['b'], ['y'], [], 'third')],
    });
    await upload('sym.onnx', bytes);
    // The fields: N, H and W open (prefilled 1), axis 1 fixed at 3.
    expect(await page.locator('#shapes fieldset[data-input="img"] input').count()).toBe(4);
    expect(await page.locator('[data-testid="dim-img-2"]').inputValue()).toBe('1');
    expect(await page.locator('#shapes fieldset input[data-axis="1"]').isDisabled()).toBe(true);
    await page.fill('[data-testid="dim-img-2"]', '16');
    await page.fill('[data-testid="dim-img-3"]', '8');
    await nextPlan(() => page.locator('[data-testid="dim-img-3"]').dispatchEvent('change'));
    expect(await page.locator('#message').getAttribute('class')).not.toMatch(/error/);
    const inNode = planModel(importModelFile(bytes, 'sym.onnx', { inputShapes: { img: [1, 3, 16, 8] } }), { method: 'auto' }, 2 * 1024 * 1024).results[0]!;
    expect(await shownPeak()).toBe(inNode.peak);
    expect(inNode.peak).toBeGreaterThanOrEqual(2 * 3 * 16 * 8 * 4); // two float tensors of 1x3x16x8 live at once
    const cli = cliJson('sym.onnx', bytes, '--input-shape', 'img=1x3x16x8', '--capacity', '2MiB') as { peak?: number; subgraphs?: { peak: number }[] };
    expect(await shownPeak()).toBe(cli.subgraphs?.[0]?.peak ?? cli.peak);
    expect(await page.locator('#peak-where').getAttribute('data-operator')).toMatch(/^operator \d (Relu|Sigmoid) "(first|second|third)"$/);
  });

  it('the import options replan: weights in the arena add their buffers; a smaller alignment does not grow the plan', async () => {
    const bytes = buildTflite(FIXTURES.chain());
    await upload('chain.tflite', bytes);
    const before = await page.locator('#tensors-body tr').count();
    await nextPlan(() => page.check('#weights'));
    expect(await page.locator('#tensors-body tr').count()).toBe(importModelFile(bytes, 'chain.tflite', { includeWeights: true }).subgraphs[0]!.problem.buffers.length);
    expect(await page.locator('#tensors-body tr').count()).toBeGreaterThan(before);
    await nextPlan(() => page.uncheck('#weights'));
    await nextPlan(() => page.selectOption('#align', '1'));
    const inNode = planModel(importModelFile(bytes, 'chain.tflite', { align: 1 }), { method: 'auto' }, 2 * 1024 * 1024).results[0]!;
    expect(await shownPeak()).toBe(inNode.peak);
    await nextPlan(() => page.selectOption('#align', '16'));
  });

  it('the keyboard path: Tab reaches the controls with a visible focus ring, the layout\'s blocks show their tensor, Enter sorts the table', async () => {
    await page.focus('#example');
    await nextPlan(() => page.keyboard.press('Enter'));
    // The focus ring of a button reached by keyboard: a 3 px outline.
    await page.focus('#zoom-out');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('zoom-in');
    expect(await page.evaluate(() => getComputedStyle(document.activeElement!).outlineWidth)).toBe('3px');
    // Past the zoom buttons, Tab goes into the layout: the first block, its tooltip shown.
    await page.focus('#zoom-reset');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.classList.contains('buf'))).toBe(true);
    expect(await page.locator('#tip').isVisible()).toBe(true);
    expect(await page.locator('#tip').textContent()).toMatch(/live steps \[\d+, \d+\)/);
    const first = await page.evaluate(() => document.activeElement!.getAttribute('data-i'));
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement!.getAttribute('data-i'))).not.toBe(first);
    // The table's headers are buttons: Enter on "bytes" sorts.
    await page.focus('[data-testid="sort-size"]');
    const sortOf = (): Promise<string | null> => page.locator('#tensors th:has([data-testid="sort-size"])').getAttribute('aria-sort');
    const was = await sortOf();
    await page.keyboard.press('Enter');
    expect(await sortOf()).toBe(was === 'descending' ? 'ascending' : 'descending');
  });

  it('dark mode and a 390 px wide screen (screenshots in test-output/)', async () => {
    mkdirSync(join(root, 'test-output'), { recursive: true });
    await page.emulateMedia({ colorScheme: 'dark' });
    expect(await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor)).toBe('rgb(20, 23, 29)');
    await page.screenshot({ path: join(root, 'test-output/page-dark.png'), fullPage: true });
    await page.emulateMedia({ colorScheme: 'light' });
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      // Nothing wider than the screen but the layout's own scrolling box.
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      await page.screenshot({ path: join(root, 'test-output/page-390.png'), fullPage: true });
    } finally {
      await page.setViewportSize({ width: 1320, height: 1000 });
    }
  });

  it('the SVG picture in Chromium: title inside the picture, bound / peak / capacity labels apart (screenshot test-output/layout.png)', async () => {
    const dir = sharedDir('models/tflite');
    const file = dir ? join(dir, 'mediapipe_face_landmark_with_attention.tflite') : undefined;
    const bytes = file !== undefined && existsSync(file) ? new Uint8Array(readFileSync(file)) : buildTflite(FIXTURES.dequantize());
    const name = file !== undefined && existsSync(file) ? file : '/some/folder/dequantize.tflite';
    const model = importModelFile(bytes, name, { includeWeights: file === undefined });
    const results = planModel(model, { method: 'heuristic' }, 2 * 1024 * 1024).results;
    const svg = layoutSvg(model, results, 2 * 1024 * 1024);
    expect(svg).not.toContain(dirname(name));
    const shot = await context!.newPage();
    try {
      await shot.setViewportSize({ width: 960, height: 800 });
      await shot.setContent(`<!doctype html><html><body style="margin:0">${svg}</body></html>`);
      const boxes = await shot.evaluate(() => {
        const r = (e: Element): { x: number; y: number; w: number; h: number } => {
          const b = (e as SVGGraphicsElement).getBBox();
          return { x: b.x, y: b.y, w: b.width, h: b.height };
        };
        const svgEl = document.querySelector('svg')!;
        return {
          width: Number(svgEl.getAttribute('width')),
          titles: [...document.querySelectorAll('g > text:first-of-type')].map(r),
          groups: [...document.querySelectorAll('g[id^="subgraph"]')].map((g) => [...g.querySelectorAll('text.line-label')].map(r)),
        };
      });
      for (const t of boxes.titles) expect(t.x + t.w).toBeLessThanOrEqual(boxes.width);
      for (const labels of boxes.groups) {
        const sorted = [...labels].sort((a, b) => a.y - b.y);
        for (let k = 1; k < sorted.length; k++) expect(sorted[k]!.y).toBeGreaterThanOrEqual(sorted[k - 1]!.y + sorted[k - 1]!.h - 1);
        for (const l of labels) expect(l.x + l.w).toBeLessThanOrEqual(boxes.width);
      }
      mkdirSync(join(root, 'test-output'), { recursive: true });
      await shot.screenshot({ path: join(root, 'test-output/layout.png'), fullPage: true });
    } finally {
      await shot.close();
    }
    expect(problems).toEqual([]);
  }, 120_000);
  it('what to change to fit: the command line\'s hints, planned in the worker, with the figures of `plan --json` (screenshot test-output/page-hints.png)', async () => {
    // deq.tflite (as test/cli-report.test.ts). A TFLite figure is the whole arena: the plan's peak with
    // TFLM's tail estimate. Its prepared tensors are planned per run (TFLM computes them at every
    // Invoke): no --no-prepared hint; --reorder's plan is the smaller one.
    const bytes = buildTflite(FIXTURES.dequantize());
    const tail = (cliJson('deq.tflite', bytes) as { arena: { tflm: { tail: { bytes: number } } } }).arena.tflm.tail.bytes;
    const reordered = modelArenaSize(planModel(reorderModel(bytes, 'deq.tflite').reordered, { method: 'heuristic' }).results);
    /** The page's hints (their data-* figures) and the command line's JSON, under `cap` bytes. */
    const hintsAt = async (cap: string, code: number): Promise<{ shown: { change?: string }[]; cli: { hints: unknown[]; arena: { fits: boolean } } }> => {
      await page.selectOption('#method', 'heuristic');
      await page.selectOption('#capacity', 'custom');
      await page.fill('#custom', cap);
      await upload('deq.tflite', bytes);
      await page.waitForFunction(() => document.getElementById('hints')!.dataset['state'] === 'done');
      const shown = await page.locator('#hints-list li').evaluateAll((lis) =>
        lis.map((li) => {
          const d = (li as HTMLElement).dataset;
          return {
            change: d['change'],
            ...(d['arena'] !== undefined ? { arena: Number(d['arena']) } : {}),
            ...(d['fits'] !== undefined ? { fits: d['fits'] === 'true' } : {}),
            ...(d['reason'] !== undefined ? { reason: d['reason'] } : {}),
            ...(d['buffer'] !== undefined ? { buffer: d['buffer'] } : {}),
            ...(d['size'] !== undefined ? { size: Number(d['size']) } : {}),
          };
        }),
      );
      const cli = cliJsonExit(code, 'deq.tflite', bytes, '--capacity', cap, '--method', 'heuristic') as { hints: unknown[]; arena: { fits: boolean } };
      expect(shown).toEqual(cli.hints);
      // The lines themselves are the report's "to fit" lines.
      const report = cliReport('deq.tflite', bytes, '--capacity', cap, '--method', 'heuristic');
      const toFit = report.slice(report.indexOf('  to fit:\n')).split('\n').slice(1).filter((l) => l.startsWith('    - ')).map((l) => l.slice(6));
      expect(await page.locator('#hints-list li').allTextContents()).toEqual(toFit);
      return { shown, cli };
    };
    // The tail beside the head: what spills, spills within the capacity less the tail.
    // Its two 64 B tensors above the room the tail leaves (48 B): every kind of hint; it spills (exit 0).
    const small = await hintsAt(String(tail + 48), 0);
    expect(small.shown.map((h) => h.change)).toEqual(['capacity', 'tensor', 'tensor', 'spill', expect.stringMatching(/^--reorder/)]);
    expect(small.shown[4]).toMatchObject({ arena: reordered + tail, fits: false });
    mkdirSync(join(root, 'test-output'), { recursive: true });
    await page.screenshot({ path: join(root, 'test-output/page-hints.png'), fullPage: true });
    // Where the head fits the capacity but not beside the tail: it spills and fits (head + tail), on the
    // page as on the command line, the same plan; --reorder would fit without spilling.
    const reCap = String(reordered + tail + 16);
    const whole = await hintsAt(reCap, 0);
    expect(whole.cli.arena.fits).toBe(true);
    expect(await page.locator('#status').getAttribute('data-status')).toBe('spilled');
    expect(await page.locator('#fits').getAttribute('data-fits')).toBe('true');
    expect(whole.shown.map((h) => h.change)).toEqual(['capacity', 'spill', expect.stringMatching(/^--reorder/)]);
    expect(whole.shown[2]).toMatchObject({ arena: reordered + tail, fits: true });
    const spilledCli = cliJson('deq.tflite', bytes, '--capacity', reCap, '--method', 'heuristic') as { subgraphs: Record<string, unknown>[]; arena: unknown };
    const spilledShown = (await downloadedPlan()) as unknown as { subgraphs: Record<string, unknown>[]; arena: unknown };
    expect(spilledShown.subgraphs.map(planOf)).toEqual(spilledCli.subgraphs.map(planOf));
    // The arena too: the on-chip head beside the same tail estimate (its scratch requests counted), and the verdict.
    expect(spilledShown.arena).toEqual(spilledCli.arena);
    // A capacity the tail alone fills: does not fit, no spill can help (exit 3), on the page too.
    const none = await hintsAt('48', 3);
    expect(none.cli.arena.fits).toBe(false);
    expect(await page.locator('#fits').getAttribute('data-fits')).toBe('false');
    expect(await page.locator('#status').getAttribute('data-status')).not.toBe('spilled');
    expect(await page.locator('#spill').textContent()).toMatch(/TFLM's tail estimate alone is .*no spill can help/);
    expect(none.shown.map((h) => h.change)).toEqual(['capacity', 'spill', expect.stringMatching(/^--reorder/)]);
    // A capacity it fits: no hints.
    await withCapacity('2097152', () => page.selectOption('#capacity', '2097152'));
    expect(await page.locator('#hints').isVisible()).toBe(false);
    await page.selectOption('#method', 'auto');
  });

  it('the command line\'s defaults: its time limit (10 s; exact 60 s), and a new capacity recomputes the status', async () => {
    // A page just opened: the time limit is the command line's default, in every plan it makes.
    const fresh = await context!.newPage();
    try {
      await fresh.goto(`${url}web/`);
      await fresh.waitForSelector('#example');
      expect(await fresh.locator('#time').inputValue()).toBe('');
      expect(await fresh.locator('#time option:checked').textContent()).toBe(`as the command line (${defaultTimeLimitMs('auto') / 1000} s; exact ${defaultTimeLimitMs('exact') / 1000} s)`);
      expect(await fresh.locator('#method').inputValue()).toBe('auto');
      await fresh.click('#example');
      await fresh.waitForFunction(() => (document.getElementById('message')!.textContent ?? '').startsWith('Planned'));
      expect(Number(await fresh.locator('#progress-text').getAttribute('data-limit-ms'))).toBe(defaultTimeLimitMs('auto'));
      await fresh.selectOption('#method', 'exact');
      await fresh.click('#replan');
      await fresh.waitForFunction(() => document.getElementById('progress-text')!.dataset['limitMs'] === '60000');
      expect(Number(await fresh.locator('#progress-text').getAttribute('data-limit-ms'))).toBe(defaultTimeLimitMs('exact'));
    } finally {
      await fresh.close();
    }
    // A plan that spills under 64 KiB: at 2 MiB the status is recomputed (fits, optimal), and back.
    await page.selectOption('#method', 'auto');
    expect(await page.locator('#time').inputValue()).toBe('');
    await withCapacity('65536', async () => {
      await page.selectOption('#capacity', 'custom');
      await page.fill('#custom', '64KiB');
    });
    await upload('spill.csv', SPILL_CSV);
    expect(await page.locator('#status').getAttribute('data-status')).toBe('spilled');
    await withCapacity('2097152', () => page.selectOption('#capacity', '2097152'));
    expect(await page.locator('#status').getAttribute('data-status')).toBe('optimal');
    expect(await page.locator('#status').textContent()).toBe('proven optimal');
    expect(await page.locator('#fits').getAttribute('data-fits')).toBe('true');
    await withCapacity('65536', async () => {
      await page.selectOption('#capacity', 'custom');
      await page.fill('#custom', '64KiB');
    });
    expect(await page.locator('#status').getAttribute('data-status')).toBe('spilled');
    await withCapacity('2097152', () => page.selectOption('#capacity', '2097152'));
  });

  it('--svg of a buffer list (CSV) parses as XML in Chromium and draws the memory profile (screenshot test-output/layout-csv.png)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'arenapack-page-svg-'));
    try {
      const csv = join(dir, 'spill.csv');
      const out = join(dir, 'spill.svg');
      writeFileSync(csv, SPILL_CSV);
      const r = spawnSync(process.execPath, [join(buildDir, 'js', 'cli.js'), 'plan', csv, '--capacity', '64KiB', '--svg', out], { encoding: 'utf8' });
      expect(r.status).toBe(0);
      const svg = readFileSync(out, 'utf8');
      const parsed = await page.evaluate((text) => {
        const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
        return {
          errors: doc.getElementsByTagName('parsererror').length,
          root: doc.documentElement.localName,
          panels: [...doc.querySelectorAll('svg > g[id]')].map((g) => g.id),
          profiles: doc.querySelectorAll('g.profile').length,
          highWater: [...doc.querySelectorAll('g.profile path.high-water')].map((p) => p.getAttribute('d')!.length),
          live: doc.querySelectorAll('g.profile path.live').length,
          blocks: doc.querySelectorAll('rect.buf').length,
        };
      }, svg);
      expect(parsed.errors).toBe(0);
      expect(parsed.root).toBe('svg');
      expect(parsed.panels).toEqual(['buffers-chip', 'buffers-ddr']);
      expect(parsed.profiles).toBe(2);
      expect(parsed.live).toBe(2);
      for (const d of parsed.highWater) expect(d).toBeGreaterThan(0);
      expect(parsed.blocks).toBe(5);
      const shot = await context!.newPage();
      try {
        await shot.setViewportSize({ width: 960, height: 800 });
        await shot.setContent(`<!doctype html><html><body style="margin:0">${svg}</body></html>`);
        mkdirSync(join(root, 'test-output'), { recursive: true });
        await shot.screenshot({ path: join(root, 'test-output/layout-csv.png'), fullPage: true });
      } finally {
        await shot.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(problems).toEqual([]); // no console error or page error, hints stopped midway included
  });
});
