import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { backward, forward } from "../src/core/conv.js";
import { descend, type Evaluate, verdictOf } from "../src/core/descend.js";
import { largestEigenvalue } from "../src/core/hessian.js";
import type { Fixture } from "../src/fixture/load.js";
import { runCli } from "./helpers/cli.js";
import { golden } from "./support/impl.js";

/** Gradients of E = 1/2 sum (O - T)^2, optionally scaled the wrong way. */
function reference(f: Fixture, scale = 1): Evaluate {
  return async (at) => {
    const o = forward(f.geo, f.input.data, at.filter, at.bias);
    const r = o.map((v, i) => v - f.target.data[i]);
    const g = backward(f.geo, f.input.data, at.filter, r, at.bias !== null);
    const loss = 0.5 * r.reduce((sum, v) => sum + v * v, 0);
    return { loss, filter: g.filter.map((v) => v * scale), bias: g.bias };
  };
}

function limit(f: Fixture): number {
  const size = f.filter.data.length + (f.bias ? f.geo.outChannels : 0);
  const curvature = { geo: f.geo, input: f.input.data, hasBias: f.bias !== null, lossFactor: 1 };
  return 2 / largestEigenvalue(curvature, size).value;
}

const start = (f: Fixture) => ({ filter: f.filter.data, bias: f.bias?.data ?? null });

describe("descend verdicts on cases built for each", () => {
  const f = golden("batch2-bias-2x1x6x6-o2-k3-p1.json");
  const lrMax = limit(f);

  it("right gradients at half the stable limit: converges", async () => {
    const d = await descend(reference(f), start(f), lrMax / 2, 50);
    expect(d.losses).toHaveLength(51);
    expect(verdictOf(d, lrMax / 2, lrMax, 1e-9)).toBe("converges");
  });

  it("right gradients at 1.1 times the stable limit: diverges-lr", async () => {
    const d = await descend(reference(f), start(f), 1.1 * lrMax, 50);
    expect(d.losses.at(-1)).toBeGreaterThan(d.losses[0]);
    expect(verdictOf(d, 1.1 * lrMax, lrMax, 1e-9)).toBe("diverges-lr");
  });

  it("just under the limit the same gradients converge: the limit is where it says", async () => {
    const d = await descend(reference(f), start(f), 0.98 * lrMax, 50);
    expect(verdictOf(d, 0.98 * lrMax, lrMax, 1e-6)).toBe("converges");
  });

  it("a gradient that climbs at a stable rate: rises-inconsistent-gradient", async () => {
    const d = await descend(reference(f, -1), start(f), lrMax / 2, 20);
    expect(verdictOf(d, lrMax / 2, lrMax, 1e-9)).toBe("rises-inconsistent-gradient");
  });

  it("a rise below the rounding slack is not a rise", async () => {
    const d = { losses: [3, 2, 1, 1 + 1e-14, 0.5], overflowAt: null };
    expect(verdictOf(d, 1, 2, 1e-12)).toBe("converges");
    expect(verdictOf({ ...d, losses: [3, 2, 1, 1.1, 0.5] }, 1, 2, 1e-12)).toBe(
      "rises-inconsistent-gradient",
    );
    expect(verdictOf({ losses: [3, 2], overflowAt: 2 }, 3, 2, 0)).toBe("diverges-lr");
  });
});

const cli = (...args: string[]) => runCli(["descend", ...args], { env: { NO_COLOR: "1" } });

describe("convcheck descend (built CLI)", () => {
  const seed = "fixtures/golden/seed-6x6-k3-s2-p1.json";

  it("defaults: half the stable limit, 50 steps, converges, exit 0", async () => {
    const run = await cli(seed, "--json");
    expect(run.code).toBe(0);
    const json = JSON.parse(run.stdout);
    expect(json.verdict).toBe("converges");
    expect(json.losses).toHaveLength(51);
    expect(json.lr).toBeCloseTo(json.lrMax / 2, 12);
    expect(json.lrMax).toBeCloseTo(2 / json.eigenvalue, 12);
  });

  it("the classic strided forward with a right backward: falls, then climbs; exit 1", async () => {
    const run = await cli(seed, "--impl", "test/impls/classic.js", "--json");
    expect(run.code).toBe(1);
    const json = JSON.parse(run.stdout);
    expect(json.verdict).toBe("rises-inconsistent-gradient");
    expect(json.losses[1]).toBeLessThan(json.losses[0]);
    expect(json.firstRise).toBe(2);
  });

  it("a rate above the limit: diverges-lr, exit 1, and the text says what to try", async () => {
    const run = await cli(seed, "--lr", "0.2", "--steps", "20");
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^diverges-lr /);
    expect(run.stdout).toMatch(/try --lr 0\.0458954/);
    expect(run.stdout).toMatch(/┤/);
  });

  it("bad input: exit 2 with one line", async () => {
    const missing = await cli("fixtures/golden/none.json");
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(
      /^convcheck: error: fixtures\/golden\/none\.json: no such file\n$/,
    );
    const dir = mkdtempSync(join(tmpdir(), "convcheck-descend-"));
    const l1 = join(dir, "l1.json");
    writeFileSync(l1, JSON.stringify({ ...withHead(seed), lossFunction: "l1_mean" }));
    const refused = await cli(l1);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/lossFunction: the loss l1_mean has no curvature/);
  });
});

function withHead(file: string): Record<string, unknown> {
  const { expected: _stored, ...doc } = JSON.parse(readFileSync(file, "utf8"));
  return doc;
}

describe("descend with an activation: the limit from the Hessian at the starting point", () => {
  const dir = mkdtempSync(join(tmpdir(), "convcheck-descend-"));
  const write = (name: string, doc: Record<string, unknown>) => {
    const file = join(dir, name);
    writeFileSync(file, JSON.stringify(doc));
    return file;
  };
  const base = "fixtures/golden/chw-3x8x8-o4-k3-s1-p1-bias.json";

  it("tanh, convcheck's gradients, half the limit: converges", async () => {
    const run = await cli(write("tanh.json", { ...withHead(base), activation: "tanh" }), "--json");
    expect(run.code).toBe(0);
    const json = JSON.parse(run.stdout);
    expect(json.verdict).toBe("converges");
    expect(json.lr).toBeCloseTo(json.lrMax / 2, 12);
  });

  it("relu, right gradients, a rise from a crossed kink: the rate, not the gradient", async () => {
    const run = await cli(write("relu.json", { ...withHead(base), activation: "relu" }), "--json");
    const json = JSON.parse(run.stdout);
    expect(json.firstRise).toBeGreaterThan(0);
    expect(json.verdict).toBe("diverges-lr");
    expect(json.gradientAgreesAtRise).toBe(true);
  });

  it("tanh with its derivative taken at the output: rises-inconsistent-gradient", async () => {
    const file = write("tanh-impl.json", { ...withHead(base), activation: "tanh" });
    const run = await cli(
      file,
      "--impl",
      "test/impls/tanh-derivative-at-output.js",
      "--steps",
      "80",
      "--json",
    );
    expect(run.code).toBe(1);
    const json = JSON.parse(run.stdout);
    expect(json.verdict).toBe("rises-inconsistent-gradient");
    expect(json.gradientAgreesAtRise).toBe(false);
  });
});
