import { describe, expect, it } from "vitest";
import type { Fixture } from "../src/fixture/load.js";
import { buildArgs, readValue } from "../src/impl/protocol.js";
import {
  check,
  close,
  codes,
  golden,
  goldenFiles,
  loadImpl,
  local,
  type Module,
} from "./support/impl.js";

/**
 * Each deliberately wrong implementation in test/impls must be named on
 * every golden fixture where its mistake changes what it returns, and must
 * pass (with nothing named) where it does not.
 */
interface Case {
  impl: string;
  /** Each `code:tensor` (tensor `*` for any) must be named where the fault shows. */
  required: string[];
  /** Codes that may also appear. */
  allowed: string[];
  /** At least one of these, when given. */
  oneOf?: string[];
}

const CASES: Case[] = [
  {
    impl: "convolution.js",
    required: ["forward-mismatch:output", "convolution:output", "matches-reference:*"],
    allowed: ["gradient-mismatch"],
  },
  {
    impl: "convolution-both.js",
    required: ["forward-mismatch:output", "convolution:output", "follows-forward:*"],
    allowed: [],
  },
  { impl: "scale-2.js", required: ["scale:*"], allowed: ["gradient-mismatch"] },
  { impl: "mean.js", required: ["scale:*"], allowed: ["gradient-mismatch"] },
  { impl: "sign.js", required: ["sign:filter"], allowed: ["gradient-mismatch"] },
  { impl: "zero.js", required: ["zero:input"], allowed: ["gradient-mismatch"] },
  { impl: "flipped.js", required: ["flipped:filter"], allowed: ["gradient-mismatch"] },
  {
    impl: "transposed.js",
    required: ["transposed:filter"],
    allowed: ["gradient-mismatch", "shape"],
  },
  { impl: "shifted.js", required: ["shifted:input"], allowed: ["gradient-mismatch"] },
  { impl: "stride-backward.js", required: ["stride-ignored:*"], allowed: ["gradient-mismatch"] },
  {
    impl: "stride-backward-cols.js",
    required: ["stride-ignored:*"],
    allowed: ["gradient-mismatch"],
  },
  {
    impl: "padding-side.js",
    required: ["forward-mismatch:output", "padding-side:output"],
    allowed: ["follows-forward"],
  },
  {
    impl: "bias-ignored.js",
    required: ["forward-mismatch:output", "bias-ignored:output", "matches-reference:bias"],
    allowed: ["gradient-mismatch"],
  },
  {
    impl: "dilation-taps.js",
    required: ["forward-mismatch:output", "dilation-ignored:output", "matches-reference:*"],
    allowed: ["gradient-mismatch"],
  },
  { impl: "dilation-size.js", required: ["shape:output", "dilation-ignored:output"], allowed: [] },
  {
    impl: "padded-input-grad.js",
    required: ["shape:input", "padding-included:input"],
    allowed: [],
  },
  {
    impl: "classic.js",
    required: ["forward-mismatch:output", "matches-reference:filter"],
    allowed: ["gradient-mismatch", "matches-reference"],
    // On a 1x1 filter swapping stride and dilation is the same as dropping the stride.
    oneOf: ["stride-dilation-swapped:output", "stride-ignored:output"],
  },
];

function flatten(value: unknown): Float64Array | string {
  const read = readValue(value, "value");
  return read.ok ? read.data : `unreadable: ${read.found}`;
}

const shapeOf = (value: unknown): string => {
  const shape: number[] = [];
  for (let v = value; Array.isArray(v); v = v[0]) shape.push(v.length);
  return shape.join("x");
};

function differ(a: unknown, b: unknown): boolean {
  const fa = flatten(a);
  const fb = flatten(b);
  if (typeof fa === "string" || typeof fb === "string") return true;
  if (!ArrayBuffer.isView(a) && !ArrayBuffer.isView(b) && shapeOf(a) !== shapeOf(b)) return true;
  return !close(fa, fb, 1e-9);
}

/** Does the mistake change anything the implementation returns on this fixture? */
async function faultShows(fixture: Fixture, wrong: Module, right: Module): Promise<boolean> {
  const geo = fixture.geo;
  const request = {
    fn: "forward" as const,
    tensors: {
      input: { shape: geo.inputShape, data: fixture.input.data },
      filter: { shape: geo.filterShape, data: fixture.filter.data },
      ...(fixture.bias
        ? { bias: { shape: [fixture.bias.data.length], data: fixture.bias.data } }
        : {}),
    },
    settings: {
      stride: [geo.strideHeight, geo.strideWidth] as [number, number],
      padding: [geo.padTop, geo.padBottom, geo.padLeft, geo.padRight] as [
        number,
        number,
        number,
        number,
      ],
      dilation: [geo.dilationHeight, geo.dilationWidth] as [number, number],
      groups: geo.groups,
    },
  };
  type Fn = (args: Record<string, unknown>) => unknown;
  const rightForward = await (right.forward as Fn)(buildArgs(request));
  const wrongForward = wrong.forward
    ? await (wrong.forward as Fn)(buildArgs(request))
    : rightForward;
  if (differ(wrongForward, rightForward)) return true;
  const out = flatten(wrongForward) as Float64Array;
  const gradOutput = out.map((v, i) => v - fixture.target.data[i]);
  const withGrad = {
    ...request,
    tensors: { ...request.tensors, gradOutput: { shape: geo.outputShape, data: gradOutput } },
  };
  const rightGrads = (await (right.backward as Fn)(buildArgs(withGrad))) as Record<string, unknown>;
  const wrongGrads = wrong.backward
    ? ((await (wrong.backward as Fn)(buildArgs(withGrad))) as Record<string, unknown>)
    : rightGrads;
  return ["filter", "input", "bias"].some(
    (k) => rightGrads[k] !== undefined && differ(wrongGrads[k], rightGrads[k]),
  );
}

function named(found: string[], wanted: string): boolean {
  const [code, tensor] = wanted.split(":");
  return found.some((f) => (tensor === "*" ? f.split(":")[0] === code : f === wanted));
}

describe("deliberately wrong implementations are named on every golden fixture", async () => {
  const right = await loadImpl("correct.js");
  for (const c of CASES) {
    describe(c.impl, async () => {
      const wrong = await loadImpl(c.impl);
      for (const file of goldenFiles) {
        it(file, async () => {
          const fixture = golden(file);
          const shows = await faultShows(fixture, wrong, right);
          const run = await check(fixture, local(c.impl, wrong));
          const found = codes(run);
          if (!shows) {
            expect(run.result?.pass, `${c.impl} changes nothing here and must pass`).toBe(true);
            expect(found).toEqual([]);
            return;
          }
          expect(run.result?.pass ?? false).toBe(false);
          for (const want of c.required)
            expect(found, want).toSatisfy((f: string[]) => named(f, want));
          if (c.oneOf)
            expect(
              c.oneOf.some((w) => named(found, w)),
              `one of ${c.oneOf}`,
            ).toBe(true);
          const known = new Set([...c.required, ...(c.oneOf ?? [])].map((w) => w.split(":")[0]));
          for (const a of c.allowed) known.add(a);
          for (const f of found) expect(known, `unexpected ${f}`).toContain(f.split(":")[0]);
        });
      }
    });
  }
});
