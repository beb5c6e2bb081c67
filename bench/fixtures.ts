import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { outputSize } from "../src/core/geometry.js";
import { seededRandom } from "../src/core/random.js";
import type { BenchCase } from "./cases.js";

type Nested = number | Nested[];

/** Values uniform in [-1, 1) with four decimals, like hand-made fixtures. */
function tensor(shape: number[], next: () => number): Nested {
  const [extent, ...rest] = shape;
  return Array.from({ length: extent }, () =>
    rest.length ? tensor(rest, next) : Math.round((2 * next() - 1) * 1e4) / 1e4,
  );
}

export function outputShape(c: BenchCase): number[] {
  const [kernelHeight, kernelWidth] = c.filter.slice(-2);
  const [inHeight, inWidth] = c.input.slice(-2);
  const outHeight = outputSize(inHeight, c.padding, c.padding, kernelHeight, c.stride, c.dilation);
  const outWidth = outputSize(inWidth, c.padding, c.padding, kernelWidth, c.stride, c.dilation);
  const outChannels = c.filter.length === 4 ? c.filter[0] : 1;
  return [
    ...c.input.slice(0, -3),
    ...(c.input.length > 2 ? [outChannels] : []),
    outHeight,
    outWidth,
  ];
}

/** The case as a fixture document, the same for the same seed. */
export function caseFixture(c: BenchCase, seed = 1): Record<string, unknown> {
  const next = seededRandom(seed);
  const outChannels = c.filter.length === 4 ? c.filter[0] : 1;
  return {
    name: c.name,
    input: tensor(c.input, next),
    filter: tensor(c.filter, next),
    ...(c.bias ? { bias: tensor([outChannels], next) } : {}),
    target: tensor(outputShape(c), next),
    stride: c.stride,
    padding: c.padding,
    dilation: c.dilation,
  };
}

export function slug(c: BenchCase): string {
  return c.name.replace(/[^A-Za-z0-9]+/g, "-").toLowerCase();
}

/** Write every case's fixture into `dir` and return the paths. */
export function writeFixtures(cases: BenchCase[], dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  return cases.map((c) => {
    const file = join(dir, `${slug(c)}.json`);
    writeFileSync(file, JSON.stringify(caseFixture(c)));
    return file;
  });
}
