import { formatBytes, formatBytesExact } from '../format/bytes.js';
import type { ImportedModel } from '../import/model.js';
import { peakStep as peakStepOf } from '../problem/bounds.js';
import type { Plan } from '../problem/types.js';
import { printable } from '../format/printable.js';
import type { SpillInfo } from '../solve/spill.js';
import { bufferHue, subgraphTitle } from './labels.js';

const W = 960;
const PLOT_H = 360;
const LEFT = 150;
const RIGHT = 20;
const TOP = 40;
const BOTTOM = 40;
const PANEL_H = TOP + PLOT_H + BOTTOM;

const num = (x: number): string => String(Math.round(x * 100) / 100);
const esc = (s: string): string => printable(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** One panel: the buffers `idx` of a subgraph at `offsets` (their own arena), and what to mark. */
export interface Panel {
  s: number;
  title: string;
  idx: number[];
  peak: number;
  /** Live bound and the step with the most live bytes, of these buffers. */
  bound: number;
  peakStep: number;
  /** The capacity line (on chip only). */
  capacity?: number;
  /** The memory the panel shows (spilled: `chip` / `ddr`; tiers: the memory's name), absent with one arena. */
  memory?: string;
}

/**
 * The layout as SVG, one panel per subgraph: steps across, addresses up, one rectangle per buffer
 * with a tooltip (<title>: name, size, live range, offset), dashed lines at the live bound and the
 * capacity (when given and in view), the step with the most live bytes marked. A subgraph that spilled
 * gets two panels: its on-chip arena (within the capacity) and its DDR arena. Same plan, same bytes.
 */
export function layoutSvg(model: ImportedModel, plans: readonly (Pick<Plan, 'offsets' | 'peak'> & { spill?: Pick<SpillInfo, 'memory' | 'ddrPeak' | 'capacity'> })[], capacity?: number): string {
  const panels: Panel[] = [];
  model.subgraphs.forEach((sg, s) => {
    const plan = plans[s]!;
    const bufs = sg.problem.buffers;
    const all = bufs.map((_, i) => i);
    const marks = (idx: number[]): { bound: number; peakStep: number } => {
      const { step, bytes } = peakStepOf({ buffers: idx.map((i) => bufs[i]!) });
      return { bound: bytes, peakStep: step };
    };
    const head = subgraphTitle(model.file, sg);
    if (plan.spill === undefined) {
      const m = marks(all);
      const title = `${head}: arena ${formatBytesExact(plan.peak)}, live bound ${formatBytes(m.bound)}, ${bufs.length} buffers`;
      panels.push({ s, title, idx: all, peak: plan.peak, ...m, ...(capacity !== undefined ? { capacity } : {}) });
      return;
    }
    const chip = all.filter((i) => plan.spill!.memory[i] === 'chip');
    const ddr = all.filter((i) => plan.spill!.memory[i] === 'ddr');
    const mc = marks(chip);
    panels.push({ s, title: `${head}: on chip ${formatBytesExact(plan.peak)}, ${chip.length} buffers, after spilling ${ddr.length}`, idx: chip, peak: plan.peak, ...mc, capacity: plan.spill.capacity, memory: 'chip' });
    panels.push({ s, title: `${head}: DDR ${formatBytesExact(plan.spill.ddrPeak)}, ${ddr.length} buffers spilled`, idx: ddr, peak: plan.spill.ddrPeak, ...marks(ddr), memory: 'ddr' });
  });
  return panelsSvg(model, (s) => plans[s]!.offsets, panels);
}

/**
 * The SVG of `panels` (each the buffers of a subgraph in one arena: see Panel), the offsets of
 * subgraph s's buffers given by `offsetsOf(s)` (each in its own memory's arena). One panel below the
 * other, PANEL_H each.
 */
export function panelsSvg(model: ImportedModel, offsetsOf: (s: number) => readonly number[], panels: readonly Panel[]): string {
  const out: string[] = [];
  const height = PANEL_H * panels.length;
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${height}" viewBox="0 0 ${W} ${height}" font-family="sans-serif" font-size="11">`);
  out.push(`<rect width="${W}" height="${height}" fill="white"/>`);
  panels.forEach((panel, p) => {
    const { s } = panel;
    const sg = model.subgraphs[s]!;
    const offsets = offsetsOf(s);
    const bufs = sg.problem.buffers;
    const { peakStep, bound, capacity: cap } = panel;
    const steps = Math.max(1, ...bufs.map((b) => b.end));
    const capInView = cap !== undefined && cap <= 1.5 * Math.max(panel.peak, 1);
    const top = Math.max(panel.peak, bound, capInView ? cap : 0, 1);
    const y0 = PANEL_H * p + TOP;
    const plotW = W - LEFT - RIGHT;
    const sx = plotW / steps;
    const y = (addr: number): number => y0 + PLOT_H - (addr / top) * PLOT_H;
    out.push(`<g id="subgraph-${s}${panel.memory !== undefined ? `-${esc(panel.memory)}` : ''}">`);
    out.push(`<text x="${LEFT}" y="${y0 - 16}" font-size="13">${esc(`${panel.title}, ${steps} steps`)}</text>`);
    out.push(`<rect x="${LEFT}" y="${y0}" width="${num(plotW)}" height="${PLOT_H}" fill="none" stroke="#888"/>`);
    for (const i of panel.idx) {
      const b = bufs[i]!;
      const o = offsets[i]!;
      const names = sg.tensorsOf[i]!.map((t) => sg.tensors?.[t]?.name ?? String(t));
      const hue = bufferHue(i);
      const tip = `${names.join(' = ')} (tensor ${sg.tensorsOf[i]!.join(', ')}): ${b.size} B, steps [${b.start}, ${b.end}), ${panel.memory === 'ddr' ? 'DDR ' : panel.memory !== undefined && panel.memory !== 'chip' ? `${panel.memory} ` : ''}offset ${o}`;
      out.push(
        `<rect x="${num(LEFT + b.start * sx)}" y="${num(y(o + b.size))}" width="${num((b.end - b.start) * sx)}" height="${num((b.size / top) * PLOT_H)}" ` +
          `fill="hsl(${hue},55%,65%)" stroke="#333" stroke-width="0.3"><title>${esc(tip)}</title></rect>`,
      );
    }
    const hline = (v: number, color: string, label: string): void => {
      out.push(`<line x1="${LEFT}" y1="${num(y(v))}" x2="${W - RIGHT}" y2="${num(y(v))}" stroke="${color}" stroke-dasharray="6 3"/>`);
      out.push(`<text x="${LEFT - 4}" y="${num(y(v) + 4)}" text-anchor="end" fill="${color}">${esc(label)}</text>`);
    };
    if (bound === panel.peak) {
      hline(panel.peak, '#1a7f37', `peak = bound ${formatBytes(panel.peak)}`);
    } else {
      hline(bound, '#1a7f37', `bound ${formatBytes(bound)}`);
      hline(panel.peak, '#333', `peak ${formatBytes(panel.peak)}`);
    }
    if (cap !== undefined) {
      if (capInView) hline(cap, '#cf222e', `capacity ${formatBytes(cap)}`);
      else out.push(`<text x="${W - RIGHT}" y="${y0 - 4}" text-anchor="end" fill="#cf222e">capacity ${esc(formatBytes(cap))} (above the plot)</text>`);
    }
    const px = LEFT + (peakStep + 0.5) * sx;
    out.push(`<line x1="${num(px)}" y1="${y0}" x2="${num(px)}" y2="${y0 + PLOT_H}" stroke="#1a7f37" stroke-width="1.5" stroke-dasharray="2 2"/>`);
    out.push(`<text x="${num(px)}" y="${y0 + PLOT_H + 28}" text-anchor="middle" fill="#1a7f37">peak step ${peakStep}</text>`);
    out.push(`<text x="${LEFT}" y="${y0 + PLOT_H + 14}">step 0</text>`);
    out.push(`<text x="${W - RIGHT}" y="${y0 + PLOT_H + 14}" text-anchor="end">step ${steps}</text>`);
    out.push(`<text x="${LEFT - 4}" y="${y0 + PLOT_H}" text-anchor="end">0</text>`);
    out.push('</g>');
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}
