import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { knownKeys } from "../src/fixture/schema.js";
import { convcheck, goldenDir, root, tempDir } from "./cli-support.js";

const shipped = join(root, "schema", "fixture.schema.json");

describe("convcheck schema", () => {
  const run = convcheck(["schema"]);

  it("prints a JSON Schema (draft 2020-12) of the fixture format and exits 0", () => {
    expect(run.code).toBe(0);
    expect(run.stderr).toBe("");
    const schema = JSON.parse(run.stdout);
    expect(schema.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
    expect(schema.type).toBe("object");
    expect(schema.additionalProperties).toBe(false);
    expect(Object.keys(schema.properties).sort()).toEqual([...knownKeys].sort());
    expect(schema.required.sort()).toEqual(["filter", "input", "target"]);
    expect(schema.properties.padding.anyOf.length).toBeGreaterThanOrEqual(4);
  });

  it("equals the shipped schema/fixture.schema.json (npm run schema regenerates it)", () => {
    expect(run.stdout).toBe(readFileSync(shipped, "utf8"));
  });

  const [dir, cleanup] = tempDir();
  afterAll(cleanup);
  it("a fixture naming the schema in $schema still loads and passes", () => {
    const doc = JSON.parse(readFileSync(join(goldenDir, "k1-5x5-s2.json"), "utf8"));
    const file = join(dir, "with-schema.json");
    writeFileSync(file, JSON.stringify({ $schema: shipped, ...doc }, null, 2));
    expect(convcheck(["grad", file]).code).toBe(0);
  });
});
