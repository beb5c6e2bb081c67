import { execFile, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";

export const root = join(import.meta.dirname, "..", "..");
const bin = join(root, "bin", "convcheck.js");

if (!existsSync(join(root, "dist", "bundle", "main.js"))) {
  throw new Error("dist/ is missing: run `npm run build` (npm test does) before these tests");
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run the built binary as a person would, without a terminal. */
export function runCli(
  args: string[],
  options: { env?: Record<string, string | undefined>; cwd?: string } = {},
): Promise<CliRun> {
  const env = { ...process.env, ...options.env };
  for (const [key, value] of Object.entries(env)) if (value === undefined) delete env[key];
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [bin, ...args],
      { cwd: options.cwd ?? root, env, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** Run many command lines, a few at a time, keeping their order. */
export async function runAll(jobs: string[][], parallel = 4): Promise<CliRun[]> {
  const results: CliRun[] = new Array(jobs.length);
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const i = next++;
      results[i] = await runCli(jobs[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, jobs.length) }, worker));
  return results;
}

/** grad --impl on the worked example with the classic strided-forward mistake, its page in `file`. */
export function classicImplPage(file: string) {
  return spawnSync(
    process.execPath,
    [
      bin,
      "grad",
      join(root, "fixtures", "learner-5x5-k3-s2-p1.json"),
      "--impl",
      join(root, "test", "impls", "classic.js"),
      "--html",
      file,
    ],
    { encoding: "utf8" },
  );
}
