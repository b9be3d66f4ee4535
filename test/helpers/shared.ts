import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** ../shared beside the project root (CI and developers have it; the tests do not need it). */
export const SHARED = process.env.ARENAPACK_SHARED ?? join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'shared');

/** The folder under ../shared, or undefined with a visible note when it is absent. */
export function sharedDir(sub: string): string | undefined {
  const dir = join(SHARED, sub);
  if (existsSync(dir)) return dir;
  console.warn(`SKIPPED: ${dir} is absent, so the tests on that data do not run`);
  return undefined;
}
