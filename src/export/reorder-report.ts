/** The lines `plan MODEL --reorder` adds to the report: the stored order against the new one. */
import { formatBytesExact } from '../format/bytes.js';
import type { ImportedModel } from '../import/model.js';
import { subgraphTitle } from './labels.js';
import type { ReorderResult } from '../order/reorder.js';
import type { PlanResult } from '../solve/spill.js';

const lower = (now: number, was: number): string => (was > 0 ? `${(((was - now) / was) * 100).toFixed(2)}% lower` : '-');

/**
 * Per subgraph: the live bound and the best peak of the stored order and of the new one, how the
 * order was found and whether it is proven best.
 */
export function formatReorderReport(
  model: ImportedModel,
  stored: readonly PlanResult[],
  reordered: readonly PlanResult[],
  orders: readonly ReorderResult[],
): string {
  const parts = model.subgraphs.map((sg, s) => {
    // Orders compare plans of every buffer in one arena (after spilling: the one that did not fit).
    const a = { ...stored[s]!, ...stored[s]!.spill?.whole };
    const b = { ...reordered[s]!, ...reordered[s]!.spill?.whole };
    const r = orders[s]!;
    const moved = r.moved;
    const how =
      r.blocks === 0
        ? 'no branches between cut operators: nothing to reorder'
        : `${r.blocks} block${r.blocks === 1 ? '' : 's'} between cut operators (largest ${r.largestBlock} operators): ${r.flooredBlocks} at or under the floor (stored order or greedy + local search), ` +
          `${r.exactBlocks} solved exactly by dynamic programming (${r.states} states); ${r.timeMs.toFixed(1)} ms`;
    return [
      `${subgraphTitle(model.file, sg)}: operator order`,
      `  stored order    live bound ${formatBytesExact(a.liveBound)}, best peak ${formatBytesExact(a.peak)} (${a.method})`,
      `  reordered       live bound ${formatBytesExact(b.liveBound)}, best peak ${formatBytesExact(b.peak)} (${b.method})`,
      `                  live bound ${lower(b.liveBound, a.liveBound)}, best peak ${lower(b.peak, a.peak)}; ${moved} of ${r.order.length} operators moved`,
      `  floor           ${formatBytesExact(r.floor)}: one operator's own tensors and the whole-run bytes; no order is below it`,
      `  search          ${how}`,
      `  order           ${r.optimal ? 'proven best (no order keeping the dependencies and pinned operators has a lower live bound)' : 'best found (not proven)'}`,
    ].join('\n') + '\n';
  });
  return parts.join('\n');
}
