import fc from "fast-check";
import { parseFixture } from "../../src/fixture/load.js";
import { type NaiveLayer, type NaivePadding, naiveOutputSize, naivePads } from "./naive.js";

/** A random layer: sizes, settings, how the fixture writes its tensors, and a seed for values. */
export interface RandomLayer {
  layer: NaiveLayer;
  padding: NaivePadding;
  bias: boolean;
  inputRank: 2 | 3 | 4;
  filterRank: 2 | 4;
  seed: number;
}

const small = (max: number) => fc.integer({ min: 1, max });
const pad = fc.integer({ min: 0, max: 3 });

const paddingArb: fc.Arbitrary<NaivePadding> = fc.oneof(
  fc.constant("valid" as const),
  fc.constant("same" as const),
  pad,
  fc.tuple(pad, pad),
  fc.tuple(pad, pad, pad, pad),
);

/** Geometries small enough to check exhaustively, covering every form a fixture may use. */
export const randomLayer: fc.Arbitrary<RandomLayer> = fc
  .record({
    batch: small(2),
    groups: small(3),
    inPerGroup: small(2),
    outPerGroup: small(2),
    height: small(7),
    width: small(7),
    kernelHeight: small(4),
    kernelWidth: small(4),
    stride: fc.tuple(small(3), small(3)),
    dilation: fc.tuple(small(3), small(3)),
    padding: paddingArb,
    bias: fc.boolean(),
    inputRank: fc.constantFrom(2, 3, 4),
    filterRank: fc.constantFrom(2, 4),
    seed: fc.integer({ min: 1, max: 0x7fffffff }),
  })
  .map((r) => {
    const inputRank = r.inputRank as 2 | 3 | 4;
    // A 2-D input is one image with one channel; a 3-D one is one image.
    const batch = inputRank === 4 ? r.batch : 1;
    const groups = inputRank === 2 ? 1 : r.groups;
    const inPerGroup = inputRank === 2 ? 1 : r.inPerGroup;
    const outChannels = groups * r.outPerGroup;
    const inChannels = groups * inPerGroup;
    // A 2-D filter has one channel in and one out.
    const filterRank = r.filterRank === 2 && inChannels === 1 && outChannels === 1 ? 2 : 4;
    const kernel: [number, number] = [r.kernelHeight, r.kernelWidth];
    // Grow the input until the dilated kernel fits inside the padded input.
    let { height, width } = r;
    for (;;) {
      const pads = naivePads(r.padding, [height, width], kernel, r.stride, r.dilation);
      const spanHeight = (r.kernelHeight - 1) * r.dilation[0] + 1;
      const spanWidth = (r.kernelWidth - 1) * r.dilation[1] + 1;
      if (height + pads[0] + pads[1] < spanHeight) height++;
      else if (width + pads[2] + pads[3] < spanWidth) width++;
      else {
        const layer: NaiveLayer = {
          batch,
          inChannels,
          height,
          width,
          outChannels,
          groups,
          kernelHeight: r.kernelHeight,
          kernelWidth: r.kernelWidth,
          stride: r.stride,
          dilation: r.dilation,
          pads,
        };
        return {
          layer,
          padding: r.padding,
          bias: r.bias,
          inputRank,
          filterRank: filterRank as 2 | 4,
          seed: r.seed,
        };
      }
    }
  });

/** xorshift32 values in [-2, 2) with three decimals: varied, never all equal in practice. */
export function testValues(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return Math.round(((state / 4294967296) * 4 - 2) * 1000) / 1000;
  };
}

export function nest(values: number[], shape: number[]): unknown {
  if (shape.length === 1) return values.slice(0, shape[0]);
  const inner = values.length / shape[0];
  return Array.from({ length: shape[0] }, (_, i) =>
    nest(values.slice(i * inner, (i + 1) * inner), shape.slice(1)),
  );
}

/** The shapes the fixture format uses for this layer. */
export function shapesOf(r: RandomLayer) {
  const { layer } = r;
  const [outHeight, outWidth] = naiveOutputSize(layer);
  const hw = [layer.height, layer.width];
  const input =
    r.inputRank === 4
      ? [layer.batch, layer.inChannels, ...hw]
      : r.inputRank === 3
        ? [layer.inChannels, ...hw]
        : hw;
  const filter =
    r.filterRank === 2
      ? [layer.kernelHeight, layer.kernelWidth]
      : [layer.outChannels, layer.inChannels / layer.groups, layer.kernelHeight, layer.kernelWidth];
  const out = [outHeight, outWidth];
  const target =
    r.inputRank === 4
      ? [layer.batch, layer.outChannels, ...out]
      : r.inputRank === 3 || layer.outChannels > 1
        ? [layer.outChannels, ...out]
        : out;
  return { input, filter, target };
}

/** Flat values and the fixture document for a random layer. */
export function layerFixture(r: RandomLayer) {
  const next = testValues(r.seed);
  const shapes = shapesOf(r);
  const count = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
  const input = Array.from({ length: count(shapes.input) }, next);
  const filter = Array.from({ length: count(shapes.filter) }, next);
  const bias = r.bias ? Array.from({ length: r.layer.outChannels }, next) : null;
  const target = Array.from({ length: count(shapes.target) }, next);
  const doc: Record<string, unknown> = {
    input: nest(input, shapes.input),
    filter: nest(filter, shapes.filter),
    target: nest(target, shapes.target),
    stride: r.layer.stride,
    dilation: r.layer.dilation,
    padding: r.padding,
    groups: r.layer.groups,
  };
  if (bias) doc.bias = bias;
  return { input, filter, bias, target, doc, shapes };
}

/** A random layer as the core takes it: its fixture read back, and flat tensors. */
export function layerArrays(r: RandomLayer) {
  const f = layerFixture(r);
  const { geo } = parseFixture(JSON.stringify(f.doc));
  return {
    f,
    geo,
    input: Float64Array.from(f.input),
    filter: Float64Array.from(f.filter),
    bias: f.bias ? Float64Array.from(f.bias) : null,
  };
}
