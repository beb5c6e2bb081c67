import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compare } from "../src/core/compare.js";
import { dependencyTables, expandDependencies } from "../src/core/dependencies.js";
import { loadFixture } from "../src/fixture/load.js";
import { escapeHtml, jsonForScript } from "../src/html/escape.js";
import { MAX_DRAWN_CELLS, tensorData } from "../src/html/model.js";
import { expectAllClose, scaleOf } from "./helpers/allclose.js";
import { classicImplPage } from "./helpers/cli.js";
import {
  embeddedData,
  HOSTILE,
  hostileFixtures,
  MULTI_CHANNEL,
  outcomesOf,
  PLAIN_2D,
  reportOf,
} from "./support/report.js";

describe("HTML report page", () => {
  it("x=[3,8,8] f=[4,3,3,3] with bias and x=[5,5] f=[3,3]: one section and data per fixture", async () => {
    const html = await reportOf([MULTI_CHANNEL, PLAIN_2D]);
    const data = embeddedData(html);
    expect(data.fixtures.map((f) => f.tensors.map((t) => t.name))).toEqual([
      ["filter", "input", "bias"],
      ["filter", "input"],
    ]);
    for (const f of data.fixtures) {
      expect(html).toContain(`id="fixture-${f.index}"`);
      for (const t of f.tensors) {
        expect(html).toContain(`<div class="tensor" data-tensor="${t.name}">`);
        // Every cell of these small tensors is drawn, one value per cell.
        const cells = t.shape.reduce((a, b) => a * b, 1);
        expect(t.analytic).toHaveLength(cells);
        expect(t.slices.every((s) => s.block === 1)).toBe(true);
      }
    }
    expect(data.fixtures[0].tables).toEqual(dependencyTables(loadFixture(MULTI_CHANNEL).geo));
    // Both legends per tensor: values and relative error.
    expect(html.match(/data-legend="value"/g)).toHaveLength(5);
    expect(html.match(/data-legend="error"/g)).toHaveLength(5);
  });

  it("loads nothing: no external scripts, styles, fonts, images or links", async () => {
    const html = await reportOf([MULTI_CHANNEL, PLAIN_2D]);
    expect(html).not.toMatch(/<link\b|<img\b|<iframe\b|@import|@font-face/i);
    expect(html).not.toMatch(/\ssrc=/i);
    for (const href of html.match(/href="[^"]*"/g) ?? []) expect(href).toMatch(/^href="#/);
    for (const url of html.match(/url\([^)]*\)/g) ?? []) expect(url).toMatch(/^url\(#/);
    // The only URL is the SVG namespace the script creates elements in.
    const urls = new Set(html.match(/https?:\/\/[^\s"'`)]+/g));
    expect([...urls]).toEqual(["http://www.w3.org/2000/svg"]);
    expect(html).toMatch(/Content-Security-Policy" content="default-src 'none'/);
  });

  it("escapes a hostile fixture name, description, file name and error message", async () => {
    const html = await reportOf(hostileFixtures());
    // Exactly the page's own two script elements, and no injected markup.
    expect(html.match(/<script/gi)).toHaveLength(2);
    expect(html).not.toContain("<b>bold</b>");
    expect(html).not.toContain("<img");
    expect(html).not.toContain("<!-- &");
    expect(html).toContain(escapeHtml(HOSTILE.name));
    expect(html).toContain(escapeHtml(HOSTILE.description));
    expect(html).toContain(escapeHtml(HOSTILE.file));
    expect(html).toContain(escapeHtml(HOSTILE.key));
    // The embedded JSON still reads back the original text.
    const data = embeddedData(html);
    expect(data.fixtures[0].name).toBe(HOSTILE.name);
    expect(data.fixtures[0].file.endsWith(HOSTILE.file)).toBe(true);
    expect(data.fixtures[1].status).toBe("error");
  });

  it("escapes: each special character has its own replacement", () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe(
      "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;",
    );
    const tricky = { s: "</script><!--\u2028&" };
    const text = jsonForScript(tricky);
    expect(text).not.toMatch(/[<>&\u2028]/);
    expect(JSON.parse(text)).toEqual(tricky);
  });
});

describe("grad --html", () => {
  const bin = join(import.meta.dirname, "..", "bin", "convcheck.js");
  const run = (...args: string[]) =>
    spawnSync(process.execPath, [bin, "grad", ...args], { encoding: "utf8" });

  it("writes the page, replacing an old one whole, and leaves no temporary file", () => {
    const dir = mkdtempSync(join(tmpdir(), "convcheck-html-"));
    const file = join(dir, "report.html");
    writeFileSync(file, "old report");
    const result = run(PLAIN_2D, "--html", file);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("PASS");
    expect(readFileSync(file, "utf8")).toMatch(/^<!doctype html>/);
    expect(readdirSync(dir)).toEqual(["report.html"]);
  });

  it("keeps the run's exit code: a failing fixture gives 1 and still a page", () => {
    const dir = mkdtempSync(join(tmpdir(), "convcheck-html-"));
    const file = join(dir, "report.html");
    const result = run(PLAIN_2D, "--rtol", "0", "--atol", "0", "--eps", "0.3", "--html", file);
    expect(result.status).toBe(1);
    expect(embeddedData(readFileSync(file, "utf8")).fixtures[0].status).toBe("fail");
  });

  it("cannot write into a missing folder: one line on stderr, exit 2", () => {
    const file = join(tmpdir(), "convcheck-no-such-folder", "report.html");
    const result = run(PLAIN_2D, "--html", file);
    expect(result.status).toBe(2);
    expect(result.stderr.trim().split("\n")).toEqual([
      `convcheck: cannot write the HTML report ${file}: no such folder`,
    ]);
  });

  it("given a folder for the page: one line that says so, exit 2", () => {
    const dir = mkdtempSync(join(tmpdir(), "convcheck-html-dir-"));
    try {
      const result = run(PLAIN_2D, "--html", dir);
      expect(result.status).toBe(2);
      expect(result.stderr.trim().split("\n")).toEqual([
        `convcheck: cannot write the HTML report ${dir}: that is a folder; give a file name`,
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("grad --impl --html", () => {
  it("classic strided-forward mistake: diagnoses beside the pictures, the forward drawn as maps", () => {
    const dir = mkdtempSync(join(tmpdir(), "convcheck-html-"));
    const file = join(dir, "impl.html");
    const result = classicImplPage(file);
    expect(result.status).toBe(1);
    const html = readFileSync(file, "utf8");
    const aside = /<aside class="inspector">([\s\S]*?)<\/aside>/.exec(html)![1];
    expect(aside).toContain('data-code="forward-mismatch"');
    expect(aside).toContain('data-code="matches-reference"');
    expect(html).toContain('<div class="tensor" data-tensor="output">');
    expect(html).toMatch(/data-tensor="filter">[\s\S]*?<span class="tag"[^>]*>matches-reference/);
    const data = embeddedData(html).fixtures[0];
    expect(data.tensors.map((t) => t.key)).toEqual(["output", "filter", "input"]);
    expect(data.tensors[0].labels).toEqual(["yours", "convcheck"]);
  });
});

describe("large tensors on the page", () => {
  it("x=[2,8,100,100]: 3x3 blocks showing their worst cell, slices up to the budget plus the worst", () => {
    const shape = [2, 8, 100, 100];
    const size = 2 * 8 * 100 * 100;
    const analytic = Float64Array.from({ length: size }, (_, i) => Math.sin(i));
    const worst = 15 * 10000 + 41 * 100 + 77; // last slice, row 41, column 77
    const numerical = analytic.map((a, i) => (i === worst ? a + 1 : a));
    const comparison = compare(analytic, numerical, { rtol: 1e-6, atol: 0 });
    const data = tensorData({
      name: "input",
      shape,
      step: 0.01,
      analytic,
      numerical,
      cells: null,
      comparison,
    });
    expect(data.slices.every((s) => s.block === 3 && s.height === 34 && s.width === 34)).toBe(true);
    expect(data.slices.map((s) => s.label).slice(-2)).toEqual(["[1][5]", "[1][7]"]);
    expect(data.omittedSlices).toBe(16 - data.slices.length);
    expect(data.analytic.length).toBeLessThanOrEqual(MAX_DRAWN_CELLS + 34 * 34);
    const last = data.slices.at(-1)!;
    const drawn = last.offset + Math.floor(41 / 3) * 34 + Math.floor(77 / 3);
    expect(last.cells![drawn - last.offset]).toBe(worst);
    expect(data.failing).toEqual([drawn]);
    expect(data.worst).toBe(worst);
  });
});

describe("kinks on the page", () => {
  it("c9-relu-kink: each kink cell carries its one-sided derivatives", async () => {
    const kinkFixture = join(import.meta.dirname, "..", "fixtures", "field", "c9-relu-kink.json");
    const [outcome] = await outcomesOf([kinkFixture]);
    const data = embeddedData(await reportOf([kinkFixture])).fixtures[0];
    for (const [k, g] of outcome.result!.gradients.entries()) {
      const kinks = data.tensors[k].kinks;
      expect(kinks.map(([cell]) => cell)).toEqual([...g.kinks.keys()].sort((a, b) => a - b));
      for (const [cell, left, right] of kinks) expect(g.kinks.get(cell)).toEqual({ left, right });
    }
    expect(data.tensors.some((t) => t.kinks.length > 0)).toBe(true);
  });
});

describe("the chain rule the page writes out", () => {
  it("x=[3,8,8] f=[4,3,3,3] bias, tanh then mse_mean: the terms of every cell sum to its gradient", async () => {
    const fixture = JSON.parse(readFileSync(MULTI_CHANNEL, "utf8"));
    delete fixture.expected;
    const file = join(mkdtempSync(join(tmpdir(), "convcheck-head-")), "tanh.json");
    writeFileSync(
      file,
      JSON.stringify({ ...fixture, activation: "tanh", lossFunction: "mse_mean" }),
    );
    const data = embeddedData(await reportOf([file])).fixtures[0];
    expect(data.gradientName).toBe("dE/dZ");
    const values = data.values!;
    const partner = { filter: values.input, input: values.filter, bias: null };
    for (const tensor of data.tensors) {
      const sums = tensor.analytic.map((_, cell) => {
        const deps = expandDependencies(data.tables!, tensor.name, cell);
        const other = partner[tensor.name];
        return deps.outputs.reduce(
          (sum, o, t) => sum + values.dOutput[o] * (other ? other[deps.partners[t]] : 1),
          0,
        );
      });
      const analytic = tensor.analytic as number[];
      expectAllClose(sums, analytic, { rtol: 0, atol: 1e-12 * scaleOf(analytic) }, tensor.name);
    }
  });
});
