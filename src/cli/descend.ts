import { type Command, Option } from "commander";
import { backward, forward } from "../core/conv.js";
import { descend, type Evaluate, firstRise, type Parameters, verdictOf } from "../core/descend.js";
import { InputError } from "../core/errors.js";
import {
  activate,
  curvatureWeights,
  type Head,
  headGradient,
  headLoss,
  outputLoss,
  outputLossGradient,
} from "../core/head.js";
import { largestEigenvalue } from "../core/hessian.js";
import { lossScale } from "../core/reference.js";
import { type Fixture, loadFixture } from "../fixture/load.js";
import { WorkerRunner } from "../impl/host.js";
import { Implementation, ImplFault } from "../impl/implementation.js";
import { DEFAULT_IMPL_TIMEOUT_MS, implFileProblem } from "./impl.js";
import { implTimeoutOption } from "./impl-options.js";
import { positiveInteger, positiveNumber } from "./options.js";
import { colorFor, write } from "./output.js";
import { type DescendReport, descendJson, descendText } from "./report/descend-report.js";

export interface DescendOptions {
  impl?: string;
  implTimeout?: number;
  lr?: number;
  steps: number;
  json?: boolean;
  html?: string;
  color: boolean;
}

/** Loss rises smaller than this fraction of the loss scale are rounding, not climbing. */
const ROUNDING = 1e-12;

/**
 * Why descend cannot judge this head, or null. Away from its kinks l1 has no
 * curvature at all, so no rate is the stable limit and a rising loss could
 * not be told from a wrong gradient.
 */
function unsupported(head: Head): string | null {
  if (head.loss.name === "l1_mean") {
    return "the loss l1_mean has no curvature away from its kinks, so there is no stable-rate limit to judge a rising loss against; descend needs mse or mse_mean";
  }
  return null;
}

/** 2 / the largest eigenvalue of the Hessian of E at one point of the descent. */
function stableLimitAt(fixture: Fixture, head: Head, at: Parameters): number {
  const { geo } = fixture;
  const hasBias = at.bias !== null;
  const pre = forward(geo, fixture.input.data, at.filter, at.bias);
  const weights = curvatureWeights(head, pre, fixture.target.data);
  const size = at.filter.length + (hasBias ? geo.outChannels : 0);
  const eigen = largestEigenvalue(
    { geo, input: fixture.input.data, hasBias, lossFactor: 1, weights },
    size,
  );
  return eigen.value > 0 ? 2 / eigen.value : Number.POSITIVE_INFINITY;
}

/**
 * Whether the gradient at a point matches the loss's slope along it: the
 * central difference of E along the unit gradient direction d, by the
 * forward pass (the person's when descending on theirs), against g . d.
 */
async function gradientAgrees(evaluate: Evaluate, at: Parameters): Promise<boolean> {
  const here = await evaluate(at);
  const g = [...here.filter, ...(here.bias ?? [])];
  const length = Math.hypot(...g);
  if (length === 0) return true;
  const scale = Math.max(1, Math.hypot(...at.filter, ...(at.bias ?? [])));
  const h = 1e-6 * scale;
  const moved = (sign: number): Parameters => ({
    filter: at.filter.map((v, i) => v + (sign * h * here.filter[i]) / length),
    bias: at.bias ? at.bias.map((v, i) => v + (sign * h * (here.bias?.[i] ?? 0)) / length) : null,
  });
  const slope = ((await evaluate(moved(1))).loss - (await evaluate(moved(-1))).loss) / (2 * h);
  return Math.abs(slope - length) <= 1e-4 * length;
}

function referenceEvaluate(fixture: Fixture, head: Head): Evaluate {
  const { geo } = fixture;
  const input = fixture.input.data;
  const target = fixture.target.data;
  return async (at) => {
    const pre = forward(geo, input, at.filter, at.bias);
    const g = backward(geo, input, at.filter, headGradient(head, pre, target), at.bias !== null);
    return { loss: headLoss(head, pre, target), filter: g.filter, bias: g.bias };
  };
}

function implEvaluate(fixture: Fixture, head: Head, impl: Implementation): Evaluate {
  const { geo } = fixture;
  const input = fixture.input.data;
  const target = fixture.target.data;
  return async (at) => {
    const exports = await impl.exports();
    if (!exports.backward) {
      throw new ImplFault(null, "missing", "exports no backward(), which descend follows");
    }
    const call = { geo, input, filter: at.filter, bias: at.bias };
    // The person's forward includes the activation and returns y.
    const output = exports.forward
      ? await impl.forward(call)
      : activate(head, forward(geo, input, at.filter, at.bias));
    const grads = await impl.backward(call, outputLossGradient(head, output, target));
    if (!grads.filter) {
      throw new ImplFault(
        "backward",
        "type",
        "backward() returned no filter gradient to descend on",
      );
    }
    const bias = at.bias ? (grads.bias ?? new Float64Array(at.bias.length)) : null;
    return { loss: outputLoss(head, output, target), filter: grads.filter, bias };
  };
}

