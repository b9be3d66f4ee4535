/** The page: read a file, plan it in a worker (progress, cancel), show and export the plan. */
import { formatBytes, parseSize, sizeUnitNote } from '../../src/format/bytes.js';
import { printable, terminalSafe } from '../../src/format/printable.js';
import type { SolveResult } from '../../src/solve/solve.js';
import { spilledArenaOptions, spillSubgraphsWith } from '../../src/plan-model.js';
import type { Problem } from '../../src/problem/types.js';
import type { SolveOptions } from '../../src/solve/solve.js';
import type { PlanResult } from '../../src/solve/spill.js';
import { defaultTimeLimitMs } from '../../src/solve/deadline.js';
import { createSolver } from '../../src/worker/browser.js';
import { clearDetails, showHints, showPeak, showProfile, showTensors, sortTensorsBy, type HintsState } from './details.js';
import { fitsAllOnChip } from '../../src/problem-fit-hints.js';
import { tensorOffsets } from '../../src/export/tensor-offsets.js';
import { tflmArena, tflmArenaOptions, type TflmArena, type TflmArenaOptions } from '../../src/runtime/tflm/arena.js';
import { planForTflmAsync } from '../../src/runtime/tflm/model-head.js';
import { tflmTailReserve } from '../../src/runtime/tflm/tail-reserve.js';
import { clearDownloads, showDownloads } from './downloads.js';
import { exampleCsv } from './example.js';
import type { DeclaredInput, Input, PageImportOptions } from './input.js';
import { describe, drawLayout, type LayoutInput } from './layout.js';
import { fitHintsOffThread, inputsOffThread, readOffThread } from './reader.js';
import { showFacts, showFit, showMethods, showSummary } from './report.js';
import { chosenMemories, planInputTiers, setUpMemories, showTiers } from './tiers.js';

const $ = <T extends HTMLElement = HTMLElement>(id: string): T => document.getElementById(id) as T;

const solver = createSolver({ size: 2 });

interface State {
  input: Input;
  /** Each part's plan under the capacity it was planned for (spilled when it did not fit). */
  results: PlanResult[];
  capacity: number | undefined;
  part: number;
  /** What would make it fit (for the whole file, not per part); undefined when it fits. */
  hints?: HintsState;
  /**
   * TFLite: the arena TFLM needs (head with the kernels' scratch, or after spilling the on-chip head;
   * + tail estimate), what must fit the capacity, and the options it was computed with, as on the
   * command line.
   */
  tflm?: TflmArena;
  tflmOptions?: TflmArenaOptions;
}

let state: State | undefined;
let running: AbortController | undefined;
/** The "to fit" hints being planned in the import worker (a new plan or file stops them). */
let hinting: AbortController | undefined;
let zoom = 1;
/** Plans shown so far (data-plans on #message: a test waits for the next one). */
let plansShown = 0;

function message(text: string, error = false): void {
  const m = $('message');
  m.textContent = terminalSafe(text); // names from the file show their control characters escaped
  m.className = error ? 'message error' : 'message';
}

/** The capacity chosen, in bytes; undefined for none; throws on a bad custom size. */
function capacity(): number | undefined {
  const v = $<HTMLSelectElement>('capacity').value;
  if (v === '') return undefined;
  $('custom-note').textContent = '';
  if (v === 'custom') {
    // The command line's rule and note (KB decimal, K binary: src/format/bytes.ts sizeUnitNote).
    const text = $<HTMLInputElement>('custom').value.trim();
    const bytes = parseSize(text);
    $('custom-note').textContent = sizeUnitNote('capacity', text, bytes) ?? '';
    return bytes;
  }
  return Number(v);
}

function layoutInput(): LayoutInput | undefined {
  if (!state) return undefined;
  const part = state.input.parts[state.part]!;
  const r = state.results[state.part]!;
  const cap = r.spill?.capacity ?? state.capacity;
  return {
    problem: part.problem,
    offsets: r.offsets,
    peak: r.peak,
    labels: part.labels,
    ...(cap !== undefined ? { capacity: cap } : {}),
    ...(r.spill ? { memory: r.spill.memory, ddrPeak: r.spill.ddrPeak } : {}),
  };
}

/** The capacity, or null (with the parse error shown) when the custom size is not a size. */
function checkedCapacity(): number | undefined | null {
  try {
    return capacity();
  } catch (e) {
    message((e as Error).message, true);
    return null;
  }
}

