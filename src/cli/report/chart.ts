import { num } from "../format.js";

export interface ChartOptions {
  height?: number;
  /** At most this many columns; longer series are thinned to fit. */
  width?: number;
}

/**
 * A loss curve in the terminal: one column per step (or per group of steps
 * for long runs), one dot per column. The scale is logarithmic when every
 * value is positive and they span more than two decades, so that a slow
 * rise after a fast fall still shows.
 */
export function lossChart(values: readonly number[], options: ChartOptions = {}): string[] {
  const height = options.height ?? 10;
  const width = options.width ?? 60;
  if (values.length === 0) return [];
  const every = Math.ceil(values.length / width);
  const columns: number[] = [];
  for (let i = 0; i < values.length; i += every) columns.push(values[i]);
  if ((values.length - 1) % every !== 0) columns.push(values[values.length - 1]);

  const low = Math.min(...columns);
  const high = Math.max(...columns);
  const log = low > 0 && high / low > 100;
  const f = (v: number) => (log ? Math.log10(v) : v);
  const span = f(high) - f(low) || 1;
  const rowOf = (v: number) => Math.round(((f(v) - f(low)) / span) * (height - 1));

  const labels = [num(high, 4), num(low, 4)];
  const labelWidth = Math.max(...labels.map((l) => l.length));
  const lines: string[] = [];
  for (let row = height - 1; row >= 0; row--) {
    const label = row === height - 1 ? labels[0] : row === 0 ? labels[1] : "";
    const dots = columns.map((v) => (rowOf(v) === row ? "•" : " ")).join("");
    lines.push(`${label.padStart(labelWidth)} ┤${dots}`.trimEnd());
  }
  const last = String(values.length - 1);
  const axis = `${" ".repeat(labelWidth)} └${"─".repeat(columns.length)}`;
  const ticks = `${" ".repeat(labelWidth + 2)}0${last.padStart(columns.length - 1)}`;
  const note = `${log ? "log scale, " : ""}step${every > 1 ? ` (one column per ${every} steps)` : ""}`;
  lines.push(axis, `${ticks}  ${note}`);
  return lines;
}
