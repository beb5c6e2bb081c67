import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InputError } from "../src/core/errors.js";
import {
  type ConvSpec,
  computeGeometry,
  MAX_ELEMENTS,
  outputSize,
  type PaddingSpec,
  paddingOnlyTaps,
  samePadding,
  unusedRowsAndCols,
} from "../src/core/geometry.js";
import { randomLayer } from "./helpers/layers.js";

function spec(
  inputShape: number[],
  filterShape: number[],
  settings: Partial<Pick<ConvSpec, "stride" | "dilation" | "groups">> & {
    padding?: PaddingSpec;
  } = {},
): ConvSpec {
  return {
    inputShape,
    filterShape,
    hasBias: false,
    stride: settings.stride ?? [1, 1],
    dilation: settings.dilation ?? [1, 1],
    padding: settings.padding ?? 0,
    groups: settings.groups ?? 1,
  };
}

const pads = (g: ReturnType<typeof computeGeometry>) => [
  g.padTop,
  g.padBottom,
  g.padLeft,
  g.padRight,
];

describe("output size", () => {
  it.each([
    // in, before, after, kernel, stride, dilation, out
    [5, 1, 1, 3, 2, 1, 3],
    [5, 0, 0, 3, 1, 1, 3],
    [7, 0, 0, 3, 2, 1, 3],
    [8, 0, 0, 3, 3, 1, 2],
    [9, 2, 2, 3, 1, 2, 9],
    [2, 1, 1, 2, 2, 2, 1],
    [1, 0, 0, 1, 5, 1, 1],
    [6, 0, 1, 3, 2, 1, 3],
  ])("in=%i pads=(%i,%i) k=%i s=%i d=%i gives %i", (size, before, after, k, s, d, out) => {
    expect(outputSize(size, before, after, k, s, d)).toBe(out);
  });
});

describe("'same' padding", () => {
  it.each([
    // in, kernel, stride, dilation, [before, after]
    [5, 3, 1, 1, [1, 1]],
    [5, 4, 1, 1, [1, 2]],
    [5, 1, 1, 1, [0, 0]],
    [5, 3, 1, 2, [2, 2]],
    [6, 3, 2, 1, [0, 1]],
    [5, 3, 2, 1, [1, 1]],
    [10, 3, 2, 1, [0, 1]],
    [2, 3, 2, 1, [0, 1]],
    [1, 3, 2, 1, [1, 1]],
    [8, 5, 3, 1, [1, 2]],
    [7, 5, 3, 1, [2, 2]],
  ])("in=%i k=%i s=%i d=%i pads %j", (size, k, s, d, expected) => {
    expect(samePadding(size, k, s, d)).toEqual(expected);
  });

  it("keeps ceil(size / stride) outputs and puts the odd pad after, for any size", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 7 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 3 }),
        (size, k, s, d) => {
          const [before, after] = samePadding(size, k, s, d);
          expect(after - before === 0 || after - before === 1).toBe(true);
          expect(outputSize(size, before, after, k, s, d)).toBe(Math.ceil(size / s));
        },
      ),
      { numRuns: 300 },
    );
  });

  it("x=[6,6] f=[3,3] s=2 p=same: pads (0,1,0,1), output 3x3", () => {
    const geo = computeGeometry(spec([6, 6], [3, 3], { stride: [2, 2], padding: "same" }));
    expect(pads(geo)).toEqual([0, 1, 0, 1]);
    expect(geo.outputShape).toEqual([3, 3]);
  });

  it("x=[5,5] f=[3,3] s=1 p=same: pads (1,1,1,1), output 5x5", () => {
    const geo = computeGeometry(spec([5, 5], [3, 3], { padding: "same" }));
    expect(pads(geo)).toEqual([1, 1, 1, 1]);
    expect(geo.outputShape).toEqual([5, 5]);
  });

  it("x=[2,10,7] f=[3,2,3,3] s=2 p=same: pads (0,1,1,1), output [3,5,4]", () => {
    const geo = computeGeometry(
      spec([2, 10, 7], [3, 2, 3, 3], { stride: [2, 2], padding: "same" }),
    );
    expect(pads(geo)).toEqual([0, 1, 1, 1]);
    expect(geo.outputShape).toEqual([3, 5, 4]);
  });

  it("x=[5,5] f=[3,3] s=1 d=2 p=same: pads (2,2,2,2)", () => {
    const geo = computeGeometry(spec([5, 5], [3, 3], { dilation: [2, 2], padding: "same" }));
    expect(pads(geo)).toEqual([2, 2, 2, 2]);
    expect(geo.outputShape).toEqual([5, 5]);
  });
});

