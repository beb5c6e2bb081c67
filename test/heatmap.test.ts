import { Chalk } from "chalk";
import { describe, expect, it } from "vitest";
import { checkFile } from "../src/cli/grad.js";
import { summarise } from "../src/cli/outcome.js";
import { relErrorHeatmap } from "../src/cli/report/heatmap.js";
import { reportText } from "../src/cli/report/text.js";
import type { TensorCheck } from "../src/core/check.js";
import { compare } from "../src/core/compare.js";
import { sizeOf } from "../src/core/tensor.js";
import { MULTI_CHANNEL } from "./support/report.js";

const plain = new Chalk({ level: 0 });
const coloured = new Chalk({ level: 1 });
const rule = { rtol: 1e-6, atol: 0 };

/** A tensor whose numerical side is the analytic one times (1 + relError) per cell. */
function tensor(shape: number[], errors: Record<number, number> = {}): TensorCheck {
  const analytic = Float64Array.from({ length: sizeOf(shape) }, (_, i) => 1 + (i % 7));
  const numerical = analytic.map((a, i) => a * (1 + (errors[i] ?? 1e-14)));
  return {
    name: "input",
    shape,
    step: 0.01,
    analytic,
    numerical,
    cells: null,
    comparison: compare(analytic, numerical, rule),
  };
}

const glyphRows = (lines: string[]) =>
  lines.map((l) => l.trim()).filter((l) => /^[·░▒▓█ ]+$/.test(l) && l.length > 0);

describe("terminal relative-error heatmap", () => {
  it("x=[2,2,3]: one glyph pair per cell, a failing cell as █, each slice labelled", () => {
    // Slice [1] row 0 column 2 fails; slice [0] row 1 column 0 is 1e-8, within 1000 x rtol: ▒.
    const g = tensor([2, 2, 3], { 3: 1e-8, 8: 1e-3 });
    const lines = relErrorHeatmap(g, rule.rtol, plain);
    expect(lines.join("\n")).toContain("[0]     [1]");
    expect(glyphRows(lines)).toEqual(["······  ····██", "▒▒····  ······"]);
    expect(lines.at(-1)).toContain("█ fails");
  });

  it("is readable without colour and coloured on a terminal", () => {
    const g = tensor([3, 3], { 4: 1e-3 });
    const bare = relErrorHeatmap(g, rule.rtol, plain).join("\n");
    expect(bare).not.toMatch(/\u001b\[/);
    expect(bare).toContain("··██··");
    expect(relErrorHeatmap(g, rule.rtol, coloured).join("\n")).toMatch(/\u001b\[31m/);
  });

  it("x=[1,1,100,100]: blocks of 7x7 cells show their worst level", () => {
    const failing = 99 * 100 + 0; // row 99, column 0
    const lines = relErrorHeatmap(tensor([1, 1, 100, 100], { [failing]: 0.5 }), 1e-6, plain);
    const rows = glyphRows(lines);
    expect(rows).toHaveLength(15);
    expect(rows.every((r) => r.length === 30)).toBe(true);
    expect(rows[14].startsWith("██··")).toBe(true);
    expect(rows.slice(0, 14).join("")).not.toContain("█");
    expect(lines.join("\n")).toContain("(7x7 per glyph)");
  });

  it("f=[64,3,7,7]: one glyph per slice and the worst slice in full", () => {
    const plane = 49;
    const cell = (10 * 3 + 2) * plane + 3 * 7 + 4; // slice [10][2], row 3, column 4
    const lines = relErrorHeatmap(tensor([64, 3, 7, 7], { [cell]: 0.1 }), 1e-6, plain);
    expect(lines.length).toBeLessThan(30);
    const text = lines.join("\n");
    // 64 rows of slices fold into 16: output channel 10 is in the third.
    expect(text).toContain("one glyph per slice, rows [0] (4 per glyph) by columns [1]");
    expect(text).toContain("worst slice [10][2]");
    const overview = lines.slice(2, 18).map((l) => l.trim().slice(0, 6));
    expect(overview[2]).toBe("····██");
    expect(overview.filter((r) => r.includes("█"))).toHaveLength(1);
  });
});

describe("heatmaps in the text report", () => {
  const report = async (rule: { rtol: number; atol: number }, heatmap: boolean) => {
    const outcome = await checkFile(MULTI_CHANNEL, { rule });
    return reportText([outcome], summarise([outcome]), { color: plain, full: false, heatmap });
  };
  const sections = (text: string) =>
    text
      .split(/\n(?= {2}dE\/d)/)
      .map((part) => [part.slice(2, 12), part.includes("relative error\n")]);

  it("x=[3,8,8] passing: no heatmap unless asked for, then one per tensor", async () => {
    const quiet = await report({ rtol: 1e-6, atol: 1e-6 }, false);
    expect(quiet).not.toContain("█ fails");
    expect(sections(await report({ rtol: 1e-6, atol: 1e-6 }, true)).slice(1)).toEqual([
      ["dE/dFilter", true],
      ["dE/dInput ", true],
      ["dE/dBias [", true],
    ]);
  });

  it("x=[3,8,8] failing a tight rule: the large dE/dInput gets its heatmap unasked", async () => {
    const text = await report({ rtol: 1e-13, atol: 0 }, false);
    expect(sections(text).slice(1)).toEqual([
      ["dE/dFilter", false],
      ["dE/dInput ", true],
      ["dE/dBias [", false],
    ]);
  });
});
