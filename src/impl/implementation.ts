import { diagnoseShape } from "../core/diagnose/shape.js";
import type { DiagnosedTensor, Diagnosis } from "../core/diagnose/types.js";
import type { Geometry } from "../core/geometry.js";
import type { TensorName } from "../core/numerical.js";
import { sizeOf } from "../core/tensor.js";
import { LoadError, type Runner } from "./host.js";
import type { CallRequest, FaultKind, FlatTensor, FunctionName, ReadValue } from "./protocol.js";

/** The person's code failed in a way that stops the check of this fixture. */
export class ImplFault extends Error {
  constructor(
    readonly fn: FunctionName | null,
    readonly kind: FaultKind,
    message: string,
    readonly diagnoses: Diagnosis[] = [],
  ) {
    super(message);
    this.name = "ImplFault";
  }
}

/** The tensors of one call, flat and NCHW, with the geometry that gives their shapes. */
export interface CallTensors {
  geo: Geometry;
  input: Float64Array;
  filter: Float64Array;
  bias: Float64Array | null;
}

export type ImplGradients = Partial<Record<TensorName, Float64Array>>;

const flat = (data: Float64Array, shape: number[]): FlatTensor => ({ shape, data });

const text = (shape: readonly number[]) => `[${shape.join(", ")}]`;

/** Equal, or equal once leading axes of extent 1 are dropped from both. */
function sameShape(found: readonly number[], want: readonly number[]): boolean {
  const strip = (s: readonly number[]) => {
    let i = 0;
    while (i < s.length - 1 && s[i] === 1) i++;
    return s.slice(i);
  };
  const a = strip(found);
  const b = strip(want);
  return a.length === b.length && a.every((extent, i) => extent === b[i]);
}

/**
 * The person's forward and backward as convcheck calls them: flat tensors
 * in, flat tensors of the right shape out, or an ImplFault that says in one
 * line what went wrong.
 */
export class Implementation {
  constructor(readonly runner: Runner) {}

  get file(): string {
    return this.runner.file;
  }

  async exports(): Promise<{ forward: boolean; backward: boolean }> {
    try {
      const found = await this.runner.exports();
      if (!found.forward && !found.backward) {
        throw new ImplFault(
          null,
          "missing",
          "exports neither forward nor backward (as named exports or on a default object)",
        );
      }
      return found;
    } catch (error) {
      if (error instanceof LoadError) throw loadFault(error);
      throw error;
    }
  }

  private request(fn: FunctionName, t: CallTensors, gradOutput?: Float64Array): CallRequest {
    const geo = t.geo;
    const tensors: Record<string, FlatTensor> = {
      input: flat(t.input, geo.inputShape),
      filter: flat(t.filter, geo.filterShape),
    };
    if (t.bias && geo.biasShape) tensors.bias = flat(t.bias, geo.biasShape);
    if (gradOutput) tensors.gradOutput = flat(gradOutput, geo.outputShape);
    return {
      fn,
      tensors,
      settings: {
        stride: [geo.strideHeight, geo.strideWidth],
        padding: [geo.padTop, geo.padBottom, geo.padLeft, geo.padRight],
        dilation: [geo.dilationHeight, geo.dilationWidth],
        groups: geo.groups,
      },
    };
  }

  private async call(request: CallRequest) {
    try {
      const reply = await this.runner.call(request);
      if (!reply.ok)
        throw new ImplFault(request.fn, reply.kind, `${request.fn}() ${reply.message}`);
      return reply;
    } catch (error) {
      if (error instanceof LoadError) throw loadFault(error);
      throw error;
    }
  }

  /** Check one returned tensor against the shape it must have. */
  private accept(
    fn: FunctionName,
    value: ReadValue,
    tensor: DiagnosedTensor,
    want: number[],
    geo: Geometry,
  ): Float64Array {
    const what = fn === "forward" ? "the output" : `the ${tensor} gradient`;
    if (!value.ok) {
      const message =
        value.kind === "undefined"
          ? `${fn}() returned undefined for ${what}: is a \`return\` missing?`
          : value.kind === "nan"
            ? `${fn}() returned ${value.found} in ${what}`
            : `${fn}() returned ${value.found} for ${what}; expected nested arrays of shape ${text(want)}`;
      throw new ImplFault(fn, value.kind, message);
    }
    // One flat array in row-major order is accepted as well as nested arrays.
    const flatOk = (value.flat || value.shape.length === 1) && value.data.length === sizeOf(want);
    if (flatOk || sameShape(value.shape, want)) return value.data;
    const causes = value.flat ? [] : diagnoseShape(geo, tensor, value.shape);
    const found = value.flat
      ? `a flat array of ${value.data.length} values`
      : `shape ${text(value.shape)}`;
    const hint = causes.length ? `: ${causes.map((d) => d.message).join("; or ")}` : "";
    // Causes without a code of their own are told inside the shape diagnosis.
    const general = causes.filter((d) => d.code === "shape").map((d) => `; ${d.message}`);
    const main = `${found} where ${text(want)} belongs${general.join("")}`;
    throw new ImplFault(
      fn,
      "shape",
      `${fn}() returned ${found} for ${what}, which is ${text(want)}${hint}`,
      [{ code: "shape", tensor, message: main }, ...causes.filter((d) => d.code !== "shape")],
    );
  }

  async forward(t: CallTensors): Promise<Float64Array> {
    const reply = await this.call(this.request("forward", t));
    return this.accept("forward", reply.value as ReadValue, "output", t.geo.outputShape, t.geo);
  }

  async backward(t: CallTensors, gradOutput: Float64Array): Promise<ImplGradients> {
    const reply = await this.call(this.request("backward", t, gradOutput));
    const values = reply.value as Record<string, ReadValue>;
    const geo = t.geo;
    const shapes: Record<TensorName, number[] | null> = {
      filter: geo.filterShape,
      input: geo.inputShape,
      bias: t.bias ? geo.biasShape : null,
    };
    const grads: ImplGradients = {};
    for (const name of ["filter", "input", "bias"] as const) {
      const value = values[name];
      const shape = shapes[name];
      if (value && shape) grads[name] = this.accept("backward", value, name, shape, geo);
    }
    if (Object.keys(grads).length === 0) {
      const keys = reply.keys.length ? ` (it has ${reply.keys.join(", ")})` : "";
      throw new ImplFault(
        "backward",
        "type",
        `backward() returned an object without filter, input or bias${keys}; return { filter, input, bias }`,
      );
    }
    return grads;
  }
}

/** ES module syntax in a file Node.js reads as CommonJS. */
const MODULE_SYNTAX = /Unexpected token 'export'|Cannot use import statement outside a module/;

function loadFault(error: LoadError): ImplFault {
  const hint = MODULE_SYNTAX.test(error.message)
    ? ' (the file uses export or import, but the nearest package.json does not say "type": "module": name it .mjs, or add that field)'
    : "";
  return new ImplFault(null, "load", `cannot be loaded: ${error.message}${hint}`);
}
