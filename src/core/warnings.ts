import { type Geometry, paddingOnlyTaps, unusedRowsAndCols } from "./geometry.js";
import type { Tensor } from "./tensor.js";

export interface Warning {
  code: "unused-input" | "constant-tensor" | "padding-only-taps";
  message: string;
}

function list(values: number[]): string {
  return values.length > 8
    ? `${values.slice(0, 8).join(", ")}, … (${values.length} in all)`
    : values.join(", ");
}

/** Properties of a fixture that hide bugs or that a person should know of. */
export function fixtureWarnings(
  geo: Geometry,
  tensors: { input: Tensor; filter: Tensor },
): Warning[] {
  const warnings: Warning[] = [];
  const { rows, cols } = unusedRowsAndCols(geo);
  if (rows.length || cols.length) {
    const parts = [];
    if (rows.length) parts.push(`row${rows.length > 1 ? "s" : ""} ${list(rows)}`);
    if (cols.length) parts.push(`column${cols.length > 1 ? "s" : ""} ${list(cols)}`);
    warnings.push({
      code: "unused-input",
      message: `no window reads input ${parts.join(" or ")}: their input gradient is exactly 0 and those values never affect the output`,
    });
  }
  for (const name of ["input", "filter"] as const) {
    const { data } = tensors[name];
    if (data.length >= 2 && data.every((v) => v === data[0])) {
      warnings.push({
        code: "constant-tensor",
        message: `every ${name} value is ${data[0]}: a constant ${name} hides indexing mistakes (a misplaced window reads the same numbers); use varied values`,
      });
    }
  }
  const taps = paddingOnlyTaps(geo);
  if (taps.length) {
    const names = taps.map(([ky, kx]) => `[${ky}][${kx}]`);
    warnings.push({
      code: "padding-only-taps",
      message: `filter tap${taps.length > 1 ? "s" : ""} ${names.length > 8 ? `${names.slice(0, 8).join(", ")}, …` : names.join(", ")} only ever see${taps.length > 1 ? "" : "s"} padding: ${taps.length > 1 ? "their" : "its"} gradient is exactly 0 in every channel`,
    });
  }
  return warnings;
}
