import type { ChalkInstance } from "chalk";
import { type Command, Option } from "commander";
import { numericalFor, runInThread } from "../core/check.js";
import { InputError } from "../core/errors.js";
import { type Explanation, explainCell, parseCell } from "../core/explain.js";
import { isPlain } from "../core/head.js";
import type { Problem } from "../core/numerical.js";
import { defaultsFor, stepFor } from "../core/tolerance.js";
import { loadFixture } from "../fixture/load.js";
import { index, num } from "./format.js";
import { colorFor, write } from "./output.js";

export interface ExplainOptions {
  cell: string;
  json?: boolean;
  full?: boolean;
  color: boolean;
}

/** Terms listed before the rest are summarised, unless --full. */
const LISTED = 40;

const TITLE = { filter: "dE/dFilter", input: "dE/dInput", bias: "dE/dBias" } as const;

function table(rows: string[][], align: Array<"l" | "r">): string[] {
  const widths = rows[0].map((_, j) => Math.max(...rows.map((r) => r[j].length)));
  return rows.map((r) =>
    r
      .map((cell, j) => (align[j] === "l" ? cell.padEnd(widths[j]) : cell.padStart(widths[j])))
      .join("  ")
      .trimEnd(),
  );
}

function render(
  e: Explanation,
  file: string,
  plain: boolean,
  numerical: number,
  full: boolean,
  c: ChalkInstance,
): string {
  const name = `${TITLE[e.tensor]}${index(e.index)}`;
  const lines = [`${c.bold(name)} = ${num(e.sum, 10)}  ${c.dim(`(${file})`)}`, `  ${e.formula}`];
  lines.push(
    `  ${c.dim(plain ? "dE/dO = O - T, the derivative of E = 1/2 sum (O - T)^2" : "dE/dO from the fixture's activation and loss, at O")}`,
  );
  lines.push("");
  if (e.terms.length === 0) {
    lines.push(
      `  no window reads this cell: the stride steps over it, so its gradient is exactly 0`,
    );
  } else {
    const partnerName = e.tensor === "filter" ? "input" : "filter";
    const head = [
      "output",
      "O",
      "T",
      "dE/dO",
      ...(e.tensor === "bias" ? [] : [partnerName, "value"]),
      "term",
    ];
    const shown = full ? e.terms : e.terms.slice(0, LISTED);
    const rows = shown.map((t) => {
      const cells = [index(t.output), num(t.value), num(t.target), num(t.gradOutput)];
      if (e.tensor !== "bias") {
        cells.push(
          t.partner ? index(t.partner.index) : `[${t.padding?.join("][")}]`,
          t.partner ? num(t.partner.value) : "padding",
        );
      }
      cells.push(num(t.product));
      return cells;
    });
    const align: Array<"l" | "r"> =
      e.tensor === "bias" ? ["l", "r", "r", "r", "r"] : ["l", "r", "r", "r", "l", "r", "r"];
    const body = table([head, ...rows], align);
    lines.push(
      `  ${c.dim(body[0])}`,
      ...body.slice(1).map((l, i) => (shown[i].padding ? `  ${c.dim(l)}` : `  ${l}`)),
    );
    if (shown.length < e.terms.length)
      lines.push(
        `  ${c.dim(`… ${e.terms.length - shown.length} more terms (--full lists them all)`)}`,
      );
    const padded = e.terms.filter((t) => t.padding).length;
    const count = `${e.terms.length} term${e.terms.length === 1 ? "" : "s"}`;
    lines.push(
      "",
      `  ${count}${padded ? `, ${padded} of them in the zero padding (they add 0)` : ""}; the sum is ${num(e.sum, 10)}`,
    );
  }
  lines.push(
    `  ${c.dim("convcheck's backward pass gives")} ${num(e.analytic, 10)}${c.dim(", the central difference")} ${num(numerical, 10)}`,
  );
  return `${lines.join("\n")}\n`;
}

export async function explainCommand(file: string, options: ExplainOptions): Promise<number> {
  try {
    const fixture = loadFixture(file);
    const problem: Problem = {
      geo: fixture.geo,
      input: fixture.input.data,
      filter: fixture.filter.data,
      bias: fixture.bias?.data ?? null,
      target: fixture.target.data,
    };
    const { tensor, flat } = parseCell(options.cell, problem);
    const e = explainCell(problem, fixture.head, tensor, flat);
    const plain = isPlain(fixture.head);
    const data =
      tensor === "filter" ? problem.filter : tensor === "input" ? problem.input : problem.bias!;
    const step = stepFor(fixture.tolerance.eps ?? defaultsFor(plain, "float64").eps, data);
    const setting = {
      problem,
      head: fixture.head,
      precision: "float64" as const,
      runner: runInThread,
    };
    const numerical = (await numericalFor(setting, tensor, Int32Array.of(flat), step)).values[0];
    if (options.json) {
      write(
        process.stdout,
        `${JSON.stringify({ file, cell: `${tensor}${index(e.index)}`, ...e, numerical }, null, 2)}\n`,
      );
    } else {
      write(
        process.stdout,
        render(
          e,
          file,
          plain,
          numerical,
          options.full ?? false,
          colorFor(process.stdout, options.color),
        ),
      );
    }
    return 0;
  } catch (error) {
    const message =
      error instanceof InputError
        ? error.path === "--cell"
          ? `--cell: ${error.message}`
          : `${file}: ${error.path ? `${error.path}: ` : ""}${error.message}`
        : `internal error: ${error instanceof Error ? error.message : String(error)}`;
    process.stderr.write(`convcheck: error: ${message}\n`);
    return 2;
  }
}

export function addExplainCommand(program: Command): void {
  program
    .command("explain")
    .description("write out the chain rule for one gradient cell, in numbers")
    .argument("<fixture>", "a fixture file")
    .addOption(
      new Option(
        "--cell <cell>",
        "the cell, e.g. filter[0][1], input[2][3] or bias[0]",
      ).makeOptionMandatory(),
    )
    .option("--json", "print the terms as JSON")
    .option("--full", "list every term of a long sum")
    .option("--no-color", "never colour the output")
    .action(async (file: string, options: ExplainOptions) => {
      process.exitCode = await explainCommand(file, options);
    });
}
