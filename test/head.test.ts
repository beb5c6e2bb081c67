import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  type CheckInput,
  type NumericalSetting,
  runCheck,
  runInThread,
} from "../src/core/check.js";
import { compare } from "../src/core/compare.js";
import { backward, forward } from "../src/core/conv.js";
import { diagnoseHead } from "../src/core/diagnose-head.js";
import {
  activate,
  activation,
  type Head,
  headGradient,
  loss,
  outputLossGradient,
} from "../src/core/head.js";
import { classify, epsSweep } from "../src/core/sweep.js";
import { loadFixture, parseFixture } from "../src/fixture/load.js";

const root = join(import.meta.dirname, "..", "fixtures");
const golden = readdirSync(join(root, "golden"))
  .filter((f) => f.endsWith(".json"))
  .map((f) => loadFixture(join(root, "golden", f)));

const heads: Array<[string, Head]> = [];
for (const [name, slope] of [
  ["relu", 0.01],
  ["tanh", 0.01],
  ["sigmoid", 0.01],
  ["leaky_relu", 0.01],
  ["leaky_relu", 0.2],
] as const) {
  for (const fn of ["mse", "mse_mean", "l1_mean"] as const) {
    heads.push([
      `${name}(${slope}) + ${fn}`,
      { activation: activation(name, slope), loss: loss(fn) },
    ]);
  }
}

function problemOf(f: CheckInput) {
  return {
    geo: f.geo,
    input: f.input.data,
    filter: f.filter.data,
    bias: f.bias?.data ?? null,
    target: f.target.data,
  };
}

describe("activation and loss after the correlation", () => {
  it("every golden fixture passes with every activation and loss", async () => {
    let checks = 0;
    for (const fixture of golden) {
      for (const [, head] of heads) {
        const result = await runCheck({ ...fixture, expected: {}, head });
        expect(result.pass).toBe(true);
        checks++;
      }
    }
    expect(checks).toBe(20 * 15);
  });

  it("output is act(correlation + bias) for each activation", async () => {
    const fixture = golden.find((f) => f.bias)!;
    const z = forward(fixture.geo, fixture.input.data, fixture.filter.data, fixture.bias!.data);
    const expected: Record<string, (v: number) => number> = {
      relu: (v) => Math.max(v, 0),
      tanh: Math.tanh,
      sigmoid: (v) => 1 / (1 + Math.exp(-v)),
      leaky_relu: (v) => (v > 0 ? v : 0.01 * v),
    };
    for (const [name, fn] of Object.entries(expected)) {
      const head = { activation: activation(name as "relu"), loss: loss("mse") };
      const result = await runCheck({ ...fixture, expected: {}, head });
      result.output.forEach((y, i) => {
        expect(y).toBeCloseTo(fn(z[i]), 12);
      });
    }
  });

  // The two classic mistakes: the activation's derivative left out, or taken
  // at the output y instead of the pre-activation z.
  for (const name of ["relu", "tanh", "sigmoid", "leaky_relu"] as const) {
    it(`${name}: gradients missing act'(z), or using act'(y), fail the check`, async () => {
      let failedMissing = 0;
      let failedAtOutput = 0;
      for (const fixture of golden) {
        const head = { activation: activation(name), loss: loss("mse") };
        const result = await runCheck({ ...fixture, expected: {}, head });
        const p = problemOf(fixture);
        const z = forward(p.geo, p.input, p.filter, p.bias);
        const dy = outputLossGradient(head, activate(head, z), p.target);
        const atOutput = dy.map(
          (g, i) => g * head.activation.derivative(head.activation.apply(z[i])),
        );
        const right = headGradient(head, z, p.target);
        for (const [wrong, count] of [
          [dy, "missing"],
          [atOutput, "output"],
        ] as const) {
          if (wrong.every((v, i) => Math.abs(v - right[i]) < 1e-12)) continue;
          const grads = backward(p.geo, p.input, p.filter, wrong, p.bias !== null);
          const filterCheck = result.gradients.find((g) => g.name === "filter")!;
          const verdict = compare(grads.filter, filterCheck.numerical, result.rule);
          if (!verdict.pass) {
            if (count === "missing") failedMissing++;
            else failedAtOutput++;
          }
        }
      }
      expect(failedMissing).toBeGreaterThan(15);
      // For the rectifiers act'(y) = act'(z) (same sign), so that mistake is harmless there.
      if (name === "tanh" || name === "sigmoid") expect(failedAtOutput).toBeGreaterThan(15);
    });
  }
});

