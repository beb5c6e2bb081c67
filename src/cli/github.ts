import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { isAbsolute, relative, sep } from "node:path";
import type { TensorCheck } from "../core/check.js";
import { unravel } from "../core/tensor.js";
import { describeRegression, TENSOR_TITLE } from "./baseline.js";
import { escapeCommandData, escapeCommandProperty } from "./escape.js";
import { err, index, num } from "./format.js";
import type { Outcome } from "./outcome.js";
import { diagnosesOf, implOf } from "./report/impl-text.js";

interface Annotation {
  level: "error" | "warning";
  title: string;
  message: string;
  /** The fixture key the annotation is about, to point at its line. */
  key?: string;
}

/**
 * GitHub Actions reads `::command::` lines from everything a step prints,
 * and the text report quotes fixture names and file names verbatim. The
 * report is therefore fenced with `::stop-commands::<token>`, a token no
 * fixture can guess, and commands resume only for convcheck's own
 * annotations.
 */
export class GithubAnnotations {
  readonly token = randomUUID();

  begin(): string {
    return `::stop-commands::${this.token}\n`;
  }

  end(outcomes: Outcome[]): string {
    const lines = [`::${this.token}::`];
    for (const outcome of outcomes) {
      const text = readText(outcome.file);
      for (const a of annotationsOf(outcome)) lines.push(command(a, outcome, text));
    }
    return `${lines.join("\n")}\n`;
  }
}

function readText(file: string): string | null {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return null;
  }
}

/** The 1-based line where `"key":` first appears, if it does. */
export function lineOfKey(text: string | null, key: string): number | null {
  if (text === null) return null;
  const match = new RegExp(`${escapeRegExp(JSON.stringify(key))}\\s*:`).exec(text);
  if (!match) return null;
  return text.slice(0, match.index).split("\n").length;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The leading key of an error such as `expected.filterGrad[0]: found …`. */
function keyOfError(error: string): string | undefined {
  const path = /^([A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*)(?:\[|:)/.exec(error);
  return path ? path[1].split(".").pop() : undefined;
}

/**
 * GitHub places an annotation by its path within the repository; an
 * absolute path inside the workspace is made relative to it.
 */
export function annotationPath(file: string, workspace = process.env.GITHUB_WORKSPACE): string {
  if (!isAbsolute(file)) return file;
  const inside = relative(workspace || process.cwd(), file);
  return inside.startsWith("..") || isAbsolute(inside) ? file : inside.split(sep).join("/");
}

function command(a: Annotation, outcome: Outcome, text: string | null): string {
  const line = a.key ? lineOfKey(text, a.key) : null;
  const props = [`file=${escapeCommandProperty(annotationPath(outcome.file))}`];
  if (line !== null) props.push(`line=${line}`);
  props.push(`title=${escapeCommandProperty(a.title)}`);
  const name = outcome.fixture?.name;
  const message = name ? `${name}: ${a.message}` : a.message;
  return `::${a.level} ${props.join(",")}::${escapeCommandData(message)}`;
}

function tensorMessage(g: TensorCheck): string {
  const cmp = g.comparison;
  const worst = cmp.worst;
  const cell = `${g.name}${index(unravel(worst, g.shape))}`;
  return `${cmp.failing.length} of ${cmp.checked} cells fail the rule; worst ${cell} analytic ${num(g.analytic[worst])} numerical ${num(g.numerical[worst])} rel error ${err(cmp.relError[worst])}`;
}

export function annotationsOf(outcome: Outcome): Annotation[] {
  const result = outcome.result;
  if (!result) {
    const error = outcome.error ?? "could not be checked";
    return [
      {
        level: "error",
        title: "convcheck: invalid fixture",
        message: error,
        key: keyOfError(error),
      },
    ];
  }
  const out: Annotation[] = [];
  // With --impl, what the diagnosis says of each tensor follows its finding.
  const because = (tensor: string) =>
    diagnosesOf(result, tensor)
      .map((line) => `; ${line}`)
      .join("");
  const forward = implOf(result)?.forward;
  if (forward && !forward.comparison.pass) {
    const cmp = forward.comparison;
    out.push({
      level: "error",
      title: "convcheck: your forward differs from the correlation",
      message: `${cmp.failing.length} of ${cmp.checked} output cells differ${because("output")}`,
    });
  }
  for (const g of result.gradients) {
    if (g.comparison.pass) continue;
    const title = `convcheck: ${TENSOR_TITLE[g.name]} fails`;
    out.push({
      level: "error",
      title,
      message: `${tensorMessage(g)}${because(g.name)}`,
      key: g.name,
    });
  }
  for (const e of result.expected) {
    if (e.comparison.pass) continue;
    const message = `${e.comparison.failing.length} of ${e.comparison.checked} cells differ from the stored value (worst rel error ${err(e.comparison.maxRelError)}); convcheck update refreshes it`;
    out.push({
      level: "error",
      title: `convcheck: expected ${e.name} is stale`,
      message,
      key: "expected",
    });
  }
  for (const r of outcome.regressions ?? []) {
    const title = `convcheck: ${TENSOR_TITLE[r.tensor]} regressed`;
    out.push({ level: "error", title, message: describeRegression(r), key: r.tensor });
  }
  for (const w of result.warnings) {
    out.push({ level: "warning", title: "convcheck: warning", message: w.message });
  }
  return out;
}
