/**
 * The browser fallback, run on every machine: the page in the Chromium the npm package
 * @sparticuz/chromium carries (test/helpers/chromium.ts with `{ npm: true }`), even where a system
 * Chromium is installed (CI has Debian's, which page.test.ts drives). One real plan: the issue's
 * spill.csv under 64 KiB, planned in the page's worker, is the command line's `plan --json` and passes
 * the verifier. Needs the bundle (build/web, made by npm run build / npm run bundle).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/import/csv.js';
import { verifySpilledPlan } from '../../src/problem/verify.js';
import { serveStatic } from '../../web/serve.js';
import { CHROMIUM_ARGS, findChromium, type FoundChromium } from '../helpers/chromium.js';
import { builtCli, repoRoot } from '../helpers/cli.js';
import { SPILL_CSV } from '../helpers/spill-inputs.js';

const buildDir = join(repoRoot, 'build');
let server: Server | undefined;
let browser: Browser | undefined;
let found: FoundChromium;
let url: string;

beforeAll(async () => {
  for (const f of ['web/index.html', 'dist/browser/arenapack.js']) {
    if (!existsSync(join(buildDir, f))) throw new Error(`build/${f} is missing: run \`npm run bundle\` (npm test builds it)`);
  }
  found = await findChromium({ npm: true });
  ({ server, url } = await serveStatic(buildDir));
  browser = await chromium.launch({ executablePath: found.path, ...(found.env ? { env: found.env } : {}), headless: true, args: [...CHROMIUM_ARGS] });
}, 120_000); // unpacking the npm Chromium (about 4 s here) and a first launch on a loaded machine

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
});

/** The command line's `plan FILE --json ...args` on `text` written to a temporary folder (exit 0). */
function cliJson(name: string, text: string, ...args: string[]): Record<string, unknown> {
  const dir = mkdtempSync(join(tmpdir(), 'arenapack-npm-chromium-'));
  try {
    const path = join(dir, name);
    writeFileSync(path, text);
    const r = spawnSync(process.execPath, [builtCli, 'plan', path, '--json', ...args], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    return JSON.parse(r.stdout) as Record<string, unknown>;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The keys of a plan JSON that say what the plan is (not how long it took). */
const planOf = (j: Record<string, unknown>): unknown => {
  const keep = ['peak', 'status', 'method', 'capacity', 'fits', 'spilled', 'spilledBytes', 'ddrTraffic', 'spill', 'buffers'];
  return Object.fromEntries(keep.filter((k) => k in j).map((k) => [k, j[k]]));
};

describe('the page in the npm package\'s Chromium (@sparticuz/chromium, the fallback where no system one is)', () => {
  it('is that Chromium, not the system one', () => {
    expect(found.from).toBe('the npm package @sparticuz/chromium');
    expect(found.path.startsWith(tmpdir())).toBe(true);
    expect(found.path).not.toBe('/usr/bin/chromium');
    expect(browser!.version()).toMatch(/^\d+\./);
  });

  it('plans spill.csv under 64 KiB in its worker as `arenapack plan --json` does, and the plan verifies', async () => {
    const page = await browser!.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.setDefaultTimeout(45_000);
    try {
      await page.goto(`${url}web/`);
      expect(await page.evaluate(() => navigator.userAgent)).toMatch(/HeadlessChrome/);
      await page.selectOption('#method', 'auto');
      await page.selectOption('#time', '10000');
      await page.selectOption('#capacity', 'custom');
      await page.fill('#custom', '64KiB');
      await page.setInputFiles('#file', { name: 'spill.csv', mimeType: 'text/csv', buffer: Buffer.from(SPILL_CSV) });
      await page.waitForFunction(() => {
        const m = document.getElementById('message')!;
        return (m.textContent ?? '').startsWith('Planned spill.csv') || m.classList.contains('error');
      });
      expect(await page.locator('#message').textContent()).toMatch(/^Planned spill\.csv/);
      expect(await page.locator('#message').getAttribute('data-capacity')).toBe('65536');
      expect(await page.locator('#status').getAttribute('data-status')).toBe('spilled');
      const href = await page.locator('#downloads a[data-file$=".plan.json"]').getAttribute('href');
      const shown = JSON.parse(await page.evaluate((h) => fetch(h!).then((r) => r.text()), href)) as Record<string, unknown>;
      const cli = cliJson('spill.csv', SPILL_CSV, '--capacity', '64KiB', '--time-limit', '10');
      expect(planOf(shown)).toEqual(planOf(cli));
      const buffers = shown['buffers'] as { offset: number; memory: 'chip' | 'ddr' }[];
      expect(buffers.filter((b) => b.memory === 'ddr')).toHaveLength(1);
      const verdict = verifySpilledPlan(parseCsv(SPILL_CSV), buffers.map((b) => b.memory), buffers.map((b) => b.offset), 65536);
      expect(verdict.errors).toEqual([]);
      expect(verdict.peak).toBe(shown['peak']);
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
