import type { CheckResult, ExpectedCheck, TensorCheck } from "../core/check.js";
import type { Comparison } from "../core/compare.js";
import { unravel } from "../core/tensor.js";
import { describeRegression, TENSOR_TITLE } from "./baseline.js";
import { escapeXml } from "./escape.js";
import { err, index, num, shape } from "./format.js";
import type { Outcome } from "./outcome.js";
import { diagnosesOf, implOf } from "./report/impl-text.js";

/** Failing cells listed in a failure's body; the rest are counted. */
const WORST_LISTED = 8;

interface Case {
  name: string;
  failure?: { type: string; message: string; body: string };
  error?: { type: string; message: string };
}

function attrs(values: Record<string, string | number>): string {
  return Object.entries(values)
    .map(([key, value]) => ` ${key}="${escapeXml(String(value))}"`)
    .join("");
}

/** The worst failing cells, one line each: `filter[0][1][2]  analytic …  numerical …`. */
function worstLines(
  label: string,
  cmp: Comparison,
  shapeOf: number[],
  sides: [string, ArrayLike<number>, string, ArrayLike<number>],
): string {
  const [leftName, left, rightName, right] = sides;
  const ranked = [...cmp.failing]
    .sort((a, b) => cmp.relError[b] - cmp.relError[a] || a - b)
    .slice(0, WORST_LISTED);
  const lines = ranked.map(
    (cell) =>
      `${label}${index(unravel(cell, shapeOf))}  ${leftName} ${num(left[cell])}  ${rightName} ${num(right[cell])}  |a - n| ${err(Math.abs(left[cell] - right[cell]))}  rel error ${err(cmp.relError[cell])}`,
  );
  const rest = cmp.failing.length - ranked.length;
  if (rest > 0) lines.push(`… and ${rest} more failing cells`);
  return lines.join("\n");
}

function gradientCase(g: TensorCheck, outcome: Outcome): Case {
  const cmp = g.comparison;
  const name = `${TENSOR_TITLE[g.name]} ${shape(g.shape)}`;
  if (!cmp.pass) {
    return {
      name,
      failure: {
        type: "gradient-mismatch",
        message: `${cmp.failing.length} of ${cmp.checked} cells fail |analytic - numerical| <= atol + rtol * max(|analytic|, |numerical|); worst rel error ${err(cmp.maxRelError)}`,
        body: [
          worstLines(g.name, cmp, g.shape, ["analytic", g.analytic, "numerical", g.numerical]),
          ...diagnosesOf(outcome.result!, g.name),
        ].join("\n"),
      },
    };
  }
  const regressed = outcome.regressions?.find((r) => r.tensor === g.name);
  if (regressed) {
    const message = `regressed against the baseline: ${describeRegression(regressed)}`;
    return { name, failure: { type: "baseline-regression", message, body: message } };
  }
  return { name };
}

function expectedCase(e: ExpectedCheck): Case {
  const name = `expected ${e.name}`;
  if (e.comparison.pass) return { name };
  const label = e.name.split(" ")[0];
  return {
    name,
    failure: {
      type: "expected-mismatch",
      message: `${e.comparison.failing.length} of ${e.comparison.checked} cells differ from the stored expected values; worst rel error ${err(e.comparison.maxRelError)}`,
      body: worstLines(label, e.comparison, e.shape, ["computed", e.actual, "stored", e.expected]),
    },
  };
}

function casesOf(outcome: Outcome): Case[] {
  const result = outcome.result;
  if (!result) {
    const message = outcome.error ?? "could not be checked";
    return [{ name: "read and validate", error: { type: "invalid-fixture", message } }];
  }
  return [
    ...forwardCase(result),
    ...result.gradients.map((g) => gradientCase(g, outcome)),
    ...result.expected.map(expectedCase),
  ];
}

/** With --impl and a forward: the person's output against the correlation's. */
function forwardCase(result: CheckResult): Case[] {
  const forward = implOf(result)?.forward;
  if (!forward) return [];
  const name = `your forward ${shape(result.geo.outputShape)}`;
  const cmp = forward.comparison;
  if (cmp.pass) return [{ name }];
  return [
    {
      name,
      failure: {
        type: "forward-mismatch",
        message: `${cmp.failing.length} of ${cmp.checked} output cells differ from the correlation; worst rel error ${err(cmp.maxRelError)}`,
        body: [
          worstLines("output", cmp, result.geo.outputShape, [
            "yours",
            forward.output,
            "convcheck",
            forward.reference,
          ]),
          ...diagnosesOf(result, "output"),
        ].join("\n"),
      },
    },
  ];
}

function caseXml(c: Case, classname: string): string[] {
  const open = `    <testcase${attrs({ classname, name: c.name, file: classname })}`;
  if (c.failure) {
    const f = c.failure;
    return [
      `${open}>`,
      `      <failure${attrs({ message: f.message, type: f.type })}>${escapeXml(f.body)}</failure>`,
      "    </testcase>",
    ];
  }
  if (c.error) {
    return [
      `${open}>`,
      `      <error${attrs({ message: c.error.message, type: c.error.type })}>${escapeXml(c.error.message)}</error>`,
      "    </testcase>",
    ];
  }
  return [`${open}/>`];
}

/**
 * A JUnit XML report: one test suite per fixture file, one test case per
 * checked tensor and per stored expected value, or a single erroring case
 * for a fixture that could not be checked.
 */
export function junitXml(outcomes: Outcome[]): string {
  const suites: string[] = [];
  const total = { tests: 0, failures: 0, errors: 0 };
  for (const outcome of outcomes) {
    const cases = casesOf(outcome);
    const failures = cases.filter((c) => c.failure).length;
    const errors = cases.filter((c) => c.error).length;
    total.tests += cases.length;
    total.failures += failures;
    total.errors += errors;
    const head = attrs({ name: outcome.file, tests: cases.length, failures, errors, skipped: 0 });
    suites.push(`  <testsuite${head}>`);
    const fixture = outcome.fixture;
    if (fixture?.name || fixture?.description) {
      suites.push("    <properties>");
      if (fixture.name)
        suites.push(`      <property${attrs({ name: "name", value: fixture.name })}/>`);
      if (fixture.description) {
        suites.push(
          `      <property${attrs({ name: "description", value: fixture.description })}/>`,
        );
      }
      suites.push("    </properties>");
    }
    for (const c of cases) suites.push(...caseXml(c, outcome.file));
    suites.push("  </testsuite>");
  }
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attrs({ name: "convcheck", ...total })}>`,
    ...suites,
    "</testsuites>",
    "",
  ].join("\n");
}
