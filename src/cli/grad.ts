import { type CheckOptions, runCheck } from "../core/check.js";
import { InputError } from "../core/errors.js";
import type { FullRule } from "../core/tolerance.js";
import { loadFixture } from "../fixture/load.js";
import { type CiOptions, CiRun } from "./ci.js";
import { collectFixtures } from "./files.js";
import { openChecker } from "./impl.js";
import { errorLine, exitCode, type Outcome, summarise } from "./outcome.js";
import { colorFor, write } from "./output.js";
import { reportJson } from "./report/json.js";
import { reportText } from "./report/text.js";
import { inOrder, startScale } from "./scale.js";

export interface GradOptions extends CiOptions {
  json?: boolean;
  full?: boolean;
  html?: string;
  heatmap?: boolean;
  color: boolean;
  rtol?: number;
  atol?: number;
  eps?: number;
  exclude: string[];
  float32?: boolean;
  epsSweep?: boolean;
  impl?: string;
  implTimeout?: number;
  sample?: number;
  seed?: number;
  fast?: boolean;
  workers?: number;
}

function describeError(error: unknown): string {
  if (error instanceof InputError) {
    return error.path ? `${error.path}: ${error.message}` : error.message;
  }
  if (error instanceof RangeError) return error.message;
  return `internal error: ${error instanceof Error ? error.message : String(error)}`;
}

/** Check one fixture file; anything wrong with it becomes an error outcome. */
export async function checkFile(file: string, options: CheckOptions): Promise<Outcome> {
  try {
    const fixture = loadFixture(file);
    const result = await runCheck(fixture, options);
    return { file, fixture, result, status: result.pass ? "pass" : "fail" };
  } catch (error) {
    return { file, status: "error", error: describeError(error) };
  }
}

export async function gradCommand(paths: string[], options: GradOptions): Promise<number> {
  const rule: Partial<FullRule> = {};
  if (options.rtol !== undefined) rule.rtol = options.rtol;
  if (options.atol !== undefined) rule.atol = options.atol;
  if (options.eps !== undefined) rule.eps = options.eps;

  const ci = CiRun.start(options);
  if (!ci) return 2;
  const entries = collectFixtures(paths, options.exclude);
  if (entries.length === 0) {
    process.stderr.write(`convcheck: no fixtures (*.json) found in ${paths.join(", ")}\n`);
    return 2;
  }
  const checker = openChecker(options, checkFile);
  if (!checker) return 2;
  const scale = startScale(options);
  // A person's module answers one call at a time: its fixtures go one by one.
  const concurrency = options.impl ? 1 : scale.concurrency;
  const outcomes = await inOrder(
    ci.shard(entries),
    concurrency,
    async (entry): Promise<Outcome> => {
      if (entry.problem) return { file: entry.file, status: "error", error: entry.problem };
      return checker.check(entry.file, {
        rule,
        precision: options.float32 ? "float32" : "float64",
        sweep: options.epsSweep ?? false,
        ...scale.options,
      });
    },
  );
  scale.finish();
  try {
    await checker.close();
    ci.judge(outcomes);
    const summary = summarise(outcomes);
    for (const o of outcomes) {
      if (o.status === "error") process.stderr.write(`convcheck: error: ${errorLine(o)}\n`);
    }
    if (options.json) {
      write(process.stdout, reportJson(outcomes, summary));
    } else {
      const color = colorFor(process.stdout, options.color);
      write(
        process.stdout,
        reportText(outcomes, summary, {
          color,
          full: options.full ?? false,
          heatmap: options.heatmap ?? false,
        }),
      );
    }
    const code = ci.finish(outcomes, exitCode(summary));
    if (options.html) {
      // Loaded only when asked for: the page's code is a good part of start-up time.
      const { writeHtmlReport } = await import("./html.js");
      if (!writeHtmlReport(options.html, outcomes, summary)) return 2;
    }
    return code;
  } finally {
    await scale.close();
  }
}