describe("padding forms", () => {
  it.each<[PaddingSpec, number[]]>([
    [0, [0, 0, 0, 0]],
    [2, [2, 2, 2, 2]],
    [
      [1, 2],
      [1, 1, 2, 2],
    ],
    [
      [0, 1, 2, 3],
      [0, 1, 2, 3],
    ],
    ["valid", [0, 0, 0, 0]],
  ])("x=[6,6] f=[3,3] p=%j gives pads %j", (padding, expected) => {
    expect(pads(computeGeometry(spec([6, 6], [3, 3], { padding })))).toEqual(expected);
  });
});

describe("dilation", () => {
  it("x=[2,2] f=[2,2] s=2 p=1 d=2: the kernel spans 3, output 1x1", () => {
    const geo = computeGeometry(
      spec([2, 2], [2, 2], { stride: [2, 2], dilation: [2, 2], padding: 1 }),
    );
    expect(geo.outputShape).toEqual([1, 1]);
  });

  it("x=[9,9] f=[3,3] d=2 p=2: output 9x9", () => {
    const geo = computeGeometry(spec([9, 9], [3, 3], { dilation: [2, 2], padding: 2 }));
    expect(geo.outputShape).toEqual([9, 9]);
  });
});

describe("rows and columns no window reads", () => {
  it("x=[6,6] f=[3,3] s=2: row 5 and column 5", () => {
    const geo = computeGeometry(spec([6, 6], [3, 3], { stride: [2, 2] }));
    expect(unusedRowsAndCols(geo)).toEqual({ rows: [5], cols: [5] });
  });

  it("x=[2,10,11] f=[2,2,3,3] s=3: row 9 and columns 9, 10", () => {
    const geo = computeGeometry(spec([2, 10, 11], [2, 2, 3, 3], { stride: [3, 3] }));
    expect(unusedRowsAndCols(geo)).toEqual({ rows: [9], cols: [9, 10] });
  });

  it("x=[1,3] f=[1,1] s=(1,2): the middle column", () => {
    const geo = computeGeometry(spec([1, 3], [1, 1], { stride: [1, 2] }));
    expect(unusedRowsAndCols(geo)).toEqual({ rows: [], cols: [1] });
  });

  it("x=[5,5] f=[3,3] s=2 p=1: none", () => {
    const geo = computeGeometry(spec([5, 5], [3, 3], { stride: [2, 2], padding: 1 }));
    expect(unusedRowsAndCols(geo)).toEqual({ rows: [], cols: [] });
  });
});

describe("filter taps that only see padding", () => {
  it("x=[2,2] f=[2,2] s=2 p=1 d=2: taps [0][0], [0][1], [1][0]", () => {
    const geo = computeGeometry(
      spec([2, 2], [2, 2], { stride: [2, 2], dilation: [2, 2], padding: 1 }),
    );
    expect(paddingOnlyTaps(geo)).toEqual([
      [0, 0],
      [0, 1],
      [1, 0],
    ]);
  });

  it("x=[1,1] f=[3,3] s=2 p=same: every tap but the centre", () => {
    const geo = computeGeometry(spec([1, 1], [3, 3], { stride: [2, 2], padding: "same" }));
    expect(paddingOnlyTaps(geo)).toHaveLength(8);
    expect(paddingOnlyTaps(geo)).not.toContainEqual([1, 1]);
  });

  it("x=[5,5] f=[3,3] p=1: none", () => {
    const geo = computeGeometry(spec([5, 5], [3, 3], { padding: 1 }));
    expect(paddingOnlyTaps(geo)).toEqual([]);
  });
});

