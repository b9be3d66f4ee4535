#!/usr/bin/env node
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { solutionToCsv } from './export/csv.js';
import { planToJson } from './export/plan-json.js';
import { formatReport } from './export/report.js';
import { parseSize } from './format/bytes.js';
import { importProblem } from './import/index.js';
import { InputError } from './problem/errors.js';
import { ASSIGN_METHODS, PLACE_METHODS, type MethodName } from './solve/methods.js';
import { solve } from './solve/solve.js';

/** Exit codes: 0 planned (and fits, when a capacity is given); 1 internal error; 2 bad input or usage; 3 does not fit. */
const EXIT_INPUT = 2;
const EXIT_NO_FIT = 3;

class UsageError extends Error {}

/** Writes a file whole or not at all: a temporary file renamed into place. */
function writeAtomic(path: string, text: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

function sizeOption(value: string): number {
  try {
    return parseSize(value);
  } catch (e) {
    throw new UsageError(`--capacity: ${(e as Error).message}`);
  }
}

function secondsOption(value: string): number {
  const s = Number(value);
  if (!Number.isFinite(s) || s <= 0) throw new UsageError(`--time-limit: "${value}" is not a positive number of seconds`);
  return s;
}

function intOption(flag: string) {
  return (value: string): number => {
    const v = Number(value);
    if (!Number.isSafeInteger(v) || v < 0) throw new UsageError(`${flag}: "${value}" is not a non-negative integer`);
    return v;
  };
}

interface PlanOptions {
  method: MethodName | 'auto';
  capacity?: number;
  timeLimit?: number;
  seed?: number;
  iterations?: number;
  json?: boolean;
  out?: string;
}

function readInput(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new InputError(`${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { file });
  }
}

function runPlan(file: string, opts: PlanOptions): number {
  const problem = importProblem(readInput(file), file);
  if (opts.capacity !== undefined) problem.capacity = opts.capacity;
  const result = solve(problem, {
    method: opts.method,
    timeLimitMs: opts.timeLimit !== undefined ? opts.timeLimit * 1000 : undefined,
    seed: opts.seed,
    iterations: opts.iterations,
  });
  const json = planToJson(problem, result);
  if (opts.out !== undefined) {
    const text = opts.out.toLowerCase().endsWith('.csv')
      ? solutionToCsv(problem, result.offsets)
      : JSON.stringify(json, null, 2) + '\n';
    writeAtomic(opts.out, text);
  }
  if (opts.json) process.stdout.write(JSON.stringify(json, null, 2) + '\n');
  else process.stdout.write(formatReport(problem, result, file));
  return result.fits === false ? EXIT_NO_FIT : 0;
}

export function main(argv: string[]): number {
  let code = 0;
  const program = new Command('arenapack')
    .description('Fit the working memory of a neural network into on-chip SRAM.')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  program
    .command('plan')
    .description('plan the buffers of FILE (.csv MiniMalloc, .json Problem) and report the arena it needs')
    .argument('<file>', 'problem file: .csv (id,lower,upper,size) or .json')
    .addOption(
      new Option('--method <method>', 'method to run').choices(['auto', ...PLACE_METHODS, ...ASSIGN_METHODS]).default('auto'),
    )
    .option('--capacity <size>', 'on-chip memory, e.g. 2MiB, 1536KiB, 4MB, 2097152', sizeOption)
    .option('--time-limit <seconds>', 'cap on the local search (default 1)', secondsOption)
    .option('--seed <n>', 'seed of the local search (default 1)', intOption('--seed'))
    .option('--iterations <n>', 'moves the local search tries at most (default 20000)', intOption('--iterations'))
    .option('--json', 'print the plan as JSON instead of the report')
    .option('--out <file>', 'write the plan: .csv as a MiniMalloc solution, anything else as JSON')
    .action((file: string, opts: PlanOptions) => {
      code = runPlan(file, opts);
    });
  try {
    program.parse(argv, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) {
      return e.exitCode === 0 ? 0 : EXIT_INPUT;
    }
    if (e instanceof InputError || e instanceof UsageError) {
      process.stderr.write(`arenapack: ${e.message}\n`);
      return EXIT_INPUT;
    }
    process.stderr.write(`arenapack: ${(e as Error).stack ?? String(e)}\n`);
    return 1;
  }
  return code;
}

process.exitCode = main(process.argv.slice(2));
