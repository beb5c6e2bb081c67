import { randomBytes } from "node:crypto";
import { readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { renderReport } from "../html/page.js";
import type { Outcome, Summary } from "./outcome.js";

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

/** Write the HTML report; on failure say why on stderr and return false. */
export function writeHtmlReport(file: string, outcomes: Outcome[], summary: Summary): boolean {
  try {
    writeAtomic(file, renderReport(outcomes, summary, { version: pkg.version }));
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === "ENOENT"
        ? "no such folder"
        : code === "EACCES"
          ? "permission denied"
          : String(code ?? error);
    process.stderr.write(`convcheck: cannot write the HTML report ${file}: ${reason}\n`);
    return false;
  }
}
