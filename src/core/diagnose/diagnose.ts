import { cellPasses, type Rule, relativeError } from "../compare.js";
import type { Geometry } from "../geometry.js";
import type { TensorName } from "../numerical.js";
import { formatIndex, unravel } from "../tensor.js";
import { type VariantPasses, variantPasses } from "./passes.js";
import { layoutSignatures, type Signature, scaleSignature } from "./signatures.js";
import { agrees, differs } from "./transforms.js";
import type { Diagnosis } from "./types.js";
import { type NamedVariant, namedVariants } from "./variants.js";

export interface GradientEvidence {
  name: TensorName;
  shape: number[];
  /** The person's gradient. */
  analytic: Float64Array;
  /** Through the person's forward (or the reference one); NaN where not checked. */
  numerical: Float64Array;
  /** convcheck's backward applied to the same gradOutput. */
  reference: Float64Array;
  numericalPass: boolean;
  referencePass: boolean;
}

/** Everything a diagnosis looks at; the forward fields are null when there is no forward. */
export interface Evidence {
  geo: Geometry;
  rule: Rule;
  input: Float64Array;
  filter: Float64Array;
  bias: Float64Array | null;
  referenceOutput: Float64Array;
  output: Float64Array | null;
  forwardPass: boolean;
  /** dE/dz at the pre-activation, what a correlation's backward pass receives. */
  gradOutput: Float64Array;
  /** The fixture's activation, applied to a candidate correlation's output. */
  activate?: (pre: Float64Array) => Float64Array;
  gradients: GradientEvidence[];
}

const TITLE = { filter: "dE/dFilter", input: "dE/dInput", bias: "dE/dBias" } as const;

function countFailing(a: Float64Array, b: Float64Array, rule: Rule) {
  let failing = 0;
  let checked = 0;
  let worst = -1;
  let worstGap = -1;
  for (let i = 0; i < a.length; i++) {
    if (Number.isNaN(a[i]) || Number.isNaN(b[i])) continue;
    checked++;
    const gap = relativeError(a[i], b[i]);
    if (!cellPasses(a[i], b[i], rule)) failing++;
    if (gap > worstGap) {
      worst = i;
      worstGap = gap;
    }
  }
  return { failing, checked, worst, largest: worstGap };
}

/**
 * Every disagreement this small is the size of single-precision rounding
 * (u = 2^-24 is about 6e-8), not of an indexing mistake.
 */
const ROUNDING_SIZED = 1e-3;

function roundingHint(largest: number): string {
  return largest < ROUNDING_SIZED
    ? `; every difference is below ${ROUNDING_SIZED} relative, the size of float32 rounding: if your code computes in single precision, --float32 uses a rule for it`
    : "";
}

const show = (v: number) => String(Number(v.toPrecision(6)));

function forwardDiagnoses(
  ev: Evidence,
  variants: Array<[NamedVariant, VariantPasses]>,
): Diagnosis[] {
  const output = ev.output;
  if (!output || ev.forwardPass) return [];
  const { failing, checked, worst, largest } = countFailing(output, ev.referenceOutput, ev.rule);
  const cell = formatIndex(unravel(worst, ev.geo.outputShape));
  const list: Diagnosis[] = [
    {
      code: "forward-mismatch",
      tensor: "output",
      message: `your forward differs from the correlation in ${failing} of ${checked} output cells (worst output${cell}: ${show(output[worst])} where ${show(ev.referenceOutput[worst])} is right)${roundingHint(largest)}`,
    },
  ];
  const seen = new Set<string>();
  const matched: Float64Array[] = [];
  for (const [{ code, what, fix }, passes] of variants) {
    const pre = passes.forward(ev.input, ev.filter, ev.bias);
    const candidate = ev.activate ? ev.activate(pre) : pre;
    if (agrees(output, candidate, ev.rule) && differs(candidate, ev.referenceOutput, ev.rule)) {
      // Two mistakes that compute the same numbers here: the first listed is named.
      if (seen.has(code) || matched.some((m) => agrees(m, candidate, ev.rule))) continue;
      seen.add(code);
      matched.push(candidate);
      list.push({ code, tensor: "output", message: `your forward ${what}; ${fix}` });
    }
  }
  for (const s of layoutSignatures(output, ev.referenceOutput, ev.geo.outputShape, ev.rule)) {
    if (s.code === "transposed")
      list.push({ code: s.code, tensor: "output", message: `your output ${s.says}` });
  }
  return list;
}

