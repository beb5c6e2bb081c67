import type { CheckResult } from "../../core/check.js";
import type { Comparison } from "../../core/compare.js";
import { toNested, unravel } from "../../core/tensor.js";
import type { ImplCheckResult } from "../../impl/check.js";
import type { Outcome } from "../outcome.js";

const nanToNull = (values: Float64Array) => Array.from(values, (v) => (Number.isNaN(v) ? null : v));

function errorsJson(c: Comparison, shape: number[]) {
  return {
    relError: toNested(nanToNull(c.relError), shape),
    maxRelError: c.maxRelError,
    worst: c.worst < 0 ? null : unravel(c.worst, shape),
    failing: c.failing.map((cell) => unravel(cell, shape)),
    pass: c.pass,
  };
}

/**
 * The fields an --impl run adds to a result: `implementation`, `forward`
 * (the person's output against convcheck's), per gradient `reference`
 * (convcheck's backward for the same gradOutput) and `diagnoses`. A result
 * of the reference run comes back unchanged.
 */
export function withImplFields<T extends { gradients?: Record<string, object> }>(
  result: CheckResult,
  json: T,
): T {
  const impl = (result as Partial<ImplCheckResult>).impl;
  if (!impl) return json;
  const outputShape = result.geo.outputShape;
  const gradients: Record<string, object> = {};
  for (const [name, entry] of Object.entries(json.gradients ?? {})) {
    const ref = impl.references[name as keyof typeof impl.references];
    const shape = result.gradients.find((g) => g.name === name)?.shape ?? [];
    gradients[name] = ref
      ? {
          ...entry,
          reference: { values: toNested(ref.values, shape), ...errorsJson(ref.comparison, shape) },
        }
      : entry;
  }
  return {
    ...json,
    implementation: {
      file: impl.file,
      forward: impl.exports.forward,
      backward: impl.exports.backward,
      forwardCalls: impl.forwardCalls,
      missing: impl.missing,
    },
    forward: impl.forward
      ? {
          output: toNested(impl.forward.output, outputShape),
          reference: toNested(impl.forward.reference, outputShape),
          ...errorsJson(impl.forward.comparison, outputShape),
        }
      : null,
    gradients,
    diagnoses: impl.diagnoses,
    blindSpots: impl.blindSpots,
  };
}

/** An error of the person's code keeps its diagnoses (a wrong shape names its cause). */
export function errorDiagnoses(outcome: Outcome) {
  return outcome.diagnoses ? { diagnoses: outcome.diagnoses } : {};
}
