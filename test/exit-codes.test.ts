import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { goldenDir, STACK_LINE } from "./cli-support.js";
import { runCli } from "./helpers/cli.js";

const fixture = join(goldenDir, "s1-p0-5x5-k3.json");

/**
 * One table for every command: 0 good, 1 a check failed, 2 bad input or
 * misuse. (--shard, --baseline and update's 1 are exercised in their own files.)
 */
describe("exit codes of the CI commands", () => {
  it.each([
    [["schema"], 0],
    [["update", "--check", fixture], 0],
    [["schema", "extra"], 2],
    [["update"], 2],
    [["update", "--bogus", fixture], 2],
    [["update", "/no/such/fixture.json"], 2],
    [["grad", fixture, "--junit"], 2],
  ])("convcheck %j exits %i", async (args, code) => {
    const run = await runCli(args);
    expect(run.code).toBe(code);
    expect(run.stderr).not.toMatch(STACK_LINE);
    if (code === 2) expect(run.stderr.trim().split("\n").length).toBeLessThanOrEqual(2);
  });
});
