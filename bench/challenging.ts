import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { importProblem } from '../src/import/index.js';
import type { Problem } from '../src/problem/types.js';

/**
 * MiniMalloc's challenging instances from ../shared, by name (A..K), each with the capacity its file
 * name gives (1 MiB); undefined, with a visible note, when the folder is absent.
 */
export function challengingProblems(shared: string): [string, Problem][] | undefined {
  const dir = join(shared, 'benchmarks', 'minimalloc', 'challenging');
  if (!existsSync(dir)) {
    console.log(`\n(SKIPPED: ${dir} is absent: no MiniMalloc table)`);
    return undefined;
  }
  return readdirSync(dir)
    .filter((f) => f.endsWith('.csv'))
    .sort()
    .map((f) => {
      const p = importProblem(readFileSync(join(dir, f), 'utf8'), f);
      p.capacity = Number(f.split('.')[1]);
      return [f.split('.')[0]!, p];
    });
}
