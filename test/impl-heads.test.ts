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
