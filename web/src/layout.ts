/** The plan as an interactive SVG: steps across, addresses up; hover, zoom, and the peak's live set. */
import { formatBytes, formatBytesExact } from '../../src/format/bytes.js';
import { liveAt, planPeakStep } from '../../src/problem/profile.js';
import type { Memory, Problem } from '../../src/problem/types.js';
import { bufferHue } from '../../src/export/labels.js';
import { maxOf, minOf } from '../../src/problem/extent.js';

const SVG = 'http://www.w3.org/2000/svg';
const BASE_W = 1100;
const BASE_H = 440;
const LEFT = 84;
const RIGHT = 16;
const TOP = 14;
const BOTTOM = 30;

export interface LayoutInput {
  problem: Problem;
  offsets: readonly number[];
  peak: number;
  labels: readonly string[];
  capacity?: number;
  /** After spilling: where each buffer lives (offsets are within that memory's arena), and the DDR arena's bytes. */
  memory?: readonly Memory[];
  ddrPeak?: number;
}

/**
 * The peak step of the buffers `idx` placed at `offsets` as the report, the JSON and the SVG name it
 * (planPeakStep: the step where the plan's top is set, not the step with the most bytes live), and
 * the buffers live there (indices into `problem.buffers`).
 */
export function panelPeak(problem: Problem, offsets: readonly number[], idx: readonly number[]): { step: number; live: Set<number> } {
  const sub: Problem = { buffers: idx.map((i) => problem.buffers[i]!) };
  const { step } = planPeakStep(sub, idx.map((i) => offsets[i]!));
  return { step, live: new Set(liveAt(sub, step).map((k) => idx[k]!)) };
}

const el = <K extends keyof SVGElementTagNameMap>(name: K, attrs: Record<string, string | number>): SVGElementTagNameMap[K] => {
  const e = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  return e;
};

const r2 = (x: number): number => Math.round(x * 100) / 100;

/**
 * Draws the layout `fitWidth` pixels wide times `zoom` (zoom 1 fits the box); returns the SVG
 * element (rect i has data-i = i). A plan that spilled gets two panels, one above the other: the
 * on-chip arena (with the capacity) and the DDR arena.
 */
export function drawLayout(input: LayoutInput, zoom: number, fitWidth = BASE_W): SVGSVGElement {
  const all = input.problem.buffers.map((_, i) => i);
  if (input.memory === undefined) return drawPanel(input, all, input.peak, input.capacity, zoom, fitWidth);
  const memory = input.memory;
  // Two panels in the height of one (the box scrolls beyond it): each half as tall.
  const chip = drawPanel(input, all.filter((i) => memory[i] === 'chip'), input.peak, input.capacity, zoom, fitWidth, 'on chip', 0.6);
  const ddr = drawPanel(input, all.filter((i) => memory[i] === 'ddr'), input.ddrPeak ?? 0, undefined, zoom, fitWidth, 'DDR (spilled)', 0.6);
  const w = Number(chip.getAttribute('width'));
  const h = Number(chip.getAttribute('height'));
  const svg = el('svg', { xmlns: SVG, width: w, height: 2 * h, viewBox: `0 0 ${w} ${2 * h}`, 'font-family': 'system-ui, sans-serif', 'font-size': 11 });
  chip.setAttribute('id', 'layout-chip');
  ddr.setAttribute('id', 'layout-ddr');
  ddr.setAttribute('y', String(h));
  svg.append(chip, ddr);
  return svg;
}

