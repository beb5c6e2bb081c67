import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { afterAll, describe, expect, it } from "vitest";
import { junitXml } from "../src/cli/junit.js";
import type { Outcome } from "../src/cli/outcome.js";
import { type NumericalRunner, runCheck, runInThread } from "../src/core/check.js";
import { loadFixture } from "../src/fixture/load.js";
import { convcheck, goldenDir, tempDir } from "./cli-support.js";

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "",
  isArray: (name) => ["testsuite", "testcase", "property"].includes(name),
});

interface Case {
  name: string;
  classname: string;
  failure?: { message: string; type: string; "#text"?: string };
  error?: { message: string };
}

function suitesOf(xml: string): Array<{ name: string; testcase: Case[] }> {
  expect(XMLValidator.validate(xml)).toBe(true);
  return parser.parse(xml).testsuites.testsuite;
}

/** The numerical gradient, with one cell pushed off by one: a known-wrong pair. */
const offByOne: NumericalRunner = async (problem, tensor, cells, step) => {
  const values = await runInThread(problem, tensor, cells, step);
  if (tensor === "filter") values[4] += 1;
  return values;
};

describe("--junit on the twenty golden fixtures", () => {
  const [dir, cleanup] = tempDir();
  afterAll(cleanup);
  const files = readdirSync(goldenDir).filter((f) => f.endsWith(".json"));

  it("parses as XML with one test case per fixture and checked tensor, all passing", () => {
    const out = join(dir, "report.xml");
    const run = convcheck(["grad", goldenDir, "--junit", out]);
    expect(run.code).toBe(0);
    const suites = suitesOf(readFileSync(out, "utf8"));
    expect(suites).toHaveLength(20);
    let tensorCases = 0;
    let expectedTensors = 0;
    for (const file of files) {
      const fixture = loadFixture(join(goldenDir, file));
      const suite = suites.find((s) => s.name === join(goldenDir, file));
      expect(suite, file).toBeDefined();
      const tensors = suite!.testcase.filter((c) => c.name.startsWith("dE/d")).map((c) => c.name);
      const want = ["dE/dFilter", "dE/dInput", ...(fixture.bias ? ["dE/dBias"] : [])];
      expect(tensors.map((t) => t.split(" ")[0])).toEqual(want);
      tensorCases += tensors.length;
      expectedTensors += want.length;
      for (const c of suite!.testcase) {
        expect(c.failure, `${file} ${c.name}`).toBeUndefined();
        expect(c.classname).toBe(join(goldenDir, file));
      }
    }
    expect(tensorCases).toBe(expectedTensors);
  });

  it("marks a stale expected value as a failure naming the worst cells", () => {
    const doc = JSON.parse(readFileSync(join(goldenDir, "s2-p0-7x7-k3.json"), "utf8"));
    doc.expected.output[1][2] += 0.5;
    writeFileSync(join(dir, "stale.json"), JSON.stringify(doc));
    const out = join(dir, "stale.xml");
    expect(convcheck(["grad", join(dir, "stale.json"), "--junit", out]).code).toBe(1);
    const [suite] = suitesOf(readFileSync(out, "utf8"));
    const failed = suite.testcase.filter((c) => c.failure);
    expect(failed.map((c) => c.name)).toEqual(["expected output"]);
    expect(failed[0].failure!.type).toBe("expected-mismatch");
    expect(failed[0].failure!["#text"]).toMatch(/^output\[1\]\[2\] {2}computed \S+ {2}stored /);
  });

  it("reports an unreadable fixture as one erroring test case", () => {
    writeFileSync(join(dir, "broken.json"), '{"input": [[1, 2]], "filter": ');
    const out = join(dir, "broken.xml");
    expect(convcheck(["grad", join(dir, "broken.json"), "--junit", out]).code).toBe(2);
    const [suite] = suitesOf(readFileSync(out, "utf8"));
    expect(suite.testcase).toHaveLength(1);
    expect(suite.testcase[0].error!.message).toMatch(/not valid JSON/);
  });

  it("exits 2 without running anything when the report's folder does not exist", () => {
    const run = convcheck(["grad", goldenDir, "--junit", join(dir, "no", "such", "r.xml")]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(/^convcheck: --junit .*: no such folder/);
  });
});

describe("junitXml with a known-wrong gradient", () => {
  it("s2-p0-7x7-k3 with filter cell 4 off by one: the failure lists that cell first", async () => {
    const file = join(goldenDir, "s2-p0-7x7-k3.json");
    const fixture = loadFixture(file);
    const result = await runCheck(fixture, { numerical: offByOne });
    const outcome: Outcome = { file, fixture, result, status: "fail" };
    const [suite] = suitesOf(junitXml([outcome]));
    const filterCase = suite.testcase.find((c) => c.name === "dE/dFilter [3, 3]")!;
    expect(filterCase.failure!.type).toBe("gradient-mismatch");
    expect(filterCase.failure!.message).toMatch(/^1 of 9 cells fail/);
    const numerical = result.gradients[0].numerical[4];
    expect(filterCase.failure!["#text"]).toContain(`filter[1][1]  analytic`);
    expect(filterCase.failure!["#text"]).toContain(`numerical ${numerical.toPrecision(6)}`);
    // The stored filterGrad agrees with the analytic side only.
    const stale = suite.testcase.filter((c) => c.failure).map((c) => c.name);
    expect(stale).toEqual(["dE/dFilter [3, 3]", "expected filterGrad (numerical)"]);
  });
});

describe("--junit and --github with --impl", () => {
  const [dir, cleanup] = tempDir();
  afterAll(cleanup);
  const args = ["grad", "fixtures/learner-5x5-k3-s2-p1.json", "--impl", "examples/my-conv.js"];

  it("the classic strided-forward mistake: the forward is a failing case, with the diagnosis", () => {
    const file = join(dir, "impl.xml");
    expect(convcheck([...args, "--junit", file]).code).toBe(1);
    const [suite] = suitesOf(readFileSync(file, "utf8"));
    const forward = suite.testcase.find((c) => c.name === "your forward [3, 3]")!;
    expect(forward.failure!.type).toBe("forward-mismatch");
    expect(forward.failure!.message).toMatch(/^8 of 9 output cells differ/);
    expect(forward.failure!["#text"]).toContain("stride-dilation-swapped:");
    const filter = suite.testcase.find((c) => c.name === "dE/dFilter [3, 3]")!;
    expect(filter.failure!["#text"]).toContain("matches-reference:");
  });

  it("the same mistake as GitHub annotations: the forward first, each naming its diagnosis", () => {
    const run = convcheck([...args, "--github"]);
    const errors = `${run.stdout}${run.stderr}`.split("\n").filter((l) => l.startsWith("::error"));
    expect(errors[0]).toMatch(/your forward differs from the correlation.*stride-dilation-swapped/);
    expect(errors.some((l) => /dE\/dFilter fails.*matches-reference/.test(l))).toBe(true);
  });

  it("a correct implementation: the forward's case passes", () => {
    const file = join(dir, "correct.xml");
    const run = convcheck([...args.slice(0, 3), "test/impls/correct.js", "--junit", file]);
    expect(run.code).toBe(0);
    const [suite] = suitesOf(readFileSync(file, "utf8"));
    const forward = suite.testcase.find((c) => c.name === "your forward [3, 3]")!;
    expect(forward.failure).toBeUndefined();
  });
});
