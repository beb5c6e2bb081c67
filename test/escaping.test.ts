import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { afterAll, describe, expect, it } from "vitest";
import { escapeCommandData, escapeCommandProperty, escapeXml } from "../src/cli/escape.js";
import { annotationPath } from "../src/cli/github.js";
import { convcheck, goldenDir, tempDir } from "./cli-support.js";
import { runCli } from "./helpers/cli.js";

/** Characters XML 1.0 cannot carry at all, even as references. */
const ILLEGAL_XML =
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

const HOSTILE =
  'evil"/><testcase name="forged"/>&amp; <![CDATA[x]]> \n::error file=a.json::forged\r\n%0A::warning::x, a:b \u0000\u0001\u001b[31m\ud800 \u{1f600}';

describe("escapeXml", () => {
  it("escapes markup, keeps line breaks as references and spells out illegal characters", () => {
    expect(escapeXml(`<a b="c">'&'</a>`)).toBe(
      "&lt;a b=&quot;c&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;",
    );
    expect(escapeXml("a\tb\nc\rd")).toBe("a&#9;b&#10;c&#13;d");
    expect(escapeXml("\u0000\u001b\ufffe")).toBe("\\u0000\\u001b\\ufffe");
    expect(escapeXml("lone \ud800 pair \u{1f600}")).toBe("lone \\ud800 pair \u{1f600}");
    expect(escapeXml(HOSTILE)).not.toMatch(ILLEGAL_XML);
    expect(escapeXml(HOSTILE)).not.toMatch(/[<>"]/);
  });
});

describe("workflow command escaping", () => {
  it("data: %, CR and LF become %25, %0D, %0A so no line can start a command", () => {
    expect(escapeCommandData("100%\r\n::error::x")).toBe("100%25%0D%0A::error::x");
  });
  it("properties: additionally : and , which would end the property", () => {
    expect(escapeCommandProperty("a,b:c%\n")).toBe("a%2Cb%3Ac%25%0A");
  });
});

/** Undo the runner's decoding of a property value. */
function decodeProperty(text: string): string {
  return text
    .replace(/%0D/g, "\r")
    .replace(/%0A/g, "\n")
    .replace(/%3A/g, ":")
    .replace(/%2C/g, ",")
    .replace(/%25/g, "%");
}

describe("annotationPath", () => {
  it("makes an absolute path inside the workspace relative, and leaves others alone", () => {
    expect(annotationPath("/ws/repo/fixtures/a.json", "/ws/repo")).toBe("fixtures/a.json");
    expect(annotationPath("/elsewhere/a.json", "/ws/repo")).toBe("/elsewhere/a.json");
    expect(annotationPath("fixtures/a.json", "/ws/repo")).toBe("fixtures/a.json");
  });
});

describe("hostile fixture names, descriptions and file names", () => {
  const [dir, cleanup] = tempDir();
  afterAll(cleanup);
  const doc = JSON.parse(readFileSync(join(goldenDir, "s1-p0-5x5-k3.json"), "utf8"));
  doc.name = HOSTILE;
  doc.description = `</failure></testcase></testsuite>${HOSTILE}`;
  doc.expected.loss += 1; // a failure, so messages quoting the fixture are written
  const failing = join(dir, 'fail,ing:%0A "<&>\n::error file=x.json::forged.json');
  writeFileSync(failing, JSON.stringify(doc));
  // The error message quotes the bad value, markup and all.
  const invalid = join(dir, "invalid\r\n::warning::x.json");
  writeFileSync(invalid, JSON.stringify({ ...doc, stride: `</error>${HOSTILE}` }));

  it("--junit: the XML is well formed and every field reads back as written", () => {
    const out = join(dir, "report.xml");
    const run = convcheck(["grad", dir, "--exclude", "*.xml", "--junit", out]);
    expect(run.code).toBe(2);
    const xml = readFileSync(out, "utf8");
    expect(xml).not.toMatch(ILLEGAL_XML);
    expect(XMLValidator.validate(xml)).toBe(true);
    const parsed = new XMLParser({
      ignoreAttributes: false,
      attributeNamePrefix: "",
      htmlEntities: true,
      isArray: (name) => ["testsuite", "testcase", "property"].includes(name),
    }).parse(xml).testsuites;
    expect(parsed.testsuite.map((s: { name: string }) => s.name).sort()).toEqual(
      [failing, invalid].sort(),
    );
    const props = parsed.testsuite.flatMap(
      (s: { properties?: { property: Array<{ name: string; value: string }> } }) =>
        s.properties?.property ?? [],
    );
    const spelt = HOSTILE.replace("\u0000", "\\u0000")
      .replace("\u0001", "\\u0001")
      .replace("\u001b", "\\u001b")
      .replace("\ud800", "\\ud800");
    expect(props.find((p: { name: string }) => p.name === "name")?.value).toBe(spelt);
    const all = parsed.testsuite.flatMap((s: { testcase: unknown[] }) => s.testcase);
    expect(all.some((c: { name: string }) => c.name === "forged")).toBe(false);
    expect(Number(parsed.tests)).toBe(all.length);
    const error = all.find((c: { error?: unknown }) => c.error) as { error: { message: string } };
    expect(error.error.message).toMatch(/^stride: found "<\/error>evil/);
  });

  it("--github: only convcheck's own annotations resume after the fence", () => {
    const run = convcheck(["grad", dir, "--exclude", "*.xml", "--github"]);
    expect(run.code).toBe(2);
    const lines = run.stdout.split("\n");
    const fence = /^::stop-commands::([0-9a-f-]{36})$/.exec(lines[0]);
    expect(fence, "the first line stops command processing").not.toBeNull();
    const resume = lines.indexOf(`::${fence![1]}::`);
    expect(resume).toBeGreaterThan(0);
    // Before the resume line a forged command is inert; after it, each line
    // must be exactly one well-formed annotation.
    const annotations = lines.slice(resume + 1).filter((l) => l !== "");
    const shape =
      /^::(error|warning) file=([^,:\r\n]*)(?:,line=\d+)?,title=([^,:\r\n]*)::([^\r\n]*)$/;
    const files = new Set<string>();
    for (const line of annotations) {
      const match = shape.exec(line);
      expect(match, line).not.toBeNull();
      files.add(decodeProperty(match![2]));
    }
    expect([...files].sort()).toEqual([failing, invalid].sort());
    expect(annotations.some((l) => l.includes("expected loss is stale"))).toBe(true);
    expect(annotations.some((l) => l.startsWith("::error") && l.includes("invalid fixture"))).toBe(
      true,
    );
  });
});

describe("file names and fixture names on a terminal line", () => {
  it("a line break in a file name and escapes in a name are shown, not obeyed", async () => {
    const dir = mkdtempSync(join(tmpdir(), "convcheck-names-"));
    try {
      writeFileSync(join(dir, "f-new\nline.json"), '{"input": [[1');
      writeFileSync(
        join(dir, "named.json"),
        JSON.stringify({
          name: "a\nb\u001b[31mRED",
          input: [
            [1, 2],
            [3, 4],
          ],
          filter: [[1]],
          target: [
            [0, 0],
            [0, 0],
          ],
        }),
      );
      const run = await runCli(["grad", dir]);
      expect(run.code).toBe(2);
      expect(run.stderr.trim().split("\n")).toEqual([
        `convcheck: error: ${join(dir, "f-new\\nline.json")}: not valid JSON (Expected ',' or ']' after array element at line 1, column 14)`,
      ]);
      expect(run.stdout).not.toContain("\u001b");
      const named = await runCli(["grad", join(dir, "named.json")]);
      expect(named.stdout.split("\n")[0]).toContain("(a\\nb\\u001b[31mRED)");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