describe("kinks", () => {
  it("C9 relu with a pre-activation on 0: kinks, one-sided derivatives, no failure", async () => {
    const fixture = loadFixture(join(root, "field", "c9-relu-kink.json"));
    const result = await runCheck(fixture);
    const filter = result.gradients.find((g) => g.name === "filter")!;
    expect(Array.from(filter.analytic)).toEqual([-3, 3, 4, 2]);
    const central = [-3.5, 3.5, 3, 3];
    filter.numerical.forEach((n, i) => {
      expect(Math.abs(n - central[i])).toBeLessThan(1e-3);
    });
    expect(filter.kinks.size).toBe(4);
    const first = filter.kinks.get(0)!;
    expect(Math.min(first.left, first.right)).toBeCloseTo(-4, 6);
    expect(Math.max(first.left, first.right)).toBeCloseTo(-3, 6);
    expect(result.pass).toBe(true);
  });

  it("C9 with a wrong analytic gradient outside the one-sided interval still fails", async () => {
    const fixture = loadFixture(join(root, "field", "c9-relu-kink.json"));
    const result = await runCheck(fixture);
    const filter = result.gradients.find((g) => g.name === "filter")!;
    const [cell, sides] = [...filter.kinks.entries()][0];
    const outside = Math.max(sides.left, sides.right) + 1;
    const low = Math.min(sides.left, sides.right);
    expect(outside > low).toBe(true);
    // The interval check is what judges kink cells: outside it fails.
    const slack = result.rule.atol + result.rule.rtol * Math.abs(outside);
    expect(outside > Math.max(sides.left, sides.right) + slack).toBe(true);
    expect(cell).toBe(0);
  });

  it("l1_mean with a residual exactly 0 is a kink, not a failure", async () => {
    const fixture = parseFixture(
      JSON.stringify({
        input: [
          [1, 2],
          [3, 4],
        ],
        filter: [[1]],
        target: [
          [1, 0],
          [0, 0],
        ],
        lossFunction: "l1_mean",
      }),
    );
    const result = await runCheck(fixture);
    expect(result.pass).toBe(true);
    expect(result.gradients.find((g) => g.name === "input")!.kinks.has(0)).toBe(true);
  });
});

describe("single precision", () => {
  const c8 = () => loadFixture(join(root, "field", "c8-float32-precision.json"));

  for (const eps of [1e-2, 1e-3, 1e-4]) {
    it(`C8 float64 eps ${eps}: every cell agrees to about 1e-12`, async () => {
      const result = await runCheck(c8(), { rule: { eps } });
      for (const g of result.gradients) {
        const scale = Math.max(...g.analytic.map(Math.abs));
        const worst = Math.max(...g.analytic.map((a, i) => Math.abs(a - g.numerical[i])));
        expect(worst / scale).toBeLessThan(1e-11);
      }
      expect(result.pass).toBe(true);
    });
  }

  it("C8 float32 eps 1e-2: about 1e-5 and passes the float32 rule", async () => {
    const result = await runCheck(c8(), { precision: "float32" });
    const filter = result.gradients.find((g) => g.name === "filter")!;
    expect(filter.comparison.maxRelError).toBeGreaterThan(1e-7);
    expect(filter.comparison.maxRelError).toBeLessThan(5e-5);
    expect(result.pass).toBe(true);
  });

  it("C8 float32 eps 1e-6: fails a float64 tolerance, explained by rounding", async () => {
    const result = await runCheck(c8(), { precision: "float32", rule: { eps: 1e-6, rtol: 1e-6 } });
    const filter = result.gradients.find((g) => g.name === "filter")!;
    expect(filter.comparison.maxRelError).toBeGreaterThan(1e-2);
    expect(filter.comparison.pass).toBe(false);
    expect(filter.roundingExplained).toBe(true);
  });

  it("C8 float32 sweep shows the rounding signature", async () => {
    const result = await runCheck(c8(), { precision: "float32", sweep: true });
    for (const series of result.sweep!.series) {
      expect(series.kind).toBe("rounding");
      expect(series.best.eps).toBeGreaterThanOrEqual(1e-2);
    }
  });
});

