import { randomBytes } from "node:crypto";
import { readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { type DescendPageEntry, renderDescendReport } from "../html/descend-page.js";
import { renderReport } from "../html/page.js";
import type { Outcome, Summary } from "./outcome.js";
import type { DescendReport } from "./report/descend-report.js";

const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
  version: string;
};

/** Write `text` to a temporary file beside `file`, then rename it over `file`. */
function writeAtomic(file: string, text: string): void {
  const temp = join(dirname(file), `.${basename(file)}.${randomBytes(6).toString("hex")}.tmp`);
  try {
    writeFileSync(temp, text, { encoding: "utf8", flag: "wx" });
    renameSync(temp, file);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}

/** Write a page; on failure say why on stderr and return false. */
function writePage(file: string, render: () => string): boolean {
  try {
    writeAtomic(file, render());
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === "ENOENT"
        ? "no such folder"
        : code === "EACCES"
          ? "permission denied"
          : code === "EISDIR"
            ? "that is a folder; give a file name"
            : String(code ?? error);
    process.stderr.write(`convcheck: cannot write the HTML report ${file}: ${reason}\n`);
    return false;
  }
}

/** `grad --html`: the page of a whole run. */
export function writeHtmlReport(file: string, outcomes: Outcome[], summary: Summary): boolean {
  return writePage(file, () => renderReport(outcomes, summary, { version: pkg.version }));
}

/** `descend --html`: the loss curve and the rate against its limit. */
export function writeDescendHtmlReport(file: string, entries: DescendPageEntry[]): boolean {
  return writePage(file, () => renderDescendReport(entries, pkg.version));
}

/** What the descend page shows of a run. */
export function descendEntry(report: DescendReport): DescendPageEntry {
  return {
    file: report.file,
    name: null,
    run: {
      losses: report.descent.losses,
      lr: report.lr,
      lrMax: report.lrMax,
      verdict: report.verdict,
      firstRise: report.firstRise,
      overflowAt: report.descent.overflowAt,
      gradients: report.impl
        ? `your gradients (${basename(report.impl)})`
        : "convcheck's backward pass",
    },
  };
}
