import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's root (where package.json is). */
export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The built command line (build/js/cli.js: `npm run build` first). */
export const builtCli = join(repoRoot, 'build', 'js', 'cli.js');

/** A CLI run's exit code and output. */
export interface CliRun {
  code: number;
  out: string;
  err: string;
}

/**
 * The built CLI in a fresh temporary folder (`prefix` names it): `run(...args)` runs it from the
 * repository's root, `file(name, text)` writes an input there and gives its path.
 */
export function cliRunner(prefix: string): { root: string; cli: string; dir: string; run: (...args: string[]) => CliRun; file: (name: string, text: string | Uint8Array) => string } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const run = (...args: string[]): CliRun => {
    const r = spawnSync(process.execPath, [builtCli, ...args], { encoding: 'utf8', cwd: repoRoot });
    return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
  };
  const file = (name: string, text: string | Uint8Array): string => {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  };
  return { root: repoRoot, cli: builtCli, dir, run, file };
}
