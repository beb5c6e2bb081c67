import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { backward, forward } from "../src/core/conv.js";
import { directionalChecks } from "../src/core/directional.js";
import { PLAIN_HEAD } from "../src/core/head.js";
import { lossGradient } from "../src/core/loss.js";
import { CellEvaluator, numericalGradient, type TensorName } from "../src/core/numerical.js";
import { stepFor } from "../src/core/tolerance.js";
import { parseFixture } from "../src/fixture/load.js";
import { type BenchCase, CASES } from "./cases.js";
import { writeFixtures } from "./fixtures.js";
import { type CommandTiming, median, medianMs, steadyMs, timeCommand } from "./measure.js";
import { type PeerTimes, tfjsTimes } from "./tfjs-peer.js";
import { findTorch, type TorchTimes, torchTimes, torchVersion } from "./torch-peer.js";

/**
 * convcheck's benchmark: `npm run bench`, or `npm run bench -- --quick` to
 * leave out PyTorch's gradcheck on the two large cases (several minutes)
 * and time fewer runs. Absolute figures depend on the machine; the targets
 * are ratios against peers measured in the same run, except the whole-
 * command times, which hold for the 2-core machines convcheck is built on.
 */
const quick = process.argv.includes("--quick");
const root = join(import.meta.dirname, "..");
const fixtureDir = join(root, "bench", "fixtures");
const resultDir = join(root, "bench", "results");

interface Row {
  c: BenchCase;
  file: string;
  forwardMs: number;
  backwardMs: number;
  coreCheckMs: number | null;
  coreFastMs: number | null;
  check: CommandTiming | null;
  checkNpx: CommandTiming | null;
  fast: CommandTiming | null;
  fastNpx: CommandTiming | null;
  tfjs: PeerTimes;
  torch: TorchTimes | null;
}

function load(file: string) {
  const fixture = parseFixture(readFileSync(file, "utf8"));
  return {
    geo: fixture.geo,
    input: fixture.input.data,
    filter: fixture.filter.data,
    bias: fixture.bias?.data ?? null,
    target: fixture.target.data,
  };
}

/** The passes and checks of convcheck's core, timed in this process on one thread. */
async function core(c: BenchCase, file: string) {
  const problem = load(file);
  const { geo, input, filter, bias, target } = problem;
  const forwardMs = steadyMs(() => forward(geo, input, filter, bias), c.numerical ? 41 : 9);
  const dOutput = lossGradient(forward(geo, input, filter, bias), target);
  const backwardMs = steadyMs(
    () => backward(geo, input, filter, dOutput, bias !== null),
    c.numerical ? 41 : 9,
  );
  if (!c.numerical) return { problem, forwardMs, backwardMs, coreCheckMs: null, coreFastMs: null };

  const tensors: TensorName[] = bias ? ["filter", "input", "bias"] : ["filter", "input"];
  const analytic = backward(geo, input, filter, dOutput, bias !== null);
  const steps = tensors.map((t) => stepFor(1e-2, problem[t] as Float64Array));
  const coreCheckMs = medianMs(
    () => {
      const evaluator = new CellEvaluator(problem);
      tensors.forEach((t, i) => {
        const count = (problem[t] as Float64Array).length;
        const cells = Int32Array.from({ length: count }, (_, k) => k);
        numericalGradient(evaluator, t, cells, steps[i]);
      });
    },
    quick ? 1 : 3,
    quick ? 0 : 1,
  );
  const setting = {
    head: PLAIN_HEAD,
    precision: "float64" as const,
    rule: { rtol: 1e-6, atol: 0 },
  };
  const fastOnce = async () => {
    for (const [i, t] of tensors.entries()) {
      const grad = analytic[t] as Float64Array;
      await directionalChecks(problem, setting, t, grad, steps[i], { directions: 3, seed: 1 });
    }
  };
  const times: number[] = [];
  for (let i = 0; i < 6; i++) {
    const start = performance.now();
    await fastOnce();
    if (i > 0) times.push(performance.now() - start);
  }
  return { problem, forwardMs, backwardMs, coreCheckMs, coreFastMs: median(times) };
}

const ms = (value: number | null | undefined) =>
  value === null || value === undefined
    ? "–"
    : value >= 1000
      ? `${(value / 1000).toFixed(2)} s`
      : value >= 10
        ? `${value.toFixed(0)} ms`
        : `${value.toFixed(2)} ms`;
const ratio = (value: number | null) => (value === null ? "–" : `${value.toFixed(1)}x`);

