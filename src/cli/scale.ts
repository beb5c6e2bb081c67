import { randomInt } from "node:crypto";
import { availableParallelism } from "node:os";
import type { CheckOptions } from "../core/check.js";
import { DEFAULT_DIRECTIONS } from "../core/directional.js";
import { parallelRunner } from "../parallel/pool.js";
import { progressOn } from "./progress.js";

export interface ScaleFlags {
  sample?: number;
  seed?: number;
  fast?: boolean;
  workers?: number;
  json?: boolean;
}

/** How a grad run spreads and reports its numerical work. */
export interface Scale {
  options: Pick<
    CheckOptions,
    "sample" | "fast" | "numerical" | "onProblem" | "onCellsPlanned" | "onProgress"
  >;
  /** Fixtures checked side by side, so that a folder keeps every worker busy. */
  concurrency: number;
  /** Stop the progress bar; call before printing the report. */
  finish(): void;
  /** Stop the worker threads; the report need not wait for them. */
  close(): Promise<void>;
}

export function defaultWorkers(): number {
  return availableParallelism();
}

/** A seed drawn when none is given; the report prints it so the run can be repeated. */
export function drawSeed(): number {
  return randomInt(0, 2 ** 32);
}

export function startScale(flags: ScaleFlags): Scale {
  const workers = flags.workers ?? defaultWorkers();
  const seed = flags.seed ?? (flags.sample !== undefined || flags.fast ? drawSeed() : 0);
  const parallel = parallelRunner({ workers });
  const progress = progressOn(process.stderr, !flags.json);
  return {
    options: {
      sample: flags.sample !== undefined ? { count: flags.sample, seed } : undefined,
      fast: flags.fast ? { directions: DEFAULT_DIRECTIONS, seed } : undefined,
      numerical: parallel.runner,
      // With --fast most checks never need the threads; they start on demand.
      onProblem: flags.fast ? undefined : (problem) => parallel.warm(problem, flags.sample),
      onCellsPlanned: (cells) => progress.plan(cells),
      onProgress: (cells) => progress.advance(cells),
    },
    concurrency: Math.max(1, workers),
    finish() {
      progress.stop();
    },
    close: () => parallel.close(),
  };
}

/** Map with at most `limit` calls in flight, results in the order of `items`. */
export async function inOrder<T, R>(
  items: T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}
