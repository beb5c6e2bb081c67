import { existsSync, statSync } from "node:fs";
import type { CheckOptions } from "../core/check.js";
import { InputError } from "../core/errors.js";
import { loadFixture } from "../fixture/load.js";
import { runImplCheck } from "../impl/check.js";
import { WorkerRunner } from "../impl/host.js";
import { Implementation, ImplFault } from "../impl/implementation.js";
import type { Outcome } from "./outcome.js";

/** Default time limit for one call of the person's forward or backward. */
export const DEFAULT_IMPL_TIMEOUT_MS = 5000;

/** Above this many forward calls the notice suggests checking fewer cells. */
const MANY_CALLS = 2000;

export interface ImplSession {
  checkFile(file: string, options: CheckOptions): Promise<Outcome>;
  close(): Promise<void>;
}

/** Why the file given to --impl cannot be used, or null when it can. */
export function implFileProblem(file: string): string | null {
  if (!existsSync(file)) return "no such file";
  if (statSync(file).isDirectory()) return "is a folder; give the module file";
  if (!/\.(c|m)?(j|t)s$/i.test(file)) return "is not a .js, .mjs, .cjs, .ts, .mts or .cts module";
  return null;
}

function seconds(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
}

/**
 * One worker thread running the person's module for a whole run; each
 * fixture's check is an outcome, and anything the person's code does wrong
 * becomes that fixture's error (exit code 2), never a crash.
 */
export function openImpl(
  file: string,
  timeoutMs: number,
  notify: (line: string) => void,
  fewerCells: string,
): ImplSession {
  const runner = new WorkerRunner(file, timeoutMs);
  const impl = new Implementation(runner);
  return {
    async checkFile(fixtureFile, options) {
      let fixture: ReturnType<typeof loadFixture> | undefined;
      try {
        fixture = loadFixture(fixtureFile);
        const result = await runImplCheck(fixture, impl, {
          ...options,
          onPlan: (calls, firstCallMs) => {
            // The first call runs cold, so this estimate errs on the long side.
            const estimate = calls * firstCallMs;
            const time = estimate >= 2000 ? ` (up to about ${seconds(estimate)})` : "";
            const many = calls > MANY_CALLS || estimate > 10_000;
            notify(
              `${fixtureFile}: the numerical check calls your forward ${calls} times${time}${many ? `; ${fewerCells}` : ""}`,
            );
          },
        });
        return { file: fixtureFile, fixture, result, status: result.pass ? "pass" : "fail" };
      } catch (error) {
        if (error instanceof ImplFault) {
          return {
            file: fixtureFile,
            fixture,
            status: "error",
            error: `${file}: ${error.message}`,
            diagnoses: error.diagnoses,
          };
        }
        const message =
          error instanceof InputError
            ? error.path
              ? `${error.path}: ${error.message}`
              : error.message
            : error instanceof RangeError
              ? error.message
              : `internal error: ${error instanceof Error ? error.message : String(error)}`;
        return { file: fixtureFile, status: "error", error: message };
      }
    },
    close: () => runner.close(),
  };
}

export interface Checker {
  check(file: string, options: CheckOptions): Promise<Outcome>;
  close(): Promise<void>;
}

/**
 * What checks each fixture of a grad run: convcheck's own reference, or the
 * person's module given to --impl. Null (after saying why on stderr) when
 * the module cannot be used at all.
 */
export function openChecker(
  options: { impl?: string; implTimeout?: number },
  reference: (file: string, options: CheckOptions) => Promise<Outcome>,
): Checker | null {
  if (!options.impl) return { check: reference, close: async () => {} };
  const problem = implFileProblem(options.impl);
  if (problem) {
    process.stderr.write(`convcheck: --impl ${options.impl}: ${problem}\n`);
    return null;
  }
  const session = openImpl(
    options.impl,
    options.implTimeout ?? DEFAULT_IMPL_TIMEOUT_MS,
    (line) => process.stderr.write(`convcheck: ${line}\n`),
    "--sample N or --fast checks fewer cells",
  );
  return { check: (file, o) => session.checkFile(file, o), close: () => session.close() };
}
