/**
 * The layout as a picture (SVG) that reads on its own when pasted into a document: steps across,
 * addresses up, one rectangle per buffer; the largest named inside, prepared and weight buffers
 * hatched, the bound / peak / capacity lines labelled on the right without overlapping, address ticks
 * on the left, a legend, the tensors live at the peak step written out, and under each layout a small
 * memory profile (bytes live per step and the plan's high-water mark, src/problem/profile.ts).
 *
 * One panel per memory of a subgraph (on chip; DDR after spilling): a panel is drawn by drawPanel()
 * from a PanelSpec alone, so more memories are more specs.
 */
import { formatBytes, formatBytesExact } from '../format/bytes.js';
import { plural } from '../format/plural.js';
import { listId, printable } from '../format/printable.js';
import type { ImportedModel, ModelSubgraph, TensorKind } from '../import/model.js';
import { peakStep as peakStepOf } from '../problem/bounds.js';
import { highWaterProfile, liveAt, liveBytesAt, liveProfile, planPeakStep, type StepProfile } from '../problem/profile.js';
import type { Bytes, Plan, Problem } from '../problem/types.js';
import type { SpillInfo } from '../solve/spill.js';
import { baseName, bufferHue, operatorAtStep, subgraphTitle } from './labels.js';
import { maxOf } from '../problem/extent.js';

/** Picture width and the panel's parts, pixels. */
const W = 960;
const LEFT = 84;
const RIGHT = 140;
const HEAD = 50;
const PLOT_H = 320;
const AXIS_H = 34;
const PROFILE_H = 70;
const PEAK_LINES = 3;
const LINE_H = 15;
const LEGEND_H = 24;
const GAP = 18;
const PANEL_H = HEAD + PLOT_H + AXIS_H + PROFILE_H + 20 + PEAK_LINES * LINE_H + LEGEND_H + GAP;
/** Rough width of one character of the 11 px sans-serif text (for fitting labels; errs wide). */
const CHAR_W = 6.4;
/** Blocks named inside at most, per panel (the largest that have room). */
const MAX_NAMED = 24;

