/** Beside the layout: where the peak is (step, operator, tensors), every tensor in a sortable table, the memory profile, the "to fit" hints. */
import { formatBytes } from '../../src/format/bytes.js';
import { profileSvg } from '../../src/export/svg.js';
import { plural } from '../../src/format/plural.js';
import { allSpilled, NOTHING_ON_CHIP, peakFacts } from '../../src/export/report.js';
import type { FitHint } from '../../src/problem-fit-hints.js';
import type { PlanResult } from '../../src/solve/spill.js';
import type { Part } from './input.js';

const byId = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

const cell = (text: string, cls?: string): HTMLTableCellElement => {
  const td = document.createElement('td');
  td.textContent = text;
  if (cls) td.className = cls;
  return td;
};

/**
 * The peak of the part's plan as the command line names it (peakFacts: the step where the plan's top
 * is set; on chip after spilling), what runs there, and the buffers live there, largest first.
 */
export function showPeak(part: Part, result: PlanResult): void {
  const where = byId('peak-where');
  // Every buffer spilled to DDR: no peak on chip to show (as the command line's report says).
  if (result.spill !== undefined && allSpilled(result.spill)) {
    where.textContent = `Peak on chip: none: ${NOTHING_ON_CHIP}.`;
    delete where.dataset['step'];
    delete where.dataset['operator'];
    byId('peak-body').replaceChildren();
    return;
  }
  const { step, top, live: bytes, buffers: live } = peakFacts(part.problem, result);
  const what = part.stepNames?.[step];
  where.textContent =
    `Peak at step ${step}${what ? `, ${what}` : ''}: ${formatBytes(bytes)} live in ${plural(live.length, 'buffer')}` +
    (top > bytes ? ` (the plan's top, ${formatBytes(top)}, is set there: ${formatBytes(top - bytes)} above what is live).` : ` (the plan's arena: ${formatBytes(result.peak)}).`);
  where.dataset['step'] = String(step);
  if (what !== undefined) where.dataset['operator'] = what;
  else delete where.dataset['operator'];
  const body = byId('peak-body');
  body.replaceChildren(
    ...live.map((i) => {
      const tr = document.createElement('tr');
      tr.append(cell(part.labels[i] ?? part.problem.buffers[i]!.id), cell(part.kinds?.[i] ?? 'buffer', 'kind'), cell(formatBytes(part.problem.buffers[i]!.size), 'num'));
      return tr;
    }),
  );
}

type SortKey = 'i' | 'name' | 'kind' | 'size' | 'start' | 'offset';
let sortKey: SortKey = 'size';
let descending = true;

/** Every buffer of the part with its plan: sorted by `sortKey` (size, largest first, by default). */
export function showTensors(part: Part, result: PlanResult): void {
  const bs = part.problem.buffers;
  const key = (i: number): number | string => {
    switch (sortKey) {
      case 'i':
        return i;
      case 'name':
        return part.labels[i] ?? bs[i]!.id;
      case 'kind':
        return part.kinds?.[i] ?? '';
      case 'size':
        return bs[i]!.size;
      case 'start':
        return bs[i]!.start;
      case 'offset':
        return result.offsets[i]!;
    }
  };
  const order = bs.map((_, i) => i).sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    const c = typeof ka === 'number' && typeof kb === 'number' ? ka - kb : String(ka).localeCompare(String(kb));
    return (descending ? -c : c) || a - b;
  });
  const where = (i: number): string => (result.spill?.memory[i] === 'ddr' ? 'DDR ' : '');
  byId('tensors-body').replaceChildren(
    ...order.map((i) => {
      const b = bs[i]!;
      const tr = document.createElement('tr');
      tr.dataset['i'] = String(i);
      tr.dataset['size'] = String(b.size);
      tr.append(
        cell(String(i), 'num'),
        cell(part.labels[i] ?? b.id),
        cell(part.kinds?.[i] ?? 'buffer', 'kind'),
        cell(formatBytes(b.size), 'num'),
        cell(`[${b.start}, ${b.end})`, 'num'),
        cell(`${where(i)}${result.offsets[i]}`, 'num'),
      );
      return tr;
    }),
  );
  for (const th of document.querySelectorAll<HTMLElement>('#tensors th')) {
    const k = th.querySelector<HTMLElement>('button')?.dataset['sort'];
    if (k === sortKey) th.setAttribute('aria-sort', descending ? 'descending' : 'ascending');
    else th.removeAttribute('aria-sort');
  }
}

/** Sorts the table by `key` (again: the other way round); `redraw` shows it. */
export function sortTensorsBy(key: string, redraw: () => void): void {
  const k = key as SortKey;
  if (k === sortKey) descending = !descending;
  else {
    sortKey = k;
    descending = k === 'size';
  }
  redraw();
}

/** The memory profile of the part's on-chip buffers under the plan. */
export function showProfile(part: Part, result: PlanResult): void {
  const idx = part.problem.buffers.map((_, i) => i).filter((i) => result.spill === undefined || result.spill.memory[i] === 'chip');
  byId('profile').innerHTML = profileSvg(part.problem, idx, result.offsets);
}

/** The "to fit" hints of the plan shown: planning them, the hints (src/problem-fit-hints.ts, src/model-fit-hints.ts), or why there are none. */
export type HintsState = { working: true } | { hints: readonly FitHint[] } | { error: string };

/**
 * What would make the plan fit, each computed by planning it — the command line's "to fit" lines
 * (src/problem-fit-hints.ts, src/model-fit-hints.ts), with their figures on each item (data-change, data-arena, data-fits, data-reason,
 * data-buffer, data-size, as the JSON's `hints`). Hidden when every buffer fits on chip.
 */
export function showHints(state: HintsState | undefined): void {
  const box = byId('hints');
  const note = byId('hints-note');
  const list = byId('hints-list');
  list.replaceChildren();
  if (state === undefined || ('hints' in state && state.hints.length === 0)) {
    box.hidden = true;
    box.dataset['state'] = 'none';
    note.textContent = '';
    return;
  }
  box.hidden = false;
  if ('working' in state) {
    box.dataset['state'] = 'working';
    note.textContent = 'Planning each change (the capacity needed, spilling, leaving out prepared tensors, reordering)…';
    return;
  }
  if ('error' in state) {
    box.dataset['state'] = 'error';
    note.textContent = `The hints could not be planned: ${state.error}`;
    return;
  }
  box.dataset['state'] = 'done';
  note.textContent = 'Each one planned; the command line prints the same under "to fit" (arenapack plan FILE --capacity C).';
  list.append(
    ...state.hints.map((h) => {
      const li = document.createElement('li');
      li.textContent = h.text;
      li.dataset['change'] = h.change;
      if (h.arena !== undefined) li.dataset['arena'] = String(h.arena);
      if (h.fits !== undefined) li.dataset['fits'] = String(h.fits);
      if (h.reason !== undefined) li.dataset['reason'] = h.reason;
      if (h.buffer !== undefined) li.dataset['buffer'] = h.buffer;
      if (h.size !== undefined) li.dataset['size'] = String(h.size);
      return li;
    }),
  );
}

/** Empties everything shown about a plan (a new file, or one that failed). */
export function clearDetails(): void {
  for (const id of ['peak-body', 'tensors-body', 'profile']) byId(id).replaceChildren();
  byId('peak-where').textContent = '';
  showHints(undefined);
}
