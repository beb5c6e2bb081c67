import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium } from "playwright-core";

/**
 * Debian's chromium driven by playwright-core; never a downloaded browser.
 * CONVCHECK_CHROMIUM names another binary; CONVCHECK_REQUIRE_BROWSER=1 (set
 * by CI) turns a missing browser into a failure instead of a skip.
 */
export const CHROMIUM = process.env.CONVCHECK_CHROMIUM || "/usr/bin/chromium";
export const HAVE_CHROMIUM = existsSync(CHROMIUM);
export const REQUIRE_BROWSER = process.env.CONVCHECK_REQUIRE_BROWSER === "1";

export function missingBrowserNotice(): string {
  const bar = "!".repeat(72);
  return [
    bar,
    `!! Browser tests of the HTML report SKIPPED: no chromium at ${CHROMIUM}.`,
    "!! Install it with:  sudo apt-get update && sudo apt-get install -y chromium",
    "!! (or point CONVCHECK_CHROMIUM at a Chromium binary), then run npm test again.",
    bar,
  ].join("\n");
}

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<Browser> {
  // A fresh profile each time, so no state or cache carries between runs.
  const profile = mkdtempSync(join(tmpdir(), "convcheck-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1400, height: 1000 },
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
