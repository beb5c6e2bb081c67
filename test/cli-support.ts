import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const root = join(import.meta.dirname, "..");
export const goldenDir = join(root, "fixtures", "golden");
const bin = join(root, "bin", "convcheck.js");

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Run the built command line synchronously (npm test builds dist first);
 * helpers/cli.ts has the asynchronous runCli for running several at once.
 */
export function convcheck(args: string[], cwd = root): Run {
  const run = spawnSync(process.execPath, [bin, ...args], {
    cwd,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1" },
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** A fresh temporary folder, removed by the returned function. */
export function tempDir(prefix = "convcheck-"): [string, () => void] {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return [dir, () => rmSync(dir, { recursive: true, force: true })];
}

/** A stack trace line as Node prints one: `    at fn (file.js:12:5)`. */
export const STACK_LINE = /^\s+at .*(:\d+:\d+\)?|<anonymous>|native)/m;
