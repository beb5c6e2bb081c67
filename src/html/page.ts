import { createHash } from "node:crypto";
import { basename } from "node:path";
import { err, index, num, shape } from "../cli/format.js";
import type { Outcome, Summary } from "../cli/outcome.js";
import type { TensorCheck } from "../core/check.js";
import * as dependencies from "../core/dependencies.js";
import { unravel } from "../core/tensor.js";
import * as colours from "./client/colours.js";
import * as dom from "./client/dom.js";
import * as geometry from "./client/geometry.js";
import * as heatmap from "./client/heatmap.js";
import * as inspector from "./client/inspector.js";
import * as main from "./client/main.js";
import { escapeHtml, jsonForScript } from "./escape.js";
import { errorLegend, markLegend, valueLegend } from "./legend.js";
import { fixtureData } from "./model.js";
import { STYLE } from "./style.js";
import type { FixtureData, TensorData } from "./types.js";

export interface PageOptions {
  version: string;
  /** Extra HTML per fixture, placed above its geometry (diagnoses, charts); must be escaped. */
  extra?: (outcome: Outcome, index: number) => string;
}

const TITLES = { filter: "dE/dFilter", input: "dE/dInput", bias: "dE/dBias" } as const;
const STATUS_WORD = { pass: "PASS", fail: "FAIL", error: "ERROR" } as const;

/**
 * The page's script: every function of the client modules (and the
 * dependency expansion, so the browser runs the very code the tests check)
 * inlined into one scope, then started.
 */
export function clientScript(): string {
  const modules = [{ expandDependencies: dependencies.expandDependencies }];
  const all = [...modules, colours, dom, geometry, heatmap, inspector, main];
  const sources: string[] = [];
  for (const module of all) {
    for (const [name, value] of Object.entries(module)) {
      if (typeof value !== "function") continue;
      const source = String(value);
      if (!source.startsWith(`function ${name}(`)) {
        throw new Error(`client function ${name} must be a plain function declaration`);
      }
      sources.push(source);
    }
  }
  const script = `"use strict";\n(() => {\n${sources.join("\n\n")}\n\nstartReport();\n})();\n`;
  if (/<\/script|<!--/i.test(script)) throw new Error("client script would end its element");
  return script;
}

const badge = (status: Outcome["status"]) =>
  `<span class="badge ${status}">${STATUS_WORD[status]}</span>`;

function worstText(g: TensorCheck): string {
  const c = g.comparison;
  if (c.worst < 0) return "nothing checked";
  return `worst ${index(unravel(c.worst, g.shape))}, rel error ${err(c.relError[c.worst])}`;
}

function tensorBlock(g: TensorCheck, data: TensorData, id: string, rtol: number): string {
  const c = g.comparison;
  const counted =
    g.cells === null ? `${c.checked} cells` : `${c.checked} of ${g.analytic.length} cells sampled`;
  const failing = c.failing.length ? `, ${c.failing.length} failing` : "";
  const omitted = data.omittedSlices
    ? `<p class="omitted">${data.omittedSlices} more slices not drawn (the page draws at most ${data.slices.length}); --json has every cell.</p>`
    : "";
  const thinned =
    data.slices[0]?.block > 1
      ? `<p class="omitted">Each drawn cell stands for a ${data.slices[0].block}×${data.slices[0].block} block and shows its worst cell.</p>`
      : "";
  return `<div class="tensor" data-tensor="${g.name}">
<h3>${TITLES[g.name]} <span class="mono">${shape(g.shape)}</span> ${badge(c.pass ? "pass" : "fail")} <span class="stat">${worstText(g)} · ${counted}${failing} · step ${num(g.step, 3)}</span></h3>
<div class="legends"><span class="legend" data-scale="value">analytic, numerical ${valueLegend(`${id}-v`, data.vmax)}</span><span class="legend" data-scale="error">relative error ${errorLegend(`${id}-e`, rtol)}</span><span class="legend marks-key">${markLegend()}</span></div>
<div class="panels"></div>${omitted}${thinned}
</div>`;
}

function factsList(outcome: Outcome): string {
  const r = outcome.result!;
  const g = r.geo;
  const rows: Array<[string, string]> = [
    [
      "shapes",
      `input ${shape(g.inputShape)} · filter ${shape(g.filterShape)}${g.biasShape ? ` · bias ${shape(g.biasShape)}` : ""} · output ${shape(g.outputShape)}`,
    ],
    [
      "geometry",
      `stride ${g.strideHeight}×${g.strideWidth} · dilation ${g.dilationHeight}×${g.dilationWidth} · groups ${g.groups} · pads top ${g.padTop} bottom ${g.padBottom} left ${g.padLeft} right ${g.padRight}`,
    ],
    ["loss", num(r.loss, 12)],
    [
      "rule",
      `|a − n| ≤ atol + rtol · max(|a|, |n|), rtol ${num(r.rule.rtol, 3)}, atol ${num(r.rule.atol, 3)}, eps ${num(r.rule.eps, 3)}`,
    ],
  ];
  return `<dl class="facts">${rows.map(([k, v]) => `<dt>${k}</dt><dd>${escapeHtml(v)}</dd>`).join("")}</dl>`;
}

