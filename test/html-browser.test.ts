import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dependencyTables, expandDependencies } from "../src/core/dependencies.js";
import { loadFixture } from "../src/fixture/load.js";
import { renderDescendReport } from "../src/html/descend-page.js";
import { expectAllClose } from "./helpers/allclose.js";
import { classicImplPage } from "./helpers/cli.js";
import {
  type Browser,
  HAVE_CHROMIUM,
  launchBrowser,
  missingBrowserNotice,
  REQUIRE_BROWSER,
} from "./support/browser.js";
import {
  embeddedData,
  HOSTILE,
  hostileFixtures,
  MULTI_CHANNEL,
  PLAIN_2D,
  reportOf,
} from "./support/report.js";

const root = resolve(import.meta.dirname, "..");
const artifacts = join(root, "test-artifacts");

if (!HAVE_CHROMIUM) {
  console.warn(`\n${missingBrowserNotice()}\n`);
  if (REQUIRE_BROWSER) {
    it("chromium is installed (CONVCHECK_REQUIRE_BROWSER=1)", () => {
      throw new Error(missingBrowserNotice());
    });
  }
}

interface Opened {
  page: Page;
  requests: string[];
  problems: string[];
}

/** Open a report with every request recorded and anything but the file itself refused. */
async function open(browser: Browser, file: string, scripted = true): Promise<Opened> {
  const url = pathToFileURL(file).href;
  const page = await browser.context.newPage();
  const requests: string[] = [];
  const problems: string[] = [];
  await page.route("**/*", (route) =>
    route.request().url() === url ? route.continue() : route.abort(),
  );
  page.on("request", (request) => requests.push(request.url()));
  page.on("console", (message) => {
    if (message.type() === "error" || message.type() === "warning") problems.push(message.text());
  });
  page.on("pageerror", (error) => problems.push(error.message));
  page.on("dialog", (dialog) => {
    problems.push(`dialog: ${dialog.message()}`);
    void dialog.dismiss();
  });
  await page.goto(url);
  if (scripted) await page.waitForSelector("html[data-ready]", { timeout: 10_000 });
  return { page, requests, problems };
}

/** Click one cell of a heatmap by its row and column within the slice. */
async function clickCell(page: Page, selector: string, y: number, x: number): Promise<void> {
  const map = page.locator(selector).first();
  const px =
    Number(await map.evaluate((f) => f.querySelector("canvas")!.style.width.replace("px", ""))) /
    Number(await map.evaluate((f) => f.querySelector("svg")!.viewBox.baseVal.width));
  await map.locator(".map-box").click({ position: { x: (x + 0.5) * px, y: (y + 0.5) * px } });
}

/** The flat cells a tensor's maps outline as dependencies (analytic maps; the others repeat them). */
async function dependencyCells(page: Page, fixture: number, tensor: string): Promise<number[]> {
  return page
    .locator(
      `#fixture-${fixture} figure.map[data-tensor="${tensor}"][data-kind="analytic"] path.dep`,
    )
    .evaluateAll((paths) =>
      paths.flatMap((p) =>
        (p.getAttribute("data-cells") || "").split(" ").filter(Boolean).map(Number),
      ),
    );
}

const sorted = (values: number[]) => [...new Set(values)].sort((a, b) => a - b);