async function run(file: string, options: DescendOptions): Promise<DescendReport> {
  const fixture = loadFixture(file);
  const { geo } = fixture;
  const head = fixture.head;
  const refusal = unsupported(head);
  if (refusal) throw new InputError("lossFunction", refusal);
  // The Hessian at the starting point, cell by cell; for a quadratic head it
  // is the same everywhere, so the limit holds along the whole descent.
  const startPre = forward(
    geo,
    fixture.input.data,
    fixture.filter.data,
    fixture.bias?.data ?? null,
  );
  const weights = curvatureWeights(head, startPre, fixture.target.data);
  const hasBias = fixture.bias !== null;
  const size = fixture.filter.data.length + (hasBias ? geo.outChannels : 0);
  const eigen = largestEigenvalue(
    { geo, input: fixture.input.data, hasBias, lossFactor: 1, weights },
    size,
  );
  if (eigen.value <= 0) {
    throw new InputError(
      head.activation.name === "none" ? "input" : "filter",
      head.activation.name === "none"
        ? "every input value is 0, so the loss does not depend on the filter"
        : `at the starting point the loss curves upward in no direction of the filter and bias (every ${head.activation.name} may be inactive), so there is no stable-rate limit`,
    );
  }
  const lrMax = 2 / eigen.value;
  const lr = options.lr ?? lrMax / 2;

  let runner: WorkerRunner | null = null;
  try {
    let evaluate = referenceEvaluate(fixture, head);
    if (options.impl) {
      runner = new WorkerRunner(options.impl, options.implTimeout ?? DEFAULT_IMPL_TIMEOUT_MS);
      evaluate = implEvaluate(fixture, head, new Implementation(runner));
    }
    const start = { filter: fixture.filter.data, bias: fixture.bias?.data ?? null };
    const curved = head.activation.name !== "none";
    const descent = await descend(evaluate, start, lr, options.steps, curved);
    const pre = forward(geo, fixture.input.data, start.filter, start.bias);
    const scale = lossScale(head, descent.losses[0], pre, fixture.target.data);
    const slack = ROUNDING * scale;
    const rise = firstRise(descent.losses, slack);
    let verdict = verdictOf(descent, lr, lrMax, slack);
    let lrMaxAtRise: number | null = null;
    let consistentAtRise = false;
    if (curved && verdict === "rises-inconsistent-gradient" && rise > 0 && descent.points) {
      // With an activation the curvature moves as the descent does (units
      // switch on, tanh leaves saturation, a step crosses a kink), so a right
      // gradient can make the loss rise at a rate below the starting limit.
      // The gradient is blamed only when it disagrees with the loss's own
      // slope where the loss rose; otherwise the rate is too large there.
      const before = descent.points[rise - 1];
      if (await gradientAgrees(evaluate, before)) {
        verdict = "diverges-lr";
        consistentAtRise = true;
        lrMaxAtRise = stableLimitAt(fixture, head, before);
      }
    }
    return {
      file,
      impl: options.impl ?? null,
      lr,
      lrMax,
      eigenvalue: eigen.value,
      eigenIterations: eigen.iterations,
      curved: head.activation.name !== "none",
      steps: options.steps,
      descent,
      firstRise: rise,
      verdict,
      lrMaxAtRise,
      consistentAtRise,
    };
  } finally {
    await runner?.close();
  }
}

function describe(file: string, error: unknown): string {
  if (error instanceof InputError) {
    return `${file}: ${error.path ? `${error.path}: ` : ""}${error.message}`;
  }
  if (error instanceof ImplFault) return `${file}: your implementation: ${error.message}`;
  return `internal error: ${error instanceof Error ? error.message : String(error)}`;
}

export async function descendCommand(file: string, options: DescendOptions): Promise<number> {
  if (options.impl) {
    const problem = implFileProblem(options.impl);
    if (problem) {
      process.stderr.write(`convcheck: --impl ${options.impl}: ${problem}\n`);
      return 2;
    }
  }
  let report: DescendReport;
  try {
    report = await run(file, options);
  } catch (error) {
    process.stderr.write(`convcheck: error: ${describe(file, error)}\n`);
    if (options.html) {
      const { writeDescendHtmlReport } = await import("./html.js");
      writeDescendHtmlReport(options.html, [{ file, error: describe(file, error) }]);
    }
    return 2;
  }
  if (options.json) write(process.stdout, descendJson(report));
  else write(process.stdout, descendText(report, colorFor(process.stdout, options.color)));
  if (options.html) {
    const { descendEntry, writeDescendHtmlReport } = await import("./html.js");
    if (!writeDescendHtmlReport(options.html, [descendEntry(report)])) return 2;
  }
  return report.verdict === "converges" ? 0 : 1;
}

export function addDescendCommand(program: Command): void {
  program
    .command("descend")
    .description(
      "run gradient descent on the filter and bias and say why the loss rises, if it does",
    )
    .argument("<fixture>", "a fixture file")
    .option("--impl <file>", "descend with your own forward/backward module")
    .addOption(implTimeoutOption())
    .addOption(
      new Option("--lr <r>", "learning rate (default: half the largest stable rate)").argParser(
        positiveNumber,
      ),
    )
    .addOption(new Option("--steps <n>", "number of steps").argParser(positiveInteger).default(50))
    .option("--json", "print the losses, rates and verdict as JSON")
    .option("--html <file>", "also write a page with the loss curve and the rate against its limit")
    .option("--no-color", "never colour the output")
    .action(async (file: string, options: DescendOptions) => {
      process.exitCode = await descendCommand(file, options);
    });
}