function renderLayout(): void {
  const li = layoutInput();
  const box = $('layout');
  if (!li) return;
  const svg = drawLayout(li, zoom, box.clientWidth - 2);
  box.replaceChildren(svg);
  box.classList.toggle('peak', $<HTMLInputElement>('highlight').checked);
  $('zoom-level').textContent = `${Math.round(zoom * 100)}%`;
}

function renderFit(): void {
  if (!state) return;
  showFit(state.results[state.part]!, state.capacity, state.tflm);
}

function renderTensors(): void {
  if (!state) return;
  showTensors(state.input.parts[state.part]!, state.results[state.part]!);
}

function render(): void {
  if (!state) return;
  const { input, results } = state;
  const r = results[state.part]!;
  const part = input.parts[state.part]!;
  $('results').hidden = false;
  showSummary(r, state.tflm);
  renderFit();
  showMethods(r);
  showFacts(input.facts);
  showPeak(part, r);
  renderTensors();
  showProfile(part, r);
  showHints(state.hints);
  const title = input.parts.length > 1 ? `Layout — ${input.parts[state.part]!.title}` : 'Layout';
  $('layout-title').textContent = title;
  renderLayout();
  showDownloads(input, results, state.capacity, state.tflmOptions);
}

/**
 * Forgets the plan shown: cards, layout, tables and downloads (a new file, or one that failed, must not
 * leave the last model's results, nor its C header to download).
 */
function clearResults(): void {
  hinting?.abort();
  hinting = undefined;
  state = undefined;
  $('results').hidden = true;
  clearDownloads();
  clearDetails();
  $('layout').replaceChildren();
  $('methods-body').replaceChildren();
  $('facts').replaceChildren();
  for (const id of ['peak', 'peak-bytes', 'bound', 'overhead', 'status', 'proof', 'fits', 'spill']) $(id).textContent = '';
  delete $('message').dataset['capacity'];
  tip.hidden = true;
}

function showProgress(on: boolean): void {
  $('progress').hidden = !on;
  $<HTMLButtonElement>('replan').disabled = on || !pending;
}

