import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { axisFor, ticksOf } from "../src/html/charts.js";
import { lossChart, rateChart, renderDescendReport } from "../src/html/descend-page.js";
import { diagnosesSection, sweepSection } from "../src/html/extras.js";

/** The x coordinate of the line drawn for a value (`data-value` marks it). */
function lineX(svg: string, className: string): number {
  const match = new RegExp(`<line x1="([\\d.]+)"[^>]*class="${className}"`).exec(svg);
  if (!match) throw new Error(`no ${className} line`);
  return Number(match[1]);
}

describe("charts of the HTML report", () => {
  it("a loss falling from 1e3 to 1e-2 is drawn on a log scale, one from 5 to 2 on a linear one", () => {
    const falling = [1000, 120, 9, 0.8, 0.05, 0.01];
    expect(axisFor(falling)).toEqual({ min: 0.01, max: 1000, log: true });
    expect(lossChart(falling)).toContain('data-scale="log"');
    expect(lossChart(falling)).toContain("loss per step (log scale)");
    expect(lossChart([5, 4, 3, 2])).toContain('data-scale="linear"');
    expect(ticksOf(axisFor(falling))).toEqual([0.01, 0.1, 1, 10, 100, 1000]);
  });

  it("the first rise of the loss is called out on the curve", () => {
    const chart = lossChart([4, 2, 1, 1.5, 3], 3);
    expect(chart).toContain('class="mark"');
    expect(chart).toContain("rises at step 3");
    expect(lossChart([4, 2, 1], -1)).not.toContain('class="mark"');
  });

  it("a loss that overflows stops the curve and says where", () => {
    const html = renderDescendReport(
      [
        {
          file: "f.json",
          name: "blow-up",
          run: {
            losses: [1, 10, 1e150, Number.POSITIVE_INFINITY],
            lr: 3,
            lrMax: 1,
            verdict: "diverges-lr",
          },
        },
      ],
      "test",
    );
    expect(html).toContain("The loss overflowed at step 3");
    expect(html).toContain('data-verdict="diverges-lr"');
    expect(html).not.toContain("NaN");
    expect(html).not.toContain("Infinity");
  });

  it("lr 0.5 x the limit sits left of the limit line, lr 2 x the limit right of it", () => {
    const below = rateChart(0.05, 0.1);
    expect(lineX(below, "lr")).toBeLessThan(lineX(below, "limit"));
    expect(below).toContain("(0.5 × limit)");
    const above = rateChart(0.2, 0.1);
    expect(lineX(above, "lr")).toBeGreaterThan(lineX(above, "limit"));
    expect(rateChart(0.1, Number.POSITIVE_INFINITY)).toContain("no finite limit");
  });

  it("the sweep draws one curve per tensor with the rtol line, and each reading", () => {
    const html = sweepSection(
      {
        eps: [1e-1, 1e-2, 1e-3, 1e-4],
        series: [
          {
            tensor: "filter",
            errors: [1e-15, 1e-14, 1e-13, 1e-12],
            message: "rounding",
            kind: "rounding",
          },
          { tensor: "input", errors: [0.3, 0.3, 0.3, 0.3], message: "flat: wrong", kind: "flat" },
        ],
      },
      1e-6,
    );
    expect(html.match(/class="curve"/g)).toHaveLength(2);
    expect(html).toContain("rtol 1e-6");
    expect(html).toContain('<li class="bad"><strong>dE/dInput</strong>: flat: wrong</li>');
  });

  it("diagnoses are escaped, code and message alike", () => {
    const html = diagnosesSection(
      [{ code: "scale", tensor: "filter", message: "every cell is 0.5 × <b>numerical</b>" }],
      [{ code: "flipped", tensor: "filter", message: "a 1x1 filter cannot show a flip" }],
    );
    expect(html).toContain("every cell is 0.5 × &lt;b&gt;numerical&lt;/b&gt;");
    expect(html).toContain('data-code="scale"');
    expect(html).toContain("What this fixture cannot tell");
  });
});

describe("descend --html", () => {
  const root = join(import.meta.dirname, "..");
  const fixture = join(root, "fixtures", "learner-5x5-k3-s2-p1.json");
  const descend = (...args: string[]) => {
    const file = join(mkdtempSync(join(tmpdir(), "convcheck-descend-")), "descend.html");
    const run = spawnSync(
      process.execPath,
      [join(root, "bin", "convcheck.js"), "descend", ...args, "--html", file],
      { encoding: "utf8" },
    );
    return { status: run.status, html: readFileSync(file, "utf8") };
  };

  it("learner-5x5 at half the stable rate: converges, exit 0, the page says so", () => {
    const { status, html } = descend(fixture, "--steps", "10");
    expect(status).toBe(0);
    expect(html).toContain('data-verdict="converges"');
    expect(html.match(/<circle[^>]*class="dot"/g)).toHaveLength(11);
    expect(html).toContain("(0.5 × limit)");
  });

  it("learner-5x5 at rate 1: diverges-lr, the rise called out, the rate line logarithmic", () => {
    const { status, html } = descend(fixture, "--lr", "1", "--steps", "10");
    expect(status).toBe(1);
    expect(html).toContain('data-verdict="diverges-lr"');
    expect(html).toContain("rises at step 1");
    expect(html).toContain(
      'data-chart="loss" width="440" height="230" viewBox="0 0 440 230" role="img" data-scale="log"',
    );
    expect(html).toContain("stable limit 2 / λmax (log scale)");
  });
});
