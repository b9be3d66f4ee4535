import type { GLPK, LP, Result } from 'glpk.js/node';

/**
 * glpk.js, loaded on first use only. It is GPL-3.0: arenapack depends on it as a separate package
 * and never bundles it into its own files.
 */
let loading: Promise<GLPK> | undefined;

export function loadGlpk(): Promise<GLPK> {
  loading ??= import('glpk.js/node').then((m) => m.default());
  return loading;
}

export type { GLPK, LP, Result };

/** One linear term. */
export interface Term {
  name: string;
  coef: number;
}

/** A small builder for GLPK's LP objects, so the models read like their formulas. */
export class LpBuilder {
  private readonly rows: LP['subjectTo'] = [];
  private readonly bounds: NonNullable<LP['bounds']> = [];
  private readonly binaries: string[] = [];
  private readonly generals: string[] = [];
  private objective: Term[] = [];
  private maximize = false;

  constructor(
    private readonly glpk: GLPK,
    private readonly name: string,
  ) {}

  minimize(terms: Term[]): this {
    this.objective = terms;
    this.maximize = false;
    return this;
  }

  maximizeObjective(terms: Term[]): this {
    this.objective = terms;
    this.maximize = true;
    return this;
  }

  /** sum(terms) <= ub */
  le(name: string, terms: Term[], ub: number): this {
    this.rows.push({ name, vars: terms, bnds: { type: this.glpk.GLP_UP, ub, lb: 0 } });
    return this;
  }

  /** sum(terms) = v */
  eq(name: string, terms: Term[], v: number): this {
    this.rows.push({ name, vars: terms, bnds: { type: this.glpk.GLP_FX, ub: v, lb: v } });
    return this;
  }

  /** lb <= var <= ub (a missing side is unbounded). */
  bound(name: string, lb: number | undefined, ub: number | undefined): this {
    const g = this.glpk;
    const type = lb !== undefined && ub !== undefined ? (lb === ub ? g.GLP_FX : g.GLP_DB) : lb !== undefined ? g.GLP_LO : ub !== undefined ? g.GLP_UP : g.GLP_FR;
    this.bounds.push({ name, type, lb: lb ?? 0, ub: ub ?? 0 });
    return this;
  }

  binary(name: string): this {
    this.binaries.push(name);
    return this;
  }

  integer(name: string): this {
    this.generals.push(name);
    return this;
  }

  build(): LP {
    return {
      name: this.name,
      objective: { direction: this.maximize ? this.glpk.GLP_MAX : this.glpk.GLP_MIN, name: 'obj', vars: this.objective },
      subjectTo: this.rows,
      bounds: this.bounds,
      binaries: this.binaries,
      generals: this.generals,
    };
  }
}

/** What a MIP solve established. */
export type MipOutcome = 'optimal' | 'feasible' | 'infeasible' | 'unknown';

export function outcomeOf(glpk: GLPK, result: Result): MipOutcome {
  const s = result.result.status;
  if (s === glpk.GLP_OPT) return 'optimal';
  if (s === glpk.GLP_FEAS) return 'feasible';
  if (s === glpk.GLP_NOFEAS || s === glpk.GLP_INFEAS) return 'infeasible';
  return 'unknown';
}

/** Solves with a time limit (seconds, at least 1: GLPK can return nothing at all under very short limits). */
export function solveMip(glpk: GLPK, lp: LP, timeLimitMs: number): Result {
  return glpk.solve(lp, { msglev: glpk.GLP_MSG_OFF, presol: true, tmlim: Math.max(1, Math.ceil(timeLimitMs / 1000)) });
}