function table(head: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
  return [line(head), line(head.map(() => "---")), ...rows.map(line)].join("\n");
}

/** A package whose bin does nothing, in a folder of its own: npx's own cost. */
function npxFloor(): { dir: string; name: string } {
  const dir = mkdtempSync(join(tmpdir(), "convcheck-npx-floor-"));
  const name = "convcheck-npx-floor";
  writeFileSync(
    join(dir, "package.json"),
    `${JSON.stringify({ name, version: "1.0.0", private: true, bin: { [name]: "noop.js" } })}\n`,
  );
  writeFileSync(join(dir, "noop.js"), "#!/usr/bin/env node\n", { mode: 0o755 });
  return { dir, name };
}

async function main() {
  const workers = availableParallelism();
  const cpu = cpus()[0]?.model ?? "unknown CPU";
  const loadBefore = loadavg()[0];
  const files = writeFixtures(CASES, fixtureDir);
  const python = findTorch();
  process.stderr.write(
    `convcheck bench: ${workers} cores, ${cpu}, node ${process.version}, load ${loadBefore.toFixed(2)}${python ? `, PyTorch ${torchVersion(python)}` : ", no PyTorch"}${quick ? ", quick" : ""}\n`,
  );

  // What launching costs before convcheck runs at all: Node.js itself, and
  // npx, which resolves the project folder as a package before it starts the
  // bin; the empty package shows npx's own share with a bin that does nothing.
  const floor = npxFloor();
  const launcher = {
    node: timeCommand("node -e 0", root),
    npxEmpty: timeCommand(`npx ${floor.name}`, floor.dir),
    binary: timeCommand("./bin/convcheck.js --version", root),
    npx: timeCommand("npx convcheck --version", root),
  };
  rmSync(floor.dir, { recursive: true, force: true });
  // convcheck's own passes first, in a process that has run nothing else,
  // as PyTorch's are timed in a process of their own; TensorFlow.js runs
  // afterwards in this process, and its heap would otherwise slow them down.
  const measured = [];
  for (const [i, c] of CASES.entries()) {
    process.stderr.write(`  ${c.name}: core\n`);
    measured.push(await core(c, files[i]));
  }
  const rows: Row[] = [];
  for (const [i, c] of CASES.entries()) {
    const file = files[i];
    process.stderr.write(`  ${c.name}: TensorFlow.js`);
    const { geo, input, filter, bias } = measured[i].problem;
    const tfjs = await tfjsTimes(
      c,
      measured[i].problem,
      geo.outputShape,
      forward(geo, input, filter, bias),
    );
    if (!(tfjs.disagreement < 1e-4))
      throw new Error(`TensorFlow.js computes another layer (${tfjs.disagreement})`);
    let check: CommandTiming | null = null;
    let checkNpx: CommandTiming | null = null;
    let fast: CommandTiming | null = null;
    let fastNpx: CommandTiming | null = null;
    if (c.numerical) {
      process.stderr.write(", whole commands");
      check = timeCommand(`./bin/convcheck.js grad ${file}`, root);
      checkNpx = timeCommand(`npx convcheck grad ${file}`, root);
      fast = timeCommand(`./bin/convcheck.js grad ${file} --fast`, root);
      fastNpx = timeCommand(`npx convcheck grad ${file} --fast`, root);
    }
    process.stderr.write("\n");
    rows.push({ c, file, ...measured[i], check, checkNpx, fast, fastNpx, tfjs, torch: null });
  }

  if (python) {
    process.stderr.write("  PyTorch (float64, one thread)\n");
    const jobs = rows.map((r) => ({
      c: r.c,
      file: r.file,
      gradcheck: r.c.gradcheck && !(quick && r.c.input.reduce((a, b) => a * b, 1) > 4000),
    }));
    const times = torchTimes(python, jobs);
    for (const r of rows) r.torch = times.get(r.file) ?? null;
  }
  const loadAfter = loadavg()[0];

  const passes = table(
    [
      "case",
      "forward",
      "PyTorch fwd",
      "fwd / PyTorch",
      "gradients",
      "tfjs fwd",
      "tfjs grads",
      "tfjs / ours (fwd + grads)",
    ],
    rows.map((r) => [
      r.c.name,
      ms(r.forwardMs),
      ms(r.torch?.forwardMs),
      ratio(r.torch ? r.forwardMs / r.torch.forwardMs : null),
      ms(r.backwardMs),
      ms(r.tfjs.forwardMs),
      ms(r.tfjs.gradientMs),
      ratio((r.tfjs.forwardMs + r.tfjs.gradientMs) / (r.forwardMs + r.backwardMs)),
    ]),
  );
  const checks = table(
    [
      "case",
      "full check, core, 1 thread",
      `full check, command (${workers} cores)`,
      "full check, npx",
      "--fast, core",
      "--fast, command",
      "--fast, npx",
      "peak memory",
      "gradcheck",
    ],
    rows
      .filter((r) => r.c.numerical)
      .map((r) => [
        r.c.name,
        ms(r.coreCheckMs),
        ms(r.check?.ms),
        ms(r.checkNpx?.ms),
        ms(r.coreFastMs),
        ms(r.fast?.ms),
        ms(r.fastNpx?.ms),
        r.check?.peakMb ? `${r.check.peakMb.toFixed(0)} MB` : "–",
        ms(r.torch?.gradcheckMs),
      ]),
  );

  const byName = (name: string) => rows.find((r) => r.c.name.startsWith(name));
  const small = byName("3x32x32")?.torch?.gradcheckMs ?? null;
  const mid = byName("16x28x28");
  const big = byName("2x8x64x64");
  const targets: Array<[string, boolean | null, string]> = [];
  const target = (what: string, ok: boolean | null, detail: string) =>
    targets.push([what, ok, detail]);
  for (const [label, limit, row] of [
    ["full check 2x8x64x64 <= 1.5 x gradcheck(3x32x32)", 1.5, big],
    ["full check 16x28x28 <= gradcheck(3x32x32)", 1, mid],
  ] as const) {
    for (const [how, timing] of [
      ["command", row?.check],
      ["through npx", row?.checkNpx],
    ] as const) {
      target(
        `${label} (${how})`,
        small && timing ? timing.ms <= limit * small : null,
        small && timing ? `${ms(timing.ms)} vs ${ms(limit * small)}` : "no PyTorch",
      );
    }
  }
  const peak = Math.max(...rows.map((r) => r.check?.peakMb ?? 0));
  target("peak memory < 500 MB", peak > 0 ? peak < 500 : null, `${peak.toFixed(0)} MB`);
  for (const r of rows) {
    const speedup = (r.tfjs.forwardMs + r.tfjs.gradientMs) / (r.forwardMs + r.backwardMs);
    target(`fwd + grads >= 5x tfjs: ${r.c.name}`, speedup >= 5, ratio(speedup));
  }
  for (const r of rows.filter((row) => row.c.gradcheck)) {
    const share = r.torch ? r.forwardMs / r.torch.forwardMs : null;
    target(
      `forward <= 2x PyTorch: ${r.c.name}`,
      share === null ? null : share <= 2,
      share === null ? "no PyTorch" : ratio(share),
    );
  }
  target(
    "--fast 2x8x64x64 < 0.5 s (command)",
    big?.fast ? big.fast.ms < 500 : null,
    ms(big?.fast?.ms),
  );
  target(
    "--fast 2x8x64x64 < 0.5 s (through npx)",
    big?.fastNpx ? big.fastNpx.ms < 500 : null,
    `${ms(big?.fastNpx?.ms)}; npx on a package whose bin does nothing takes ${ms(launcher.npxEmpty.ms)}`,
  );

  const machine = `${workers} cores (${cpu}), node ${process.version}${python ? `, PyTorch ${torchVersion(python)} (float64, 1 thread)` : ""}, TensorFlow.js 4.22.0 CPU backend (float32); load average ${loadBefore.toFixed(2)} before, ${loadAfter.toFixed(2)} after`;
  const verdicts = targets
    .map(
      ([what, ok, detail]) =>
        `- ${ok === null ? "n/a " : ok ? "met " : "MISSED"} ${what}: ${detail}`,
    )
    .join("\n");
  const launch = [
    `Launch alone: node -e 0 ${ms(launcher.node.ms)}; ./bin/convcheck.js --version ${ms(launcher.binary.ms)};`,
    `npx convcheck --version ${ms(launcher.npx.ms)}; npx on an empty package with a bin that does nothing ${ms(launcher.npxEmpty.ms)}`,
  ].join("\n");
  const report = `${machine}\n\n${passes}\n\n${checks}\n\n${launch}\n\nTargets\n${verdicts}\n`;
  process.stdout.write(`\n${report}`);
  mkdirSync(resultDir, { recursive: true });
  writeFileSync(join(resultDir, "latest.md"), report);
  writeFileSync(
    join(resultDir, "latest.json"),
    `${JSON.stringify({ machine, quick, rows: rows.map(({ c, ...r }) => ({ case: c.name, ...r })), targets }, null, 2)}\n`,
  );
}

await main();
