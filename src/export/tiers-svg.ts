/**
 * The layout of a model planned over memory tiers as SVG: one panel per subgraph and memory that
 * holds buffers (fastest first), each with its capacity line — the spill picture's two panels
 * (on chip, DDR) generalised to N memories, drawn by the same panelsSvg.
 */
import { formatBytes, formatBytesExact } from '../format/bytes.js';
import type { ImportedModel } from '../import/model.js';
import { peakStep } from '../problem/bounds.js';
import type { TieredPlan } from '../solve/tiers/planner.js';
import { subgraphTitle } from './labels.js';
import { panelsSvg, type Panel } from './svg.js';

/** The SVG; `plans[s]` is subgraph s's tiered plan (every one with a plan). */
export function tieredLayoutSvg(model: ImportedModel, plans: readonly TieredPlan[]): string {
  const panels: Panel[] = [];
  model.subgraphs.forEach((sg, s) => {
    const plan = plans[s]!;
    const bufs = sg.problem.buffers;
    plan.memories.forEach((mem, m) => {
      const idx = bufs.flatMap((_, i) => (plan.memory[i] === m ? [i] : []));
      if (idx.length === 0) return;
      const u = plan.usage[m]!;
      const { step, bytes } = peakStep({ buffers: idx.map((i) => bufs[i]!) });
      panels.push({
        s,
        title: `${subgraphTitle(model.file, sg)}: ${mem.name} ${formatBytesExact(u.used)}${mem.capacity !== undefined ? ` of ${formatBytes(mem.capacity)}` : ''}, ${idx.length} buffers, cost ${mem.cost}/B`,
        idx,
        peak: u.used,
        bound: bytes,
        peakStep: step,
        ...(mem.capacity !== undefined ? { capacity: mem.capacity } : {}),
        memory: mem.name,
      });
    });
  });
  return panelsSvg(model, (s) => plans[s]!.offsets, panels);
}
