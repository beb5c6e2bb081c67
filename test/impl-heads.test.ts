import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { check, codes, fixtureOf, golden, goldenFiles, loadImpl, local } from "./support/impl.js";

/** A golden fixture with tanh after the bias and the given loss, its stored values dropped. */
function withTanh(file: string, lossFunction: string) {
  const fixture = golden(file);
  const { expected: _stored, ...doc } = fixture.raw;
  return fixtureOf({ ...doc, activation: "tanh", lossFunction });
}

describe("--impl with an activation: the person's forward includes it", () => {
  for (const lossFunction of ["mse", "mse_mean"]) {
    it(`tanh + ${lossFunction}: a right layer passes every golden fixture`, async () => {
      const impl = local("tanh-correct.js", await loadImpl("tanh-correct.js"));
      for (const file of goldenFiles) {
        const run = await check(withTanh(file, lossFunction), impl);
        expect(codes(run), file).toEqual([]);
        expect(run.result?.pass, file).toBe(true);
      }
    });
  }

  for (const [name, code] of [
    ["tanh-derivative-missing.js", "activation-derivative-missing"],
    ["tanh-derivative-at-output.js", "activation-derivative-at-output"],
  ]) {
    it(`${name} fails and is named ${code} on every golden fixture`, async () => {
      const impl = local(name, await loadImpl(name));
      for (const file of goldenFiles) {
        const run = await check(withTanh(file, "mse"), impl);
        expect(run.result?.pass, file).toBe(false);
        expect(codes(run), file).toContain(`${code}:filter`);
        expect(codes(run), file).not.toContain("forward-mismatch:output");
      }
    });
  }
});

describe("--impl across a kink", () => {
  it("C9 relu: a right layer passes, its kink cells judged one-sidedly through its forward", async () => {
    const impl = local("relu-correct.js", await loadImpl("relu-correct.js"));
    const fixture = fixtureOf(
      JSON.parse(
        readFileSync(
          join(import.meta.dirname, "..", "fixtures", "field", "c9-relu-kink.json"),
          "utf8",
        ),
      ),
    );
    const run = await check(fixture, impl);
    expect(codes(run)).toEqual([]);
    const filter = run.result!.gradients.find((g) => g.name === "filter")!;
    expect(filter.kinks.size).toBe(4);
    const sides = filter.kinks.get(0)!;
    expect(Math.min(sides.left, sides.right)).toBeCloseTo(-4, 6);
    expect(Math.max(sides.left, sides.right)).toBeCloseTo(-3, 6);
    expect(run.result!.pass).toBe(true);
  });

  it("C9 relu with the derivative left out still fails", async () => {
    const fixture = fixtureOf({
      ...JSON.parse(
        readFileSync(
          join(import.meta.dirname, "..", "fixtures", "field", "c9-relu-kink.json"),
          "utf8",
        ),
      ),
      activation: "tanh",
    });
    const impl = local("tanh-derivative-missing.js", await loadImpl("tanh-derivative-missing.js"));
    const run = await check(fixture, impl);
    expect(run.result!.pass).toBe(false);
  });
});
