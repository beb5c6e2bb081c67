import {
  buildArgs,
  type CallReply,
  type CallRequest,
  findMutation,
  type ReadValue,
  readValue,
} from "./protocol.js";

/** The functions a person's module exports, found by name or on a default object. */
export interface PersonModule {
  forward?: (args: Record<string, unknown>) => unknown;
  backward?: (args: Record<string, unknown>) => unknown;
}

/** Exports named `forward`/`backward`, else the same names on `default`. */
export function pickFunctions(namespace: Record<string, unknown>): PersonModule {
  const pick = (name: "forward" | "backward") => {
    const own = namespace[name];
    if (typeof own === "function") return own as PersonModule[typeof name];
    const fallback = namespace.default as Record<string, unknown> | undefined;
    const inner = fallback && typeof fallback === "object" ? fallback[name] : undefined;
    if (typeof inner === "function") return inner as PersonModule[typeof name];
    // A CommonJS module seen through import(): module.exports is `default`,
    // and `module.exports = { default: {...} }` nests once more.
    const nested = (fallback as Record<string, unknown> | undefined)?.default as
      | Record<string, unknown>
      | undefined;
    const deep = nested && typeof nested === "object" ? nested[name] : undefined;
    return typeof deep === "function" ? (deep as PersonModule[typeof name]) : undefined;
  };
  return { forward: pick("forward"), backward: pick("backward") };
}

/** The stack frame in the person's own file, so a message can say where it threw. */
function whereThrown(error: unknown, file: string): string {
  const stack = error instanceof Error ? (error.stack ?? "") : "";
  const base = file.split(/[\\/]/).pop() ?? file;
  for (const line of stack.split("\n").slice(1)) {
    // A loader may add a query to the URL (file:///x.ts?tsx-namespace=...:3:7).
    const match = /\(?((?:file:\/\/)?[^()\s?]+)(?:\?[^:()\s]*)?:(\d+):(\d+)\)?\s*$/.exec(
      line.trim(),
    );
    if (match?.[1].endsWith(base)) return ` (${base}:${match[2]}:${match[3]})`;
  }
  return "";
}

function thrown(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`.split("\n")[0];
  return `the value ${String(error)}`.split("\n")[0];
}

/** Run one call of the person's code and read what it returned; never throws. */
export async function invoke(
  module: PersonModule,
  request: CallRequest,
  file: string,
): Promise<CallReply> {
  const fn = module[request.fn];
  if (!fn) return { ok: false, kind: "missing", message: `exports no ${request.fn}()` };
  const args = buildArgs(request);
  let result: unknown;
  try {
    result = await fn(args);
  } catch (error) {
    return {
      ok: false,
      kind: "throws",
      message: `threw ${thrown(error)}${whereThrown(error, file)}`,
    };
  }
  const mutation = findMutation(args, request);
  if (mutation) {
    return {
      ok: false,
      kind: "mutates",
      message: `changed its argument ${mutation}: work on a copy and leave the arguments as they came`,
    };
  }
  if (request.fn === "forward") return { ok: true, value: readValue(result, "output"), keys: [] };

  if (result === undefined) {
    return { ok: false, kind: "undefined", message: "returned undefined: is a `return` missing?" };
  }
  if (result === null || typeof result !== "object" || Array.isArray(result)) {
    const found = Array.isArray(result) ? "an array" : result === null ? "null" : typeof result;
    return {
      ok: false,
      kind: "type",
      message: `returned ${found}; it must return an object { filter, input, bias } of gradients`,
    };
  }
  const record = result as Record<string, unknown>;
  const value: Record<string, ReadValue> = {};
  for (const name of ["filter", "input", "bias"]) {
    if (record[name] !== undefined) value[name] = readValue(record[name], name);
  }
  return { ok: true, value, keys: Object.keys(record) };
}
