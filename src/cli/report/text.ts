import type { ChalkInstance } from "chalk";
import Table from "cli-table3";
import type { CheckResult, ExpectedCheck, TensorCheck } from "../../core/check.js";
import { unravel } from "../../core/tensor.js";
import { describeRegression } from "../baseline.js";
import { err, index, num, padStart, printable, shape } from "../format.js";
import { errorLine, type Outcome, type Summary } from "../outcome.js";
import { headLines, sweepLines, tensorNotes } from "./head-text.js";
import { relErrorHeatmap } from "./heatmap.js";
import {
  implErrorLines,
  implLines,
  implReasons,
  implReferenceLines,
  implTail,
} from "./impl-text.js";
import { directionLines, directionsOnly, scaleLines } from "./scale-text.js";

export interface TextOptions {
  color: ChalkInstance;
  full: boolean;
  /** Draw every tensor's relative-error heatmap (failing large tensors get one anyway). */
  heatmap?: boolean;
}

/** Slices wider than this, or tensors with more cells, are summarised unless --full. */
const MAX_GRID_COLUMNS = 12;
const MAX_GRID_CELLS = 144;
const WORST_LISTED = 8;

const TENSOR_TITLE = { filter: "dE/dFilter", input: "dE/dInput", bias: "dE/dBias" } as const;

function verdictWord(status: Outcome["status"], c: ChalkInstance): string {
  if (status === "pass") return c.green.bold("PASS");
  if (status === "fail") return c.red.bold("FAIL");
  return c.red.bold("ERROR");
}

/** Align columns of strings; `marks` says which cells to draw as failing. */
function grid(rows: string[][], c: ChalkInstance, marks?: boolean[][]): string[] {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, j) => {
      widths[j] = Math.max(widths[j] ?? 0, cell.length);
    });
  }
  return rows.map((row, i) =>
    row
      .map((cell, j) => {
        const text = padStart(cell, widths[j]);
        return marks?.[i]?.[j] ? c.red.bold(text) : text;
      })
      .join("  "),
  );
}

