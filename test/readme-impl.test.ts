import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "./helpers/cli.js";

const readme = readFileSync(join(import.meta.dirname, "..", "README.md"), "utf8");
const env = { NO_COLOR: "1" };
const fixture = "fixtures/learner-5x5-k3-s2-p1.json";

/** The README shows real output: each example's lines appear in it as the command prints them. */
describe("the README's worked example is the commands' real output", () => {
  it("grad --impl examples/my-conv.js", async () => {
    const run = await runCli(["grad", fixture, "--impl", "examples/my-conv.js"], { env });
    expect(run.code).toBe(1);
    expect(readme).toContain(`${run.stderr}${run.stdout}`);
  });

  it("descend --impl examples/my-conv.js", async () => {
    const run = await runCli(["descend", fixture, "--impl", "examples/my-conv.js"], { env });
    expect(run.code).toBe(1);
    const lines = run.stdout.trimEnd().split("\n");
    expect(readme).toContain(lines.slice(0, 12).join("\n"));
    expect(readme).toContain(lines.slice(24).join("\n"));
  });

  it("explain --cell filter[0][1]", async () => {
    const run = await runCli(["explain", fixture, "--cell", "filter[0][1]"], { env });
    expect(run.code).toBe(0);
    expect(readme).toContain(run.stdout);
  });
});