async function plan(input: Input): Promise<void> {
  running?.abort();
  hinting?.abort();
  const cap = checkedCapacity();
  if (cap === null) {
    // No new plan starts: nothing is running any more (the aborted one leaves the progress to us).
    running = undefined;
    showProgress(false);
    return;
  }
  const ac = new AbortController();
  running = ac;
  const method = $<HTMLSelectElement>('method').value as 'auto';
  // No limit chosen: the command line's (10 s; 60 s for exact), with its node and move budgets.
  const chosen = $<HTMLSelectElement>('time').value;
  const timeLimitMs = chosen === '' ? undefined : Number(chosen);
  const limit = timeLimitMs ?? defaultTimeLimitMs(method);
  const started = performance.now();
  const fill = $('bar-fill');
  const text = $('progress-text');
  let detail = ' · starting';
  text.dataset['phase'] = 'starting';
  text.dataset['limitMs'] = String(limit); // the time limit this plan runs under (a test checks the default)
  delete text.dataset['nodes'];
  delete text.dataset['phases'];
  const tick = (): void => {
    if (running !== ac) return;
    const elapsed = performance.now() - started;
    fill.style.width = `${Math.min(100, (elapsed / limit) * 100).toFixed(1)}%`;
    text.textContent = `${(elapsed / 1000).toFixed(1)} s of at most ${limit / 1000} s${detail}`;
    requestAnimationFrame(tick);
  };
  showProgress(true);
  message(`Planning ${input.file}…`);
  requestAnimationFrame(tick);
  try {
    const problems = input.parts.map((part): Problem => (cap === undefined ? part.problem : { ...part.problem, capacity: cap }));
    const options: SolveOptions = { method, ...(timeLimitMs !== undefined ? { timeLimitMs } : {}) };
    const wholes = await Promise.all(
      problems.map((problem) =>
        solver.solve(problem, {
          ...options,
          signal: ac.signal,
          onProgress: (p) => {
            if (running !== ac) return;
            const best = p.best !== undefined ? `, best ${formatBytes(p.best)}` : '';
            const nodes = p.phase === 'search' ? ` ${p.nodes.toLocaleString('en-US')} nodes` : '';
            detail = ` · ${p.phase}${nodes}${best}, bound ${formatBytes(p.bound)}`;
            text.dataset['phase'] = p.phase;
            // The phases seen so far, in order (a test checks that reports start with the heuristics).
            const seen = text.dataset['phases']?.split(',') ?? [];
            if (seen.at(-1) !== p.phase) text.dataset['phases'] = [...seen, p.phase].join(',');
            text.dataset['nodes'] = String(p.nodes);
          },
        }),
      ),
    );
    const model = input.model;
    // TFLite: TFLM's tail estimate stays on chip beside the head, spilled or not (the command line's
    // default --pointer-bits 32 and reference kernels): what spills, spills within the capacity less it.
    const reserve = model?.format === 'tflite' ? tflmTailReserve(model) : undefined;
    // What does not fit spills to DDR: the command line's procedure (src/solve/spill.ts), same plan.
    const results: PlanResult[] =
      cap === undefined
        ? wholes
        : await spillSubgraphsWith(problems, wholes, options, cap, (p, o) => solver.solve(p, { ...o, signal: ac.signal }), reserve?.tail.bytes ?? 0, model);
    // Memory tiers, when chosen: the plan over them, shown beside the one-arena plan.
    const memories = chosenMemories();
    const tiers = memories === undefined ? undefined : await planInputTiers(input, memories, options, (p, o) => solver.solve(p, { ...o, signal: ac.signal }));
    if (running !== ac) return;
    showTiers(input, tiers, memories);
    // TFLite, nothing spilled: the plan TFLM runs best and the arena it needs, as the command line's
    // (cli-model.ts planTflm): the kernels' scratch placed around the plan, the candidate with the
    // smallest head kept, the tail estimate with its scratch requests.
    const facts =
      model?.format === 'tflite' && results.every((r) => r.spill === undefined)
        ? await planForTflmAsync({
            model,
            plans: results,
            // What is left of the time limit, as the command line's one deadline.
            solve: (p) => solver.solve(p, { ...options, timeLimitMs: Math.max(1, Math.round(limit - (performance.now() - started))), signal: ac.signal }),
            offsets: (plans) => tensorOffsets(model, plans),
            orders: model.subgraphs.map((sg) => sg.order),
          })
        : undefined;
    if (running !== ac) return;
    const shown: PlanResult[] = facts?.plans ?? results;
    // After spilling (no TFLM facts): the tail the plan was spilled beside, as the command line's.
    const tflmOptions = facts !== undefined ? tflmArenaOptions(facts) : model?.format === 'tflite' ? spilledArenaOptions(model, results) : undefined;
    const tflm = model !== undefined && tflmOptions !== undefined ? tflmArena(model, tensorOffsets(model, shown), tflmOptions) : undefined;
    const needsHints = cap !== undefined && (!fitsAllOnChip(shown, cap) || (tflm !== undefined && tflm.total > cap));
    state = {
      input,
      results: shown,
      capacity: cap,
      part: 0,
      ...(needsHints ? { hints: { working: true as const } } : {}),
      ...(tflm ? { tflm, tflmOptions } : {}),
    };
    if (needsHints) void planHints(state, options);
    const sel = $<HTMLSelectElement>('subgraph');
    sel.replaceChildren(...input.parts.map((p, i) => new Option(p.title, String(i))));
    $('subgraph-wrap').hidden = input.parts.length < 2;
    render();
    const total = performance.now() - started;
    message(`Planned ${input.file} in ${total < 1000 ? `${total.toFixed(0)} ms` : `${(total / 1000).toFixed(2)} s`} (in a worker).`);
    $('message').dataset['plans'] = String(++plansShown);
    $('message').dataset['capacity'] = cap === undefined ? '' : String(cap);
  } catch (e) {
    if (running !== ac) return;
    if ((e as Error).name === 'AbortError') message('Cancelled. The worker was stopped; nothing else changed.');
    else {
      clearResults();
      message((e as Error).message, true);
    }
  } finally {
    if (running === ac) {
      running = undefined;
      showProgress(false);
    }
  }
}

/**
 * Plans the "to fit" hints of the plan shown (`shown`, which does not fit its capacity all on chip) in
 * the import worker — the command line's (src/problem-fit-hints.ts, src/model-fit-hints.ts) — and shows them when done, unless
 * another plan or file came first.
 */
