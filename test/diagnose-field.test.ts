import { describe, expect, it } from "vitest";
import { diagnoseShape } from "../src/core/diagnose/shape.js";
import { scaleSignature } from "../src/core/diagnose/signatures.js";
import { computeGeometry } from "../src/core/geometry.js";
import { runImplCheck } from "../src/impl/check.js";
import {
  check,
  codes,
  expectClose,
  field,
  fixtureOf,
  golden,
  goldenFiles,
  loadImpl,
  local,
} from "./support/impl.js";

const zeros = (h: number, w: number) => Array.from({ length: h }, () => new Array(w).fill(0));

describe("field cases named by the diagnosis", () => {
  it("C1 stride forgotten in the backward pass: stride-ignored, eight cells wrong", async () => {
    const fixture = fixtureOf({
      input: [
        [1, 2, 0, -1, 3],
        [0, 1, 2, 2, -2],
        [3, -1, 1, 0, 1],
        [2, 0, -2, 1, 1],
        [1, 1, 0, 3, -1],
      ],
      filter: [
        [1, 0, -1],
        [2, 1, 0],
        [0, -1, 1],
      ],
      stride: 2,
      target: zeros(2, 2),
    });
    const run = await check(
      fixture,
      local("stride-backward.js", await loadImpl("stride-backward.js")),
    );
    const filter = run.result!.gradients[0];
    expectClose(filter.numerical, [12, -1, 10, 32, 5, -17, 21, -20, 15]);
    expectClose(filter.analytic, [5, -1, -8, 26, 0, 21, 18, 14, -13]);
    expect(filter.comparison.failing).toHaveLength(8);
    expect(filter.comparison.pass).toBe(false);
    expect(codes(run)).toContain("stride-ignored:filter");
  });

  it("C2 a mean in one place, a sum in the other: ratio 0.25 = 1 / number of output cells", async () => {
    const fixture = fixtureOf({
      input: [
        [2, 1, 0, 3],
        [1, -1, 2, 0],
        [0, 2, 1, 1],
        [-2, 1, 0, 2],
      ],
      filter: [
        [1, -1],
        [0, 2],
      ],
      stride: 2,
      target: [
        [1, 0],
        [0, 1],
      ],
    });
    const run = await check(fixture, local("mean.js", await loadImpl("mean.js")));
    const filter = run.result!.gradients[0];
    expectClose(filter.analytic, [-0.25, -2, -2, 2]);
    expectClose(filter.numerical, [-1, -8, -8, 8]);
    const scale = run.result!.impl.diagnoses.find(
      (d) => d.code === "scale" && d.tensor === "filter",
    );
    expect(scale?.message).toMatch(
      /is 1\/4 times the right value in every cell \(ratio 0\.25\): 1 \/ number of output cells \(4\)/,
    );
  });

  it("C5 dilation left out of the size formula: a 2x2 output named as a shape error", async () => {
    const fixture = field("c5-dilation-padding-only-taps");
    const run = await check(fixture, local("dilation-size.js", await loadImpl("dilation-size.js")));
    expect(run.fault?.kind).toBe("shape");
    expect(run.fault?.message).toMatch(/returned shape \[2, 2\] for the output, which is \[1, 1\]/);
    // A stride of 1, or rounding up, gives the same 2x2: each is named as a possible cause.
    expect(codes(run).slice(0, 2)).toEqual(["shape:output", "dilation-ignored:output"]);
    expect(codes(run)).toContain("stride-ignored:output");
    expect(run.fault?.diagnoses[0].message).toMatch(/rounding up/);
  });

  it("C6 stride forgotten on one axis: dE/dF = [[1]] where 6 is right, stride-ignored", async () => {
    const fixture = fixtureOf({
      input: [[4, -3, 2]],
      filter: [[0.5]],
      stride: [1, 2],
      target: [[1, 0]],
    });
    const run = await check(
      fixture,
      local("stride-backward-cols.js", await loadImpl("stride-backward-cols.js")),
    );
    const [filter, input] = run.result!.gradients;
    expectClose(filter.analytic, [1]);
    expectClose(filter.numerical, [6]);
    expectClose(input.numerical, [0.5, 0, 0.5]);
    expect(codes(run)).toEqual(
      expect.arrayContaining(["stride-ignored:filter", "stride-ignored:input"]),
    );
    // One filter cell: no "constant factor" is read into a single wrong value.
    expect(codes(run)).not.toContain("scale:filter");
  });

  it("C7 sizes come from the fixture: 2x2 and 1x1 inputs with the same settings both pass", async () => {
    const correct = await loadImpl("correct.js");
    const settings = {
      filter: [
        [1, 2, 0],
        [0, 1, -1],
        [2, 1, 1],
      ],
      stride: 2,
      padding: 1,
      target: [[0]],
    };
    const big = await check(
      fixtureOf({
        input: [
          [2, -1],
          [3, 1],
        ],
        ...settings,
      }),
      local("correct.js", correct),
    );
    expect(big.result!.pass).toBe(true);
    expectClose(big.result!.gradients[0].analytic, [0, 0, 0, 0, 14, -7, 0, 21, 7]);
    expectClose(big.result!.gradients[1].analytic, [7, -7, 7, 7]);
    const small = await check(
      fixtureOf({ input: [[5]], ...settings }),
      local("correct.js", correct),
    );
    expect(small.result!.pass).toBe(true);
  });
});

