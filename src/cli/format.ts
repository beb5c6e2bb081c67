/** Number formatting shared by the text reports. */

export function num(value: number | null | undefined, digits = 6): string {
  if (value === null || value === undefined || Number.isNaN(value)) return "·";
  if (value === 0) return "0";
  const abs = Math.abs(value);
  if (abs >= 1e-4 && abs < 1e6) {
    const text = value.toPrecision(digits);
    return text.includes(".") ? text.replace(/0+$/, "").replace(/\.$/, "") : text;
  }
  return value.toExponential(digits - 1).replace(/\.?0+e/, "e");
}

/** A relative error as 1.2e-13; 0 stays 0. */
export function err(value: number | null | undefined): string {
  if (value === null || value === undefined || Number.isNaN(value)) return "·";
  if (value === 0) return "0";
  return value.toExponential(1);
}

export function shape(dims: readonly number[]): string {
  return `[${dims.join(", ")}]`;
}

export function index(idx: readonly number[]): string {
  return idx.map((i) => `[${i}]`).join("");
}

export function padEnd(text: string, width: number, visible = text.length): string {
  return text + " ".repeat(Math.max(0, width - visible));
}

export function padStart(text: string, width: number, visible = text.length): string {
  return " ".repeat(Math.max(0, width - visible)) + text;
}
