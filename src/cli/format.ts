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

/**
 * Text from a file name or a fixture, made safe for a terminal line: control
 * characters (line breaks, escape sequences, and the Unicode line and paragraph
 * separators) are shown as escapes, so one error stays on one line and a
 * fixture cannot write to the terminal.
 */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (ch) => {
    const named: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };
    return named[ch] ?? `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`;
  });
}
