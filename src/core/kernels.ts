import { scalarKernels } from "./difference-blocks.js";
import { KERNELS_WASM_BASE64 } from "./kernels-wasm.js";

/**
 * The numerical check's inner loops compiled from kernels.wat, with the
 * arrays they read placed in one WebAssembly memory of their own. Arrays are
 * handed out as views of that memory together with their byte addresses, so
 * the JavaScript code reads and writes them as usual while the kernels read
 * them in place.
 */
export interface Kernels {
  /** The loss difference of four sums over rows x, x + rowBytes, ...: see kernels.wat. */
  fourRows(
    x: number,
    rowBytes: number,
    K: number,
    y: number,
    k: number,
    plus: number,
    minus: number,
    b0: number,
    b1: number,
    b2: number,
    b3: number,
    t: number,
    tStep: number,
  ): number;
  /** The same for one row, its two sums started at b0 and b1. */
  oneRow(
    x: number,
    K: number,
    y: number,
    k: number,
    plus: number,
    minus: number,
    b0: number,
    b1: number,
    t: number,
  ): number;
}

export interface KernelArrays {
  kernels: Kernels;
  /** Whether they are the WebAssembly kernels. */
  webAssembly: boolean;
  /** One view per requested length, in order, with its byte address. */
  arrays: Array<{ view: Float64Array; at: number }>;
}

let compiled: WebAssembly.Module | null | undefined;

function kernelsModule(): WebAssembly.Module | null {
  if (compiled === undefined) {
    try {
      compiled = new WebAssembly.Module(Buffer.from(KERNELS_WASM_BASE64, "base64"));
    } catch {
      // No WebAssembly SIMD here: the JavaScript kernels of difference-blocks.ts serve.
      compiled = null;
    }
  }
  return compiled;
}

const PAGE = 65536;
/** The largest memory asked for (wasm32 addresses 4 GiB; leave room below it). */
const MAX_BYTES = 2 ** 31;

/**
 * Kernels with zeroed arrays of the given lengths in their memory: the
 * WebAssembly kernels where they run (and `scalar` is not asked for), else
 * the same kernels in JavaScript over an ordinary buffer.
 */
export function kernelArrays(lengths: number[], scalar = false): KernelArrays {
  const starts: number[] = [];
  let bytes = 0;
  for (const length of lengths) {
    starts.push(bytes);
    bytes += Math.ceil((length * 8) / 16) * 16;
  }
  const placed = (buffer: ArrayBufferLike, kernels: Kernels, webAssembly: boolean) => ({
    kernels,
    webAssembly,
    arrays: lengths.map((length, i) => ({
      view: new Float64Array(buffer, starts[i], length),
      at: starts[i],
    })),
  });
  const module = scalar || bytes > MAX_BYTES ? null : kernelsModule();
  if (module) {
    try {
      const memory = new WebAssembly.Memory({ initial: Math.max(1, Math.ceil(bytes / PAGE)) });
      const instance = new WebAssembly.Instance(module, { convcheck: { memory } });
      return placed(memory.buffer, instance.exports as unknown as Kernels, true);
    } catch {
      // Memory refused: the JavaScript kernels below need no more than it would have.
    }
  }
  const buffer = new ArrayBuffer(Math.max(8, bytes));
  return placed(buffer, scalarKernels(new Float64Array(buffer)), false);
}
