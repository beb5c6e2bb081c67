import type { Head } from "./head.js";
import type { CellEvaluator, TensorName } from "./numerical.js";

/**
 * Numerical derivative of E = sum term(act(z), t) for one element, when an
 * activation or a loss other than 1/2 sum (O - T)^2 follows the correlation.
 * As in the plain case, only the output cells the element reaches are rerun
 * and every other cell's term cancels. E is no longer quadratic, so the step
 * is small (truncation error h^2 E''' / 6 against rounding u E / h).
 *
 * A central difference of a curved head is extrapolated from steps h and
 * h / 2, which removes its h^2 truncation term.
 *
 * A kink (a rectifier's z = 0, or l1's residual = 0) between x - h and x + h
 * makes the central difference average the two sides. Such elements are
 * reported as kinks with their one-sided derivatives, each extrapolated from
 * steps h and h / 2 (Richardson: 2 D(h / 2) - D(h)), which removes the
 * first-order error of a one-sided difference on a piecewise-quadratic E.
 */
export interface HeadDerivative {
  central: number;
  kink: boolean;
  left: number;
  right: number;
}

interface Reached {
  n: number;
  co: number;
  p: number;
}

/** The output cells an element of `tensor` can change. */
function reachedCells(
  ev: CellEvaluator,
  tensor: TensorName,
  e: number,
): {
  cells: Reached[];
  set: (value: number) => void;
  value: number;
} {
  const { geo } = ev.problem;
  const cells: Reached[] = [];
  if (tensor === "filter" || tensor === "bias") {
    const co = tensor === "filter" ? Math.floor(e / ev.rowLength) : e;
    for (let n = 0; n < geo.batch; n++) {
      for (let p = 0; p < ev.outPlane; p++) cells.push({ n, co, p });
    }
    const store = tensor === "filter" ? ev.filter : (ev.bias as Float64Array);
    return {
      cells,
      value: store[e],
      set: (v) => {
        store[e] = v;
      },
    };
  }
  const { inHeight, inWidth, kernelHeight, kernelWidth, inPerGroup } = geo;
  const ix = e % inWidth;
  const iy = Math.floor(e / inWidth) % inHeight;
  const ci = Math.floor(e / (inWidth * inHeight)) % geo.inChannels;
  const n = Math.floor(e / (inWidth * inHeight * geo.inChannels));
  const group = Math.floor(ci / inPerGroup);
  const c = ci % inPerGroup;
  const slots: number[] = [];
  for (const rowTap of geo.rowTaps[iy]) {
    for (const colTap of geo.colTaps[ix]) {
      const p = rowTap.out * geo.outWidth + colTap.out;
      const k = (c * kernelHeight + rowTap.kernel) * kernelWidth + colTap.kernel;
      slots.push(((n * geo.groups + group) * ev.outPlane + p) * ev.rowLength + k);
      for (let co = group * geo.outPerGroup; co < (group + 1) * geo.outPerGroup; co++) {
        cells.push({ n, co, p });
      }
    }
  }
  // Every slot holds the same input value: the element seen through each tap.
  const value = slots.length ? ev.columns[slots[0]] : 0;
  return {
    cells,
    value,
    set: (v) => {
      for (const s of slots) ev.columns[s] = v;
    },
  };
}

export function headDerivative(
  ev: CellEvaluator,
  head: Head,
  tensor: TensorName,
  e: number,
  step: number,
): HeadDerivative {
  const { geo, target } = ev.problem;
  const { cells, set, value } = reachedCells(ev, tensor, e);
  if (cells.length === 0) return { central: 0, kink: false, left: 0, right: 0 };
  const count = target.length;
  const outPlane = ev.outPlane;
  const { activation: act, loss: fn } = head;

  // The reached cells' share of E with the element set to v.
  const partial = (v: number): { sum: number; pieces: number[] } => {
    set(v);
    let sum = 0;
    const pieces: number[] = [];
    for (const { n, co, p } of cells) {
      const z = ev.cell(n, co, p);
      const t = target[(n * geo.outChannels + co) * outPlane + p];
      const y = act.apply(z);
      sum += fn.term(y, t, count);
      pieces.push(
        (act.hasKink ? (z > 0 ? 1 : z < 0 ? -1 : 0) : 1) * 3 + (fn.hasKink ? Math.sign(y - t) : 0),
      );
    }
    return { sum, pieces };
  };

  const plus = value + step;
  const minus = value - step;
  const up = partial(plus);
  const down = partial(minus);
  const here = partial(value);
  set(value);
  const central = (up.sum - down.sum) / (plus - minus);
  const kinked =
    (act.hasKink || fn.hasKink) &&
    up.pieces.some((piece, i) => piece !== down.pieces[i] || piece !== here.pieces[i]);
  const half = step / 2;
  if (!kinked) {
    // Richardson: D(h) = E' + c h^2 + O(h^4), so (4 D(h/2) - D(h)) / 3 cancels
    // the h^2 truncation term that a curved head leaves in a central
    // difference, and the step can stay large enough to keep rounding low.
    const upHalf = partial(value + half).sum;
    const downHalf = partial(value - half).sum;
    set(value);
    const centralHalf = (upHalf - downHalf) / (value + half - (value - half));
    const extrapolated = (4 * centralHalf - central) / 3;
    return { central: extrapolated, kink: false, left: extrapolated, right: extrapolated };
  }

  const oneSided = (direction: 1 | -1): number => {
    const far = partial(value + direction * step).sum;
    const near = partial(value + direction * half).sum;
    set(value);
    const dFar = (far - here.sum) / (direction * step);
    const dNear = (near - here.sum) / (direction * half);
    return 2 * dNear - dFar;
  };
  return { central, kink: true, left: oneSided(-1), right: oneSided(1) };
}

export interface HeadNumerical {
  values: Float64Array;
  /** Checked cells where a kink lies within the step, with one-sided derivatives. */
  kinks: Map<number, { left: number; right: number }>;
}

/** Numerical gradients of the listed cells for a non-quadratic head, in float64. */
export function headNumerical(
  ev: CellEvaluator,
  head: Head,
  tensor: TensorName,
  cells: ArrayLike<number>,
  step: number,
): HeadNumerical {
  const values = new Float64Array(cells.length);
  const kinks = new Map<number, { left: number; right: number }>();
  for (let i = 0; i < cells.length; i++) {
    const d = headDerivative(ev, head, tensor, cells[i], step);
    values[i] = d.central;
    if (d.kink) kinks.set(cells[i], { left: d.left, right: d.right });
  }
  return { values, kinks };
}