function gradientDiagnoses(
  ev: Evidence,
  g: GradientEvidence,
  variants: Array<[NamedVariant, Record<string, Float64Array>]>,
): Diagnosis[] {
  const title = TITLE[g.name];
  const add = (list: Diagnosis[], s: Signature, suffix = "") =>
    list.push({ code: s.code, tensor: g.name, message: `${title} ${s.says}${suffix}` });
  const ofWhat = ev.output ? "your forward" : "the correlation";
  if (g.numericalPass) {
    if (g.referencePass) return [];
    return [
      {
        code: "follows-forward",
        tensor: g.name,
        message: `${title} is the gradient of your forward, not of the correlation: once the forward is fixed this gradient must change with it`,
      },
    ];
  }
  const { failing, checked, worst, largest } = countFailing(g.analytic, g.numerical, ev.rule);
  const cell = formatIndex(unravel(worst, g.shape));
  const list: Diagnosis[] = [
    {
      code: "gradient-mismatch",
      tensor: g.name,
      message: `${title} differs from the numerical gradient of ${ofWhat} in ${failing} of ${checked} cells (worst ${g.name}${cell}: ${show(g.analytic[worst])} where the numerical gradient is ${show(g.numerical[worst])})${roundingHint(largest)}`,
    },
  ];
  if (g.referencePass && ev.output && !ev.forwardPass) {
    list.push({
      code: "matches-reference",
      tensor: g.name,
      message: `${title} equals convcheck's backward for the same gradOutput: the backward is right for the correlation, so the forward is what is wrong`,
    });
    return list;
  }
  // Against the right gradient of the person's own loss; when the forward is
  // right that is the reference, which is complete and free of rounding.
  const base = ev.forwardPass ? g.reference : g.numerical;
  const found: Signature[] = [];
  const scale = scaleSignature(g.analytic, base, ev.rule, ev.geo);
  if (scale) found.push(scale);
  const layout = layoutSignatures(g.analytic, base, g.shape, ev.rule);
  found.push(...layout.filter((s) => s.code !== "shifted"));
  const matched: Float64Array[] = [];
  for (const [{ code, what, fix }, grads] of variants) {
    const candidate = grads[g.name];
    if (!agrees(g.analytic, candidate, ev.rule) || !differs(candidate, g.reference, ev.rule))
      continue;
    if (matched.some((m) => agrees(m, candidate, ev.rule))) continue;
    matched.push(candidate);
    // A backward pass with the rotated filter is a flip of the gradient's data flow.
    const named = (code === "convolution" ? "flipped" : code) as Signature["code"];
    found.push({ code: named, says: `is what a backward pass gives that ${what}; ${fix}` });
  }
  // A move by a cell that an exact variant already explains is not named twice.
  if (matched.length === 0) found.push(...layout.filter((s) => s.code === "shifted"));
  if (found.length === 0 && !ev.forwardPass) {
    // The person's loss has no known signature; the correlation's gradient may.
    const note = " (compared with convcheck's backward for the same gradOutput)";
    const scaleRef = scaleSignature(g.analytic, g.reference, ev.rule, ev.geo);
    const againstRef = [
      ...(scaleRef ? [scaleRef] : []),
      ...layoutSignatures(g.analytic, g.reference, g.shape, ev.rule),
    ];
    for (const s of againstRef) found.push({ code: s.code, says: `${s.says}${note}` });
  }
  const codes = new Set<string>();
  for (const s of found) {
    if (codes.has(s.code)) continue;
    codes.add(s.code);
    add(list, s);
  }
  return list;
}

/** Name the likely mistakes behind every disagreement in one fixture's evidence. */
export function diagnose(ev: Evidence): Diagnosis[] {
  const named = namedVariants(ev.geo, ev.bias !== null);
  const passes: Array<[NamedVariant, VariantPasses]> = [];
  for (const n of named) {
    const p = variantPasses(ev.geo, n.variant);
    if (p) passes.push([n, p]);
  }
  const list = forwardDiagnoses(ev, passes);
  const failing = ev.gradients.filter((g) => !g.numericalPass || !g.referencePass);
  if (failing.length === 0) return list;
  const backwards = passes.map(
    ([n, p]) =>
      [n, p.backward(ev.input, ev.filter, ev.gradOutput)] as [
        NamedVariant,
        Record<string, Float64Array>,
      ],
  );
  for (const g of failing) list.push(...gradientDiagnoses(ev, g, backwards));
  return list;
}