function fixtureSection(
  outcome: Outcome,
  i: number,
  data: FixtureData,
  options: PageOptions,
): string {
  const name = outcome.fixture?.name ?? basename(outcome.file);
  const head = `<h2>${badge(outcome.status)} <span class="name">${escapeHtml(name)}</span> <span class="file">${escapeHtml(outcome.file)}</span></h2>`;
  const description = outcome.fixture?.description
    ? `<p class="description">${escapeHtml(outcome.fixture.description)}</p>`
    : "";
  const open = `<section class="fixture ${outcome.status}" id="fixture-${i}" data-fixture="${i}" data-status="${outcome.status}">`;
  const result = outcome.result;
  if (!result) {
    return `${open}\n${head}\n<p class="message">${escapeHtml(outcome.error ?? "could not be checked")}</p>\n</section>`;
  }
  const failed = [
    ...result.gradients
      .filter((g) => !g.comparison.pass)
      .map(
        (g) =>
          `${TITLES[g.name]}: ${g.comparison.failing.length} of ${g.comparison.checked} cells fail`,
      ),
    ...result.expected.filter((e) => !e.comparison.pass).map((e) => `expected ${e.name} differs`),
  ];
  const why = failed.length ? `<p class="why">${escapeHtml(failed.join("; "))}</p>` : "";
  const warnings = result.warnings.length
    ? `<ul class="warnings">${result.warnings.map((w) => `<li>${escapeHtml(w.message)}</li>`).join("")}</ul>`
    : "";
  const expected = result.expected.length
    ? `<p class="expected">Stored values: ${result.expected.map((e) => `${escapeHtml(e.name)} ${e.comparison.pass ? "agree" : "<strong>differ</strong>"} (${err(e.comparison.maxRelError)})`).join(", ")}</p>`
    : "";
  const tensors = result.gradients
    .map((g, k) => tensorBlock(g, data.tensors[k], `t${i}-${g.name}`, result.rule.rtol))
    .join("\n");
  return `${open}
${head}${description}${why}
<div class="layout"><div class="content">
${factsList(outcome)}${warnings}${expected}${options.extra?.(outcome, i) ?? ""}
<div class="geometry-slot"><h3>Geometry, to scale</h3></div>
${tensors}
</div>
<aside class="inspector"><h4>Cell</h4><div class="inspector-body"><p class="hint">Hover over a cell to see its values and the cells its chain-rule sum reads; click to keep it (Esc lets go).</p></div></aside>
</div>
</section>`;
}

function summaryTable(outcomes: Outcome[]): string {
  const worst = (o: Outcome, name: string) => {
    const g = o.result?.gradients.find((t) => t.name === name);
    if (!g) return '<td class="num"></td>';
    return `<td class="num${g.comparison.pass ? "" : " bad"}">${err(g.comparison.maxRelError)}${g.comparison.pass ? "" : " ✗"}</td>`;
  };
  const rows = outcomes.map(
    (o, i) =>
      `<tr><td><a href="#fixture-${i}">${escapeHtml(o.fixture?.name ?? basename(o.file))}</a></td><td class="file">${escapeHtml(o.file)}</td>${worst(o, "filter")}${worst(o, "input")}${worst(o, "bias")}<td>${badge(o.status)}</td></tr>`,
  );
  return `<table class="summary"><thead><tr><th>fixture</th><th>file</th><th>dFilter</th><th>dInput</th><th>dBias</th><th>verdict</th></tr></thead><tbody>${rows.join("")}</tbody></table>`;
}

/** One self-contained page for a run: no request leaves it, every fixture string escaped. */
export function renderReport(outcomes: Outcome[], summary: Summary, options: PageOptions): string {
  const status = summary.errors ? "error" : summary.failed ? "fail" : "pass";
  const parts = [
    `${summary.passed} of ${summary.total} fixture${summary.total === 1 ? "" : "s"} passed`,
  ];
  if (summary.failed) parts.push(`${summary.failed} failed`);
  if (summary.errors) parts.push(`${summary.errors} could not be checked`);
  const errors = outcomes.filter((o) => o.status === "error");
  const errorList = errors.length
    ? `<div class="errors"><strong>Could not be checked</strong><ul>${errors.map((o) => `<li>${escapeHtml(`${o.file}: ${o.error}`)}</li>`).join("")}</ul></div>`
    : "";
  const data = { fixtures: outcomes.map((o, i) => fixtureData(o, i)) };
  const script = clientScript();
  const hash = createHash("sha256").update(script).digest("base64");
  // No source may load anything; only the one inline script (by its hash) runs.
  const policy = `default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-${hash}'; img-src data:`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${policy}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>convcheck: ${STATUS_WORD[status]} ${escapeHtml(parts[0])}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<h1>convcheck report ${badge(status)}</h1>
<p class="lede">${escapeHtml(parts.join(", "))}. Analytic gradients against numerical ones, cell by cell; each tensor on one colour scale, failing cells outlined, the worst cell ringed.</p>
<noscript><p class="lede">The heatmaps and the cell inspector need JavaScript; everything else is here.</p></noscript>
${summaryTable(outcomes)}
${errorList}
${outcomes.map((o, i) => fixtureSection(o, i, data.fixtures[i], options)).join("\n")}
<footer>convcheck ${escapeHtml(options.version)}</footer>
</main>
<script type="application/json" id="convcheck-data">${jsonForScript(data)}</script>
<script>${script}</script>
</body>
</html>
`;
}
