/**
 * The contract between convcheck and a person's own forward and backward
 * functions, shared by the worker thread that runs them and by the
 * in-process runner used in tests. Nothing here trusts the person's code:
 * every call gets fresh nested arrays, and every reply is read defensively
 * into a flat tensor or into a one-line description of what was wrong.
 */

export type FunctionName = "forward" | "backward";

/** A flat row-major tensor as it crosses the thread boundary. */
export interface FlatTensor {
  shape: number[];
  data: Float64Array;
}

export interface Settings {
  stride: [number, number];
  padding: [number, number, number, number];
  dilation: [number, number];
  groups: number;
}

export interface CallRequest {
  fn: FunctionName;
  /** input, filter, bias (when the fixture has one) and, for backward, gradOutput. */
  tensors: Record<string, FlatTensor>;
  settings: Settings;
}

/** What came back, before any shape is checked. */
export type ReadValue =
  | { ok: true; shape: number[]; data: Float64Array; flat: boolean }
  | { ok: false; kind: FaultKind; found: string };

export type FaultKind =
  | "load"
  | "missing"
  | "throws"
  | "timeout"
  | "crash"
  | "undefined"
  | "type"
  | "nan"
  | "shape"
  | "mutates";

export type CallReply =
  | { ok: true; value: ReadValue | Record<string, ReadValue>; keys: string[] }
  | { ok: false; kind: FaultKind; message: string };

type Nested = number | Nested[];

/** Fresh nested arrays in the tensor's own shape. */
export function nest(data: ArrayLike<number>, shape: readonly number[]): Nested {
  if (shape.length === 0) return data[0];
  const build = (axis: number, offset: number): Nested[] => {
    const extent = shape[axis];
    let inner = 1;
    for (let a = axis + 1; a < shape.length; a++) inner *= shape[a];
    const out: Nested[] = new Array(extent);
    for (let i = 0; i < extent; i++) {
      out[i] = axis === shape.length - 1 ? data[offset + i] : build(axis + 1, offset + i * inner);
    }
    return out;
  };
  return build(0, 0);
}

export function buildArgs(request: CallRequest): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  for (const [name, t] of Object.entries(request.tensors)) args[name] = nest(t.data, t.shape);
  const s = request.settings;
  args.stride = [...s.stride];
  args.padding = [...s.padding];
  args.dilation = [...s.dilation];
  args.groups = s.groups;
  return args;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "string") return `a string (${JSON.stringify(value.slice(0, 20))})`;
  if (typeof value === "number") return `the number ${value}`;
  if (typeof value === "function") return "a function";
  if (typeof value === "object") return "an object";
  return `a ${typeof value}`;
}

function isNumberArray(value: unknown): value is ArrayLike<number> {
  return (
    ArrayBuffer.isView(value) &&
    !(value instanceof DataView) &&
    typeof (value as never)[0] !== "bigint"
  );
}

/** Read a returned tensor: nested arrays, or one flat array / typed array in row-major order. */
export function readValue(value: unknown, name: string): ReadValue {
  if (value === undefined) return { ok: false, kind: "undefined", found: "undefined" };
  if (isNumberArray(value)) {
    const data = Float64Array.from(value);
    const bad = data.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) return { ok: false, kind: "nan", found: `${data[bad]} at ${name}[${bad}]` };
    return { ok: true, shape: [data.length], data, flat: true };
  }
  if (!Array.isArray(value)) return { ok: false, kind: "type", found: describe(value) };

  const shape: number[] = [];
  let probe: unknown = value;
  while (Array.isArray(probe)) {
    if (probe.length === 0) {
      return {
        ok: false,
        kind: "shape",
        found: `an empty array at ${name}${"[0]".repeat(shape.length)}`,
      };
    }
    shape.push(probe.length);
    if (shape.length > 8)
      return { ok: false, kind: "shape", found: "arrays nested deeper than 8 levels" };
    probe = probe[0];
  }
  let size = 1;
  for (const extent of shape) size *= extent;
  const data = new Float64Array(size);
  let offset = 0;
  let fault: ReadValue | null = null;
  const walk = (node: unknown, axis: number, where: string): void => {
    if (fault) return;
    if (axis === shape.length) {
      if (typeof node !== "number") {
        const what = node === undefined ? "undefined (never written?)" : describe(node);
        fault = { ok: false, kind: "type", found: `${what} at ${where}` };
      } else if (!Number.isFinite(node)) {
        fault = { ok: false, kind: "nan", found: `${node} at ${where}` };
      } else {
        data[offset++] = node;
      }
      return;
    }
    if (!Array.isArray(node) || node.length !== shape[axis]) {
      const found = Array.isArray(node) ? `${node.length} entries` : describe(node);
      fault = {
        ok: false,
        kind: "shape",
        found: `a ragged array: ${where} has ${found} where ${shape[axis]} were expected`,
      };
      return;
    }
    for (let i = 0; i < node.length; i++) walk(node[i], axis + 1, `${where}[${i}]`);
  };
  walk(value, 0, name);
  return fault ?? { ok: true, shape, data, flat: false };
}

/** The first difference between an argument after the call and what was passed. */
export function findMutation(args: Record<string, unknown>, request: CallRequest): string | null {
  for (const [name, t] of Object.entries(request.tensors)) {
    let i = 0;
    let change: string | null = null;
    const walk = (node: unknown, axis: number, where: string): void => {
      if (change) return;
      if (axis === t.shape.length) {
        if (!Object.is(node, t.data[i])) change = `${where} was ${t.data[i]}, now ${String(node)}`;
        i++;
        return;
      }
      if (!Array.isArray(node) || node.length !== t.shape[axis]) {
        change = `${where} was replaced or resized`;
        return;
      }
      for (let k = 0; k < node.length; k++) walk(node[k], axis + 1, `${where}[${k}]`);
    };
    walk(args[name], 0, name);
    if (change) return `${name} (${change})`;
  }
  const s = request.settings;
  for (const key of ["stride", "padding", "dilation"] as const) {
    const now = args[key];
    const was = s[key] as number[];
    if (!Array.isArray(now) || now.length !== was.length || now.some((v, k) => v !== was[k])) {
      return `${key} (was [${was.join(", ")}])`;
    }
  }
  if (args.groups !== s.groups) return `groups (was ${s.groups})`;
  return null;
}
