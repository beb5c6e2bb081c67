import type { CheckResult } from "../core/check.js";
import type { Diagnosis } from "../core/diagnose/types.js";
import type { Fixture } from "../fixture/load.js";
import type { Regression } from "./baseline.js";
import { printable } from "./format.js";

export type Status = "pass" | "fail" | "error";

/** One fixture's fate in a run: checked (pass or fail) or not checkable. */
export interface Outcome {
  file: string;
  status: Status;
  fixture?: Fixture;
  result?: CheckResult;
  /** For errors: `<JSON path>: <what is wrong>`, without the file name. */
  error?: string;
  /** Likely mistakes behind an error of the person's code (a wrong shape, say). */
  diagnoses?: Diagnosis[];
  /** Tensors whose error grew past the --baseline limit. */
  regressions?: Regression[];
}

export function errorLine(outcome: Outcome): string {
  return printable(`${outcome.file}: ${outcome.error}`);
}

export interface Summary {
  total: number;
  passed: number;
  failed: number;
  errors: number;
}

export function summarise(outcomes: Outcome[]): Summary {
  const count = (status: Status) => outcomes.filter((o) => o.status === status).length;
  return {
    total: outcomes.length,
    passed: count("pass"),
    failed: count("fail"),
    errors: count("error"),
  };
}

/** 0 all passed, 1 something failed and nothing erred, 2 something could not be checked. */
export function exitCode(summary: Summary): number {
  if (summary.errors > 0) return 2;
  return summary.failed > 0 ? 1 : 0;
}
