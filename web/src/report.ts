/** The numbers beside the picture: summary cards, the methods table, the facts. */
import { plural } from '../../src/format/plural.js';
import { formatBytes } from '../../src/format/bytes.js';
import type { PlanResult } from '../../src/solve/spill.js';
import type { TflmArena } from '../../src/runtime/tflm/arena.js';
import { allSpilled, NOTHING_ON_CHIP } from '../../src/export/report.js';

type SolveResult = PlanResult;

const byId = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;

const time = (ms: number): string => (ms < 1 ? `${ms.toFixed(2)} ms` : ms < 1000 ? `${ms.toFixed(1)} ms` : `${(ms / 1000).toFixed(2)} s`);

const STATUS: Record<SolveResult['status'], [string, string]> = {
  optimal: ['proven optimal', 'good'],
  feasible: ['feasible', 'warn'],
  infeasible: ['cannot fit', 'bad'],
  unknown: ['no fit found', 'bad'],
  spilled: ['fits after spilling', 'warn'],
};

/**
 * The summary cards. "Arena needed": the plan's peak (bytes); for a TFLite model (`tflm`; after
 * spilling, its head is what stays on chip) the arena the command line reports — TFLM's head with the plan (tensors rounded to 16 and
 * the kernels' scratch it places around them) and beside it the tail estimate and kTensorArenaSize
 * (head + tail), data-total — not the plan's peak.
 */
export function showSummary(result: SolveResult, tflm?: Pick<TflmArena, 'head' | 'total' | 'tail'>): void {
  const peak = byId('peak');
  const needed = tflm?.head ?? result.peak;
  peak.textContent = formatBytes(needed);
  peak.dataset['bytes'] = String(needed);
  if (tflm !== undefined) peak.dataset['total'] = String(tflm.total);
  else delete peak.dataset['total'];
  byId('peak-bytes').textContent =
    tflm !== undefined
      ? `${needed.toLocaleString('en-US')} bytes TFLM head (plan ${formatBytes(result.peak)}, ${result.method}) + tail ~${formatBytes(tflm.tail.bytes)} (an estimate): kTensorArenaSize ~ ${formatBytes(tflm.total)}`
      : result.spill !== undefined && allSpilled(result.spill)
        ? `0 bytes · ${NOTHING_ON_CHIP}`
        : `${result.peak.toLocaleString('en-US')} bytes · ${result.method}`;
  if (result.spill) {
    // After spilling the plan is the on-chip arena; the bound shown stays that of every buffer.
    byId('bound').textContent = formatBytes(result.spill.whole.bound);
    byId('overhead').textContent = `of every buffer (all on chip: ${formatBytes(result.spill.whole.peak)}); on chip, ${
      result.gap === 0 ? 'the plan meets its bound' : `${pct(result.gap)} above its bound ${formatBytes(result.bound)}`
    }`;
  } else {
    byId('bound').textContent = formatBytes(result.bound);
    byId('overhead').textContent =
      result.peak === result.bound ? 'the plan meets it' : `plan is ${pct(result.gap)} above it (live bound ${formatBytes(result.liveBound)})`;
  }
  const [label, cls] = STATUS[result.status];
  const status = byId('status');
  status.textContent = label;
  status.className = `big ${cls}`;
  status.dataset['status'] = result.status;
  byId('proof').textContent =
    result.status === 'optimal'
      ? `by ${result.proof}`
      : result.spill
        ? `${result.spill.choice === 'optimal' ? 'proven best choice' : 'feasible choice, not proven best'} of what spills · on chip: ${result.proof}`
        : `gap ${pct(result.gap)} · ${result.proof}`;
}

/**
 * Fits or not under the capacity the plan was made for: all on chip, after spilling (what spilled to
 * DDR, as the command line reports it), or not at all. `tflm`: a TFLite model's arena, whose whole
 * size (head + TFLM's tail estimate) is what must fit, spilled or not, as on the command line.
 */
