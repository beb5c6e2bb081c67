/**
 * The report's script is every exported client function inlined into one
 * scope (see page.ts), so the client modules call each other by bare name
 * rather than through imports, which would not survive the inlining. These
 * declarations give those names their types.
 */
import type * as dependencies from "../../core/dependencies.js";
import type * as colours from "./colours.js";
import type * as dom from "./dom.js";
import type * as geometry from "./geometry.js";
import type * as heatmap from "./heatmap.js";
import type * as inspector from "./inspector.js";

declare global {
  const expandDependencies: typeof dependencies.expandDependencies;
  const errorColour: typeof colours.errorColour;
  const errorScale: typeof colours.errorScale;
  const rampColour: typeof colours.rampColour;
  const valueColour: typeof colours.valueColour;
  const el: typeof dom.el;
  const svgEl: typeof dom.svgEl;
  const squaresPath: typeof dom.squaresPath;
  const outlinePath: typeof dom.outlinePath;
  const indexText: typeof dom.indexText;
  const numText: typeof dom.numText;
  const drawGeometry: typeof geometry.drawGeometry;
  const drawMap: typeof heatmap.drawMap;
  const drawnIndex: typeof heatmap.drawnIndex;
  const flatAt: typeof heatmap.flatAt;
  const localAt: typeof heatmap.localAt;
  const markCells: typeof heatmap.markCells;
  const paintMap: typeof heatmap.paintMap;
  const describeCell: typeof inspector.describeCell;
  const infoRow: typeof inspector.infoRow;
}
