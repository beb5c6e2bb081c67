import { execFile } from "node:child_process";
import { cpSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { goldenDir, root, tempDir } from "./cli-support.js";

const exec = promisify(execFile);
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));

/**
 * Pack as a release would, in a copy of the sources so that the `prepare`
 * build writes its own dist/ rather than the one the other tests run, then
 * install the tarball into an empty project and run it there.
 */
describe("the npm package", () => {
  const [dir, cleanup] = tempDir("convcheck-pack-");
  afterAll(cleanup);
  const stage = join(dir, "stage");
  const project = join(dir, "project");

  it("packs with a built dist/, installs into an empty project and runs grad there", async () => {
    for (const entry of [
      "package.json",
      "tsconfig.json",
      "src",
      "bin",
      "schema",
      "README.md",
      "LICENSE",
    ]) {
      cpSync(join(root, entry), join(stage, entry), { recursive: true });
    }
    symlinkSync(join(root, "node_modules"), join(stage, "node_modules"), "dir");
    const packed = await exec("npm", ["pack", "--json", "--pack-destination", dir], { cwd: stage });
    const [info] = JSON.parse(packed.stdout);
    const files: string[] = info.files.map((f: { path: string }) => f.path).sort();
    for (const required of [
      "LICENSE",
      "README.md",
      "package.json",
      "bin/convcheck.js",
      "dist/cli/main.js",
      "dist/bundle/main.js",
      "dist/core/check.js",
      "schema/fixture.schema.json",
    ]) {
      expect(files).toContain(required);
    }
    expect(
      files.filter((f) => !/^(bin|dist|schema)\/|^(LICENSE|README\.md|package\.json)$/.test(f)),
    ).toEqual([]);
    expect(pkg.license).toBe("MIT");
    expect(pkg.engines.node).toBe(">=20");

    cpSync(join(goldenDir, "groups2-bias-4x5x5-o2-k2-s2.json"), join(project, "fixture.json"));
    writeFileSync(join(project, "package.json"), '{ "name": "empty-project", "private": true }\n');
    await exec(
      "npm",
      ["install", join(dir, info.filename), "--prefer-offline", "--no-audit", "--no-fund"],
      { cwd: project },
    );
    const grad = await exec(
      "npx",
      ["--no-install", "convcheck", "grad", "fixture.json", "--junit", "r.xml", "--html", "r.html"],
      { cwd: project, env: { ...process.env, NO_COLOR: "1" } },
    );
    expect(grad.stdout).toMatch(/^PASS {2}fixture\.json/);
    expect(readFileSync(join(project, "r.xml"), "utf8")).toMatch(/<testsuites name="convcheck"/);
    expect(readFileSync(join(project, "r.html"), "utf8")).toMatch(/^<!doctype html>/i);
    const installed = join(project, "node_modules", "convcheck");
    const schema = await exec(process.execPath, [join(installed, "bin", "convcheck.js"), "schema"]);
    expect(schema.stdout).toBe(
      readFileSync(join(installed, "schema", "fixture.schema.json"), "utf8"),
    );
  }, 240_000);
});