/** One arena: the buffers `idx` (data-i = their index in the problem) up to `peak`. */
function drawPanel(
  input: LayoutInput,
  idx: readonly number[],
  peak: number,
  capacity: number | undefined,
  zoom: number,
  fitWidth: number,
  name?: string,
  heightScale = 1,
): SVGSVGElement {
  const { problem, offsets } = input;
  const bufs = problem.buffers;
  const t0 = minOf(bufs.map((b) => b.start));
  const t1 = maxOf(bufs.map((b) => b.end));
  const w = Math.round(Math.max(fitWidth, 480) * zoom);
  const h = Math.round(BASE_H * zoom * heightScale);
  const plotW = w - LEFT - RIGHT;
  const plotH = h - TOP - BOTTOM;
  const capInView = capacity !== undefined && capacity <= peak * 1.25;
  const top = Math.max(peak, capInView ? capacity : 0, 1);
  const x = (t: number): number => LEFT + ((t - t0) / Math.max(t1 - t0, 1)) * plotW;
  const y = (addr: number): number => TOP + plotH - (addr / top) * plotH;
  const svg = el('svg', { xmlns: SVG, width: w, height: h, viewBox: `0 0 ${w} ${h}`, 'font-family': 'system-ui, sans-serif', 'font-size': 11 });
  svg.append(el('rect', { x: LEFT, y: TOP, width: plotW, height: plotH, fill: '#ffffff', stroke: '#c9ced8' }));
  // Address ticks: 0, quarters of the top.
  for (let k = 0; k <= 4; k++) {
    const a = (top * k) / 4;
    svg.append(el('line', { x1: LEFT - 4, x2: LEFT + plotW, y1: r2(y(a)), y2: r2(y(a)), stroke: '#eceef3' }));
    const label = el('text', { x: LEFT - 8, y: r2(y(a) + 4), 'text-anchor': 'end', class: 'axis', fill: '#5d6678' });
    label.textContent = formatBytes(Math.round(a));
    svg.append(label);
  }
  const stepLabel = el('text', { x: LEFT + plotW, y: h - 8, 'text-anchor': 'end', class: 'axis', fill: '#5d6678' });
  stepLabel.textContent = `steps ${t0} – ${t1}`;
  const originLabel = el('text', { x: LEFT, y: h - 8, class: 'axis', fill: '#5d6678' });
  originLabel.textContent = `step ${t0}`;
  svg.append(stepLabel, originLabel);
  const g = el('g', {});
  idx.forEach((i) => {
    const b = bufs[i]!;
    const hue = bufferHue(i);
    const o = offsets[i]!;
    g.append(
      el('rect', {
        class: 'buf',
        'data-i': i,
        x: r2(x(b.start)),
        y: r2(y(o + b.size)),
        width: r2(Math.max(x(b.end) - x(b.start), 0.5)),
        height: r2(Math.max((b.size / top) * plotH, 0.5)),
        fill: `hsl(${hue}, 62%, 68%)`,
        stroke: '#333',
        'stroke-width': 0.4,
        // Reachable by keyboard (Tab); a screen reader reads what the tooltip shows.
        tabindex: 0,
        role: 'img',
        'aria-label': `${input.labels[i] ?? b.id}: ${formatBytesExact(b.size)}, steps ${b.start} to ${b.end}, ${input.memory?.[i] === 'ddr' ? 'DDR ' : ''}offset ${o}`,
      }),
    );
  });
  svg.append(g);
  const hline = (v: number, color: string, text: string, dy: number): void => {
    svg.append(el('line', { x1: LEFT, x2: LEFT + plotW, y1: r2(y(v)), y2: r2(y(v)), stroke: color, 'stroke-width': 1.5, 'stroke-dasharray': '6 4' }));
    const t = el('text', { x: LEFT + plotW - 4, y: r2(y(v) + dy), 'text-anchor': 'end', fill: color, 'font-weight': 600 });
    t.textContent = text;
    svg.append(t);
  };
  hline(peak, '#1d2330', `peak ${formatBytes(peak)}`, -5);
  if (capacity !== undefined && capInView && capacity !== peak) hline(capacity, '#cf222e', `capacity ${formatBytes(capacity)}`, capacity > peak ? -5 : 13);
  const ps = panelPeak(problem, offsets, idx);
  if (name !== undefined) {
    const label = el('text', { x: LEFT + 6, y: TOP + 14, fill: '#1d2330', 'font-weight': 600 });
    label.textContent = `${name}: ${formatBytes(peak)}, ${idx.length} buffer${idx.length === 1 ? '' : 's'}`;
    svg.append(label);
  }
  svg.append(el('line', { x1: r2(x(ps.step + 0.5)), x2: r2(x(ps.step + 0.5)), y1: TOP, y2: TOP + plotH, stroke: '#2f5bea', 'stroke-width': 1, 'stroke-dasharray': '2 3' }));
  const sx = x(ps.step + 0.5);
  const nearRight = sx > LEFT + plotW * 0.75;
  const stepText = el('text', {
    x: r2(sx + (nearRight ? -5 : 5)),
    y: TOP + plotH - 6,
    'text-anchor': nearRight ? 'end' : 'start',
    class: 'axis peak-step',
    'data-step': ps.step,
    fill: '#2f5bea',
    'font-weight': 600,
  });
  stepText.textContent = `peak step ${ps.step}`;
  svg.append(stepText);
  idx.forEach((i, k) => {
    if (ps.live.has(i)) g.children[k]?.classList.add('live');
  });
  return svg;
}

/** The tooltip's text for buffer i. */
export function describe(input: LayoutInput, i: number): string {
  const b = input.problem.buffers[i]!;
  const o = input.offsets[i]!;
  const where = input.memory?.[i] === 'ddr' ? 'DDR offset' : 'offset';
  return `<b>${escapeHtml(input.labels[i] ?? b.id)}</b><br>${formatBytesExact(b.size)}<br>live steps [${b.start}, ${b.end})<br>${where} ${o} – ${o + b.size} (${formatBytes(o)})`;
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