describe.skipIf(!HAVE_CHROMIUM)("HTML report in headless Chromium", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("x=[3,8,8] f=[4,3,3,3] bias and x=[5,5] f=[3,3]: maps, legends, worst cells, dependencies", async () => {
    mkdirSync(artifacts, { recursive: true });
    const file = join(artifacts, "report.html");
    const run = spawnSync(
      process.execPath,
      [join(root, "bin", "convcheck.js"), "grad", MULTI_CHANNEL, PLAIN_2D, "--html", file],
      { encoding: "utf8" },
    );
    expect(run.status, run.stderr).toBe(0);
    const { readFileSync } = await import("node:fs");
    const data = embeddedData(readFileSync(file, "utf8"));
    const { page, requests, problems } = await open(browser, file);

    expect(requests).toEqual([pathToFileURL(file).href]);
    expect(problems).toEqual([]);
    for (const fixture of data.fixtures) {
      for (const tensor of fixture.tensors) {
        const scope = `#fixture-${fixture.index} .tensor[data-tensor="${tensor.name}"]`;
        for (const kind of ["analytic", "numerical", "relError"]) {
          const maps = page.locator(`${scope} figure.map[data-kind="${kind}"]`);
          expect(await maps.count(), `${scope} ${kind}`).toBe(tensor.slices.length);
          const worst = page.locator(`${scope} figure.map[data-kind="${kind}"] .worst`);
          expect(await worst.count()).toBe(1);
          expect(Number(await worst.getAttribute("data-cell"))).toBe(tensor.worst);
        }
        await expect
          .poll(() => page.locator(`${scope} [data-legend="value"]`).isVisible())
          .toBe(true);
        await expect
          .poll(() => page.locator(`${scope} [data-legend="error"]`).isVisible())
          .toBe(true);
      }
    }

    // dE/dFilter[0][1][2][1] of the multi-channel fixture: its input values and output cells.
    const geo = loadFixture(MULTI_CHANNEL).geo;
    const filterCell = ((0 * 3 + 1) * 3 + 2) * 3 + 1;
    const want = expandDependencies(dependencyTables(geo), "filter", filterCell);
    await clickCell(
      page,
      `#fixture-0 figure.map[data-tensor="filter"][data-kind="analytic"][data-slice="9"]`,
      2,
      1,
    );
    expect(await page.locator("#fixture-0").getAttribute("data-pinned")).toBe(
      `filter:${filterCell}`,
    );
    expect(sorted(await dependencyCells(page, 0, "input"))).toEqual(sorted(want.partners));
    const outputs = sorted(want.outputs.map((o) => o % (geo.outHeight * geo.outWidth)));
    const geometryCounts = await page
      .locator("#fixture-0 figure.geometry path.dep")
      .evaluateAll((paths) => paths.map((p) => Number(p.getAttribute("data-count"))));
    expect(geometryCounts).toEqual([want.partners.length, outputs.length]);
    const info = page.locator("#fixture-0 .cell-info");
    expect(await info.locator("h4").textContent()).toContain("dE/dFilter[0][1][2][1]");
    // The chain-rule sum the page writes out from the embedded values is the analytic value.
    const total = Number((await info.locator(".total").textContent())!.replace("Σ = ", ""));
    const analytic = data.fixtures[0].tensors[0].analytic[filterCell]!;
    expectAllClose([total], [analytic], { rtol: 1e-10, atol: 0 }, "sum of the terms");
    await page.screenshot({ path: join(artifacts, "report.png"), fullPage: true });

    // dE/dInput[2][2] of the 2-D fixture: the centre reaches every tap of the 3x3 filter.
    const plain = loadFixture(PLAIN_2D).geo;
    const inputCell = 2 * 5 + 2;
    const wantInput = expandDependencies(dependencyTables(plain), "input", inputCell);
    await clickCell(page, `#fixture-1 figure.map[data-tensor="input"][data-kind="relError"]`, 2, 2);
    expect(sorted(await dependencyCells(page, 1, "filter"))).toEqual(sorted(wantInput.partners));
    expect(wantInput.partners.length).toBe(9);

    // dE/dBias[2]: every output cell of channel 2.
    await clickCell(page, `#fixture-0 figure.map[data-tensor="bias"][data-kind="numerical"]`, 0, 2);
    const biasCounts = await page
      .locator("#fixture-0 figure.geometry path.dep")
      .evaluateAll((paths) => paths.map((p) => Number(p.getAttribute("data-count"))));
    expect(biasCounts).toEqual([0, geo.outHeight * geo.outWidth]);
    expect(problems).toEqual([]);
  });

  it("a hostile fixture name, description, file name and error message stay text", async () => {
    const dir = mkdtempSync(join(tmpdir(), "convcheck-report-"));
    const file = join(dir, "hostile.html");
    writeFileSync(file, await reportOf(hostileFixtures()));
    const { page, problems } = await open(browser, file);
    expect(problems).toEqual([]);
    expect(await page.evaluate(() => (window as { pwned?: number }).pwned)).toBeUndefined();
    expect(await page.locator("script").count()).toBe(2);
    expect(await page.locator("b, img").count()).toBe(0);
    expect(await page.locator("#fixture-0 h2 .name").textContent()).toBe(HOSTILE.name);
    expect(await page.locator("#fixture-0 .description").textContent()).toBe(HOSTILE.description);
    expect(await page.locator("#fixture-1 .message").textContent()).toContain(HOSTILE.key);
    // The page still works: the hostile fixture's maps are drawn.
    expect(await page.locator("#fixture-0 figure.map").count()).toBeGreaterThan(0);
  });

  it("--impl with the classic strided-forward mistake: the forward's maps and values on selection", async () => {
    const dir = mkdtempSync(join(tmpdir(), "convcheck-report-"));
    const file = join(dir, "impl.html");
    const run = classicImplPage(file);
    expect(run.status, run.stderr).toBe(1);
    const { page, problems, requests } = await open(browser, file);
    expect(requests).toEqual([pathToFileURL(file).href]);
    expect(await page.locator('figure.map[data-tensor="output"]').count()).toBe(3);
    expect(await page.locator("aside .diagnosis-box li").count()).toBeGreaterThan(2);
    await clickCell(page, 'figure.map[data-tensor="output"][data-kind="analytic"]', 2, 0);
    const rows = await page.locator("#fixture-0 .cell-info th").allTextContents();
    expect(rows.slice(0, 2)).toEqual(["yours", "convcheck"]);
    await clickCell(page, 'figure.map[data-tensor="filter"][data-kind="analytic"]', 0, 0);
    expect(await page.locator("#fixture-0 .cell-info .total").textContent()).toContain(
      "convcheck's forward",
    );
    expect(problems).toEqual([]);
  });

  it("a kink fixture with an eps sweep, and a descend page: no errors, no requests", async () => {
    const dir = mkdtempSync(join(tmpdir(), "convcheck-report-"));
    const kinkFixture = join(root, "fixtures", "field", "c9-relu-kink.json");
    const file = join(dir, "kink.html");
    const run = spawnSync(
      process.execPath,
      [join(root, "bin", "convcheck.js"), "grad", kinkFixture, "--eps-sweep", "--html", file],
      { encoding: "utf8" },
    );
    expect(run.status, run.stderr).toBe(0);
    const kink = await open(browser, file);
    expect(kink.problems).toEqual([]);
    expect(kink.requests).toEqual([pathToFileURL(file).href]);
    expect(await kink.page.locator("figure.map .kink").count()).toBeGreaterThan(0);
    expect(await kink.page.locator('svg[data-chart="sweep"] path.curve').count()).toBe(2);

    const descend = join(dir, "descend.html");
    const losses = Array.from({ length: 20 }, (_, i) => 500 * 0.6 ** i);
    writeFileSync(
      descend,
      renderDescendReport(
        [
          {
            file: "a.json",
            name: HOSTILE.name,
            run: { losses, lr: 0.01, lrMax: 0.02, verdict: "converges" },
          },
          { file: "b.json", name: null, error: HOSTILE.description },
        ],
        "test",
      ),
    );
    const page = await open(browser, descend, false);
    expect(page.problems).toEqual([]);
    expect(page.requests).toEqual([pathToFileURL(descend).href]);
    expect(await page.page.locator('svg[data-chart="loss"][data-scale="log"]').count()).toBe(1);
    expect(await page.page.locator('svg[data-chart="rate"] line.lr').count()).toBe(1);
    expect(await page.page.locator("script").count()).toBe(0);
    await page.page.screenshot({ path: join(artifacts, "descend.png"), fullPage: true });
  });
});
