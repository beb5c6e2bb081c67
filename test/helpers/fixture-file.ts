import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { computeGeometry } from "../../src/core/geometry.js";
import { seededRandom } from "../../src/core/random.js";

export interface LayerSpec {
  input: number[];
  filter: number[];
  stride?: number;
  padding?: number;
  dilation?: number;
  bias?: boolean;
}

type Nested = number | Nested[];

function values(shape: number[], next: () => number): Nested {
  const [extent, ...rest] = shape;
  return Array.from({ length: extent }, () =>
    rest.length ? values(rest, next) : Math.round((2 * next() - 1) * 1e4) / 1e4,
  );
}

/** A fixture document with seeded values in [-1, 1]. */
export function layerDocument(spec: LayerSpec, seed = 1): Record<string, unknown> {
  const next = seededRandom(seed);
  const stride = spec.stride ?? 1;
  const padding = spec.padding ?? 0;
  const dilation = spec.dilation ?? 1;
  const geo = computeGeometry({
    inputShape: spec.input,
    filterShape: spec.filter,
    hasBias: spec.bias ?? false,
    stride: [stride, stride],
    dilation: [dilation, dilation],
    padding,
    groups: 1,
  });
  return {
    input: values(spec.input, next),
    filter: values(spec.filter, next),
    ...(spec.bias ? { bias: values([geo.outChannels], next) } : {}),
    target: values(geo.outputShape, next),
    stride,
    padding,
    dilation,
  };
}

/** A fresh temporary folder. */
export function scratchDir(): string {
  return mkdtempSync(join(tmpdir(), "convcheck-test-"));
}

/** Write the fixture into `dir` and return its path. */
export function writeLayer(dir: string, name: string, spec: LayerSpec, seed = 1): string {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(layerDocument(spec, seed)));
  return file;
}
