/**
 * The layout of a model planned over memory tiers as SVG: one panel per subgraph and memory that
 * holds buffers (fastest first), each with its capacity line — the spill picture's two panels
 * (on chip, DDR) generalised to N memories, drawn by the same panelsSvg.
 */
import { formatBytes, formatBytesExact } from '../format/bytes.js';
import { plural } from '../format/plural.js';
import type { ImportedModel, ModelSubgraph } from '../import/model.js';
import { isWeightBuffer, type TflmTiers } from '../plan-model-tiers.js';
import { liveBound } from '../problem/bounds.js';
import type { TieredPlan } from '../solve/tiers/planner.js';
import { panelsSvg, subgraphPanelBase, type PanelSpec } from './svg.js';

/** With a read-only memory (--weights): how many of a panel's buffers are weights copied out of it. */
function copiedNote(sg: ModelSubgraph, plan: TieredPlan, idx: readonly number[]): string {
  if (plan.copyInBytes === undefined) return '';
  const copied = idx.filter((i) => isWeightBuffer(sg, i)).length;
  return copied > 0 ? `, ${plural(copied, 'weight')} copied from flash` : '';
}

/** The first memory's TFLM figures: head (with the kernels' scratch) + tail against its capacity as given. */
const tflmNote = (t: TflmTiers): string =>
  `; TFLM: head${t.scratchRequests > 0 ? ' with scratch' : ''} ${formatBytesExact(t.head)} + tail ${formatBytesExact(t.tail)} (estimate)${t.capacity !== undefined ? (t.fits ? ` within ${formatBytes(t.capacity)}` : ` > ${formatBytes(t.capacity)}: does NOT fit`) : ''}`;

/**
 * The SVG; `plans[s]` is subgraph s's tiered plan (every one with a plan). With `tflm` (a TFLite
 * model: tflmTiers), the first memory's panels say TFLM's head with its scratch and the tail beside it,
 * and whether they fit the memory as given (each panel's capacity line: what was left to it beside the tail).
 */
export function tieredLayoutSvg(model: ImportedModel, plans: readonly TieredPlan[], tflm?: TflmTiers): string {
  const panels: PanelSpec[] = [];
  model.subgraphs.forEach((sg, s) => {
    const plan = plans[s]!;
    const bufs = sg.problem.buffers;
    const base = subgraphPanelBase(model, s, plan.offsets);
    plan.memories.forEach((mem, m) => {
      const idx = bufs.flatMap((_, i) => (plan.memory[i] === m ? [i] : []));
      // A read-only memory (flash, --weights) has no arena to draw: its weights are read in place.
      if (idx.length === 0 || mem.readOnly === true) return;
      const u = plan.usage[m]!;
      panels.push({
        ...base,
        figures: `${mem.name}: ${formatBytesExact(u.used)}${mem.capacity !== undefined ? ` of ${formatBytes(mem.capacity)}` : ''}, ${plural(idx.length, 'buffer')}, cost ${mem.cost}/B${copiedNote(sg, plan, idx)}${m === 0 && tflm !== undefined ? tflmNote(tflm) : ''}`,
        id: `subgraph-${s}-${mem.name}`,
        idx,
        peak: u.used,
        bound: liveBound({ buffers: idx.map((i) => bufs[i]!) }),
        ...(mem.capacity !== undefined ? { capacity: mem.capacity } : {}),
        memory: mem.name,
      });
    });
  });
  return panelsSvg(panels);
}