async function planHints(shown: State, options: SolveOptions): Promise<void> {
  const ac = new AbortController();
  hinting = ac;
  let hints: HintsState;
  try {
    const { method, timeLimitMs } = options;
    const solveOptions = { ...(method !== undefined ? { method } : {}), ...(timeLimitMs !== undefined ? { timeLimitMs } : {}) };
    hints = { hints: await fitHintsOffThread(shown.input, shown.results, shown.capacity!, solveOptions, ac.signal, shown.tflm) };
  } catch (e) {
    if (ac.signal.aborted) return;
    hints = { error: terminalSafe((e as Error).message) };
  }
  if (hinting !== ac || state !== shown) return;
  hinting = undefined;
  shown.hints = hints;
  showHints(hints);
}

/** The file open now, to read again when an import option changes. */
let current: { file: string; bytes: Uint8Array } | undefined;
/** Counts reads: a read that a newer one overtook shows nothing. */
let reads = 0;

async function open(file: string, bytes: Uint8Array): Promise<void> {
  running?.abort();
  clearResults();
  pending = undefined;
  current = { file, bytes };
  $('file-name').textContent = `${printable(file)} · ${formatBytes(bytes.length)}`;
  const n = ++reads;
  let inputs: DeclaredInput[] = [];
  try {
    inputs = await inputsOffThread(file, bytes);
  } catch {
    // The reader below says what is wrong with the file.
  }
  if (n !== reads) return;
  showShapeFields(inputs);
  await readAndPlan();
}

/** Reads the current file with the import options shown, then plans it; an error clears the results. */
async function readAndPlan(): Promise<void> {
  if (!current) return;
  const { file, bytes } = current;
  const n = ++reads;
  running?.abort();
  hinting?.abort(); // the reader's worker plans them: free it for this read
  let input: Input;
  message(`Reading ${file}…`);
  try {
    input = await readOffThread(file, bytes, importOptions());
  } catch (e) {
    if (n !== reads) return;
    clearResults();
    pending = undefined;
    showProgress(false);
    message((e as Error).message, true);
    return;
  }
  if (n !== reads) return;
  pending = input;
  await plan(input);
}

/** The last input read, to plan again with other settings. */
let pending: Input | undefined;

/**
 * One field per dimension of each ONNX graph input: fixed dimensions shown, symbolic ones to fill
 * (prefilled with 1, labelled with their name; fields of one name change together).
 */
function showShapeFields(inputs: readonly DeclaredInput[]): void {
  const box = $('shapes');
  box.replaceChildren();
  const open = inputs.filter((v) => v.dims.some((d) => typeof d !== 'number'));
  if (open.length === 0) return;
  const note = document.createElement('p');
  note.className = 'hint';
  note.textContent = 'Input shapes: the model leaves these dimensions open; they are set to 1 until you give them.';
  box.append(note);
  for (const v of open) {
    const row = document.createElement('fieldset');
    row.className = 'shape';
    row.dataset['input'] = v.name;
    const legend = document.createElement('legend');
    legend.textContent = printable(v.name);
    row.append(legend);
    v.dims.forEach((d, k) => {
      const label = document.createElement('label');
      const field = document.createElement('input');
      field.type = 'number';
      field.min = '0';
      field.step = '1';
      field.dataset['axis'] = String(k);
      if (typeof d === 'number') {
        field.value = String(d);
        field.disabled = true;
        label.append(`axis ${k}`, field);
      } else {
        field.value = '1';
        field.dataset['sym'] = d ?? `?${k}`;
        field.setAttribute('data-testid', `dim-${v.name}-${k}`);
        label.append(d !== undefined ? `${printable(d)} (axis ${k})` : `axis ${k} (unknown)`, field);
        field.addEventListener('input', () => {
          if (d !== undefined) for (const f of box.querySelectorAll<HTMLInputElement>(`input[data-sym="${CSS.escape(d)}"]`)) f.value = field.value;
        });
        field.addEventListener('change', () => void readAndPlan());
      }
      row.append(label);
    });
    box.append(row);
  }
}

/** The import options as the controls give them (the command line's model flags). */
function importOptions(): PageImportOptions {
  const o: PageImportOptions = {
    align: Number($<HTMLSelectElement>('align').value),
    keepPrepared: $<HTMLInputElement>('prepared').checked,
    includeWeights: $<HTMLInputElement>('weights').checked,
    reorder: $<HTMLInputElement>('reorder').checked,
  };
  const batch = $<HTMLInputElement>('batch').value.trim();
  if (batch !== '') o.batch = Number(batch);
  const shapes: Record<string, number[]> = {};
  for (const row of $('shapes').querySelectorAll<HTMLElement>('fieldset.shape')) {
    shapes[row.dataset['input']!] = [...row.querySelectorAll<HTMLInputElement>('input')].map((f) => Number(f.value));
  }
  if (Object.keys(shapes).length > 0) o.inputShapes = shapes;
  return o;
}

