import type { Rule } from "../compare.js";
import type { Geometry } from "../geometry.js";
import { variantPasses } from "./passes.js";
import { differs, rotate180, transpose } from "./transforms.js";
import type { Diagnosis } from "./types.js";
import { reference } from "./variants.js";

export interface BlindSpotInput {
  geo: Geometry;
  rule: Rule;
  input: Float64Array;
  filter: Float64Array;
  bias: Float64Array | null;
  /** convcheck's output and filter gradient for this fixture. */
  output: Float64Array;
  filterGradient: Float64Array;
}

/**
 * Mistakes this fixture cannot reveal because they leave every value as it
 * is, each with the kind of fixture that would reveal it. A check that
 * passes says nothing about them.
 */
export function blindSpots(b: BlindSpotInput): Diagnosis[] {
  const { geo, rule } = b;
  const list: Diagnosis[] = [];
  const shape = geo.filterShape;
  const kernel = `${geo.kernelHeight}x${geo.kernelWidth}`;

  const conv = variantPasses(geo, { ...reference(geo), rotate: true });
  if (conv && !differs(conv.forward(b.input, b.filter, b.bias), b.output, rule)) {
    list.push({
      code: "convolution",
      tensor: "output",
      message: `a convolution (the filter rotated by 180 degrees) gives the same output as the correlation on this ${kernel} filter; a fixture with a filter of at least 2x2 and unequal values would tell them apart`,
    });
  }
  if (!differs(rotate180(b.filterGradient, shape), b.filterGradient, rule)) {
    list.push({
      code: "flipped",
      tensor: "filter",
      message: `a filter gradient rotated by 180 degrees looks the same here (${kernel} filter); a fixture with a filter of at least 2x2 would show a flip`,
    });
  }
  const swapped = transpose(b.filterGradient, shape);
  if (swapped && !differs(swapped, b.filterGradient, rule)) {
    list.push({
      code: "transposed",
      tensor: "filter",
      message: `a transposed filter gradient looks the same here (${kernel} filter with a symmetric gradient); a fixture with a non-square filter, or a square one with varied values, would show it`,
    });
  }
  const cells = geo.batch * geo.outChannels * geo.outHeight * geo.outWidth;
  if (cells === 1) {
    list.push({
      code: "scale",
      tensor: "output",
      message:
        "the output has one cell, so dividing by the number of output cells changes nothing; a fixture with more output cells would show a mean taken in place of a sum",
    });
  }
  return list;
}
