import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

/** The median of `runs` timings (ms) of fn after `warmup` untimed calls. */
export function medianMs(fn: () => unknown, runs = 7, warmup = 2): number {
  for (let i = 0; i < warmup; i++) fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    fn();
    times.push(performance.now() - start);
  }
  return median(times);
}

/**
 * The median of `runs` timings (ms) of fn once it runs at its steady speed:
 * calls are made untimed for at least `warmupMs` first, so that the
 * JavaScript engine has compiled fn's loops to machine code (the PyTorch
 * peer is timed after the same warm-up).
 */
export function steadyMs(fn: () => unknown, runs = 41, warmupMs = 200, minCalls = 5): number {
  const until = performance.now() + warmupMs;
  for (let i = 0; i < minCalls || performance.now() < until; i++) fn();
  return medianMs(fn, runs, 0);
}

export async function medianMsAsync(fn: () => Promise<unknown>, runs = 5, warmup = 1) {
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
  }
  return median(times);
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const GNU_TIME = "/usr/bin/time";

export interface CommandTiming {
  /** Median wall time in ms. */
  ms: number;
  /** Largest resident set over the runs, in MB (null without GNU time). */
  peakMb: number | null;
  exitCode: number;
}

/**
 * A whole command as a person runs it from a shell: the median wall time of
 * `runs` runs after one warm-up, and the peak memory GNU time reports.
 */
export function timeCommand(command: string, cwd: string, runs = 5): CommandTiming {
  const withTime = existsSync(GNU_TIME);
  const once = () => {
    const start = performance.now();
    const shell = withTime
      ? `${GNU_TIME} -f "%M" sh -c '${command} > /dev/null'`
      : `${command} > /dev/null`;
    const result = spawnSync("sh", ["-c", shell], { cwd, encoding: "utf8" });
    const ms = performance.now() - start;
    const lines = (result.stderr ?? "").trim().split("\n");
    const kb = withTime ? Number(lines[lines.length - 1]) : Number.NaN;
    return { ms, peakMb: Number.isFinite(kb) ? kb / 1024 : null, code: result.status ?? -1 };
  };
  once();
  const results = Array.from({ length: runs }, once);
  const peaks = results.map((r) => r.peakMb).filter((p): p is number => p !== null);
  return {
    ms: median(results.map((r) => r.ms)),
    peakMb: peaks.length ? Math.max(...peaks) : null,
    exitCode: results[0].code,
  };
}
