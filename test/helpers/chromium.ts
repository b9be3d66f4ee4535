/**
 * Which Chromium the browser tests drive. In order: CHROMIUM_PATH when set; the system's (Debian's
 * package: ARENAPACK_SYSTEM_CHROMIUM, else /usr/bin/chromium; CI installs it); else the one the npm
 * registry supplies (the @sparticuz/chromium devDependency, unpacked into os.tmpdir() on first use),
 * so `npm test` also passes on a fresh machine. `{ npm: true }`, or ARENAPACK_CHROMIUM=npm in the
 * environment, skips the first two: the npm fallback is then what runs, on a machine that has a system
 * Chromium too (test/web/npm-chromium.test.ts runs it so in CI).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './cli.js';

/** A browser to launch: its executable, where it comes from, and the environment it needs (undefined: this process's). */
export interface FoundChromium {
  path: string;
  from: 'CHROMIUM_PATH' | 'the system package' | 'the npm package @sparticuz/chromium';
  env?: Record<string, string>;
}

/** Whether the environment asks for the npm Chromium only (ARENAPACK_CHROMIUM=npm). */
export const npmChromiumForced = (): boolean => process.env['ARENAPACK_CHROMIUM'] === 'npm';

/**
 * The Chromium to drive (see the file's comment for the order). The npm Chromium links to NSS and
 * expat, which a machine without Debian's chromium may lack, so their copies from the same package
 * (its al2023 libraries) come first on LD_LIBRARY_PATH. Throws an Error saying what to install when
 * none is found, or when the one CHROMIUM_PATH names is missing.
 */
export async function findChromium(options: { npm?: boolean } = {}): Promise<FoundChromium> {
  const npmOnly = options.npm === true || npmChromiumForced();
  const explicit = process.env['CHROMIUM_PATH'];
  const system = process.env['ARENAPACK_SYSTEM_CHROMIUM'] ?? '/usr/bin/chromium';
  if (!npmOnly) {
    if (explicit !== undefined && explicit !== '') {
      if (!existsSync(explicit)) throw new Error(`CHROMIUM_PATH=${explicit}: no such file`);
      return { path: explicit, from: 'CHROMIUM_PATH' };
    }
    if (existsSync(system)) return { path: system, from: 'the system package' };
  }
  try {
    const { default: npmChromium, inflate } = await import('@sparticuz/chromium');
    const path = await npmChromium.executablePath();
    const libs = join(await inflate(join(repoRoot, 'node_modules/@sparticuz/chromium/bin/al2023.tar.br')), 'lib');
    const env = { ...process.env, LD_LIBRARY_PATH: [libs, process.env['LD_LIBRARY_PATH']].filter(Boolean).join(':') } as Record<string, string>;
    return { path, from: 'the npm package @sparticuz/chromium', env };
  } catch (e) {
    throw new Error(
      `no Chromium: ${npmOnly ? 'the npm one was asked for' : `none at ${system}`} and the npm package @sparticuz/chromium failed (${(e as Error).message}); ` +
        "install Debian's package (apt-get install -y chromium, as .ci/run does), run npm install, or set CHROMIUM_PATH",
    );
  }
}

/** The flags every browser test launches Chromium with (headless, no sandbox: CI runs as root). */
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
