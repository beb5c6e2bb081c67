import {
  chmodSync,
  lstatSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { writeFileAtomic, writeProblem } from "../src/cli/atomic.js";
import { tempDir } from "./cli-support.js";

describe("writeFileAtomic", () => {
  const [dir, cleanup] = tempDir();
  afterAll(cleanup);

  it("replaces the contents, keeps the permission bits and leaves no temporary file", () => {
    const file = join(dir, "a.json");
    writeFileSync(file, "old\n");
    chmodSync(file, 0o640);
    writeFileAtomic(file, "new\n");
    expect(readFileSync(file, "utf8")).toBe("new\n");
    expect(statSync(file).mode & 0o777).toBe(0o640);
    expect(readdirSync(dir)).toEqual(["a.json"]);
  });

  it("through a symbolic link, writes the target and keeps the link", () => {
    const target = join(dir, "target.json");
    const link = join(dir, "link.json");
    writeFileSync(target, "old\n");
    symlinkSync(target, link);
    writeFileAtomic(link, "new\n");
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(target, "utf8")).toBe("new\n");
  });

  it("throws for a missing folder, naming the reason in a few words", () => {
    let caught: unknown;
    try {
      writeFileAtomic(join(dir, "no", "such", "x.json"), "x");
    } catch (error) {
      caught = error;
    }
    expect(writeProblem(caught)).toBe("no such folder");
  });
});
