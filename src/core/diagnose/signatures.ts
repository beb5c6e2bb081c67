import type { Rule } from "../compare.js";
import type { Geometry } from "../geometry.js";
import {
  agrees,
  differs,
  ratio,
  rotate180,
  scaled,
  shared,
  shift,
  transpose,
} from "./transforms.js";
import type { DiagnosisCode } from "./types.js";

/** A signature found: its code and the end of a sentence that starts with the tensor's name. */
export interface Signature {
  code: DiagnosisCode;
  says: string;
}

function fraction(value: number): string {
  if (Number.isInteger(value)) return String(value);
  const inverse = 1 / value;
  if (Math.abs(inverse - Math.round(inverse)) < 1e-9 * Math.abs(inverse)) {
    return `1/${Math.round(inverse)}`;
  }
  return String(Number(value.toPrecision(6)));
}

/** Factors that come from a known mistake, with what each one means. */
function knownFactors(geo: Geometry): Array<[number, string]> {
  const perChannel = geo.outHeight * geo.outWidth;
  const cells = geo.batch * geo.outChannels * perChannel;
  const named: Array<[number, string]> = [
    [2, "a 1/2 is missing (dE/dO = O - T, not 2 (O - T))"],
    [1 / 2, "an extra 1/2"],
    [
      1 / cells,
      `1 / number of output cells (${cells}): a mean in one place and a sum in the other`,
    ],
    [cells, `the number of output cells (${cells}): a sum where a mean was meant`],
    // Per channel is only a different factor when there is more than one channel or image.
    ...(perChannel !== cells
      ? ([[1 / perChannel, `1 / output cells per channel (${perChannel})`]] as Array<
          [number, string]
        >)
      : []),
    [1 / geo.batch, `1 / batch size (${geo.batch}): averaged over the batch`],
  ];
  return named.filter(([value]) => value !== 1);
}

/** The constant ratio analytic / base in every cell, when there is one the data can show. */
export function scaleSignature(
  analytic: Float64Array,
  base: Float64Array,
  rule: Rule,
  geo: Geometry,
): Signature | null {
  const cells = shared(analytic, base);
  // With one non-zero cell any wrong value is "a constant factor"; only a
  // factor that a known mistake produces is then worth naming.
  const single = cells.filter((i) => base[i] !== 0).length < 2;
  if (cells.length === 0 || (single && cells.every((i) => base[i] === 0))) return null;
  const zero = new Float64Array(base.length);
  if (!single && agrees(analytic, zero, rule, cells) && differs(base, zero, rule, cells)) {
    return {
      code: "zero",
      says: "is 0 in every cell: the gradient is never written or never accumulated",
    };
  }
  const r = ratio(analytic, base);
  if (r === null || !Number.isFinite(r) || r === 0) return null;
  const expected = scaled(base, r);
  if (!agrees(analytic, expected, rule, cells) || !differs(expected, base, rule, cells))
    return null;
  if (Math.abs(r + 1) < 1e-6) {
    return {
      code: "sign",
      says: "has the opposite sign in every cell (ratio -1): the update climbs instead of descending; dE/dO is O - T, not T - O",
    };
  }
  const names = knownFactors(geo)
    .filter(([value]) => Math.abs(Math.abs(r) - value) <= 1e-6 * value)
    .map(([, meaning]) => meaning);
  if (single && (names.length === 0 || r < 0)) return null;
  const sign = r < 0 ? " with the opposite sign" : "";
  const ratioText = String(Number(r.toPrecision(6)));
  // A known factor is written as a fraction (1/4), with the ratio beside it when they differ.
  const exact = names.length ? fraction(Math.abs(r)) : ratioText.replace(/^-/, "");
  const shown = names.length && exact !== ratioText ? ` (ratio ${ratioText})` : "";
  const meaning = names.length ? `: ${names.join("; or ")}` : "";
  return {
    code: "scale",
    says: `is ${exact} times the right value in every cell${sign}${shown}${meaning}`,
  };
}

/** Rearrangements: rotated, transposed or moved by a cell, each only when it changes the values. */
export function layoutSignatures(
  analytic: Float64Array,
  base: Float64Array,
  shape: readonly number[],
  rule: Rule,
): Signature[] {
  if (shape.length < 2) return [];
  const found: Signature[] = [];
  const test = (candidate: Float64Array | null, minCells: number, signature: Signature) => {
    if (!candidate) return;
    const cells = shared(analytic, candidate);
    if (cells.length < minCells) return;
    if (agrees(analytic, candidate, rule, cells) && differs(candidate, base, rule, cells)) {
      found.push(signature);
    }
  };
  test(rotate180(base, shape), 1, {
    code: "flipped",
    says: "equals the right gradient rotated by 180 degrees: a kernel index runs backwards (k instead of K-1-k, or the filter is rotated once too often)",
  });
  test(transpose(base, shape), 1, {
    code: "transposed",
    says: "equals the right gradient with rows and columns swapped: an [x][y] where [y][x] belongs",
  });
  for (const dy of [-1, 0, 1]) {
    for (const dx of [-1, 0, 1]) {
      if (dy === 0 && dx === 0) continue;
      const rows = dy ? `${Math.abs(dy)} row ${dy > 0 ? "up" : "down"}` : "";
      const cols = dx ? `${Math.abs(dx)} column ${dx > 0 ? "left" : "right"}` : "";
      const moved = shift(base, shape, dy, dx);
      // A move must leave at least two cells to compare in every slice.
      const slices = analytic.length / (shape[shape.length - 1] * shape[shape.length - 2]);
      test(moved, 2 * slices, {
        code: "shifted",
        says: `equals the right gradient moved ${[rows, cols].filter(Boolean).join(" and ")} (compared where both exist): the padding is off by one`,
      });
    }
  }
  return found;
}
