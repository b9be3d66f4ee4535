import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

it('the README API example runs and prints a verified, optimal plan', () => {
  const r = spawnSync(process.execPath, [join(root, 'examples', 'api.mjs')], { encoding: 'utf8' });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  expect(r.stdout).toMatch(/live bound 82944 B, peak 82944 B by greedy-size: optimal, fits: true/);
  expect(r.stdout).toMatch(/verified: true/);
});
