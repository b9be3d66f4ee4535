// A Node module hook (registered with `node --import`, see load-log-register.mjs) that appends the
// URL of every ES module Node loads to the file named by ARENAPACK_LOAD_LOG: what a command really
// loaded, dynamic import() included (test/cli-lazy.test.ts).
import { appendFileSync } from 'node:fs';

export async function load(url, context, nextLoad) {
  const log = process.env.ARENAPACK_LOAD_LOG;
  if (log) appendFileSync(log, `${url}\n`);
  return nextLoad(url, context);
}
