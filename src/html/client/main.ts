import type { GradientTensor } from "../../core/dependencies.js";
import type { FixtureData, ReportData, TensorData } from "../types.js";
import type { MapKind, MapView } from "./heatmap.js";

/**
 * The report's script: read the embedded JSON, draw every fixture's geometry
 * and heatmaps, and explain the cell under the pointer (or the one clicked)
 * with its chain-rule dependencies highlighted. Inlined into the page: calls
 * only functions the page script defines.
 */

export function startReport(): void {
  const node = document.getElementById("convcheck-data");
  if (!node?.textContent) return;
  const data = JSON.parse(node.textContent) as ReportData;
  for (const fixture of data.fixtures) {
    const section = document.getElementById(`fixture-${fixture.index}`);
    if (section && fixture.geometry && fixture.tables) mountFixture(section, fixture);
  }
  document.documentElement.dataset.ready = "true";
}

export function mountFixture(section: HTMLElement, fixture: FixtureData): void {
  const g = fixture.geometry;
  const tables = fixture.tables;
  if (!g || !tables) return;
  const geometry = drawGeometry(g, `geo-${fixture.index}`);
  section.querySelector(".geometry-slot")?.append(geometry.element);

  const views: MapView[] = [];
  const kinds: MapKind[] = ["analytic", "numerical", "relError"];
  for (const tensor of fixture.tensors) {
    const host = section.querySelector(`.tensor[data-tensor="${tensor.key}"] .panels`);
    if (!host) continue;
    for (const kind of kinds) {
      const panel = el("div", "panel");
      panel.dataset.kind = kind;
      const heading = {
        analytic: tensor.labels[0],
        numerical: tensor.labels[1],
        relError: "relative error",
      };
      panel.append(el("h4", "", heading[kind]));
      const grid = el("div", "slices");
      const columns = Math.min(tensor.gridColumns, tensor.slices.length);
      grid.style.gridTemplateColumns = `repeat(${columns}, max-content)`;
      for (const slice of tensor.slices) {
        const view = drawMap(tensor, slice, kind, fixture.rtol);
        grid.append(view.figure);
        views.push(view);
      }
      panel.append(grid);
      host.append(panel);
    }
  }

  const info = section.querySelector(".inspector-body");
  // The server's hint text, put back whenever nothing is selected.
  const hint = info ? [...info.childNodes].map((n) => n.cloneNode(true)) : [];
  const failing = new Map(fixture.tensors.map((t) => [t.key, new Set(t.failing)]));
  let pinned: { tensor: TensorData; drawn: number; flat: number } | null = null;
  let shown = "";

  function show(target: { tensor: TensorData; drawn: number; flat: number } | null): void {
    const key = target ? `${target.tensor.key}:${target.flat}` : "";
    if (key === shown) return;
    shown = key;
    section.dataset.selected = key;
    if (!target || !g || !tables) {
      for (const view of views) {
        markCells(view, "sel", []);
        markCells(view, "dep", []);
      }
      geometry.highlight([], []);
      info?.replaceChildren(...hint.map((n) => n.cloneNode(true)));
      return;
    }
    const { tensor, drawn, flat } = target;
    // An output cell of a person's forward is shown with its values alone.
    const deps =
      tensor.name === "output"
        ? { outputs: [], partners: [] }
        : expandDependencies(tables, tensor.name, flat);
    const partnerOf: Record<TensorData["name"], GradientTensor | null> = {
      filter: "input",
      input: "filter",
      bias: null,
      output: null,
    };
    const partners = deps.partners.filter((p) => p >= 0);
    for (const view of views) {
      markCells(view, "sel", view.tensor === tensor ? [flat] : []);
      const isPartner = view.tensor.name === partnerOf[tensor.name];
      markCells(view, "dep", isPartner ? partners : [], isPartner);
    }
    const spatial = (cells: number[], height: number, width: number) => {
      const seen = new Map<number, [number, number]>();
      for (const c of cells) {
        const plane = c % (height * width);
        seen.set(plane, [plane % width, Math.floor(plane / width)]);
      }
      return [...seen.values()];
    };
    const inputs =
      tensor.name === "filter" ? partners : tensor.name === "input" ? [flat] : ([] as number[]);
    geometry.highlight(
      spatial(inputs, g.inHeight, g.inWidth),
      spatial(deps.outputs, g.outHeight, g.outWidth),
    );
    if (deps.outputs.length) {
      const plane = deps.outputs[0] % (g.outHeight * g.outWidth);
      geometry.showWindow(Math.floor(plane / g.outWidth), plane % g.outWidth);
    }
    const values = {
      analytic: tensor.analytic[drawn],
      numerical: tensor.numerical[drawn],
      relError: tensor.relError[drawn],
    };
    const bad = failing.get(tensor.key)?.has(drawn) ?? false;
    info?.replaceChildren(describeCell(fixture, tensor, flat, drawn, values, bad, deps));
  }

  for (const view of views) {
    const at = (event: MouseEvent) => {
      const local = localAt(view, event);
      return {
        tensor: view.tensor,
        drawn: view.slice.offset + local,
        flat: flatAt(view.slice, local),
      };
    };
    view.box.addEventListener("mousemove", (event) => show(at(event)));
    view.box.addEventListener("mouseleave", () => show(pinned));
    view.box.addEventListener("click", (event) => {
      const target = at(event);
      const same = pinned && pinned.tensor === target.tensor && pinned.flat === target.flat;
      pinned = same ? null : target;
      section.dataset.pinned = pinned ? `${target.tensor.key}:${target.flat}` : "";
      shown = "";
      show(pinned ?? target);
    });
  }
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape" || !pinned) return;
    pinned = null;
    section.dataset.pinned = "";
    show(null);
  });
}
