import { basename } from "node:path";
import { err, index, num, shape } from "../cli/format.js";
import type { Outcome, Summary } from "../cli/outcome.js";
import type { CheckResult, TensorCheck } from "../core/check.js";
import { unravel } from "../core/tensor.js";
import { escapeHtml } from "./escape.js";
import { sweepSection } from "./extras.js";
import { errorLegend, markLegend, valueLegend } from "./legend.js";
import { fixtureData } from "./model.js";
import { badge, documentOf } from "./shell.js";
import type { FixtureData, TensorData } from "./types.js";

export interface PageOptions {
  version: string;
  /** Extra HTML per fixture, placed above its geometry (diagnoses, charts); must be escaped. */
  extra?: (outcome: Outcome, index: number) => string;
}

const TITLES = { filter: "dE/dFilter", input: "dE/dInput", bias: "dE/dBias" } as const;

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
  const notes: string[] = [];
  if (g.kinks.size) {
    notes.push(
      `${g.kinks.size} cell${g.kinks.size > 1 ? "s" : ""} where the step crosses a kink (the loss is not differentiable there), judged against the one-sided derivatives instead of the central difference.`,
    );
  }
  if (g.roundingExplained) {
    notes.push(
      "A ten times larger step shrinks the disagreement: it is rounding error of the numerical gradient, not a bug (try a larger --eps, or --eps-sweep).",
    );
  }
  const noteList = notes.length
    ? `<ul class="warnings">${notes.map((n) => `<li>${escapeHtml(n)}</li>`).join("")}</ul>`
    : "";
  return `<div class="tensor" data-tensor="${g.name}">
<h3>${TITLES[g.name]} <span class="mono">${shape(g.shape)}</span> ${badge(c.pass ? "pass" : "fail")} <span class="stat">${worstText(g)} · ${counted}${failing}${g.kinks.size ? ` · ${g.kinks.size} kinks` : ""} · step ${num(g.step, 3)}</span></h3>${noteList}
<div class="legends"><span class="legend" data-scale="value">analytic, numerical ${valueLegend(`${id}-v`, data.vmax)}</span><span class="legend" data-scale="error">relative error ${errorLegend(`${id}-e`, rtol)}</span><span class="legend marks-key">${markLegend(g.kinks.size > 0)}</span></div>
<div class="panels"></div>${omitted}${thinned}
</div>`;
}

/** The activation and loss, and the precision, when they differ from the plain setting. */
function headFacts(r: CheckResult): Array<[string, string]> {
  const { activation, loss } = r.head;
  const facts: Array<[string, string]> = [];
  if (activation.name !== "none" || loss.name !== "mse") {
    const act =
      activation.name === "leaky_relu"
        ? `leaky_relu (slope ${activation.slope})`
        : activation.name === "none"
          ? "no activation"
          : activation.name;
    facts.push(["head", `${act}, then loss ${loss.name}`]);
  }
  if (r.precision === "float32") {
    facts.push([
      "precision",
      "float32: every operation of the reference rounded to single precision",
    ]);
  }
  return facts;
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
    ...headFacts(r),
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
${tensors}${result.sweep ? `<h3>Step sweep</h3>${sweepSection(result.sweep, result.rule.rtol)}` : ""}
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
  const body = `<h1>convcheck report ${badge(status)}</h1>
<p class="lede">${escapeHtml(parts.join(", "))}. Analytic gradients against numerical ones, cell by cell; each tensor on one colour scale, failing cells outlined, the worst cell ringed.</p>
<noscript><p class="lede">The heatmaps and the cell inspector need JavaScript; everything else is here.</p></noscript>
${summaryTable(outcomes)}
${errorList}
${outcomes.map((o, i) => fixtureSection(o, i, data.fixtures[i], options)).join("\n")}
<footer>convcheck ${escapeHtml(options.version)}</footer>`;
  return documentOf({ title: `convcheck: ${status.toUpperCase()} ${parts[0]}`, body, data });
}