const num = (x: number): string => String(Math.round(x * 100) / 100);
const esc = (s: string): string => printable(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
/** `text` cut to about `px` pixels of 11 px text, with an ellipsis when cut. */
const fit = (text: string, px: number, charW = CHAR_W): string => {
  const n = Math.floor(px / charW);
  return text.length <= n ? text : n <= 1 ? '' : `${text.slice(0, n - 1)}…`;
};

/**
 * A tensor name short enough to write inside a block: TFLite joins fused names with `;` and both
 * formats nest scopes with `/` (`model/conv2d_1/BiasAdd;model/...`): the first name's last two scopes.
 */
export function shortName(name: string): string {
  const first = name.split(';')[0]!;
  const parts = first.split('/').filter((x) => x !== '');
  return parts.length > 2 ? parts.slice(-2).join('/') : parts.join('/') || first;
}

/** What a buffer holds, for its fill: activations plain, prepared and weight buffers hatched. */
type BufferRole = 'activation' | 'prepared' | 'weights';

const roleOf = (kind: TensorKind | undefined): BufferRole => (kind === 'prepared' ? 'prepared' : kind === 'constant' ? 'weights' : 'activation');

/** Everything one panel draws: the buffers `idx` of `problem` at their offsets in one memory. */
export interface PanelSpec {
  /** First line of the heading: the file (no folders) and subgraph. */
  head: string;
  /** Second line: the memory and its figures. */
  figures: string;
  /** An id for the panel's <g> (subgraph-0, subgraph-0-ddr...). */
  id: string;
  problem: Problem;
  idx: readonly number[];
  offsets: readonly Bytes[];
  /** Arena bytes of this memory (max offset + size of its buffers). */
  peak: Bytes;
  /** The lower bound shown (at least the live bound of these buffers). */
  bound: Bytes;
  /** The capacity line (on chip only). */
  capacity?: Bytes;
  /** What the capacity line is called (default `capacity`), e.g. the on-chip room TFLM's tail leaves. */
  capacityName?: string;
  /** labels[i]: the names of what buffer i holds. */
  labels: readonly string[];
  /** tips[i]: buffer i as its tooltip names it (default its label), e.g. `relu (tensor 3)`. */
  tips?: readonly string[];
  /** The memory, when not the only one, as the tooltips' offsets name it (e.g. `DDR`). */
  memory?: string;
  roles: readonly BufferRole[];
  /** What runs at step s, e.g. `operator 3 CONV_2D`, when known. */
  stepName?: (s: number) => string | undefined;
}

/** A label on the right of the plot at height `y` (a value line's, or a note above the plot: `plain`, not bold). */
interface LineLabel {
  y: number;
  text: string;
  color: string;
  plain?: boolean;
}

/** Horizontal value lines and their labels on the right, spaced so that no two labels overlap. */
function lineLabels(lines: LineLabel[], top: number, bottom: number): (LineLabel & { ly: number })[] {
  const sorted = [...lines].sort((a, b) => a.y - b.y);
  const out = sorted.map((l) => ({ ...l, ly: l.y + 4 }));
  for (let k = 1; k < out.length; k++) out[k]!.ly = Math.max(out[k]!.ly, out[k - 1]!.ly + 13);
  const over = out.length > 0 ? out[out.length - 1]!.ly - bottom : 0;
  if (over > 0) for (const l of out) l.ly -= over;
  for (let k = 0; k < out.length; k++) out[k]!.ly = Math.max(out[k]!.ly, top + 10 + 13 * k);
  return out;
}

/** Address ticks: 0 and every power of two bytes (the smallest that gives at most 5 ticks) up to `top`. */
export function addressTicks(top: Bytes): Bytes[] {
  if (top <= 0) return [0];
  let step = 1;
  while (top / step > 4) step *= 2;
  const ticks: Bytes[] = [];
  for (let a = 0; a <= top; a += step) ticks.push(a);
  return ticks;
}

/** One panel at height `y0`: heading, layout, axes, lines, profile, the tensors at the peak, legend. */
export function drawPanel(p: PanelSpec, y0: number): string[] {
  const out: string[] = [];
  const bufs = p.problem.buffers;
  const sub: Problem = { buffers: p.idx.map((i) => bufs[i]!) };
  const steps = maxOf(bufs.map((b) => b.end), 1);
  const capInView = p.capacity !== undefined && p.capacity <= 1.5 * Math.max(p.peak, 1);
  const top = Math.max(p.peak, p.bound, capInView ? p.capacity! : 0, 1);
  const plotW = W - LEFT - RIGHT;
  const sx = plotW / steps;
  const py = y0 + HEAD;
  const y = (addr: number): number => py + PLOT_H - (addr / top) * PLOT_H;
  out.push(`<g id="${p.id}">`);
  out.push(`<text x="12" y="${y0 + 18}" font-size="14" font-weight="bold">${esc(fit(p.head, W - 24, 8.2))}</text>`);
  out.push(`<text x="12" y="${y0 + 36}" font-size="12">${esc(fit(p.figures, W - 24, 7))}</text>`);
  // Address ticks and grid.
  for (const a of addressTicks(top)) {
    out.push(`<line x1="${LEFT - 4}" y1="${num(y(a))}" x2="${LEFT + plotW}" y2="${num(y(a))}" stroke="#e4e6eb"/>`);
    out.push(`<text x="${LEFT - 7}" y="${num(y(a) + 4)}" text-anchor="end" fill="#555">${esc(formatBytes(a))}</text>`);
  }
  out.push(`<rect x="${LEFT}" y="${py}" width="${num(plotW)}" height="${PLOT_H}" fill="none" stroke="#888"/>`);
  // Buffers, then the names of the largest that have room for them.
  const named: { i: number; area: number }[] = [];
  for (const i of p.idx) {
    const b = bufs[i]!;
    const o = p.offsets[i]!;
    const role = p.roles[i] ?? 'activation';
    const w = (b.end - b.start) * sx;
    const h = (b.size / top) * PLOT_H;
    const fill = role === 'activation' ? `hsl(${bufferHue(i)},55%,72%)` : `url(#hatch-${role})`;
    const tip = `${p.tips?.[i] ?? p.labels[i]}${role !== 'activation' ? ` [${role}]` : ''}: ${b.size} B, steps [${b.start}, ${b.end}), ${p.memory ? `${p.memory} ` : ''}offset ${o}`;
    out.push(
      `<rect class="buf ${role}" data-i="${i}" x="${num(LEFT + b.start * sx)}" y="${num(y(o + b.size))}" width="${num(w)}" height="${num(Math.max(h, 0.5))}" ` +
        `fill="${fill}" stroke="#333" stroke-width="0.4"><title>${esc(tip)}</title></rect>`,
    );
    if (h >= 13 && w >= 4 * CHAR_W) named.push({ i, area: w * h });
  }
  named.sort((a, b) => b.area - a.area || a.i - b.i);
  for (const { i } of named.slice(0, MAX_NAMED)) {
    const b = bufs[i]!;
    const o = p.offsets[i]!;
    const w = (b.end - b.start) * sx;
    const h = (b.size / top) * PLOT_H;
    const mark = p.roles[i] === 'prepared' ? 'P: ' : p.roles[i] === 'weights' ? 'W: ' : '';
    const text = fit(`${mark}${p.labels[i]!.split(' = ').map(shortName).join(' = ')}`, w - 6);
    if (text === '') continue;
    const cy = y(o + b.size) + h / 2 + 4;
    out.push(`<text class="name" x="${num(LEFT + b.start * sx + 3)}" y="${num(cy)}" fill="#111">${esc(text)}</text>`);
    const size = formatBytes(b.size);
    if (h >= 28 && size.length * CHAR_W <= w - 6) out.push(`<text x="${num(LEFT + b.start * sx + 3)}" y="${num(cy + 13)}" fill="#333">${esc(size)}</text>`);
  }
  // Value lines, labelled on the right.
  const lines: LineLabel[] = [];
  const hline = (v: number, color: string, text: string, dash: string): void => {
    out.push(`<line x1="${LEFT}" y1="${num(y(v))}" x2="${LEFT + plotW}" y2="${num(y(v))}" stroke="${color}" stroke-width="1.5" stroke-dasharray="${dash}"/>`);
    lines.push({ y: y(v), text, color });
  };
  if (p.bound >= p.peak) hline(p.peak, '#1a7f37', `peak = bound ${formatBytes(p.peak)}`, '6 3');
  else {
    hline(p.bound, '#1a7f37', `bound ${formatBytes(p.bound)}`, '2 2');
    hline(p.peak, '#222', `peak ${formatBytes(p.peak)}`, '6 3');
  }
  if (p.capacity !== undefined && capInView) hline(p.capacity, '#cf222e', `${p.capacityName ?? 'capacity'} ${formatBytes(p.capacity)}`, '8 2 2 2');
  // A capacity far above the plan: its label (and a note) at the top, spaced from the lines' labels there.
  if (p.capacity !== undefined && !capInView) {
    lines.push({ y: py - 2, text: `${p.capacityName ?? 'capacity'} ${formatBytes(p.capacity)}`, color: '#cf222e' });
    lines.push({ y: py - 1, text: '(above the plot)', color: '#cf222e', plain: true });
  }
  for (const l of lineLabels(lines, py, py + PLOT_H)) {
    const style = l.plain ? '' : ' font-weight="bold"';
    out.push(`<text class="line-label" x="${LEFT + plotW + 6}" y="${num(l.ly)}" fill="${l.color}"${style}>${esc(l.text)}</text>`);
  }
  // The peak step as the report and the JSON name it: where the plan's top is set (planPeakStep).
  const { step: peakStep } = planPeakStep(sub, p.idx.map((i) => p.offsets[i]!));
  const liveMax = peakStepOf(sub).bytes;
  const px = LEFT + (peakStep + 0.5) * sx;
  out.push(`<line x1="${num(px)}" y1="${py}" x2="${num(px)}" y2="${py + PLOT_H + PROFILE_H + AXIS_H}" stroke="#2f5bea" stroke-width="1.2" stroke-dasharray="2 2"/>`);
  const ay = py + PLOT_H + 14;
  out.push(`<text x="${LEFT}" y="${ay}">step 0</text>`);
  out.push(`<text x="${LEFT + plotW}" y="${ay}" text-anchor="end">step ${steps}</text>`);
  const near = px > LEFT + plotW * 0.7;
  out.push(`<text x="${num(px + (near ? -4 : 4))}" y="${ay + 14}" text-anchor="${near ? 'end' : 'start'}" fill="#2f5bea" font-weight="bold">peak step ${peakStep}</text>`);
  // Memory profile: bytes live per step (area) and the high-water mark (line), same steps across.
  const fy = py + PLOT_H + AXIS_H;
  out.push(...profileChart(liveProfile(sub), highWaterProfile(sub, p.idx.map((i) => p.offsets[i]!)), fy, sx, Math.max(p.peak, liveMax, 1)));
  // The tensors live at the peak step, largest first: the picture names them in text.
  const at = liveAt(sub, peakStep).map((k) => p.idx[k]!);
  // Each byte once: an alias's bytes are its target's, a gap holds none (as the report counts them).
  const liveThere = liveBytesAt(sub, peakStep);
  const what = p.stepName?.(peakStep);
  const list = at.map((i) => `${p.labels[i]!.split(' = ').map(shortName).join(' = ')} ${formatBytes(bufs[i]!.size)}`);
  const ty = fy + PROFILE_H + 20;
  const headLine =
    p.idx.length === 0 ? 'No buffer in this memory: no peak' : `At peak step ${peakStep}${what ? ` (${what})` : ''}: ${formatBytes(liveThere)} live in ${plural(at.length, 'buffer')}`;
  out.push(`<text class="at-peak" x="12" y="${ty}" font-weight="bold">${esc(fit(headLine, W - 24))}</text>`);
  out.push(...wrapList(list, W - 24, PEAK_LINES - 1).map((t, k) => `<text class="at-peak" x="12" y="${ty + LINE_H * (k + 1)}">${esc(t)}</text>`));
  out.push(...legend(y0 + PANEL_H - GAP - 8, p.capacity !== undefined, new Set(p.idx.map((i) => p.roles[i] ?? 'activation'))));
  out.push('</g>');
  return out;
}

/** Items joined by `, ` into at most `maxLines` lines of `px` pixels; the last says how many are left out. */
function wrapList(items: readonly string[], px: number, maxLines: number): string[] {
  const lines: string[] = [];
  let cur = '';
  let used = 0;
  for (const item of items) {
    const next = cur === '' ? item : `${cur}, ${item}`;
    if (next.length * CHAR_W <= px) {
      cur = next;
      used++;
      continue;
    }
    if (cur !== '') lines.push(cur);
    if (lines.length === maxLines) {
      cur = '';
      break;
    }
    cur = item.length * CHAR_W <= px ? item : fit(item, px);
    used++;
  }
  if (cur !== '') lines.push(cur);
  const left = items.length - used;
  if (left > 0 && lines.length > 0) {
    const more = ` … and ${left} more`;
    const last = lines[lines.length - 1]!;
    lines[lines.length - 1] = (last.length + more.length) * CHAR_W <= px ? last + more : fit(last, px - more.length * CHAR_W) + more;
  }
  return lines;
}

/** The memory profile chart at `y0`, PROFILE_H tall: bytes live as an area, the high-water mark as a line. */
function profileChart(live: StepProfile, high: StepProfile, y0: number, sx: number, top: number): string[] {
  const h = PROFILE_H - 14;
  const base = y0 + PROFILE_H;
  const y = (v: number): number => base - (v / top) * h;
  const path = (p: StepProfile): string => {
    if (p.steps.length === 0) return '';
    const pts: string[] = [`M${num(LEFT + p.steps[0]! * sx)},${num(base)}`];
    p.steps.forEach((s, k) => {
      const x0 = LEFT + s * sx;
      const x1 = LEFT + (k + 1 < p.steps.length ? p.steps[k + 1]! : p.end) * sx;
      pts.push(`L${num(x0)},${num(y(p.values[k]!))}`, `L${num(x1)},${num(y(p.values[k]!))}`);
    });
    pts.push(`L${num(LEFT + p.end * sx)},${num(base)}`);
    return pts.join(' ');
  };
  const out: string[] = [];
  const plotW = W - LEFT - RIGHT;
  out.push(`<g class="profile">`);
  out.push(`<rect x="${LEFT}" y="${y0}" width="${num(plotW)}" height="${PROFILE_H}" fill="#fafbfc" stroke="#ccc"/>`);
  // An arena with no buffers (all spilled) has no profile to draw.
  if (live.steps.length > 0) out.push(`<path class="live" d="${path(live)} Z" fill="#9db4f0" fill-opacity="0.7" stroke="none"/>`);
  if (high.steps.length > 0) out.push(`<path class="high-water" d="${path(high)}" fill="none" stroke="#222" stroke-width="1.2"/>`);
  out.push(`<text x="${LEFT + plotW + 6}" y="${y0 + 12}" font-weight="bold">memory profile</text>`);
  out.push(`<text x="${LEFT + plotW + 6}" y="${y0 + 26}" fill="#3b5bc4">▇ bytes live</text>`);
  out.push(`<text x="${LEFT + plotW + 6}" y="${y0 + 40}" fill="#222">— high-water mark</text>`);
  out.push(`<text x="${LEFT - 7}" y="${num(y(top) + 4)}" text-anchor="end" fill="#555">${esc(formatBytes(top))}</text>`);
  out.push('</g>');
  return out;
}

/** The legend: what fills and lines mean. */
function legend(y: number, capacity: boolean, roles: ReadonlySet<BufferRole>): string[] {
  const items: [string, string][] = [
    ['<rect width="14" height="10" fill="hsl(200,55%,72%)" stroke="#333" stroke-width="0.4"/>', 'activation'],
    // Prepared and weight buffers only where the plan has some (a CSV's never does).
    ...(roles.has('prepared') ? ([['<rect width="14" height="10" fill="url(#hatch-prepared)" stroke="#333" stroke-width="0.4"/>', 'P: prepared']] as [string, string][]) : []),
    ...(roles.has('weights') ? ([['<rect width="14" height="10" fill="url(#hatch-weights)" stroke="#333" stroke-width="0.4"/>', 'W: weights']] as [string, string][]) : []),
    ['<line x1="0" y1="5" x2="14" y2="5" stroke="#1a7f37" stroke-width="1.5" stroke-dasharray="2 2"/>', 'lower bound'],
    ['<line x1="0" y1="5" x2="14" y2="5" stroke="#222" stroke-width="1.5" stroke-dasharray="6 3"/>', 'peak (arena)'],
    ...(capacity ? ([['<line x1="0" y1="5" x2="14" y2="5" stroke="#cf222e" stroke-width="1.5"/>', 'capacity']] as [string, string][]) : []),
    ['<line x1="7" y1="0" x2="7" y2="10" stroke="#2f5bea" stroke-width="1.2" stroke-dasharray="2 2"/>', 'peak step'],
  ];
  const out: string[] = ['<g class="legend">'];
  let x = 12;
  for (const [mark, text] of items) {
    out.push(`<g transform="translate(${x},${y - 9})">${mark}</g><text x="${x + 18}" y="${y}">${esc(text)}</text>`);
    x += 18 + text.length * CHAR_W + 14;
  }
  out.push('</g>');
  return out;
}

/** Hatch patterns for prepared and weight buffers. */
const DEFS =
  '<defs>' +
  '<pattern id="hatch-prepared" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#f3d9a4"/><line x1="0" y1="0" x2="0" y2="6" stroke="#b07d1a" stroke-width="2"/></pattern>' +
  '<pattern id="hatch-weights" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(-45)"><rect width="6" height="6" fill="#d5d5d5"/><line x1="0" y1="0" x2="0" y2="6" stroke="#777" stroke-width="2"/></pattern>' +
  '</defs>';

/** The operator run at step `s` of a subgraph, as `operator 3 CONV_2D "name"`, when the model lists them. */
export function stepOperator(sg: Pick<ModelSubgraph, 'operators' | 'order'>, s: number): string | undefined {
  const op = operatorAtStep(sg, s);
  return op === undefined ? undefined : `operator ${op.index} ${op.type}${op.name ? ` "${printable(op.name)}"` : ''}`;
}

/** A subgraph's plan as the picture takes it (solve()'s result or after spilling). */
export type PicturedPlan = Pick<Plan, 'offsets' | 'peak'> & { bound?: Bytes; spill?: Pick<SpillInfo, 'memory' | 'ddrPeak' | 'capacity'> };

/** What every panel of subgraph `s` shares: its heading, buffers, their names, roles and tooltips, its operators. */
export function subgraphPanelBase(
  model: ImportedModel,
  s: number,
  offsets: readonly Bytes[],
): Pick<PanelSpec, 'head' | 'problem' | 'offsets' | 'labels' | 'tips' | 'roles' | 'stepName'> {
  const sg = model.subgraphs[s]!;
  const labels = sg.tensorsOf.map((ts, i) => printable(ts.map((t) => sg.tensors?.[t]?.name ?? sg.names[i] ?? String(t)).join(' = ')));
  const roles = sg.tensorsOf.map((ts) => roleOf(sg.tensors?.[ts[0]!]?.kind));
  const tips = sg.tensorsOf.map((ts, i) => `${labels[i]} (tensor ${ts.join(', ')})`);
  return { head: subgraphTitle(baseName(model.file), sg), problem: sg.problem, offsets, labels, tips, roles, stepName: (t: number) => stepOperator(sg, t) };
}

/** The panels of a model's plan: one per subgraph, two (on chip, DDR) for a subgraph that spilled. */
export function modelPanels(model: ImportedModel, plans: readonly PicturedPlan[], capacity?: Bytes): PanelSpec[] {
  const panels: PanelSpec[] = [];
  model.subgraphs.forEach((sg, s) => {
    const plan = plans[s]!;
    const bufs = sg.problem.buffers;
    const all = bufs.map((_, i) => i);
    const base = subgraphPanelBase(model, s, plan.offsets);
    const head = base.head;
    const liveOf = (idx: number[]): Bytes => peakStepOf({ buffers: idx.map((i) => bufs[i]!) }).bytes;
    const n = (k: number): string => plural(k, 'buffer');
    if (plan.spill === undefined) {
      const bound = Math.max(liveOf(all), plan.bound ?? 0);
      panels.push({
        ...base,
        head,
        figures: `arena ${formatBytesExact(plan.peak)}, lower bound ${formatBytes(bound)}, ${n(bufs.length)}, ${plural(maxOf(bufs.map((b) => b.end), 0), 'step')}`,
        id: `subgraph-${s}`,
        idx: all,
        peak: plan.peak,
        bound,
        ...(capacity !== undefined ? { capacity } : {}),
      });
      return;
    }
    const chip = all.filter((i) => plan.spill!.memory[i] === 'chip');
    const ddr = all.filter((i) => plan.spill!.memory[i] === 'ddr');
    panels.push({
      ...base,
      head,
      figures: chipFigures(plan.peak, chip.length, ddr.length),
      id: `subgraph-${s}-chip`,
      idx: chip,
      peak: plan.peak,
      bound: liveOf(chip),
      capacity: plan.spill.capacity,
      // TFLite: the head spilled within the capacity less TFLM's tail estimate (src/plan-model.ts).
      ...(model.format === 'tflite' ? { capacityName: 'capacity - tail' } : {}),
    });
    panels.push({ ...base, memory: 'DDR', head, figures: `DDR: ${formatBytesExact(plan.spill.ddrPeak)}, ${n(ddr.length)} spilled`, id: `subgraph-${s}-ddr`, idx: ddr, peak: plan.spill.ddrPeak, bound: liveOf(ddr) });
  });
  return panels;
}

/** The on-chip panel's figures after spilling `spilled` buffers and keeping `kept` in `peak` bytes (the report's words when none is kept). */
function chipFigures(peak: Bytes, kept: number, spilled: number): string {
  return kept === 0 ? `on chip: nothing, every buffer (${spilled}) spilled to DDR` : `on chip: ${formatBytesExact(peak)}, ${plural(kept, 'buffer')}, after spilling ${spilled} to DDR`;
}

/** The panels of a buffer list's plan (CSV, JSON): on chip, and DDR when it spilled. `file` heads them. */
export function problemPanels(problem: Problem, plan: PicturedPlan, file: string, capacity?: Bytes): PanelSpec[] {
  const bufs = problem.buffers;
  const all = bufs.map((_, i) => i);
  // As the report's lists show ids (listId): `"a,b"` in the list at the peak is one buffer, not two.
  const labels = bufs.map((b) => listId(b.id));
  const base = { problem, offsets: plan.offsets, labels, roles: bufs.map((): BufferRole => 'activation'), head: baseName(file) };
  const liveOf = (idx: number[]): Bytes => peakStepOf({ buffers: idx.map((i) => bufs[i]!) }).bytes;
  if (plan.spill === undefined) {
    const bound = Math.max(liveOf(all), plan.bound ?? 0);
    const figures = `arena ${formatBytesExact(plan.peak)}, lower bound ${formatBytes(bound)}, ${plural(bufs.length, 'buffer')}`;
    return [{ ...base, figures, id: 'buffers', idx: all, peak: plan.peak, bound, ...(capacity !== undefined ? { capacity } : {}) }];
  }
  const chip = all.filter((i) => plan.spill!.memory[i] === 'chip');
  const ddr = all.filter((i) => plan.spill!.memory[i] === 'ddr');
  return [
    { ...base, figures: chipFigures(plan.peak, chip.length, ddr.length), id: 'buffers-chip', idx: chip, peak: plan.peak, bound: liveOf(chip), capacity: plan.spill.capacity },
    { ...base, memory: 'DDR', figures: `DDR: ${formatBytesExact(plan.spill.ddrPeak)}, ${plural(ddr.length, 'buffer')} spilled`, id: 'buffers-ddr', idx: ddr, peak: plan.spill.ddrPeak, bound: liveOf(ddr) },
  ];
}

/** The panels stacked into one picture. Same panels, same bytes. */
export function panelsSvg(panels: readonly PanelSpec[]): string {
  const height = PANEL_H * panels.length;
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${height}" viewBox="0 0 ${W} ${height}" font-family="sans-serif" font-size="11">`);
  out.push(DEFS);
  out.push(`<rect width="${W}" height="${height}" fill="white"/>`);
  panels.forEach((p, k) => out.push(...drawPanel(p, PANEL_H * k)));
  out.push('</svg>');
  return out.join('\n') + '\n';
}

/**
 * The layout of a model's plan as SVG (see the file's comment), one panel per subgraph and memory:
 * `plans[s]` is subgraph s's; `capacity` draws the capacity line (when in view; else it is noted).
 */
export function layoutSvg(model: ImportedModel, plans: readonly PicturedPlan[], capacity?: Bytes): string {
  return panelsSvg(modelPanels(model, plans, capacity));
}

/**
 * The memory profile of the buffers `idx` of `problem` at `offsets` on its own (the page shows it
 * beside the layout): bytes live per step as an area, the plan's high-water mark as a line.
 */
export function profileSvg(problem: Problem, idx: readonly number[], offsets: readonly Bytes[]): string {
  const sub: Problem = { buffers: idx.map((i) => problem.buffers[i]!) };
  const steps = maxOf(problem.buffers.map((b) => b.end), 1);
  const live = liveProfile(sub);
  const high = highWaterProfile(sub, idx.map((i) => offsets[i]!));
  const top = Math.max(maxOf(live.values, 1), maxOf(high.values, 1));
  const h = PROFILE_H + 24;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${h}" viewBox="0 0 ${W} ${h}" font-family="sans-serif" font-size="11" role="img" aria-label="memory profile: bytes live per step and the high-water mark">`,
    ...profileChart(live, high, 4, (W - LEFT - RIGHT) / steps, top),
    `<text x="${LEFT}" y="${PROFILE_H + 18}">step 0</text><text x="${W - RIGHT}" y="${PROFILE_H + 18}" text-anchor="end">step ${steps}</text>`,
    '</svg>',
  ].join('\n');
}

/** Geometry the tests check against. */
export const SVG_GEOMETRY = { W, LEFT, RIGHT, HEAD, PLOT_H, PANEL_H } as const;
