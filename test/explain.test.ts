import { describe, expect, it } from "vitest";
import { backward, forward } from "../src/core/conv.js";
import { explainCell, parseCell } from "../src/core/explain.js";
import { PLAIN_HEAD } from "../src/core/head.js";
import type { Problem } from "../src/core/numerical.js";
import type { Fixture } from "../src/fixture/load.js";
import { runCli } from "./helpers/cli.js";
import { expectClose, field, fixtureOf, golden } from "./support/impl.js";

const problemOf = (f: Fixture): Problem => ({
  geo: f.geo,
  input: f.input.data,
  filter: f.filter.data,
  bias: f.bias?.data ?? null,
  target: f.target.data,
});

describe("explain: the chain rule for one cell, term by term", () => {
  for (const file of [
    "nchw-2x2x7x7-o3-k3-s2-p1.json",
    "groups2-bias-4x5x5-o2-k2-s2.json",
    "pairs-8x9-k3-s12-d21-p21.json",
  ]) {
    it(`${file}: every cell's terms sum to the backward pass`, () => {
      const f = golden(file);
      const p = problemOf(f);
      const o = forward(p.geo, p.input, p.filter, p.bias);
      const grads = backward(
        p.geo,
        p.input,
        p.filter,
        o.map((v, i) => v - p.target[i]),
        p.bias !== null,
      );
      for (const tensor of ["filter", "input", "bias"] as const) {
        const want = grads[tensor];
        if (!want) continue;
        const sums = Array.from(want, (_, cell) => explainCell(p, PLAIN_HEAD, tensor, cell).sum);
        expectClose(sums, want, 1e-12, tensor);
        // And against PyTorch's stored values.
        const stored = {
          filter: f.expected.filterGrad,
          input: f.expected.inputGrad,
          bias: f.expected.biasGrad,
        }[tensor];
        expectClose(sums, stored!.data, 1e-9);
      }
    });
  }

  it("C5: taps that only see padding have only padding terms, and sum to exactly 0", async () => {
    const f = field("c5-dilation-padding-only-taps");
    const p = problemOf(f);
    const corner = explainCell(p, PLAIN_HEAD, "filter", 0);
    expect(corner.terms).toHaveLength(1);
    expect(corner.terms[0].padding).toEqual([-1, -1]);
    expect(corner.sum).toBe(0);
    const real = explainCell(p, PLAIN_HEAD, "filter", 3);
    expect(real.terms[0].partner).toEqual({ tensor: "input", index: [1, 1], value: 5 });
    expect(real.terms[0].gradOutput).toBe(20);
    expect(real.sum).toBe(100);
  });

  it("C3: an input row no window reads has no terms and gradient 0", async () => {
    const f = fixtureOf({
      input: [
        [1, 0, 2, -1, 1, 4],
        [2, 1, -1, 0, 3, 5],
        [0, -2, 1, 1, 2, -3],
        [1, 1, 0, -1, 0, 2],
        [-1, 2, 1, 0, 1, 1],
        [6, -4, 7, 2, -5, 9],
      ],
      filter: [
        [1, 2, 0],
        [-1, 1, 1],
        [0, 1, -1],
      ],
      stride: 2,
      target: [
        [0, 0],
        [0, 0],
      ],
    });
    const e = explainCell(problemOf(f), PLAIN_HEAD, "input", 5 * 6 + 2);
    expect(e.terms).toEqual([]);
    expect(e.sum).toBe(0);
    expect(e.analytic).toBe(0);
  });

  it("cells are read in the fixture's own shape, and bad ones are refused", async () => {
    const p = problemOf(golden("batch2-bias-2x1x6x6-o2-k3-p1.json"));
    expect(parseCell("filter[1][0][2][1]", p)).toEqual({ tensor: "filter", flat: 9 + 7 });
    expect(parseCell("bias[1]", p)).toEqual({ tensor: "bias", flat: 1 });
    expect(() => parseCell("filter[0][1]", p)).toThrow(
      /give 4 indices, as in filter\[0\]\[0\]\[0\]\[0\]/,
    );
    expect(() => parseCell("input[2][0][0][0]", p)).toThrow(/index 2 is out of range for axis 0/);
    expect(() => parseCell("weight[0]", p)).toThrow(/is not a cell/);
    expect(() => parseCell("bias[0]", problemOf(golden("s1-p0-5x5-k3.json")))).toThrow(/no bias/);
  });
});

const cli = (...args: string[]) => runCli(["explain", ...args], { env: { NO_COLOR: "1" } });

describe("convcheck explain (built CLI)", () => {
  const seed = "fixtures/golden/seed-6x6-k3-s2-p1.json";
  it("filter[0][1]: exit 0, terms in padding marked, the sum equals the backward pass", async () => {
    const run = await cli(seed, "--cell", "filter[0][1]");
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^dE\/dFilter\[0\]\[1\] = -2\.88142788/);
    expect(run.stdout).toMatch(/\[-1\]\[0\]\s+padding\s+0/);
    expect(run.stdout).toMatch(/9 terms, 3 of them in the zero padding/);
    expect(run.stdout).toMatch(
      /backward pass gives -2\.88142788, the central difference -2\.88142788/,
    );
  });

  it("--json lists the terms", async () => {
    const json = JSON.parse((await cli(seed, "--cell", "input[2][2]", "--json")).stdout);
    expect(json.cell).toBe("input[2][2]");
    expect(json.terms).toHaveLength(1);
    expect(json.sum).toBeCloseTo(json.analytic, 12);
    expect(json.numerical).toBeCloseTo(json.analytic, 9);
  });

  it("an unknown cell or a bad fixture: exit 2 with one line", async () => {
    const unknown = await cli(seed, "--cell", "filter[3][1]");
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe(
      "convcheck: error: --cell: filter[3][1]: index 3 is out of range for axis 0 of filter [3, 3]\n",
    );
    const missing = await cli("nope.json", "--cell", "filter[0][0]");
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe("convcheck: error: nope.json: no such file\n");
  });
});
