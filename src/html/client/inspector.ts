import type { Dependencies } from "../../core/dependencies.js";
import type { FixtureData, TensorData } from "../types.js";

/**
 * The panel that explains one cell: its values, whether it passes, and its
 * chain-rule sum written out term by term. Inlined into the page: calls only
 * functions the page script defines.
 */

export function infoRow(table: HTMLElement, name: string, value: string, className = ""): void {
  const tr = el("tr", className);
  tr.append(el("th", "", name), el("td", "", value));
  table.append(tr);
}

export function describeCell(
  fixture: FixtureData,
  tensor: TensorData,
  flat: number,
  drawn: number,
  values: { analytic: number | null; numerical: number | null; relError: number | null },
  failing: boolean,
  deps: Dependencies,
): HTMLElement {
  const termsShown = 6;
  const g = fixture.geometry;
  const box = el("div", "cell-info");
  const worst = flat === tensor.worst ? " — worst cell" : "";
  box.append(el("h4", "", `${tensor.title}${indexText(flat, tensor.shape)}${worst}`));
  const table = el("table", "values");
  infoRow(table, tensor.labels[0], numText(values.analytic, 12));
  infoRow(table, tensor.labels[1], numText(values.numerical, 12));
  if (values.analytic !== null && values.numerical !== null) {
    infoRow(table, "|a − n|", numText(Math.abs(values.analytic - values.numerical), 3));
  }
  infoRow(table, "rel error", numText(values.relError, 2));
  const kink = tensor.kinks.find(([i]) => i === drawn);
  if (kink) {
    infoRow(table, "left side", numText(kink[1], 12));
    infoRow(table, "right side", numText(kink[2], 12));
  }
  const verdict =
    values.relError === null
      ? "not checked"
      : kink
        ? failing
          ? "kink: outside the one-sided derivatives"
          : "kink: within the one-sided derivatives"
        : failing
          ? "fails the rule"
          : "passes";
  infoRow(table, "verdict", verdict, failing ? "bad" : "");
  box.append(table);
  if (!g || tensor.name === "output") return box;

  const count = deps.outputs.length;
  const partnerName = tensor.name === "filter" ? "input" : "filter";
  const partnerShape = tensor.name === "filter" ? g.inputShape : g.filterShape;
  const sum =
    tensor.name === "bias"
      ? `the sum of ${fixture.gradientName} over the ${count} cells of output channel ${flat}`
      : `the sum of ${count} term${count === 1 ? "" : "s"} ${fixture.gradientName} × ${partnerName}`;
  box.append(el("p", "chain", `Chain rule: ${sum}.`));

  const list = el("ol", "terms");
  const dOut = fixture.values?.dOutput;
  const partner = fixture.values?.[partnerName];
  let total = 0;
  deps.outputs.forEach((o, t) => {
    const p = deps.partners[t];
    const factor = p < 0 || !partner ? 1 : partner[p];
    if (dOut) total += dOut[o] * factor;
    if (t >= termsShown) return;
    let text = `${fixture.gradientName}${indexText(o, g.outputShape)}`;
    if (p >= 0) text += ` × ${partnerName}${indexText(p, partnerShape)}`;
    if (dOut && (p < 0 || partner)) {
      text += ` = ${numText(dOut[o], 4)}${p >= 0 ? ` × ${numText(factor, 4)}` : ""}`;
    }
    list.append(el("li", "", text));
  });
  if (count > termsShown) list.append(el("li", "more", `… and ${count - termsShown} more`));
  if (count) box.append(list);
  if (dOut && (tensor.name === "bias" || partner)) {
    box.append(el("p", "total", `Σ = ${numText(total, 12)}${fixture.sumNote}`));
  }
  const where =
    tensor.name === "filter"
      ? "Highlighted: the input values (on the input grid and in dE/dInput) and the output cells (on the output grid) that meet in this cell."
      : tensor.name === "input"
        ? "Highlighted: the filter taps (in dE/dFilter) and the output cells (on the output grid) this input value reaches."
        : "Highlighted: the output cells of this channel (on the output grid).";
  box.append(el("p", "where", where));
  return box;
}