describe("tap tables against brute force on random geometries", () => {
  it("rowRange, colRange, rowTaps and colTaps list exactly the real taps", () => {
    fc.assert(
      fc.property(randomLayer, (r) => {
        const { layer } = r;
        const geo = computeGeometry(
          spec(
            [layer.batch, layer.inChannels, layer.height, layer.width],
            [
              layer.outChannels,
              layer.inChannels / layer.groups,
              layer.kernelHeight,
              layer.kernelWidth,
            ],
            {
              stride: layer.stride,
              dilation: layer.dilation,
              groups: layer.groups,
              padding: r.padding,
            },
          ),
        );
        expect(pads(geo)).toEqual(layer.pads);
        const axes = [
          [
            geo.outHeight,
            geo.kernelHeight,
            geo.inHeight,
            geo.strideHeight,
            geo.dilationHeight,
            geo.padTop,
            geo.rowRange,
            geo.rowTaps,
          ],
          [
            geo.outWidth,
            geo.kernelWidth,
            geo.inWidth,
            geo.strideWidth,
            geo.dilationWidth,
            geo.padLeft,
            geo.colRange,
            geo.colTaps,
          ],
        ] as const;
        for (const [outSize, kernel, inSize, stride, dilation, before, ranges, taps] of axes) {
          const expectedTaps: Array<Array<{ out: number; kernel: number }>> = Array.from(
            { length: inSize },
            () => [],
          );
          for (let k = 0; k < kernel; k++) {
            const real: number[] = [];
            for (let o = 0; o < outSize; o++) {
              const at = o * stride - before + k * dilation;
              if (at >= 0 && at < inSize) {
                real.push(o);
                expectedTaps[at].push({ out: o, kernel: k });
              }
            }
            const [start, end] = ranges[k];
            const listed = Array.from({ length: end - start }, (_, i) => start + i);
            expect(listed).toEqual(real);
          }
          const sortTaps = (list: Array<{ out: number; kernel: number }>) =>
            [...list].sort((a, b) => a.out - b.out || a.kernel - b.kernel);
          expect(taps.map(sortTaps)).toEqual(expectedTaps.map(sortTaps));
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe("settings that cannot work", () => {
  const thrown = (f: () => unknown) => {
    try {
      f();
    } catch (error) {
      return error;
    }
    throw new Error("expected a throw");
  };

  it("throws InputError at filter for a kernel larger than the padded input", () => {
    const error = thrown(() => computeGeometry(spec([2, 2], [3, 3])));
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).path).toBe("filter");
  });

  it("throws InputError at groups when groups do not divide the channels", () => {
    const error = thrown(() => computeGeometry(spec([3, 4, 4], [2, 1, 1, 1], { groups: 2 })));
    expect((error as InputError).path).toBe("groups");
  });

  it(`throws InputError at target when the output passes ${MAX_ELEMENTS} cells`, () => {
    const error = thrown(() => computeGeometry(spec([64, 1, 64, 64], [8192, 1, 1, 1])));
    expect((error as InputError).path).toBe("target");
    expect((error as InputError).message).toContain("[64, 8192, 64, 64]");
  });

  it(`throws InputError at padding when the padded input passes ${MAX_ELEMENTS} cells`, () => {
    const error = thrown(() => computeGeometry(spec([1, 1], [1, 1], { padding: 5000 })));
    expect((error as InputError).path).toBe("padding");
    expect((error as InputError).message).toContain(String(MAX_ELEMENTS));
  });
});
