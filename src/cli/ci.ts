import { statSync } from "node:fs";
import { dirname } from "node:path";
import { Option } from "commander";
import { InputError } from "../core/errors.js";
import { writeFileAtomic, writeProblem } from "./atomic.js";
import { applyBaseline, type Baseline, DEFAULT_BASELINE_FACTOR, loadBaseline } from "./baseline.js";
import type { FixtureEntry } from "./files.js";
import { GithubAnnotations } from "./github.js";
import { junitXml } from "./junit.js";
import { positiveNumber } from "./options.js";
import type { Outcome } from "./outcome.js";
import { parseShard, type Shard, selectShard } from "./shard.js";

export interface CiOptions {
  junit?: string;
  github?: boolean;
  shard?: Shard;
  baseline?: string;
  baselineFactor?: number;
  json?: boolean;
}

/** The grad options for running in CI. */
export function ciOptions(): Option[] {
  return [
    new Option("--junit <file>", "also write a JUnit XML report to the file"),
    new Option("--github", "also print GitHub Actions annotations pointing at the fixtures"),
    new Option("--shard <i/n>", "check only shard i of n of the sorted fixtures").argParser(
      parseShard,
    ),
    new Option("--baseline <report>", "fail where errors grew against an earlier --json report"),
    new Option(
      "--baseline-factor <x>",
      `growth of a tensor's worst error that counts as a regression (default ${DEFAULT_BASELINE_FACTOR})`,
    ).argParser(positiveNumber),
  ];
}

/**
 * What grad does for CI around the checks themselves: sharding the fixture
 * list, judging against a baseline, and writing JUnit XML and annotations.
 */
export class CiRun {
  private constructor(
    private readonly options: CiOptions,
    private readonly baseline: Baseline | null,
    private readonly github: GithubAnnotations | null,
  ) {}

  /**
   * Check the CI options before any fixture runs, so a misspelt baseline or
   * report folder costs nothing; null (after a one-line message) when they
   * cannot work.
   */
  static start(options: CiOptions): CiRun | null {
    let baseline: Baseline | null = null;
    if (options.baseline !== undefined) {
      try {
        baseline = loadBaseline(options.baseline);
      } catch (error) {
        if (!(error instanceof InputError)) throw error;
        const where = error.path ? `${error.path}: ` : "";
        fail(`--baseline ${options.baseline}: ${where}${error.message}`);
        return null;
      }
    } else if (options.baselineFactor !== undefined) {
      fail("--baseline-factor needs --baseline <report>");
      return null;
    }
    if (options.junit !== undefined && !isFolder(dirname(options.junit))) {
      fail(`--junit ${options.junit}: no such folder ${dirname(options.junit)}`);
      return null;
    }
    const github = options.github ? new GithubAnnotations() : null;
    if (github) stream(options).write(github.begin());
    return new CiRun(options, baseline, github);
  }

  shard(entries: FixtureEntry[]): FixtureEntry[] {
    return selectShard(entries, this.options.shard);
  }

  /** Turn regressions against the baseline into failures, before anything is reported. */
  judge(outcomes: Outcome[]): void {
    if (!this.baseline) return;
    const factor = this.options.baselineFactor ?? DEFAULT_BASELINE_FACTOR;
    const unknown = applyBaseline(outcomes, this.baseline, factor);
    if (unknown.length > 0) {
      const which = unknown.length === 1 ? unknown[0] : `${unknown.length} fixtures`;
      const verb = unknown.length === 1 ? "is" : "are";
      process.stderr.write(
        `convcheck: note: ${which} ${verb} not in --baseline ${this.options.baseline}, so not compared\n`,
      );
    }
  }

  /** Write the CI reports; a report that cannot be written makes the run exit 2. */
  finish(outcomes: Outcome[], code: number): number {
    if (this.github) stream(this.options).write(this.github.end(outcomes));
    if (this.options.junit === undefined) return code;
    try {
      writeFileAtomic(this.options.junit, junitXml(outcomes));
    } catch (error) {
      fail(`cannot write --junit ${this.options.junit}: ${writeProblem(error)}`);
      return 2;
    }
    return code;
  }
}

/** Annotations go with the report, or to stderr when stdout carries JSON. */
function stream(options: CiOptions): NodeJS.WriteStream {
  return options.json ? process.stderr : process.stdout;
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function fail(message: string): void {
  process.stderr.write(`convcheck: ${message}\n`);
}