describe("eps sweep", () => {
  it("a wrong gradient is flat across steps and named as a bug", async () => {
    const fixture = golden[0];
    const result = await runCheck(fixture);
    const doubled = result.gradients.map((g) => ({ ...g, analytic: g.analytic.map((v) => 2 * v) }));
    const setting: NumericalSetting = {
      problem: problemOf(fixture),
      head: result.head,
      precision: "float64",
      runner: runInThread,
    };
    const sweep = await epsSweep(setting, doubled, 1e-6);
    for (const series of sweep.series) expect(series.kind).toBe("flat");
  });

  it("classify reads truncation when the error grows with the step", () => {
    const eps = [1e-1, 1e-2, 1e-3, 1e-4];
    expect(classify([1e-2, 1e-4, 1e-6, 1e-8], eps, 1e-6).kind).toBe("truncation");
    expect(classify([1e-8, 1e-6, 1e-4, 1e-2], eps, 1e-6).kind).toBe("rounding");
    expect(classify([0.5, 0.5, 0.5, 0.5], eps, 1e-6).kind).toBe("flat");
  });
});

describe("fixture fields", () => {
  const base = { input: [[1, 2, 3]], filter: [[1]], target: [[0, 0, 0]] };
  it("activation object form sets the leaky slope", () => {
    const f = parseFixture(
      JSON.stringify({ ...base, activation: { name: "leaky_relu", slope: 0.2 } }),
    );
    expect(f.head.activation.slope).toBe(0.2);
  });
  it("throws on an unknown activation naming the path", () => {
    expect(() => parseFixture(JSON.stringify({ ...base, activation: "gelu" }))).toThrow(/gelu/);
  });
  it("suggests lossFunction for lossfunction", () => {
    expect(() => parseFixture(JSON.stringify({ ...base, lossfunction: "mse" }))).toThrow(
      /did you mean "lossFunction"/,
    );
  });
});

describe("naming activation mistakes", () => {
  for (const name of ["relu", "tanh", "sigmoid", "leaky_relu"] as const) {
    it(`${name}: derivative missing, or taken at the output, is named on every fixture it shows on`, () => {
      const head = { activation: activation(name), loss: loss("mse") };
      let named = 0;
      for (const fixture of golden) {
        const p = problemOf(fixture);
        const z = forward(p.geo, p.input, p.filter, p.bias);
        const dy = outputLossGradient(head, activate(head, z), p.target);
        const right = backward(
          p.geo,
          p.input,
          p.filter,
          headGradient(head, z, p.target),
          p.bias !== null,
        );
        expect(diagnoseHead(p, head, "filter", right.filter)).toBeNull();
        const missing = backward(p.geo, p.input, p.filter, dy, p.bias !== null).filter;
        const atOutput = backward(
          p.geo,
          p.input,
          p.filter,
          dy.map((g, i) => g * head.activation.derivative(head.activation.apply(z[i]))),
          p.bias !== null,
        ).filter;
        for (const [wrong, code] of [
          [missing, "activation-derivative-missing"],
          [atOutput, "activation-derivative-at-output"],
        ] as const) {
          const visible = wrong.some(
            (v, i) => Math.abs(v - right.filter[i]) > 1e-9 * (1 + Math.abs(v)),
          );
          const found = diagnoseHead(p, head, "filter", wrong);
          if (visible) {
            expect(found?.code).toBe(code);
            named++;
          } else {
            expect(found).toBeNull();
          }
        }
      }
      expect(named).toBeGreaterThan(15);
    });
  }
});

describe("curved heads on large values", () => {
  for (const [act, fn] of [
    ["tanh", "mse"],
    ["sigmoid", "mse_mean"],
  ] as const) {
    it(`${act} + ${fn}, input x10 and filter x15: a right gradient passes`, async () => {
      const base = golden.find((f) => f.bias && f.input.shape.length === 3)!;
      const scaled = {
        ...base,
        input: { ...base.input, data: base.input.data.map((v) => 10 * v) },
        filter: { ...base.filter, data: base.filter.data.map((v) => 15 * v) },
        expected: {},
        head: { activation: activation(act), loss: loss(fn) },
      };
      const result = await runCheck(scaled);
      expect(result.pass).toBe(true);
    });
  }
});
