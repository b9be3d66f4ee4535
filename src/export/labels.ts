/** How the reports and pictures name subgraphs and colour buffers (one wording everywhere). */
import { printable } from '../format/printable.js';
import type { ModelSubgraph } from '../import/model.js';


/** The operator run at step `k` of the subgraph's plan (its order; the stored order when none), if any. */
export function operatorAtStep(sg: Pick<ModelSubgraph, 'operators' | 'order'>, k: number): ModelSubgraph['operators'][number] | undefined {
  return sg.operators[sg.order?.[k] ?? k];
}

/** `file — subgraph s "name"`: a subgraph as the reports, the SVG and `inspect` title it (names printable()). */
export function subgraphTitle(file: string, sg: Pick<ModelSubgraph, 'index' | 'name'>): string {
  return `${printable(file)} — subgraph ${sg.index}${sg.name ? ` "${printable(sg.name)}"` : ''}`;
}

/** A buffer's hue in the pictures: steps of the golden angle, so neighbours in the list differ. */
export function bufferHue(i: number): number {
  return Math.round((i * 137.508) % 360);
}

/** A file's name without its folders: pictures and traces shared with others do not carry the machine's path. */
export function baseName(file: string): string {
  return file.replace(/^.*[/\\]/, '');
}
