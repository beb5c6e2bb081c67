import type { TensorCheck } from "../../core/check.js";
import { toNested, unravel } from "../../core/tensor.js";
import type { Outcome, Summary } from "../outcome.js";
import { errorDiagnoses, withImplFields } from "./impl-json.js";

const nanToNull = (values: Float64Array) => Array.from(values, (v) => (Number.isNaN(v) ? null : v));

function gradientJson(g: TensorCheck) {
  const c = g.comparison;
  const worst =
    c.worst < 0
      ? null
      : {
          index: unravel(c.worst, g.shape),
          analytic: g.analytic[c.worst],
          numerical: g.numerical[c.worst],
          relError: c.relError[c.worst],
        };
  return {
    shape: g.shape,
    step: g.step,
    analytic: toNested(g.analytic, g.shape),
    numerical: toNested(nanToNull(g.numerical), g.shape),
    relError: toNested(nanToNull(c.relError), g.shape),
    maxRelError: c.maxRelError,
    worst,
    checked: c.checked,
    failing: c.failing.map((cell) => unravel(cell, g.shape)),
    kinks: [...g.kinks.keys()].map((cell) => unravel(cell, g.shape)),
    oneSided: [...g.kinks.entries()].map(([cell, sides]) => ({
      index: unravel(cell, g.shape),
      ...sides,
    })),
    roundingExplained: g.roundingExplained,
    directions: g.directions ?? null,
    pass: c.pass,
  };
}

/** One result, with the field names the README documents as stable. */
export function outcomeJson(outcome: Outcome) {
  const { result, fixture } = outcome;
  if (!result || !fixture) {
    return {
      file: outcome.file,
      status: outcome.status,
      error: outcome.error ?? null,
      ...errorDiagnoses(outcome),
    };
  }
  const geo = result.geo;
  return withImplFields(result, {
    file: outcome.file,
    name: fixture.name,
    status: outcome.status,
    error: null,
    outputShape: geo.outputShape,
    loss: result.loss,
    output: toNested(result.output, geo.outputShape),
    rule: result.rule,
    activation: result.head.activation.name,
    lossFunction: result.head.loss.name,
    precision: result.precision,
    epsSweep: result.sweep,
    sample: result.sample ?? null,
    fast: result.fast ?? null,
    geometry: {
      inputShape: geo.inputShape,
      filterShape: geo.filterShape,
      outputShape: geo.outputShape,
      stride: [geo.strideHeight, geo.strideWidth],
      dilation: [geo.dilationHeight, geo.dilationWidth],
      padding: [geo.padTop, geo.padBottom, geo.padLeft, geo.padRight],
      groups: geo.groups,
    },
    warnings: result.warnings,
    gradients: Object.fromEntries(result.gradients.map((g) => [g.name, gradientJson(g)])),
    expected: result.expected.map((e) => ({
      name: e.name,
      maxRelError: e.comparison.maxRelError,
      failing: e.comparison.failing.map((cell) => unravel(cell, e.shape)),
      pass: e.comparison.pass,
    })),
    regressions: outcome.regressions ?? [],
  });
}

export function reportJson(outcomes: Outcome[], summary: Summary): string {
  return `${JSON.stringify({ results: outcomes.map(outcomeJson), summary }, null, 2)}\n`;
}
