import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { runCheck } from "../src/core/check.js";
import { backward, forward } from "../src/core/conv.js";
import { lossGradient } from "../src/core/loss.js";
import { parseFixture } from "../src/fixture/load.js";
import { expectAllClose, flat, scaleOf } from "./helpers/allclose.js";
import { layerArrays, layerFixture, randomLayer } from "./helpers/layers.js";
import { type NaiveLayer, naiveGradients, naivePads } from "./helpers/naive.js";

const goldenDir = join(import.meta.dirname, "..", "fixtures", "golden");

/** The naive layer for a fixture document, read straight from its JSON. */
function layerOfDocument(doc: Record<string, unknown>): NaiveLayer {
  const shapeOf = (value: unknown): number[] =>
    Array.isArray(value) ? [value.length, ...shapeOf(value[0])] : [];
  const input = shapeOf(doc.input);
  const filter = shapeOf(doc.filter);
  const pair = (v: unknown): [number, number] =>
    v === undefined ? [1, 1] : typeof v === "number" ? [v, v] : (v as [number, number]);
  const [height, width] = input.slice(-2);
  const [kernelHeight, kernelWidth] = filter.slice(-2);
  const stride = pair(doc.stride);
  const dilation = pair(doc.dilation);
  const padding = (doc.padding ?? 0) as Parameters<typeof naivePads>[0];
  return {
    batch: input.length === 4 ? input[0] : 1,
    inChannels: input.length === 4 ? input[1] : input.length === 3 ? input[0] : 1,
    height,
    width,
    outChannels: filter.length === 4 ? filter[0] : 1,
    groups: (doc.groups as number | undefined) ?? 1,
    kernelHeight,
    kernelWidth,
    stride,
    dilation,
    pads: naivePads(padding, [height, width], [kernelHeight, kernelWidth], stride, dilation),
  };
}

describe("the naive reference itself", () => {
  const files = readdirSync(goldenDir).filter((f) => f.endsWith(".json"));
  it.each(files)("%s: matches PyTorch's stored values", (file) => {
    const doc = JSON.parse(readFileSync(join(goldenDir, file), "utf8"));
    const layer = layerOfDocument(doc);
    const want = doc.expected;
    const got = naiveGradients(
      layer,
      flat(doc.input),
      flat(doc.filter),
      doc.bias ?? null,
      flat(doc.target),
    );
    const close = (values: number[], stored: unknown, label: string) => {
      const expected = flat(stored);
      expectAllClose(values, expected, { rtol: 0, atol: 1e-10 * scaleOf(expected) }, label);
    };
    close(got.output, want.output, "output");
    close([got.loss], [want.loss], "loss");
    close(got.dFilter, want.filterGrad, "dFilter");
    close(got.dInput, want.inputGrad, "dInput");
    if (doc.bias) close(got.dBias ?? [], want.biasGrad, "dBias");
  });

  it("x=[5,5] f=[3,3] s=2: rejects the gradient of a backward pass that forgets the stride", () => {
    const layer: NaiveLayer = {
      batch: 1,
      inChannels: 1,
      height: 5,
      width: 5,
      outChannels: 1,
      groups: 1,
      kernelHeight: 3,
      kernelWidth: 3,
      stride: [2, 2],
      dilation: [1, 1],
      pads: [0, 0, 0, 0],
    };
    const input = [1, 2, 0, -1, 3, 0, 1, 2, 2, -2, 3, -1, 1, 0, 1, 2, 0, -2, 1, 1, 1, 1, 0, 3, -1];
    const filter = [1, 0, -1, 2, 1, 0, 0, -1, 1];
    const right = naiveGradients(layer, input, filter, null, [0, 0, 0, 0]).dFilter;
    const faulty = [5, -1, -8, 26, 0, 21, 18, 14, -13];
    expect(() => expectAllClose(faulty, right, { rtol: 1e-6, atol: 1e-9 })).toThrow();
  });
});

describe("core against the naive reference on random geometries", () => {
  it("forward, analytic and numerical gradients agree for every padding form, group and rank", async () => {
    await fc.assert(
      fc.asyncProperty(randomLayer, async (r) => {
        const f = layerFixture(r);
        const fixture = parseFixture(JSON.stringify(f.doc));
        expect(fixture.geo.outputShape).toEqual(f.shapes.target);
        const want = naiveGradients(r.layer, f.input, f.filter, f.bias, f.target);
        const result = await runCheck(fixture);

        const tight = (values: ArrayLike<number>) => ({
          rtol: 1e-12,
          atol: 1e-12 * scaleOf(values),
        });
        expectAllClose(result.output, want.output, tight(want.output), "output");
        expectAllClose([result.loss], [want.loss], tight([want.loss]), "loss");
        const reference = { filter: want.dFilter, input: want.dInput, bias: want.dBias ?? [] };
        for (const g of result.gradients) {
          const expected = reference[g.name];
          expectAllClose(g.analytic, expected, tight(expected), `${g.name} analytic`);
          const loose = { rtol: 1e-8, atol: 1e-9 * scaleOf(expected) };
          expectAllClose(g.numerical, expected, loose, `${g.name} numerical`);
        }
        expect(result.gradients.map((g) => g.name)).toEqual(
          r.bias ? ["filter", "input", "bias"] : ["filter", "input"],
        );
        expect(result.pass).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it("forward and backward called directly equal the reference", () => {
    fc.assert(
      fc.property(randomLayer, (r) => {
        const { f, geo, input, filter, bias } = layerArrays(r);
        const output = forward(geo, input, filter, bias);
        const grads = backward(
          geo,
          input,
          filter,
          lossGradient(output, Float64Array.from(f.target)),
          r.bias,
        );
        const want = naiveGradients(r.layer, f.input, f.filter, f.bias, f.target);
        const tight = (values: ArrayLike<number>) => ({
          rtol: 1e-12,
          atol: 1e-12 * scaleOf(values),
        });
        expectAllClose(output, want.output, tight(want.output), "output");
        expectAllClose(grads.filter, want.dFilter, tight(want.dFilter), "dFilter");
        expectAllClose(grads.input, want.dInput, tight(want.dInput), "dInput");
        if (r.bias)
          expectAllClose(grads.bias ?? [], want.dBias ?? [], tight(want.dBias ?? []), "dBias");
        else expect(grads.bias).toBeNull();
      }),
      { numRuns: 300 },
    );
  });
});
