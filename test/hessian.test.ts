import { describe, expect, it } from "vitest";
import { forward } from "../src/core/conv.js";
import { activation, curvatureWeights, loss as lossFn } from "../src/core/head.js";
import { hessianTimes, largestEigenvalue } from "../src/core/hessian.js";
import type { Fixture } from "../src/fixture/load.js";
import { expectClose, fixtureOf, golden } from "./support/impl.js";
import { symmetricEigenvalues } from "./support/jacobi.js";

/**
 * dO/d(filter, bias) written straight from the definition of the
 * correlation, one output cell per row: the filter tap's input value, or 1
 * for the output channel's bias.
 */
function naiveJacobian(f: Fixture): number[][] {
  const g = f.geo;
  const rows: number[][] = [];
  const size = f.filter.data.length + (f.bias ? g.outChannels : 0);
  for (let n = 0; n < g.batch; n++)
    for (let co = 0; co < g.outChannels; co++)
      for (let oy = 0; oy < g.outHeight; oy++)
        for (let ox = 0; ox < g.outWidth; ox++) {
          const row = new Array(size).fill(0);
          const group = Math.floor(co / g.outPerGroup);
          for (let c = 0; c < g.inPerGroup; c++)
            for (let ky = 0; ky < g.kernelHeight; ky++)
              for (let kx = 0; kx < g.kernelWidth; kx++) {
                const iy = oy * g.strideHeight - g.padTop + ky * g.dilationHeight;
                const ix = ox * g.strideWidth - g.padLeft + kx * g.dilationWidth;
                if (iy < 0 || iy >= g.inHeight || ix < 0 || ix >= g.inWidth) continue;
                const ci = group * g.inPerGroup + c;
                const value =
                  f.input.data[((n * g.inChannels + ci) * g.inHeight + iy) * g.inWidth + ix];
                row[((co * g.inPerGroup + c) * g.kernelHeight + ky) * g.kernelWidth + kx] = value;
              }
          if (f.bias) row[f.filter.data.length + co] = 1;
          rows.push(row);
        }
  return rows;
}

/** H = factor * J^T J, built explicitly. */
function explicitHessian(f: Fixture, factor: number): number[][] {
  const j = naiveJacobian(f);
  const size = j[0].length;
  return Array.from({ length: size }, (_, a) =>
    Array.from(
      { length: size },
      (_, b) => factor * j.reduce((sum, row) => sum + row[a] * row[b], 0),
    ),
  );
}

function curvature(f: Fixture, factor = 1) {
  return { geo: f.geo, input: f.input.data, hasBias: f.bias !== null, lossFactor: factor };
}

const size = (f: Fixture) => f.filter.data.length + (f.bias ? f.geo.outChannels : 0);

