import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "vitest";

export const root = join(import.meta.dirname, "..");
export const goldenDir = join(root, "fixtures", "golden");
const bin = join(root, "bin", "convcheck.js");

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run the built command line (npm test builds dist first). */
export function convcheck(args: string[], cwd = root): Run {
  const run = spawnSync(process.execPath, [bin, ...args], {
    cwd,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1" },
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** The same, without blocking the test worker, for running several at once. */
export function convcheckAsync(args: string[], cwd = root): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      cwd,
      env: { ...process.env, NO_COLOR: "1" },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk) => {
      stdout += chunk;
    });
    child.stderr.setEncoding("utf8").on("data", (chunk) => {
      stderr += chunk;
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** A fresh temporary folder, removed by the returned function. */
export function tempDir(prefix = "convcheck-"): [string, () => void] {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return [dir, () => rmSync(dir, { recursive: true, force: true })];
}

/** A stack trace line as Node prints one: `    at fn (file.js:12:5)`. */
export const STACK_LINE = /^\s+at .*(:\d+:\d+\)?|<anonymous>|native)/m;

/**
 * Every element within rtol of the reference, relative to the larger of the
 * element's magnitude and 1e-300 (so exact zeros must match exactly).
 */
export function expectAllClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  rtol: number,
  what = "values",
): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const scale = Math.max(Math.abs(expected[i]), Math.abs(actual[i]), 1e-300);
    const rel = Math.abs(actual[i] - expected[i]) / scale;
    if (!(rel <= rtol) && actual[i] !== expected[i]) {
      expect.fail(`${what}[${i}]: ${actual[i]} vs ${expected[i]} (rel ${rel} > ${rtol})`);
    }
  }
}

export function flatten(value: unknown): number[] {
  return Array.isArray(value) ? value.flatMap(flatten) : [value as number];
}
