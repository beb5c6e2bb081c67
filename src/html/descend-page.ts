import { basename } from "node:path";
import { escapeHtml } from "./escape.js";
import { type DescendView, descendSection } from "./extras.js";
import { badge, documentOf } from "./shell.js";

/** One fixture of a `descend` run, as the page shows it. */
export interface DescendPageEntry {
  file: string;
  name: string | null;
  /** Set when the fixture could not be run. */
  error?: string;
  run?: DescendView;
}

function section(entry: DescendPageEntry, i: number): string {
  const status = entry.run ? (entry.run.verdict === "converges" ? "pass" : "fail") : "error";
  const name = entry.name ?? basename(entry.file);
  const head = `<h2>${badge(status, entry.run?.verdict ?? "ERROR")} <span class="name">${escapeHtml(name)}</span> <span class="file">${escapeHtml(entry.file)}</span></h2>`;
  const body = entry.run
    ? descendSection(entry.run)
    : `<p class="message">${escapeHtml(entry.error ?? "could not be run")}</p>`;
  return `<section class="fixture ${status}" id="fixture-${i}" data-status="${status}">\n${head}\n${body}\n</section>`;
}

/** The page for `convcheck descend --html`: static charts, no script. */
export function renderDescendReport(entries: DescendPageEntry[], version: string): string {
  const converged = entries.filter((e) => e.run?.verdict === "converges").length;
  const errors = entries.filter((e) => !e.run).length;
  const status = errors ? "error" : converged === entries.length ? "pass" : "fail";
  const lede = `${converged} of ${entries.length} descent${entries.length === 1 ? "" : "s"} converged`;
  const body = `<h1>convcheck descend ${badge(status)}</h1>
<p class="lede">${escapeHtml(lede)}. Plain gradient descent on the filter (and bias): the loss per step, and the learning rate against the largest stable one.</p>
${entries.map(section).join("\n")}
<footer>convcheck ${escapeHtml(version)}</footer>`;
  return documentOf({ title: `convcheck descend: ${lede}`, body });
}