export function showFit(result: SolveResult, capacity: number | undefined, tflm?: Pick<TflmArena, 'total' | 'tail'>): void {
  const fits = byId('fits');
  const spill = byId('spill');
  delete fits.dataset['spilled'];
  if (capacity === undefined) {
    fits.textContent = '—';
    fits.className = 'big';
    delete fits.dataset['fits'];
    spill.textContent = 'choose a capacity to check the fit';
    return;
  }
  const ok = result.fits !== false;
  fits.dataset['fits'] = String(ok);
  if (result.spill) {
    const sp = result.spill;
    // TFLite: the head was spilled within the capacity less TFLM's tail estimate; head + tail must fit.
    const whole = tflm === undefined || tflm.total <= capacity;
    fits.dataset['fits'] = String(ok && whole);
    fits.textContent = tflm === undefined ? `fits ${formatBytes(sp.capacity)} after spilling` : whole ? `fits ${formatBytes(capacity)} after spilling` : `doesn't fit ${formatBytes(capacity)}`;
    fits.className = `big ${whole ? 'warn' : 'bad'}`;
    fits.dataset['spilled'] = sp.spilled.join(',');
    const names = sp.spilled.slice(0, 8).join(', ') + (sp.spilled.length > 8 ? ', …' : '');
    const withTail = tflm !== undefined ? ` + TFLM's tail estimate ~${formatBytes(tflm.tail.bytes)} = ${formatBytes(tflm.total)}` : '';
    spill.textContent =
      `all on chip needs ${formatBytes(sp.whole.peak)}; ${plural(sp.spilled.length, 'buffer')} ` +
      `(${formatBytes(sp.spilledBytes)}) spill to a DDR arena of ${formatBytes(sp.ddrPeak)}: ${names}; on chip ${formatBytes(result.peak)}${withTail}, ` +
      `${sp.choice === 'optimal' ? 'proven best choice' : 'feasible choice, not proven best'}`;
    return;
  }
  if (tflm !== undefined) {
    const whole = tflm.total <= capacity;
    if (tflm.tail.bytes >= capacity) {
      fits.dataset['fits'] = 'false';
      fits.textContent = `doesn't fit ${formatBytes(capacity)}`;
      fits.className = 'big bad';
      spill.textContent = `TFLM's tail estimate alone is ${formatBytes(tflm.tail.bytes)}, leaving no room for the head: no spill can help`;
      return;
    }
    fits.dataset['fits'] = String(whole);
    fits.textContent = whole ? `fits ${formatBytes(capacity)}` : `doesn't fit ${formatBytes(capacity)}`;
    fits.className = `big ${whole ? 'good' : 'bad'}`;
    const arena = `the arena TFLM needs, head + tail estimate ~${formatBytes(tflm.tail.bytes)}: ${formatBytes(tflm.total)}`;
    spill.textContent = whole ? `${formatBytes(capacity - tflm.total)} to spare (${arena})` : `${formatBytes(tflm.total - capacity)} short (${arena})`;
    return;
  }
  fits.textContent = ok ? `fits ${formatBytes(capacity)}` : `doesn't fit ${formatBytes(capacity)}`;
  fits.className = `big ${ok ? 'good' : 'bad'}`;
  spill.textContent = ok
    ? `${formatBytes(capacity - result.peak)} to spare`
    : `${formatBytes(result.peak - capacity)} short; ${result.spillFailure ?? 'no plan found within it'}`;
}

export function showMethods(result: SolveResult): void {
  const body = byId('methods-body');
  body.replaceChildren();
  for (const m of result.methods) {
    const tr = document.createElement('tr');
    if (m.method === result.method) tr.className = 'best';
    const over = Number.isFinite(m.peak) && result.liveBound > 0 ? pct((m.peak - result.liveBound) / result.liveBound) : '—';
    const cells = [m.method, Number.isFinite(m.peak) ? formatBytes(m.peak) : 'no plan', over, time(m.timeMs)];
    for (const c of cells) {
      const td = document.createElement('td');
      td.textContent = c;
      tr.append(td);
    }
    body.append(tr);
  }
  const total = document.createElement('tr');
  const cells = result.spill
    ? ['on chip, after spilling', formatBytes(result.peak), '—', time(result.timeMs)]
    : [`total (${result.status})`, formatBytes(result.peak), pct((result.peak - result.liveBound) / Math.max(result.liveBound, 1)), time(result.timeMs)];
  for (const c of cells) {
    const td = document.createElement('td');
    td.textContent = c;
    td.style.borderTop = '1px solid var(--line)';
    total.append(td);
  }
  body.append(total);
}

export function showFacts(facts: readonly [string, string][]): void {
  const dl = byId('facts');
  dl.replaceChildren();
  for (const [k, v] of facts) {
    const dt = document.createElement('dt');
    dt.textContent = k;
    const dd = document.createElement('dd');
    dd.textContent = v;
    dl.append(dt, dd);
  }
}
