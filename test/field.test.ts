import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type CheckResult, runCheck, type TensorCheck } from "../src/core/check.js";
import { compare } from "../src/core/compare.js";
import { InputError } from "../src/core/errors.js";
import { type Fixture, loadFixture, parseFixture } from "../src/fixture/load.js";
import { expectAllClose, flat } from "./helpers/allclose.js";
import { runCli } from "./helpers/cli.js";

const dir = join(import.meta.dirname, "..", "fixtures", "field");
const exact = { rtol: 1e-12, atol: 1e-12 };
/** The numerical side: central differences agree with the exact values to rounding. */
const numericalClose = { rtol: 1e-9, atol: 1e-9 };

async function check(name: string): Promise<{ fixture: Fixture; result: CheckResult }> {
  const fixture = loadFixture(join(dir, `${name}.json`));
  return { fixture, result: await runCheck(fixture) };
}

function gradient(result: CheckResult, name: TensorCheck["name"]): TensorCheck {
  const g = result.gradients.find((t) => t.name === name);
  if (!g) throw new Error(`no ${name} gradient`);
  return g;
}

/** Both sides of one gradient equal the right values from the field notes. */
function expectGradient(result: CheckResult, name: TensorCheck["name"], right: number[][]) {
  const g = gradient(result, name);
  expectAllClose(g.analytic, flat(right), exact, `${name} analytic`);
  expectAllClose(g.numerical, flat(right), numericalClose, `${name} numerical`);
}

const pads = (r: CheckResult) => [r.geo.padTop, r.geo.padBottom, r.geo.padLeft, r.geo.padRight];

describe("C1 x=[5,5] f=[3,3] s=2: stride forgotten where the backward pass places windows", () => {
  const faulty = [5, -1, -8, 26, 0, 21, 18, 14, -13];

  it("computes O and dE/dF as PyTorch does, and passes", async () => {
    const { result } = await check("c1-stride-in-backward");
    expectAllClose(result.output, [4, 4, 5, -7], exact, "output");
    expectGradient(result, "filter", [
      [12, -1, 10],
      [32, 5, -17],
      [21, -20, 15],
    ]);
    expect(result.pass).toBe(true);
  });

  it("fails the faulty gradient although one of its cells agrees", async () => {
    const { result } = await check("c1-stride-in-backward");
    const g = gradient(result, "filter");
    const verdict = compare(faulty, g.numerical, result.rule);
    expect(verdict.pass).toBe(false);
    expect(verdict.failing).toHaveLength(8);
    expect(verdict.failing).not.toContain(1);
  });

  it("fails a fixture whose expected filterGrad is the faulty one", async () => {
    const { fixture } = await check("c1-stride-in-backward");
    const raw = {
      ...fixture.raw,
      expected: { filterGrad: [faulty.slice(0, 3), faulty.slice(3, 6), faulty.slice(6)] },
    };
    const result = await runCheck(parseFixture(JSON.stringify(raw)));
    expect(result.pass).toBe(false);
  });

  it("warns when the input is constant, which would hide the fault", async () => {
    const { fixture } = await check("c1-stride-in-backward");
    const raw = { ...fixture.raw, input: Array.from({ length: 5 }, () => [2, 2, 2, 2, 2]) };
    delete (raw as { expected?: unknown }).expected;
    const result = await runCheck(parseFixture(JSON.stringify(raw)));
    expect(result.warnings.map((w) => w.code)).toContain("constant-tensor");
    expect(result.warnings.find((w) => w.code === "constant-tensor")?.message).toContain("input");
  });
});

describe("C2 x=[4,4] f=[2,2] s=2: one constant factor off", () => {
  it("computes O and dE/dF, and fails a gradient a quarter of the right one in every cell", async () => {
    const { result } = await check("c2-constant-factor");
    expectAllClose(result.output, [-1, -3, 0, 4], exact, "output");
    expectGradient(result, "filter", [
      [-1, -8],
      [-8, 8],
    ]);
    const verdict = compare([-0.25, -2, -2, 2], gradient(result, "filter").numerical, result.rule);
    expect(verdict.failing).toEqual([0, 1, 2, 3]);
  });
});

describe("C3 x=[6,6] f=[3,3] s=2: rows the windows never reach", () => {
  it("computes O and dE/dF, and dE/dI is exactly 0 in row 5 and column 5", async () => {
    const { result } = await check("c3-unread-rows");
    expectAllClose(result.output, [-4, 3, -3, 1], exact, "output");
    expectGradient(result, "filter", [
      [3, 4, -6],
      [-14, -8, 13],
      [7, 5, 0],
    ]);
    const dInput = gradient(result, "input");
    expect(dInput.shape).toEqual([6, 6]);
    for (let i = 0; i < 6; i++) {
      for (const cell of [5 * 6 + i, i * 6 + 5]) {
        expect(dInput.analytic[cell]).toBe(0);
        expect(dInput.numerical[cell]).toBe(0);
        expect(dInput.comparison.relError[cell]).toBe(0);
      }
    }
    expect(result.pass).toBe(true);
  });

  it("warns that row 5 and column 5 are never read", async () => {
    const { result } = await check("c3-unread-rows");
    const warning = result.warnings.find((w) => w.code === "unused-input");
    expect(warning?.message).toMatch(/row 5\b/);
    expect(warning?.message).toMatch(/column 5\b/);
  });
});

