import { basename } from "node:path";
import { err, num, shape } from "../cli/format.js";
import type { Outcome, Summary } from "../cli/outcome.js";
import { headFacts } from "../cli/report/head-text.js";
import { escapeHtml } from "./escape.js";
import { diagnosesSection, sweepSection } from "./extras.js";
import { diagnosesFor, type ExtraMap, implDiagnoses, implMaps, implSummary } from "./impl.js";
import { fixtureData } from "./model.js";
import { badge, documentOf } from "./shell.js";
import { tensorBlock } from "./tensor-block.js";
import type { FixtureData } from "./types.js";

export interface PageOptions {
  version: string;
}

const TITLES = { filter: "dE/dFilter", input: "dE/dInput", bias: "dE/dBias" } as const;

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

function fixtureSection(outcome: Outcome, i: number, data: FixtureData, extra: ExtraMap[]): string {
  const name = outcome.fixture?.name ?? basename(outcome.file);
  const head = `<h2>${badge(outcome.status)} <span class="name">${escapeHtml(name)}</span> <span class="file">${escapeHtml(outcome.file)}</span></h2>`;
  const description = outcome.fixture?.description
    ? `<p class="description">${escapeHtml(outcome.fixture.description)}</p>`
    : "";
  const open = `<section class="fixture ${outcome.status}" id="fixture-${i}" data-fixture="${i}" data-status="${outcome.status}">`;
  const result = outcome.result;
  if (!result) {
    // An --impl run names the likely cause of some errors (a wrong shape, say).
    const causes = diagnosesSection((outcome.diagnoses ?? []).filter((d) => d.code !== "shape"));
    return `${open}\n${head}\n<p class="message">${escapeHtml(outcome.error ?? "could not be checked")}</p>${causes}\n</section>`;
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
  const rtol = result.rule.rtol;
  const blocks = extra.map((m) =>
    tensorBlock(m.check, m.data, rtol, {
      id: `t${i}-${m.data.key}`,
      withStep: false,
      lede: m.lede,
      diagnoses: m.data.name === "output" ? diagnosesFor(result, "output") : [],
    }),
  );
  for (const g of result.gradients) {
    const tensor = data.tensors.find((t) => t.key === g.name)!;
    const diagnoses = diagnosesFor(result, g.name);
    blocks.push(tensorBlock(g, tensor, rtol, { id: `t${i}-${g.name}`, diagnoses }));
  }
  const sweep = result.sweep ? `<h3>Step sweep</h3>${sweepSection(result.sweep, rtol)}` : "";
  return `${open}
${head}${description}${why}
<div class="layout"><div class="content">
${factsList(outcome)}${warnings}${expected}${implSummary(result)}
<div class="geometry-slot"><h3>Geometry, to scale</h3></div>
${blocks.join("\n")}${sweep}
</div>
<aside class="inspector">${implDiagnoses(result) ? `<div class="diagnosis-box">${implDiagnoses(result)}</div>` : ""}<h4>Cell</h4><div class="inspector-body"><p class="hint">Hover over a cell to see its values and the cells its chain-rule sum reads; click to keep it (Esc lets go).</p></div></aside>
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
  const extras = outcomes.map((o) => (o.result ? implMaps(o.result) : []));
  const fixtures = outcomes.map((o, i) =>
    fixtureData(
      o,
      i,
      extras[i].map((m) => m.data),
    ),
  );
  const data = { fixtures };
  const body = `<h1>convcheck report ${badge(status)}</h1>
<p class="lede">${escapeHtml(parts.join(", "))}. Analytic gradients against numerical ones, cell by cell; each tensor on one colour scale, failing cells outlined, the worst cell ringed.</p>
<noscript><p class="lede">The heatmaps and the cell inspector need JavaScript; everything else is here.</p></noscript>
${summaryTable(outcomes)}
${errorList}
${outcomes.map((o, i) => fixtureSection(o, i, fixtures[i], extras[i])).join("\n")}
<footer>convcheck ${escapeHtml(options.version)}</footer>`;
  return documentOf({ title: `convcheck: ${status.toUpperCase()} ${parts[0]}`, body, data });
}
