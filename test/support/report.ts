import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkFile } from "../../src/cli/grad.js";
import { type Outcome, summarise } from "../../src/cli/outcome.js";
import { renderReport } from "../../src/html/page.js";
import type { ReportData } from "../../src/html/types.js";

export const golden = (name: string) =>
  join(import.meta.dirname, "..", "..", "fixtures", "golden", name);

export const MULTI_CHANNEL = golden("chw-3x8x8-o4-k3-s1-p1-bias.json");
export const PLAIN_2D = golden("s1-p0-5x5-k3.json");

/** Strings a hostile fixture might carry into a published report. */
export const HOSTILE = {
  name: "<script>alert(1)</script>",
  description: "</script><script>window.pwned = 1</script><!-- & \"quoted\" 'too'",
  file: "<img src=x onerror=alert(2)>.json",
  key: "</script><b>bold</b>",
};

/** A folder with a checkable fixture and a broken one, both with hostile text. */
export function hostileFixtures(): string[] {
  const dir = mkdtempSync(join(tmpdir(), "convcheck-hostile-"));
  const good = join(dir, HOSTILE.file);
  writeFileSync(
    good,
    JSON.stringify({
      name: HOSTILE.name,
      description: HOSTILE.description,
      input: [
        [1, 2, 0],
        [3, -1, 2],
        [0, 1, 4],
      ],
      filter: [
        [1, -1],
        [2, 0.5],
      ],
      target: [
        [0, 1],
        [1, 0],
      ],
    }),
  );
  const bad = join(dir, "broken.json");
  writeFileSync(
    bad,
    JSON.stringify({ input: [[1]], filter: [[1]], target: [[1]], [HOSTILE.key]: 1 }),
  );
  return [good, bad];
}

export async function outcomesOf(files: string[]): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  for (const file of files) outcomes.push(await checkFile(file, {}));
  return outcomes;
}

export async function reportOf(files: string[]): Promise<string> {
  const outcomes = await outcomesOf(files);
  return renderReport(outcomes, summarise(outcomes), { version: "test" });
}

/** The JSON the page embeds for its script. */
export function embeddedData(html: string): ReportData {
  const match = /<script type="application\/json" id="convcheck-data">([\s\S]*?)<\/script>/.exec(
    html,
  );
  if (!match) throw new Error("no embedded data");
  return JSON.parse(match[1]) as ReportData;
}