describe("the largest eigenvalue of the Hessian in filter and bias", () => {
  it("the Jacobi oracle finds the eigenvalues of a matrix with known ones", () => {
    // Q diag(5, 2, -1) Q^T for a rotation Q: eigenvalues 5, 2, -1.
    const c = Math.cos(0.3);
    const s = Math.sin(0.3);
    const q = [
      [c, -s, 0],
      [s, c, 0],
      [0, 0, 1],
    ];
    const d = [5, 2, -1];
    const m = q.map((_, i) =>
      q.map((_, j) => q[i].reduce((sum, _, k) => sum + q[i][k] * d[k] * q[j][k], 0)),
    );
    expectClose(symmetricEigenvalues(m), [5, 2, -1], 1e-12);
  });

  const files = [
    "s1-p0-5x5-k3.json",
    "seed-6x6-k3-s2-p1.json",
    "batch2-bias-2x1x6x6-o2-k3-p1.json",
    "groups2-bias-4x5x5-o2-k2-s2.json",
    "pairs-8x9-k3-s12-d21-p21.json",
    "chw-3x8x8-o4-k3-s1-p1-bias.json",
  ];
  for (const file of files) {
    it(`${file}: power iteration matches Jacobi on J^T J to 0.1%`, () => {
      const f = golden(file);
      const oracle = symmetricEigenvalues(explicitHessian(f, 1))[0];
      const found = largestEigenvalue(curvature(f), size(f));
      expect(found.converged).toBe(true);
      expect(Math.abs(found.value - oracle) / oracle).toBeLessThan(1e-3);
    });
  }

  it("H v through forward and backward equals the explicit J^T J v", () => {
    const f = golden("groups2-bias-4x5x5-o2-k2-s2.json");
    const h = explicitHessian(f, 1);
    const v = Float64Array.from({ length: size(f) }, (_, i) => Math.sin(i + 1));
    const want = h.map((row) => row.reduce((sum, x, k) => sum + x * v[k], 0));
    expectClose(hessianTimes(curvature(f), v), want, 1e-12);
  });

  it("mse_mean scales the Hessian by 2 / number of output cells", () => {
    const f = fixtureOf({
      input: [
        [1, 2, 0, -1],
        [0, 3, 1, 2],
        [2, -1, 1, 0],
        [1, 0, -2, 1],
      ],
      filter: [
        [1, -1],
        [2, 0],
      ],
      bias: [0.5],
      lossFunction: "mse_mean",
      target: [
        [0, 0, 0],
        [0, 0, 0],
        [0, 0, 0],
      ],
    });
    const factor = 2 / 9;
    const oracle = symmetricEigenvalues(explicitHessian(f, factor))[0];
    const found = largestEigenvalue(curvature(f, factor), size(f)).value;
    expect(Math.abs(found - oracle) / oracle).toBeLessThan(1e-3);
  });

  it("a wrong eigenvalue is caught: half the oracle's value is far outside 0.1%", () => {
    const f = golden("s1-p0-5x5-k3.json");
    const oracle = symmetricEigenvalues(explicitHessian(f, 1))[0];
    const wrong = largestEigenvalue(curvature(f, 0.5), size(f)).value;
    expect(Math.abs(wrong - oracle) / oracle).toBeGreaterThan(0.4);
  });
});

describe("the Hessian at the starting point with an activation", () => {
  const activations: Record<string, { f: (z: number) => number; loss: "mse" | "mse_mean" }> = {
    tanh: { f: Math.tanh, loss: "mse" },
    sigmoid: { f: (z) => 1 / (1 + Math.exp(-z)), loss: "mse_mean" },
  };
  for (const file of ["s1-p0-5x5-k3.json", "groups2-bias-4x5x5-o2-k2-s2.json"]) {
    for (const [name, { f: act, loss }] of Object.entries(activations)) {
      it(`${file} ${name} + ${loss}: power iteration matches Jacobi on second differences of E`, () => {
        const f = golden(file);
        const j = naiveJacobian(f);
        const t = f.target.data;
        const m = t.length;
        const start = [...f.filter.data, ...(f.bias ? f.bias.data : [])];
        // E(theta) straight from its definition: z = J theta, y = act(z).
        const lossAt = (theta: number[]) =>
          j.reduce((sum, row, i) => {
            const z = row.reduce((s, x, k) => s + x * theta[k], 0);
            const r = act(z) - t[i];
            return sum + (loss === "mse" ? 0.5 * r * r : (r * r) / m);
          }, 0);
        const h = 1e-4;
        const n = start.length;
        const hess = Array.from({ length: n }, () => new Array(n).fill(0));
        for (let a = 0; a < n; a++) {
          for (let b = a; b < n; b++) {
            const at = (da: number, db: number) => {
              const theta = start.slice();
              theta[a] += da;
              theta[b] += db;
              return lossAt(theta);
            };
            const value = (at(h, h) - at(h, -h) - at(-h, h) + at(-h, -h)) / (4 * h * h);
            hess[a][b] = value;
            hess[b][a] = value;
          }
        }
        const oracle = symmetricEigenvalues(hess)[0];
        const head = { activation: activation(name as "tanh"), loss: lossFn(loss) };
        const pre = forward(f.geo, f.input.data, f.filter.data, f.bias?.data ?? null);
        const weights = curvatureWeights(head, pre, t);
        const found = largestEigenvalue({ ...curvature(f), weights }, size(f));
        expect(Math.abs(found.value - oracle) / Math.abs(oracle)).toBeLessThan(1e-3);
      });
    }
  }
});