function sideBySide(blocks: string[][], widths: number[], gap = "    "): string[] {
  const height = Math.max(...blocks.map((b) => b.length));
  const lines: string[] = [];
  for (let i = 0; i < height; i++) {
    lines.push(
      blocks
        .map((b, k) => {
          const line = b[i] ?? "";
          // ANSI codes take no columns; pad by the visible width.
          const visible = line.replace(/\u001b\[[0-9;]*m/g, "").length;
          return line + " ".repeat(Math.max(0, widths[k] - visible));
        })
        .join(gap)
        .trimEnd(),
    );
  }
  return lines;
}

/** Analytic, numerical and relative error of every cell, one 2-D slice at a time. */
function slices(
  g: TensorCheck,
  c: ChalkInstance,
  heading = ["analytic", "numerical", "rel error"],
): string[] {
  const dims = g.shape.length === 1 ? [1, g.shape[0]] : g.shape.slice(-2);
  const [height, width] = dims;
  const plane = height * width;
  const leading = g.shape.length > 2 ? g.shape.slice(0, -2) : [];
  const sliceCount = g.analytic.length / plane;
  const failing = new Set(g.comparison.failing);
  const lines: string[] = [];
  for (let s = 0; s < sliceCount; s++) {
    const make = (pick: (cell: number) => string) =>
      Array.from({ length: height }, (_, y) =>
        Array.from({ length: width }, (_, x) => pick(s * plane + y * width + x)),
      );
    const marks = Array.from({ length: height }, (_, y) =>
      Array.from({ length: width }, (_, x) => failing.has(s * plane + y * width + x)),
    );
    const blocks = [
      grid(
        make((cell) => num(g.analytic[cell])),
        c,
        marks,
      ),
      grid(
        make((cell) => num(g.numerical[cell])),
        c,
        marks,
      ),
      grid(
        make(
          (cell) =>
            err(g.comparison.relError[cell]) +
            (failing.has(cell) ? "*" : g.kinks.has(cell) ? "k" : ""),
        ),
        c,
        marks,
      ),
    ];
    const widths = blocks.map((b) =>
      Math.max(12, ...b.map((l) => l.replace(/\u001b\[[0-9;]*m/g, "").length)),
    );
    const label = leading.length ? index(unravel(s, leading)) : "";
    lines.push(`    ${c.dim(label)}`.trimEnd());
    for (const line of sideBySide(
      [heading.slice(0, 1), heading.slice(1, 2), heading.slice(2)],
      widths,
    )) {
      lines.push(`      ${c.dim(line)}`);
    }
    for (const line of sideBySide(blocks, widths)) lines.push(`      ${line}`);
  }
  return lines.filter((l, i) => !(i === 0 && l.trim() === ""));
}

function worstCells(g: TensorCheck, c: ChalkInstance): string[] {
  const ranked = Array.from(g.cells ?? g.analytic.keys())
    .filter((cell) => !Number.isNaN(g.comparison.relError[cell]))
    .sort((a, b) => {
      // The cell named worst (furthest past the rule) first, as in the heading.
      const wa = a === g.comparison.worst ? 1 : 0;
      const wb = b === g.comparison.worst ? 1 : 0;
      const fa = g.comparison.failing.includes(a) ? 1 : 0;
      const fb = g.comparison.failing.includes(b) ? 1 : 0;
      return wb - wa || fb - fa || g.comparison.relError[b] - g.comparison.relError[a];
    })
    .slice(0, WORST_LISTED);
  // The last column marks failing cells; without any it is left out.
  const marks = ranked.some((cell) => g.comparison.failing.includes(cell));
  const table = new Table({
    head: ["cell", "analytic", "numerical", "|a - n|", "rel error", ...(marks ? [""] : [])],
    style: { head: [], border: [], compact: true },
    colAligns: ["left", "right", "right", "right", "right", "left"],
    chars: { mid: "", "left-mid": "", "mid-mid": "", "right-mid": "" },
  });
  for (const cell of ranked) {
    const fails = g.comparison.failing.includes(cell);
    table.push([
      index(unravel(cell, g.shape)),
      num(g.analytic[cell]),
      num(g.numerical[cell]),
      err(Math.abs(g.analytic[cell] - g.numerical[cell])),
      err(g.comparison.relError[cell]),
      ...(marks ? [fails ? c.red("fails") : ""] : []),
    ]);
  }
  return table
    .toString()
    .split("\n")
    .map((l) => `    ${l}`);
}

function tensorSection(g: TensorCheck, options: TextOptions, rtol: number): string[] {
  const c = options.color;
  const cmp = g.comparison;
  const status = cmp.pass ? c.green("pass") : c.red.bold("FAIL");
  const counted =
    g.cells === null
      ? `${cmp.checked} cells`
      : `${cmp.checked} of ${g.analytic.length} cells sampled`;
  const worst =
    cmp.worst >= 0
      ? `worst ${index(unravel(cmp.worst, g.shape))} rel error ${err(cmp.relError[cmp.worst])}`
      : "nothing checked";
  const failing = cmp.failing.length ? c.red(`, ${cmp.failing.length} failing`) : "";
  const summary = directionsOnly(g) ?? `${worst}  (${counted}${failing}, step ${num(g.step, 3)})`;
  const lines = [`  ${c.bold(TENSOR_TITLE[g.name])} ${shape(g.shape)}  ${status}  ${summary}`];
  if (cmp.checked === 0) return lines;
  lines.push(...directionLines(g, c));
  lines.push(...tensorNotes(g, c));
  const dims = g.shape.length === 1 ? [1, g.shape[0]] : g.shape.slice(-2);
  const small = dims[1] <= MAX_GRID_COLUMNS && g.analytic.length <= MAX_GRID_CELLS;
  if (options.full || small) {
    lines.push(...slices(g, c));
    if (cmp.failing.length) lines.push(`      ${c.dim("* fails the rule")}`);
    if (options.heatmap) lines.push(...relErrorHeatmap(g, rtol, c));
  } else {
    lines.push(...worstCells(g, c));
    // Where the failing cells sit is what a table of the worst ones cannot show.
    if (options.heatmap || !cmp.pass) lines.push(...relErrorHeatmap(g, rtol, c));
    lines.push(`    ${c.dim("(large tensor: worst cells shown; --full prints every cell)")}`);
  }
  return lines;
}

function expectedSection(checks: ExpectedCheck[], c: ChalkInstance): string[] {
  if (!checks.length) return [];
  const parts = checks.map((e) => {
    const mark = e.comparison.pass ? c.green("ok") : c.red.bold("MISMATCH");
    return `${e.name} ${mark} (${err(e.comparison.maxRelError)})`;
  });
  return [`  expected  ${parts.join(", ")}`];
}

function geometryLines(result: CheckResult, c: ChalkInstance): string[] {
  const g = result.geo;
  const r = result.rule;
  return [
    `  ${c.dim("shapes")}    input ${shape(g.inputShape)}  filter ${shape(g.filterShape)}${g.biasShape ? `  bias ${shape(g.biasShape)}` : ""}  output ${shape(g.outputShape)}`,
    `  ${c.dim("geometry")}  stride ${g.strideHeight}x${g.strideWidth}  dilation ${g.dilationHeight}x${g.dilationWidth}  groups ${g.groups}  pads top ${g.padTop} bottom ${g.padBottom} left ${g.padLeft} right ${g.padRight}`,
    `  ${c.dim("loss")}      ${num(result.loss, 12)}`,
    `  ${c.dim("rule")}      |analytic - numerical| <= atol + rtol * max(|analytic|, |numerical|)  rtol ${num(r.rtol, 3)}  atol ${num(r.atol, 3)}  eps ${num(r.eps, 3)}`,
    ...scaleLines(result, c),
  ];
}

/** Why a failed fixture failed, in one clause. */
function failureReason(result: CheckResult): string {
  const parts = implReasons(result);
  const own = result.gradients
    .filter((g) => !g.comparison.pass)
    .map(
      (g) =>
        `${TENSOR_TITLE[g.name]} ${g.comparison.failing.length} of ${g.comparison.checked} cells`,
    );
  const stale = result.expected.filter((e) => !e.comparison.pass).map((e) => `expected ${e.name}`);
  return [...parts, ...own, ...stale].join(", ");
}

function regressionLines(outcome: Outcome, c: ChalkInstance): string[] {
  return (outcome.regressions ?? []).map((r) => `  ${c.red("regressed")} ${describeRegression(r)}`);
}

export function fixtureReport(outcome: Outcome, options: TextOptions): string[] {
  const c = options.color;
  const title = outcome.fixture?.name ? ` ${c.dim(`(${printable(outcome.fixture.name)})`)}` : "";
  if (outcome.status === "error" || !outcome.result) {
    return [`${verdictWord("error", c)} ${errorLine(outcome)}`, ...implErrorLines(outcome, c)];
  }
  const result = outcome.result;
  const reason =
    failureReason(result) || (outcome.regressions?.length ? "regressed against the baseline" : "");
  const why = outcome.status === "fail" ? ` ${c.red(`— ${reason}`)}` : "";
  const lines = [`${verdictWord(outcome.status, c)}  ${printable(outcome.file)}${title}${why}`];
  lines.push(...regressionLines(outcome, c));
  lines.push(...geometryLines(result, c));
  lines.push(...headLines(result, c));
  for (const w of result.warnings) lines.push(`  ${c.yellow("warning")}   ${w.message}`);
  lines.push(...expectedSection(result.expected, c));
  lines.push(...implLines(result, c, options.full, slices));
  for (const g of result.gradients) {
    lines.push("");
    lines.push(...tensorSection(g, options, result.rule.rtol));
    lines.push(...implReferenceLines(result, g, c, options.full, slices));
  }
  if (result.sweep) lines.push(...sweepLines(result.sweep, c));
  lines.push(...implTail(result, c));
  return lines;
}

function worstOf(outcome: Outcome, name: string): string {
  const g = outcome.result?.gradients.find((t) => t.name === name);
  if (!g) return "";
  return `${err(g.comparison.maxRelError)}${g.comparison.pass ? "" : " ✗"}`;
}

export function summaryTable(outcomes: Outcome[], c: ChalkInstance): string {
  const table = new Table({
    head: ["fixture", "input", "filter", "output", "dFilter", "dInput", "dBias", "verdict"],
    style: { head: [], border: [], compact: true },
    colAligns: ["left", "left", "left", "left", "right", "right", "right", "left"],
  });
  for (const o of outcomes) {
    const geo = o.result?.geo;
    table.push([
      printable(o.file),
      geo ? shape(geo.inputShape) : "",
      geo ? shape(geo.filterShape) : "",
      geo ? shape(geo.outputShape) : "",
      worstOf(o, "filter"),
      worstOf(o, "input"),
      worstOf(o, "bias"),
      verdictWord(o.status, c),
    ]);
  }
  return table.toString();
}

export function verdictLine(summary: Summary, c: ChalkInstance): string {
  const { total, passed, failed, errors } = summary;
  const word = errors
    ? verdictWord("error", c)
    : failed
      ? verdictWord("fail", c)
      : verdictWord("pass", c);
  const parts = [`${passed} of ${total} fixture${total === 1 ? "" : "s"} passed`];
  if (failed) parts.push(`${failed} failed`);
  if (errors) parts.push(`${errors} could not be checked`);
  return `${word}  ${parts.join(", ")}`;
}

/** The whole run: the verdict first, then the table and the details that matter. */
export function reportText(outcomes: Outcome[], summary: Summary, options: TextOptions): string {
  const c = options.color;
  if (outcomes.length === 1) {
    // A lone fixture that could not be checked has its one line on stderr.
    if (outcomes[0].status === "error") return "";
    return `${fixtureReport(outcomes[0], options).join("\n")}\n`;
  }
  const lines = [verdictLine(summary, c), "", summaryTable(outcomes, c)];
  for (const o of outcomes.filter((x) => x.status !== "pass")) {
    lines.push("", ...fixtureReport(o, options));
  }
  lines.push(
    "",
    c.dim("max relative error per tensor; ✗ marks a tensor with cells failing the rule"),
  );
  return `${lines.join("\n")}\n`;
}
