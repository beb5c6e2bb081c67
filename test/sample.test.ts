import { describe, expect, it } from "vitest";
import { computeGeometry, type Geometry } from "../src/core/geometry.js";
import { corners, sampleCells } from "../src/core/sample.js";
import { unravel } from "../src/core/tensor.js";
import { runCli } from "./helpers/cli.js";
import { scratchDir, writeLayer } from "./helpers/fixture-file.js";

function geometry(pads: [number, number, number, number]): Geometry {
  return computeGeometry({
    inputShape: [2, 3, 9, 10],
    filterShape: [4, 3, 3, 3],
    hasBias: true,
    stride: [2, 2],
    dilation: [1, 1],
    padding: pads,
    groups: 1,
  });
}

describe("sampleCells", () => {
  const geo = geometry([1, 2, 1, 0]);

  it("x=[2,3,9,10] every corner of the input is sampled", () => {
    const cells = Array.from(sampleCells("input", geo.inputShape, geo, 20, 7)!);
    const wanted = corners(geo.inputShape);
    expect(wanted).toHaveLength(16);
    for (const corner of wanted) expect(cells).toContain(corner);
  });

  it("x=[2,3,9,10] p=(1,2,1,0): a cell next to each padded side, none needed on the right", () => {
    const tensorCorners = new Set(corners(geo.inputShape));
    for (let seed = 0; seed < 20; seed++) {
      const cells = Array.from(sampleCells("input", geo.inputShape, geo, 24, seed)!);
      // Beyond the tensor's corners, each padded side must still be visited.
      const spots = cells
        .filter((cell) => !tensorCorners.has(cell))
        .map((cell) => unravel(cell, geo.inputShape));
      expect(
        spots.some(([, , y]) => y === 0),
        `seed ${seed}: top`,
      ).toBe(true);
      expect(
        spots.some(([, , y]) => y === 8),
        `seed ${seed}: bottom`,
      ).toBe(true);
      expect(
        spots.some(([, , , x]) => x === 0),
        `seed ${seed}: left`,
      ).toBe(true);
      expect(cells).toHaveLength(24);
    }
  });

  it("f=[4,3,3,3] p=(1,2,1,0): filter taps that read padding on each padded side are sampled", () => {
    const cells = Array.from(sampleCells("filter", geo.filterShape, geo, 30, 3)!);
    const spots = cells.map((cell) => unravel(cell, geo.filterShape));
    // Tap row 0 reads the top pad, tap row 2 the bottom pad, tap column 0 the left pad.
    expect(spots.some(([, , ky, kx]) => ky === 0 && kx === 1)).toBe(true);
    expect(spots.some(([, , ky, kx]) => ky === 2 && kx === 1)).toBe(true);
    expect(spots.some(([, , ky, kx]) => kx === 0 && ky === 1)).toBe(true);
  });

  it("the same seed picks the same cells, another seed other cells", () => {
    const a = sampleCells("input", geo.inputShape, geo, 40, 12345);
    const b = sampleCells("input", geo.inputShape, geo, 40, 12345);
    const c = sampleCells("input", geo.inputShape, geo, 40, 12346);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it("returns exactly N sorted distinct cells when N exceeds the corners and sides", () => {
    for (const count of [30, 200, 500]) {
      const cells = sampleCells("input", geo.inputShape, geo, count, 9)!;
      expect(cells).toHaveLength(count);
      for (let i = 1; i < cells.length; i++) expect(cells[i]).toBeGreaterThan(cells[i - 1]);
      expect(cells[cells.length - 1]).toBeLessThan(2 * 3 * 9 * 10);
    }
  });

  it("keeps every corner even when N is smaller, and returns null when N covers the tensor", () => {
    expect(sampleCells("bias", [4], geo, 1, 1)).toEqual(Int32Array.of(0, 3));
    expect(sampleCells("bias", [4], geo, 4, 1)).toBeNull();
    expect(sampleCells("filter", geo.filterShape, geo, 10_000, 1)).toBeNull();
  });
});

describe("grad --sample", () => {
  const dir = scratchDir();
  const file = writeLayer(dir, "x-3x12x12-f4x3x3x3-p1.json", {
    input: [3, 12, 12],
    filter: [4, 3, 3, 3],
    padding: 1,
    bias: true,
  });

  it("x=[3,12,12] --sample 10 --seed 7 --json: unchecked cells are null, the seed is kept", async () => {
    const run = await runCli(["grad", file, "--sample", "10", "--seed", "7", "--json"]);
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout).results[0];
    expect(result.sample).toEqual({ count: 10, seed: 7 });
    const input = result.gradients.input;
    const numerical = (input.numerical as number[][][]).flat(2);
    const relError = (input.relError as number[][][]).flat(2);
    const checked = numerical.filter((v) => v !== null).length;
    expect(checked).toBe(input.checked);
    expect(checked).toBeGreaterThanOrEqual(10);
    expect(checked).toBeLessThan(numerical.length);
    expect(relError.map((v) => v === null)).toEqual(numerical.map((v) => v === null));
    expect(numerical[0]).not.toBeNull();
    expect(numerical[numerical.length - 1]).not.toBeNull();
  });

  it("x=[3,12,12] --sample 10: the text report prints the seed, and that seed repeats the run", async () => {
    const first = await runCli(["grad", file, "--sample", "10", "--json"]);
    const seed = JSON.parse(first.stdout).results[0].sample.seed;
    const text = await runCli(["grad", file, "--sample", "10", "--seed", String(seed)]);
    expect(text.stdout).toContain(`seed ${seed}`);
    const again = await runCli(["grad", file, "--sample", "10", "--seed", String(seed), "--json"]);
    expect(again.stdout).toBe(first.stdout);
  });

  it("--sample 0 and --seed -1 are misuse", async () => {
    expect((await runCli(["grad", file, "--sample", "0"])).code).toBe(2);
    expect((await runCli(["grad", file, "--seed", "-1"])).code).toBe(2);
  });
});