describe("signatures are named only when the data can show them", () => {
  const geo = computeGeometry({
    inputShape: [4, 4],
    filterShape: [2, 2],
    hasBias: false,
    stride: [2, 2],
    dilation: [1, 1],
    padding: 0,
    groups: 1,
  });
  const rule = { rtol: 1e-6, atol: 1e-12 };

  it("one cell: a ratio of 0.43 is not called a constant factor, -1 is called a sign", () => {
    expect(scaleSignature(Float64Array.of(0.43), Float64Array.of(1), rule, geo)).toBeNull();
    expect(scaleSignature(Float64Array.of(-1), Float64Array.of(1), rule, geo)?.code).toBe("sign");
    expect(scaleSignature(Float64Array.of(2), Float64Array.of(1), rule, geo)?.code).toBe("scale");
  });

  it("a right gradient is no signature, and a wrong one is not forced into one", () => {
    const right = Float64Array.of(1, -2, 3, 4);
    expect(scaleSignature(right, right, rule, geo)).toBeNull();
    expect(scaleSignature(Float64Array.of(2, -4, 6, 8.5), right, rule, geo)).toBeNull();
    expect(scaleSignature(Float64Array.of(0.5, -1, 1.5, 2), right, rule, geo)?.says).toMatch(
      /1\/2/,
    );
  });

  it("shape [3, 3] for a stride-2 layer is the size without the stride", () => {
    const s2 = computeGeometry({
      ...geo,
      inputShape: [5, 5],
      filterShape: [3, 3],
      hasBias: false,
      stride: [2, 2],
      dilation: [1, 1],
      padding: 0,
      groups: 1,
    });
    expect(diagnoseShape(s2, "output", [3, 3]).map((d) => d.code)).toContain("stride-ignored");
    expect(diagnoseShape(s2, "output", [2, 2])).toEqual([]);
  });
});

describe("the classic strided forward written literally, F indexed by the output position", () => {
  it("reports forward-mismatch and matches-reference wherever it returns numbers", async () => {
    const literal = await loadImpl("classic-literal.js");
    let named = 0;
    for (const file of goldenFiles) {
      const fixture = golden(file);
      const run = await check(fixture, local("classic-literal.js", literal));
      const { geo } = fixture;
      const fits = geo.outHeight <= geo.kernelHeight && geo.outWidth <= geo.kernelWidth;
      if (fixture.geo.inputShape.length !== 2 || geo.outChannels !== 1 || !fits) {
        // Outside its one-channel world it reads F out of range: a fault, not a crash.
        expect(run.fault?.kind, file).toMatch(/^(nan|shape)$/);
        continue;
      }
      expect(codes(run), file).toEqual(
        expect.arrayContaining(["forward-mismatch:output", "matches-reference:filter"]),
      );
      named++;
    }
    expect(named).toBeGreaterThanOrEqual(5);
  });
});

describe("rounding is not a bug", () => {
  it("a single-precision layer: the mismatch is called float32-sized, and --float32's rule passes it", async () => {
    const f32 = await loadImpl("float32.js");
    const fixture = golden("s2-p0-7x7-k3.json");
    const strict = await check(fixture, local("float32.js", f32));
    const mismatches = strict.result!.impl.diagnoses.filter((d) => d.code === "gradient-mismatch");
    expect(mismatches.length).toBeGreaterThan(0);
    for (const m of mismatches) expect(m.message).toMatch(/the size of float32 rounding/);
    const loose = await runImplCheck(fixture, local("float32.js", f32), { precision: "float32" });
    expect(loose.pass).toBe(true);
    // A real mistake is never called rounding.
    const wrong = await check(fixture, local("scale-2.js", await loadImpl("scale-2.js")));
    for (const d of wrong.result!.impl.diagnoses) expect(d.message).not.toMatch(/float32/);
  });
});
