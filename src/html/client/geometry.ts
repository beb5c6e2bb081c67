import type { GeometryData } from "../types.js";

/**
 * The layer's geometry to scale: the padded input (padding as a hatched
 * ring, rows and columns no window reads tinted), the output grid beside it
 * with the same cell size, and the filter window of one output cell. Inlined
 * into the page: calls only functions the page script defines.
 */

export interface GeometryView {
  element: HTMLElement;
  /** Put the filter window on output cell (oy, ox). */
  showWindow(oy: number, ox: number): void;
  /** Shade input positions (iy, ix) and output positions (oy, ox), as [x, y] pairs. */
  highlight(inputs: Array<[number, number]>, outputs: Array<[number, number]>): void;
}

export function drawGeometry(g: GeometryData, id: string): GeometryView {
  const paddedHeight = g.inHeight + g.padTop + g.padBottom;
  const paddedWidth = g.inWidth + g.padLeft + g.padRight;
  const gapCells = 3;
  const across = paddedWidth + gapCells + g.outWidth;
  const px = Math.max(2, Math.min(30, Math.floor(560 / across), Math.floor(360 / paddedHeight)));
  const top = 26;
  const outLeft = (paddedWidth + gapCells) * px;
  // Room for the output's label when the grid itself is narrow.
  const width = Math.max(outLeft + g.outWidth * px + 2, outLeft + 200);
  const height = top + Math.max(paddedHeight, g.outHeight) * px + 2;

  const figure = el("figure", "geometry");
  const svg = svgEl("svg", { width, height, viewBox: `0 0 ${width} ${height}`, role: "img" });
  const defs = svgEl("defs");
  const hatch = svgEl("pattern", {
    id: `${id}-hatch`,
    width: 6,
    height: 6,
    patternUnits: "userSpaceOnUse",
    patternTransform: "rotate(45)",
  });
  hatch.append(svgEl("rect", { width: 6, height: 6, class: "pad-bg" }));
  hatch.append(svgEl("line", { x1: 0, y1: 0, x2: 0, y2: 6, class: "pad-line" }));
  const grid = svgEl("pattern", {
    id: `${id}-grid`,
    width: px,
    height: px,
    patternUnits: "userSpaceOnUse",
  });
  grid.append(svgEl("path", { d: `M${px} 0V${px}H0`, class: "grid-line" }));
  defs.append(hatch, grid);
  svg.append(defs);

  const channels = (count: number, word: string) => (count > 1 ? ` × ${count} ${word}` : "");
  const label = (x: number, text: string) => {
    const node = svgEl("text", { x, y: 16, class: "geo-label" });
    node.textContent = text;
    svg.append(node);
  };
  const pads = [g.padTop, g.padBottom, g.padLeft, g.padRight];
  label(
    0,
    `input ${g.inHeight}×${g.inWidth}${channels(g.inChannels, "channels")}${pads.some((p) => p) ? `, pads ${pads.join(" ")}` : ""}`,
  );
  label(outLeft, `output ${g.outHeight}×${g.outWidth}${channels(g.outChannels, "channels")}`);

  const input = svgEl("g", { transform: `translate(1 ${top})` });
  input.append(
    svgEl("rect", {
      width: paddedWidth * px,
      height: paddedHeight * px,
      fill: `url(#${id}-hatch)`,
    }),
    svgEl("rect", {
      x: g.padLeft * px,
      y: g.padTop * px,
      width: g.inWidth * px,
      height: g.inHeight * px,
      class: "real",
    }),
  );
  for (const iy of g.unusedRows) {
    const y = (iy + g.padTop) * px;
    input.append(
      svgEl("rect", { x: g.padLeft * px, y, width: g.inWidth * px, height: px, class: "unused" }),
    );
  }
  for (const ix of g.unusedCols) {
    const x = (ix + g.padLeft) * px;
    input.append(
      svgEl("rect", { x, y: g.padTop * px, width: px, height: g.inHeight * px, class: "unused" }),
    );
  }
  const output = svgEl("g", { transform: `translate(${outLeft + 1} ${top})` });
  output.append(svgEl("rect", { width: g.outWidth * px, height: g.outHeight * px, class: "real" }));
  if (px >= 5) {
    const lines = (w: number, h: number) =>
      svgEl("rect", { width: w * px, height: h * px, fill: `url(#${id}-grid)`, class: "grid" });
    input.append(lines(paddedWidth, paddedHeight));
    output.append(lines(g.outWidth, g.outHeight));
  }
  const scaled = (className: string) =>
    svgEl("path", { class: className, transform: `scale(${px})` });
  const inputDeps = scaled("dep");
  const outputDeps = scaled("dep");
  const inputEdge = scaled("dep-edge");
  const outputEdge = scaled("dep-edge");
  const windowLayer = svgEl("g", { class: "window" });
  const link = svgEl("line", { class: "link" });
  const picked = svgEl("rect", { class: "picked", width: px, height: px });
  input.append(inputDeps, inputEdge, windowLayer);
  output.append(outputDeps, outputEdge, picked);
  svg.append(input, output, link);

  const caption = el("figcaption");
  figure.append(svg, caption);

  function showWindow(oy: number, ox: number): void {
    windowLayer.replaceChildren();
    const y0 = oy * g.strideHeight;
    const x0 = ox * g.strideWidth;
    const spanHeight = (g.kernelHeight - 1) * g.dilationHeight + 1;
    const spanWidth = (g.kernelWidth - 1) * g.dilationWidth + 1;
    windowLayer.append(
      svgEl("rect", {
        x: x0 * px,
        y: y0 * px,
        width: spanWidth * px,
        height: spanHeight * px,
        class: "span",
      }),
    );
    let inPadding = 0;
    for (let ky = 0; ky < g.kernelHeight; ky++) {
      for (let kx = 0; kx < g.kernelWidth; kx++) {
        const py = y0 + ky * g.dilationHeight;
        const pxx = x0 + kx * g.dilationWidth;
        const iy = py - g.padTop;
        const ix = pxx - g.padLeft;
        const real = iy >= 0 && iy < g.inHeight && ix >= 0 && ix < g.inWidth;
        if (!real) inPadding++;
        windowLayer.append(
          svgEl("rect", {
            x: pxx * px + 1,
            y: py * px + 1,
            width: Math.max(1, px - 2),
            height: Math.max(1, px - 2),
            class: real ? "tap" : "tap in-padding",
          }),
        );
      }
    }
    picked.setAttribute("x", String(ox * px));
    picked.setAttribute("y", String(oy * px));
    link.setAttribute("x1", String(1 + (x0 + spanWidth / 2) * px));
    link.setAttribute("y1", String(top + (y0 + spanHeight / 2) * px));
    link.setAttribute("x2", String(outLeft + 1 + (ox + 0.5) * px));
    link.setAttribute("y2", String(top + (oy + 0.5) * px));
    const taps = g.kernelHeight * g.kernelWidth;
    caption.textContent =
      `Filter window of output [${oy}][${ox}]: ${taps} tap${taps > 1 ? "s" : ""}` +
      (inPadding ? `, ${inPadding} in padding` : ", none in padding") +
      ` (stride ${g.strideHeight}×${g.strideWidth}, dilation ${g.dilationHeight}×${g.dilationWidth}).` +
      " Click an output cell to move it.";
    figure.dataset.window = `${oy},${ox}`;
  }

  output.addEventListener("click", (event) => {
    const rect = (output as SVGGraphicsElement).getBoundingClientRect();
    const ox = Math.floor((event.clientX - rect.left) / px);
    const oy = Math.floor((event.clientY - rect.top) / px);
    if (oy >= 0 && oy < g.outHeight && ox >= 0 && ox < g.outWidth) showWindow(oy, ox);
  });

  function highlight(inputs: Array<[number, number]>, outputs: Array<[number, number]>): void {
    const shifted = inputs.map(([x, y]): [number, number] => [x + g.padLeft, y + g.padTop]);
    inputDeps.setAttribute("d", squaresPath(shifted));
    outputDeps.setAttribute("d", squaresPath(outputs));
    inputEdge.setAttribute("d", outlinePath(shifted));
    outputEdge.setAttribute("d", outlinePath(outputs));
    inputDeps.dataset.count = String(inputs.length);
    outputDeps.dataset.count = String(outputs.length);
  }

  showWindow(0, 0);
  return { element: figure, showWindow, highlight };
}
