import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { runCheck } from "../src/core/check.js";
import { InputError } from "../src/core/errors.js";
import { parseFixture } from "../src/fixture/load.js";

const good = {
  input: [
    [1, 2, 0],
    [0, -1, 3],
    [2, 1, 1],
  ],
  filter: [
    [1, -1],
    [2, 0],
  ],
  target: [
    [1, 0],
    [0, 1],
  ],
};

const fields = [
  "input",
  "filter",
  "bias",
  "target",
  "stride",
  "dilation",
  "padding",
  "groups",
  "tolerance",
  "expected",
  "activation",
  "lossFunction",
  "name",
];

/** Either a check result or an InputError: nothing a fixture holds may crash convcheck. */
async function outcome(text: string): Promise<"ok" | "input-error"> {
  try {
    await runCheck(parseFixture(text));
    return "ok";
  } catch (error) {
    if (error instanceof InputError) {
      expect(error.message.length).toBeGreaterThan(0);
      expect(error.message).not.toContain("\n");
      return "input-error";
    }
    throw error;
  }
}

describe("fixtures with arbitrary values in any field", () => {
  it("end in a result or an InputError, never another exception", async () => {
    const value = fc.oneof(
      fc.jsonValue({ maxDepth: 3 }),
      fc.array(fc.array(fc.double(), { maxLength: 4 }), { maxLength: 4 }),
      fc.array(fc.integer({ min: -3, max: 6 }), { maxLength: 5 }),
      fc.integer({ min: -3, max: 6 }),
      fc.constantFrom("same", "valid", "relu", "tanh", "mse_mean", "l1_mean"),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(fc.constantFrom(...fields), value, { maxKeys: 3 }),
        async (changes) => {
          await outcome(JSON.stringify({ ...good, ...changes }));
        },
      ),
      { numRuns: 400 },
    );
  });

  it("arbitrary JSON documents and text end in an InputError", async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.json(), fc.string()), async (text) => {
        await outcome(text);
      }),
      { numRuns: 300 },
    );
  });
});
