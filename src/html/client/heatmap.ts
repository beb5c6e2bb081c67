import type { SliceData, TensorData } from "../types.js";

/**
 * One heatmap: a slice of a tensor's analytic values, numerical values or
 * relative errors, painted on a canvas with an SVG layer on top for the
 * marks (failing cells, the worst cell, the selection and its dependencies).
 * Inlined into the page: calls only functions the page script defines.
 */

export type MapKind = "analytic" | "numerical" | "relError";

export interface MapView {
  tensor: TensorData;
  slice: SliceData;
  kind: MapKind;
  figure: HTMLElement;
  box: HTMLElement;
  /** Veils every cell but the dependencies, so theirs are the colours left to read. */
  veil: SVGElement;
  dep: SVGElement;
  sel: SVGElement;
}

/** Where a flat cell is drawn: its position in the tensor's value arrays, or -1. */
export function drawnIndex(tensor: TensorData, flat: number): number {
  const plane = tensor.sliceHeight * tensor.sliceWidth;
  const first = flat - (flat % plane);
  const slice = tensor.slices.find((s) => s.first === first);
  if (!slice) return -1;
  const local = flat - first;
  const y = Math.floor(Math.floor(local / tensor.sliceWidth) / slice.block);
  const x = Math.floor((local % tensor.sliceWidth) / slice.block);
  return slice.offset + y * slice.width + x;
}

/** The flat cell a drawn cell stands for. */
export function flatAt(slice: SliceData, local: number): number {
  return slice.cells ? slice.cells[local] : slice.first + local;
}

export function paintMap(canvas: HTMLCanvasElement, view: MapView, rtol: number): void {
  const { tensor, slice, kind } = view;
  const px = tensor.cellPx;
  const ratio = Math.min(2, window.devicePixelRatio || 1);
  canvas.width = slice.width * px * ratio;
  canvas.height = slice.height * px * ratio;
  canvas.style.width = `${slice.width * px}px`;
  canvas.style.height = `${slice.height * px}px`;
  const ctx = canvas.getContext("2d");
  if (!ctx) return;
  ctx.scale(ratio, ratio);
  // A hairline gap between cells once they are big enough to read one by one.
  const gap = px >= 10 ? 1 : 0;
  for (let y = 0; y < slice.height; y++) {
    for (let x = 0; x < slice.width; x++) {
      const value = tensor[kind][slice.offset + y * slice.width + x];
      if (value === null) {
        ctx.fillStyle = "#e4e4e0";
        ctx.fillRect(x * px, y * px, px - gap, px - gap);
        ctx.strokeStyle = "#b8b8b2";
        ctx.beginPath();
        ctx.moveTo(x * px, (y + 1) * px - gap);
        ctx.lineTo((x + 1) * px - gap, y * px);
        ctx.stroke();
        continue;
      }
      ctx.fillStyle =
        kind === "relError" ? errorColour(value, rtol).colour : valueColour(value, tensor.vmax);
      ctx.fillRect(x * px, y * px, px - gap, px - gap);
    }
  }
}

export function drawMap(tensor: TensorData, slice: SliceData, kind: MapKind, rtol: number) {
  const px = tensor.cellPx;
  const figure = el("figure", "map");
  figure.dataset.tensor = tensor.key;
  figure.dataset.kind = kind;
  figure.dataset.slice = String(slice.first);
  const box = el("div", px < 8 ? "map-box fine" : "map-box");
  box.style.width = `${slice.width * px}px`;
  box.style.height = `${slice.height * px}px`;
  const canvas = el("canvas");
  const marks = svgEl("svg", {
    class: "marks",
    viewBox: `0 0 ${slice.width} ${slice.height}`,
    width: slice.width * px,
    height: slice.height * px,
    preserveAspectRatio: "none",
  });
  const count = slice.width * slice.height;
  const local = (i: number): [number, number] => [
    (i - slice.offset) % slice.width,
    Math.floor((i - slice.offset) / slice.width),
  ];
  const failing = tensor.failing.filter((i) => i >= slice.offset && i < slice.offset + count);
  const veil = svgEl("path", { class: "veil", d: "", "fill-rule": "evenodd" });
  const dep = svgEl("path", { class: "dep", d: "" });
  const sel = svgEl("path", { class: "sel", d: "" });
  marks.append(veil, dep, svgEl("path", { class: "failing", d: outlinePath(failing.map(local)) }));
  // A kink cell gets a corner notch: judged by its one-sided derivatives.
  const notches = tensor.kinks
    .filter(([i]) => i >= slice.offset && i < slice.offset + count)
    .map(([i]) => {
      const [x, y] = local(i);
      return `M${x + 0.5} ${y}h0.5v0.5z`;
    });
  if (notches.length) marks.append(svgEl("path", { class: "kink", d: notches.join("") }));
  const worst = tensor.worst >= 0 ? drawnIndex(tensor, tensor.worst) : -1;
  if (worst >= slice.offset && worst < slice.offset + count) {
    const [x, y] = local(worst);
    const ring = svgEl("g", { class: "worst", "data-cell": tensor.worst });
    // At least 5 pixels across, so the ring shows on the smallest cells too.
    const r = Math.max(0.3, 5 / px);
    ring.append(
      svgEl("circle", { cx: x + 0.5, cy: y + 0.5, r, class: "halo" }),
      svgEl("circle", { cx: x + 0.5, cy: y + 0.5, r, class: "ring" }),
    );
    marks.append(ring);
  }
  marks.append(sel);
  box.append(canvas, marks);
  figure.append(box);
  if (slice.label && slice.width * px >= 30) figure.append(el("figcaption", "", slice.label));
  if (slice.label) figure.title = `${tensor.title}${slice.label}`;
  const view: MapView = { tensor, slice, kind, figure, box, veil, dep, sel };
  paintMap(canvas, view, rtol);
  return view;
}

/** The drawn cell under the pointer, as an index local to the slice. */
export function localAt(view: MapView, event: MouseEvent): number {
  const rect = view.box.getBoundingClientRect();
  const px = view.tensor.cellPx;
  const x = Math.min(
    view.slice.width - 1,
    Math.max(0, Math.floor((event.clientX - rect.left) / px)),
  );
  const y = Math.min(
    view.slice.height - 1,
    Math.max(0, Math.floor((event.clientY - rect.top) / px)),
  );
  return y * view.slice.width + x;
}

/**
 * Mark the given flat cells on one layer; `data-cells` lists those this
 * slice shows. For dependencies, `veiled` also dims the rest of the slice.
 */
export function markCells(
  view: MapView,
  layer: "dep" | "sel",
  flats: number[],
  veiled = false,
): void {
  const { tensor, slice } = view;
  const plane = tensor.sliceHeight * tensor.sliceWidth;
  const mine = flats.filter((f) => f >= slice.first && f < slice.first + plane);
  const squares = mine.map((f): [number, number] => {
    const local = f - slice.first;
    return [
      Math.floor((local % tensor.sliceWidth) / slice.block),
      Math.floor(Math.floor(local / tensor.sliceWidth) / slice.block),
    ];
  });
  view[layer].setAttribute("d", layer === "dep" ? outlinePath(squares) : squaresPath(squares));
  view[layer].dataset.cells = mine.join(" ");
  if (layer !== "dep") return;
  const whole = `M0 0h${slice.width}v${slice.height}h-${slice.width}z`;
  view.veil.setAttribute("d", veiled ? whole + squaresPath(squares) : "");
}
