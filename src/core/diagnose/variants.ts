import type { Geometry } from "../geometry.js";
import type { DiagnosisCode } from "./types.js";

/**
 * A correlation with some settings changed, the way a mistaken
 * implementation computes it, on the layer's own output size. Its forward
 * pass and its exact backward pass let a diagnosis ask "is this what your
 * code computes?" for each mistake in turn.
 */
export interface Variant {
  strideHeight: number;
  strideWidth: number;
  dilationHeight: number;
  dilationWidth: number;
  padTop: number;
  padLeft: number;
  /** The filter rotated by 180 degrees: a convolution instead of a correlation. */
  rotate: boolean;
  bias: boolean;
}

export interface NamedVariant {
  code: DiagnosisCode;
  variant: Variant;
  /** What the mistaken code does, completing "your forward ..." or "a backward pass that ...". */
  what: string;
  /** Where to look. */
  fix: string;
}

export function reference(geo: Geometry): Variant {
  return {
    strideHeight: geo.strideHeight,
    strideWidth: geo.strideWidth,
    dilationHeight: geo.dilationHeight,
    dilationWidth: geo.dilationWidth,
    padTop: geo.padTop,
    padLeft: geo.padLeft,
    rotate: false,
    bias: true,
  };
}

const INDEX = "the input row is oy * strideHeight + ky * dilationHeight - padTop (columns alike)";

function strideVariants(geo: Geometry, add: Add): void {
  const fix = "multiply the output position by the stride where each window starts";
  const sh = geo.strideHeight;
  const sw = geo.strideWidth;
  if (sh > 1 && sw > 1) {
    const what =
      "starts the window of output cell (oy, ox) at input (oy, ox) instead of (oy * stride, ox * stride)";
    add("stride-ignored", { strideHeight: 1, strideWidth: 1 }, what, fix);
  }
  if (sh > 1) {
    const what =
      "ignores the vertical stride (windows start at row oy instead of oy * strideHeight)";
    add("stride-ignored", { strideHeight: 1 }, what, fix);
  }
  if (sw > 1) {
    const what =
      "ignores the horizontal stride (windows start at column ox instead of ox * strideWidth)";
    add("stride-ignored", { strideWidth: 1 }, what, fix);
  }
  if (sh !== geo.dilationHeight || sw !== geo.dilationWidth) {
    const swap = {
      strideHeight: geo.dilationHeight,
      strideWidth: geo.dilationWidth,
      dilationHeight: sh,
      dilationWidth: sw,
    };
    const what =
      "multiplies the filter offset by the stride instead of the output position (stride and dilation swapped)";
    add("stride-dilation-swapped", swap, what, INDEX);
  }
}

function paddingVariants(geo: Geometry, add: Add): void {
  const rows = geo.padTop !== geo.padBottom;
  const cols = geo.padLeft !== geo.padRight;
  const fix = "padding is given as [top, bottom, left, right]";
  const pads = `${geo.padTop} top and ${geo.padBottom} bottom`;
  const colPads = `${geo.padLeft} left and ${geo.padRight} right`;
  if (rows)
    add(
      "padding-side",
      { padTop: geo.padBottom },
      `puts the ${pads} padding rows on the wrong sides`,
      fix,
    );
  if (cols)
    add(
      "padding-side",
      { padLeft: geo.padRight },
      `puts the ${colPads} padding columns on the wrong sides`,
      fix,
    );
  if (rows && cols) {
    const what = `puts the padding on the wrong sides (${pads} swapped, ${colPads} swapped)`;
    add("padding-side", { padTop: geo.padBottom, padLeft: geo.padRight }, what, fix);
  }
  for (const dy of [-1, 0, 1]) {
    for (const dx of [-1, 0, 1]) {
      if (dy === 0 && dx === 0) continue;
      const moves = [
        dy ? `one ${dy > 0 ? "more" : "less"} padding row at the top` : "",
        dx ? `one ${dx > 0 ? "more" : "less"} padding column at the left` : "",
      ];
      const what = `reads the input one cell off, as if there were ${moves.filter(Boolean).join(" and ")}`;
      const change = { padTop: geo.padTop + dy, padLeft: geo.padLeft + dx };
      add("shifted", change, what, `the padding is off by one: ${INDEX}`);
    }
  }
}

type Add = (code: DiagnosisCode, change: Partial<Variant>, what: string, fix: string) => void;

/** The mistakes worth testing on this layer (those that can change something). */
export function namedVariants(geo: Geometry, hasBias: boolean): NamedVariant[] {
  const base = reference(geo);
  const list: NamedVariant[] = [];
  const add: Add = (code, change, what, fix) =>
    list.push({ code, variant: { ...base, ...change }, what, fix });

  add(
    "convolution",
    { rotate: true },
    "uses the filter rotated by 180 degrees (a convolution, not a correlation)",
    "index the filter as F[ky][kx], not F[KH-1-ky][KW-1-kx]",
  );
  strideVariants(geo, add);
  paddingVariants(geo, add);
  if (geo.dilationHeight > 1 || geo.dilationWidth > 1) {
    const what =
      "leaves the dilation out (taps next to each other instead of dilation cells apart)";
    add("dilation-ignored", { dilationHeight: 1, dilationWidth: 1 }, what, INDEX);
  }
  if (hasBias)
    add(
      "bias-ignored",
      { bias: false },
      "leaves the bias out",
      "add bias[co] to every cell of output channel co",
    );
  return list;
}
