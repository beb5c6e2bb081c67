import { computeGeometry, type Geometry } from "../../src/core/geometry.js";
import type { Problem } from "../../src/core/numerical.js";
import { seededRandom } from "../../src/core/random.js";

/** A small random layer: every geometry feature varies with the seed. */
export function randomProblem(seed: number): Problem & { label: string } {
  const next = seededRandom(seed);
  const pick = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
  for (;;) {
    const groups = pick(1, 2);
    const batch = pick(1, 2);
    const inChannels = groups * pick(1, 2);
    const outChannels = groups * pick(1, 6);
    const kernelHeight = pick(1, 4);
    const kernelWidth = pick(1, 4);
    const pads = [pick(0, 2), pick(0, 2), pick(0, 2), pick(0, 2)] as [
      number,
      number,
      number,
      number,
    ];
    const stride: [number, number] = [pick(1, 3), pick(1, 3)];
    const dilation: [number, number] = [pick(1, 2), pick(1, 2)];
    const inputShape = [batch, inChannels, pick(3, 9), pick(3, 9)];
    const filterShape = [outChannels, inChannels / groups, kernelHeight, kernelWidth];
    let geo: Geometry;
    try {
      geo = computeGeometry({
        inputShape,
        filterShape,
        hasBias: next() < 0.7,
        stride,
        dilation,
        padding: pads,
        groups,
      });
    } catch {
      continue;
    }
    const values = (count: number) => Float64Array.from({ length: count }, () => 2 * next() - 1);
    const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
    return {
      label: `seed ${seed}: x=[${inputShape}] f=[${filterShape}] s=${stride} d=${dilation} p=${pads} g=${groups}`,
      geo,
      input: values(size(inputShape)),
      filter: values(size(filterShape)),
      bias: geo.biasShape ? values(outChannels) : null,
      target: values(size(geo.outputShape)),
    };
  }
}
