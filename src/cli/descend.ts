import { type Command, Option } from "commander";
import { backward, forward } from "../core/conv.js";
import { descend, type Evaluate, firstRise, verdictOf } from "../core/descend.js";
import { InputError } from "../core/errors.js";
import { type Head, headGradient, headLoss } from "../core/head.js";
import { largestEigenvalue } from "../core/hessian.js";
import { lossScale } from "../core/reference.js";
import { type Fixture, loadFixture } from "../fixture/load.js";
import { WorkerRunner } from "../impl/host.js";
import { Implementation, ImplFault } from "../impl/implementation.js";
import { descendEntry, writeDescendHtmlReport } from "./html.js";
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

/** The Hessian's factor for a quadratic head, or why descend cannot use this one. */
function lossFactor(head: Head, outputCells: number): number | string {
  if (head.activation.name !== "none") {
    return `the activation ${head.activation.name} makes the loss non-quadratic, so its Hessian is not constant and no single rate is stable; descend needs a fixture without an activation`;
  }
  if (head.loss.name === "mse") return 1;
  if (head.loss.name === "mse_mean") return 2 / outputCells;
  return `the loss ${head.loss.name} is not quadratic; descend needs mse or mse_mean`;
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
    const pre = exports.forward
      ? await impl.forward(call)
      : forward(geo, input, at.filter, at.bias);
    const grads = await impl.backward(call, headGradient(head, pre, target));
    if (!grads.filter) {
      throw new ImplFault(
        "backward",
        "type",
        "backward() returned no filter gradient to descend on",
      );
    }
    const bias = at.bias ? (grads.bias ?? new Float64Array(at.bias.length)) : null;
    return { loss: headLoss(head, pre, target), filter: grads.filter, bias };
  };
}

async function run(file: string, options: DescendOptions): Promise<DescendReport> {
  const fixture = loadFixture(file);
  const { geo } = fixture;
  const head = fixture.head;
  const factor = lossFactor(head, geo.batch * geo.outChannels * geo.outHeight * geo.outWidth);
  if (typeof factor === "string") throw new InputError("", factor);
  const hasBias = fixture.bias !== null;
  const size = fixture.filter.data.length + (hasBias ? geo.outChannels : 0);
  const eigen = largestEigenvalue(
    { geo, input: fixture.input.data, hasBias, lossFactor: factor },
    size,
  );
  if (eigen.value <= 0) {
    throw new InputError(
      "input",
      "every input value is 0, so the loss does not depend on the filter",
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
    const descent = await descend(evaluate, start, lr, options.steps);
    const pre = forward(geo, fixture.input.data, start.filter, start.bias);
    const scale = lossScale(head, descent.losses[0], pre, fixture.target.data);
    const slack = ROUNDING * scale;
    return {
      file,
      impl: options.impl ?? null,
      lr,
      lrMax,
      eigenvalue: eigen.value,
      eigenIterations: eigen.iterations,
      steps: options.steps,
      descent,
      firstRise: firstRise(descent.losses, slack),
      verdict: verdictOf(descent, lr, lrMax, slack),
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
    if (options.html)
      writeDescendHtmlReport(options.html, [{ file, error: describe(file, error) }]);
    return 2;
  }
  if (options.json) write(process.stdout, descendJson(report));
  else write(process.stdout, descendText(report, colorFor(process.stdout, options.color)));
  if (options.html && !writeDescendHtmlReport(options.html, [descendEntry(report)])) return 2;
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