describe("C4 'same' with stride 2 is not symmetric", () => {
  it("x=[6,6] f=[3,3] s=2 p=same: pads (0,1,0,1), output 3x3", async () => {
    const { result } = await check("c4-same-s2-6x6-k3");
    expect(pads(result)).toEqual([0, 1, 0, 1]);
    expect(result.geo.outputShape).toEqual([3, 3]);
    expect(result.pass).toBe(true);
  });

  it("x=[2,2] f=[3,3] s=2 p=same: pads (0,1,0,1), O=[[27]], dE/dF as PyTorch", async () => {
    const { result } = await check("c4-same-s2-2x2-k3");
    expect(pads(result)).toEqual([0, 1, 0, 1]);
    expectAllClose(result.output, [27], exact, "output");
    expectGradient(result, "filter", [
      [27, 54, 0],
      [81, 108, 0],
      [0, 0, 0],
    ]);
  });

  it("x=[1,1] f=[3,3] s=2 p=same: pads (1,1,1,1), O=[[20]], dE/dF 100 in the centre", async () => {
    const { result } = await check("c4-same-s2-1x1-k3");
    expect(pads(result)).toEqual([1, 1, 1, 1]);
    expectAllClose(result.output, [20], exact, "output");
    expectGradient(result, "filter", [
      [0, 0, 0],
      [0, 100, 0],
      [0, 0, 0],
    ]);
  });

  it("x=[6,6] f=[3,3] s=2 p=same: the text report prints the four pads", async () => {
    const run = await runCli(["grad", join(dir, "c4-same-s2-6x6-k3.json")]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("pads top 0 bottom 1 left 0 right 1");
  });
});

describe("C5 x=[2,2] f=[2,2] s=2 p=1 d=2: taps that only see padding", () => {
  it("computes O=[[20]] and dE/dF, with relative error 0 (not NaN) on padding-only taps", async () => {
    const { result } = await check("c5-dilation-padding-only-taps");
    expect(result.geo.outputShape).toEqual([1, 1]);
    expectAllClose(result.output, [20], exact, "output");
    expectGradient(result, "filter", [
      [0, 0],
      [0, 100],
    ]);
    const g = gradient(result, "filter");
    for (const cell of [0, 1, 2]) {
      expect(g.analytic[cell]).toBe(0);
      expect(g.numerical[cell]).toBe(0);
      expect(g.comparison.relError[cell]).toBe(0);
    }
    expect(result.pass).toBe(true);
  });

  it("warns about taps [0][0], [0][1] and [1][0]", async () => {
    const { result } = await check("c5-dilation-padding-only-taps");
    const warning = result.warnings.find((w) => w.code === "padding-only-taps");
    expect(warning?.message).toContain("[0][0], [0][1], [1][0]");
    expect(warning?.message).not.toContain("[1][1]");
  });

  it("names the shape error of a target sized without dilation (2x2)", async () => {
    const { fixture } = await check("c5-dilation-padding-only-taps");
    const raw = {
      ...fixture.raw,
      target: [
        [0, 0],
        [0, 0],
      ],
    };
    delete (raw as { expected?: unknown }).expected;
    let error: unknown;
    try {
      parseFixture(JSON.stringify(raw));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).path).toBe("target");
    expect((error as InputError).message).toContain("[2, 2]");
    expect((error as InputError).message).toContain("[1, 1]");
  });
});

describe("C6 x=[1,3] f=[1,1] s=(1,2): stride larger than the filter, unequal strides", () => {
  it("computes O, dE/dF and dE/dI with the middle input skipped", async () => {
    const { result } = await check("c6-unequal-strides");
    expectAllClose(result.output, [2, 1], exact, "output");
    expectGradient(result, "filter", [[6]]);
    expectGradient(result, "input", [[0.5, 0, 0.5]]);
    expect(result.pass).toBe(true);
  });

  it("fails the gradient of a backward pass that forgets the stride on one axis", async () => {
    const { result } = await check("c6-unequal-strides");
    const verdict = compare([1], gradient(result, "filter").numerical, result.rule);
    expect(verdict.pass).toBe(false);
  });
});

describe("C7 sizes come from the fixture, never from the output", () => {
  it("x=[2,2] f=[3,3] s=2 p=1: O=[[7]], dE/dF and dE/dI as PyTorch", async () => {
    const { result } = await check("c7-sizes-from-fixture-2x2");
    expect(result.geo.outputShape).toEqual([1, 1]);
    expectAllClose(result.output, [7], exact, "output");
    expectGradient(result, "filter", [
      [0, 0, 0],
      [0, 14, -7],
      [0, 21, 7],
    ]);
    expectGradient(result, "input", [
      [7, -7],
      [7, 7],
    ]);
  });

  it("x=[1,1] f=[3,3] s=2 p=1: the same 1x1 output, and a 1x1 input gradient", async () => {
    const { result } = await check("c7-sizes-from-fixture-1x1");
    expect(result.geo.outputShape).toEqual([1, 1]);
    expect(gradient(result, "input").shape).toEqual([1, 1]);
    expect(result.geo.inHeight).toBe(1);
    expect(result.pass).toBe(true);
  });
});

describe("every field fixture", () => {
  it("passes with its stored expected values", async () => {
    const run = await runCli(["grad", "--json", dir]);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout);
    const count = readdirSync(dir).filter((f) => f.endsWith(".json")).length;
    expect(count).toBeGreaterThanOrEqual(10);
    expect(report.summary).toEqual({ total: count, passed: count, failed: 0, errors: 0 });
    const c5 = report.results.find((r: { file: string }) => r.file.includes("c5-"));
    expect(c5.gradients.filter.relError).toEqual([
      [0, 0],
      [0, expect.any(Number)],
    ]);
  });
});