async function openFile(f: File): Promise<void> {
  await open(f.name, new Uint8Array(await f.arrayBuffer()));
}

const drop = $('drop');
$<HTMLInputElement>('file').addEventListener('change', (e) => {
  const f = (e.target as HTMLInputElement).files?.[0];
  if (f) void openFile(f);
  (e.target as HTMLInputElement).value = '';
});
drop.addEventListener('dragover', (e) => {
  e.preventDefault();
  drop.classList.add('over');
});
drop.addEventListener('dragleave', () => drop.classList.remove('over'));
drop.addEventListener('drop', (e) => {
  e.preventDefault();
  drop.classList.remove('over');
  const f = e.dataTransfer?.files[0];
  if (f) void openFile(f);
});
$('example').addEventListener('click', () => void open('example-cnn.csv', new TextEncoder().encode(exampleCsv())));
$('replan').addEventListener('click', () => {
  if (pending) void plan(pending);
});
$('cancel').addEventListener('click', () => running?.abort());
// A new capacity plans again: what fits, and what spills, depends on it (as on the command line).
$('capacity').addEventListener('change', () => {
  $('custom-wrap').hidden = $<HTMLSelectElement>('capacity').value !== 'custom';
  if (pending) void plan(pending);
});
$('custom').addEventListener('input', () => {
  if (pending) void plan(pending);
});
setUpMemories(() => {
  if (pending) void plan(pending);
});
for (const id of ['batch', 'align', 'prepared', 'weights', 'reorder']) $(id).addEventListener('change', () => void readAndPlan());
for (const b of document.querySelectorAll<HTMLButtonElement>('#tensors button.sort')) {
  b.addEventListener('click', () => sortTensorsBy(b.dataset['sort']!, renderTensors));
}
$('subgraph').addEventListener('change', () => {
  if (!state) return;
  state.part = Number($<HTMLSelectElement>('subgraph').value);
  render();
});
$('highlight').addEventListener('change', () => $('layout').classList.toggle('peak', $<HTMLInputElement>('highlight').checked));
const setZoom = (z: number): void => {
  zoom = Math.min(16, Math.max(0.5, z));
  renderLayout();
};
$('zoom-in').addEventListener('click', () => setZoom(zoom * 1.5));
$('zoom-out').addEventListener('click', () => setZoom(zoom / 1.5));
$('zoom-reset').addEventListener('click', () => setZoom(1));

// Hover: one listener for all blocks.
const layout = $('layout');
const tip = $('tip');
layout.addEventListener(
  'wheel',
  (e) => {
    if (!e.ctrlKey) return;
    e.preventDefault();
    setZoom(zoom * (e.deltaY < 0 ? 1.25 : 0.8));
  },
  { passive: false },
);
layout.addEventListener('mousemove', (e) => {
  const t = e.target as Element;
  const li = layoutInput();
  const i = t.getAttribute('data-i');
  if (i === null || !li) {
    tip.hidden = true;
    return;
  }
  tip.innerHTML = describe(li, Number(i));
  tip.hidden = false;
  tip.style.left = `${Math.min(e.clientX + 14, window.innerWidth - 390)}px`;
  tip.style.top = `${e.clientY + 14}px`;
});
layout.addEventListener('mouseleave', () => (tip.hidden = true));
// Keyboard: every block takes the focus (Tab); its tooltip shows beside it.
layout.addEventListener('focusin', (e) => {
  const t = e.target as Element;
  const li = layoutInput();
  const i = t.getAttribute('data-i');
  if (i === null || !li) return;
  const r = t.getBoundingClientRect();
  tip.innerHTML = describe(li, Number(i));
  tip.hidden = false;
  tip.style.left = `${Math.max(0, Math.min(r.right + 8, window.innerWidth - 390))}px`;
  tip.style.top = `${Math.max(0, r.top)}px`;
  t.classList.add('hot');
});
layout.addEventListener('focusout', (e) => {
  (e.target as Element).classList.remove('hot');
  tip.hidden = true;
});
