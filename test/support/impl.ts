import { readdirSync } from "node:fs";
import { join } from "node:path";
import { type Fixture, loadFixture, parseFixture } from "../../src/fixture/load.js";
import { type ImplCheckResult, runImplCheck } from "../../src/impl/check.js";
import { Implementation, ImplFault } from "../../src/impl/implementation.js";
import { LocalRunner } from "../../src/impl/local.js";
import { expectAllClose, isAllClose, scaleOf } from "../helpers/allclose.js";

export const IMPLS = join(import.meta.dirname, "..", "impls");
const GOLDEN = join(import.meta.dirname, "..", "..", "fixtures", "golden");

export const goldenFiles = readdirSync(GOLDEN)
  .filter((f) => f.endsWith(".json"))
  .sort();

export function golden(file: string): Fixture {
  return loadFixture(join(GOLDEN, file));
}

/** A shipped field case, fixtures/field/<name>.json. */
export function field(name: string): Fixture {
  return loadFixture(join(GOLDEN, "..", "field", `${name}.json`));
}

/** A fixture written inline, as JSON text. */
export function fixtureOf(doc: Record<string, unknown>): Fixture {
  return parseFixture(JSON.stringify(doc));
}

/**
 * Every value within `tolerance` of its counterpart, measured against the
 * larger of 1 and the largest expected magnitude, through the shared
 * all-close helper.
 */
export function expectClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tolerance = 1e-9,
  label?: string,
): void {
  expectAllClose(actual, expected, { rtol: 0, atol: tolerance * scaleOf(expected) }, label);
}

/** The same test as a yes/no answer. */
export function close(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance = 1e-9) {
  return isAllClose(actual, expected, { rtol: 0, atol: tolerance * scaleOf(expected) });
}

export type Module = Record<string, unknown>;

export async function loadImpl(name: string): Promise<Module> {
  return import(join(IMPLS, name));
}

/** Run a test implementation in-process (it is trusted to return). */
export function local(name: string, module: Module): Implementation {
  return new Implementation(new LocalRunner(join(IMPLS, name), module));
}

export type Run = { result: ImplCheckResult; fault: null } | { result: null; fault: ImplFault };

export async function check(fixture: Fixture, impl: Implementation): Promise<Run> {
  try {
    return { result: await runImplCheck(fixture, impl), fault: null };
  } catch (error) {
    if (error instanceof ImplFault) return { result: null, fault: error };
    throw error;
  }
}

/** `code:tensor` for every diagnosis, for compact assertions. */
export function codes(run: Run): string[] {
  const list = run.result ? run.result.impl.diagnoses : run.fault.diagnoses;
  return list.map((d) => `${d.code}:${d.tensor}`);
}
