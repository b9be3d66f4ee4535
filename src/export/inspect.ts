import type { ImportedModel, ModelSubgraph, ModelTensor } from '../import/model.js';
import { printable } from '../format/printable.js';
import { plural } from '../format/plural.js';
import { subgraphTitle } from './labels.js';

/** " (stored [1,1,2])" when an output's stored shape differs from the one planned. */
function t0(tensors: readonly ModelTensor[] | undefined, outputs: readonly number[]): string {
  const changed = outputs.map((t) => tensors?.[t]).filter((t): t is ModelTensor => t?.storedShape !== undefined);
  return changed.map((t) => `  (tensor ${t.index} stored [${t.storedShape!.join(',')}], planned [${t.shape.join(',')}])`).join('');
}

/** Which tensors `inspect` lists, in which order. */
export interface InspectView {
  /** `index` (default) or `size`: largest first (unknown sizes last), ties by index. */
  sort?: 'index' | 'size';
  /** Leave out constant tensors (weights). */
  hideConstants?: boolean;
}

/** The tensors of a subgraph as `inspect` lists them under `view` (text and JSON alike). */
export function inspectTensors(tensors: readonly ModelTensor[], view: InspectView = {}): ModelTensor[] {
  const shown = view.hideConstants ? tensors.filter((t) => t.kind !== 'constant') : [...tensors];
  if (view.sort === 'size') shown.sort((a, b) => (b.bytes ?? -1) - (a.bytes ?? -1) || a.index - b.index);
  return shown;
}

/**
 * A tensor's buffer as `inspect` numbers it, in its text (`#12`) and JSON (`"12"`) alike: the id of
 * the planned buffer (its owner tensor's index), as in the plan's JSON `buffers[].id`.
 */
export function bufferId(sg: ModelSubgraph, t: ModelTensor): string | undefined {
  return t.buffer !== undefined ? sg.problem.buffers[t.buffer]!.id : undefined;
}

/**
 * `arenapack inspect`: per subgraph, every tensor with its kind, type, shape, bytes, live range and
 * buffer; then every operator with its type, name and tensors (and where a shape was computed).
 */
export function formatInspect(model: ImportedModel, view: InspectView = {}): string {
  const out: string[] = [];
  for (const sg of model.subgraphs) {
    out.push(`${subgraphTitle(model.file, sg)}: ${plural(sg.tensorCount, 'tensor')}, ${plural(sg.operatorCount, 'operator')} (steps 0..${Math.max(sg.operatorCount, 1) - 1})`);
    const head = ['tensor', 'kind', 'type', 'shape', 'bytes', 'live', 'buffer', 'name'];
    const rows: string[][] = inspectTensors(sg.tensors ?? [], view).map((t) => [
      String(t.index),
      t.kind,
      t.type,
      `[${t.shape.join(',')}]`,
      t.bytes !== undefined ? String(t.bytes) : '?',
      t.start !== undefined ? `[${t.start}, ${t.end})` : '-',
      t.buffer !== undefined ? `#${printable(bufferId(sg, t)!)}` : '-',
      printable(t.name),
    ]);
    if (sg.tensors === undefined) {
      sg.problem.buffers.forEach((b, i) => rows.push([printable(b.id), 'planned', '', '', String(b.size), `[${b.start}, ${b.end})`, `#${printable(b.id)}`, printable(sg.names[i]!)]));
    }
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    const line = (r: string[]): string =>
      '  ' + r.map((c, i) => (i === r.length - 1 ? c : i === 0 || i === 4 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ');
    out.push(line(head));
    for (const r of rows) out.push(line(r));
    if (sg.operators !== undefined && sg.operators.length > 0) {
      out.push('  operators (step = stored position):');
      const list = (ts: readonly number[]): string => ts.map((t) => (t < 0 ? '-' : String(t))).join(',');
      for (const op of sg.operators) {
        const stored = t0(sg.tensors, op.outputs);
        out.push(`  ${String(op.index).padStart(4)}  ${printable(op.type)}${op.name ? ` "${printable(op.name)}"` : ''}  [${list(op.inputs)}] -> [${list(op.outputs)}]${stored}`);
      }
    }
    for (const n of sg.notes) out.push(`  note: ${printable(n)}`);
    out.push('');
  }
  return out.join('\n');
}
