import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import wabtInit from "wabt";

const core = join(import.meta.dirname, "..", "..", "src", "core");
export const KERNELS_WAT = join(core, "kernels.wat");
export const KERNELS_MODULE = join(core, "kernels-wasm.ts");

/** src/core/kernels.wat assembled by wabt: the bytes kernels-wasm.ts must hold. */
export async function assembleKernels(): Promise<Uint8Array> {
  const wabt = await wabtInit();
  const parsed = wabt.parseWat("kernels.wat", readFileSync(KERNELS_WAT, "utf8"), { simd: true });
  try {
    parsed.resolveNames();
    parsed.validate();
    return parsed.toBinary({ write_debug_names: false }).buffer;
  } finally {
    parsed.destroy();
  }
}

/** The text of kernels-wasm.ts for these bytes. */
export function kernelsModuleText(bytes: Uint8Array): string {
  const base64 = Buffer.from(bytes).toString("base64");
  const lines = base64.match(/.{1,76}/g) ?? [];
  return [
    "// Written by `npm run kernels` from kernels.wat; test/kernels.test.ts checks it is current.",
    "export const KERNELS_WASM_BASE64 =",
    `${lines.map((l) => `  "${l}"`).join(" +\n")};`,
    "",
  ].join("\n");
}

// `npm run kernels`: reassemble kernels.wat into kernels-wasm.ts.
if (process.argv[1] && import.meta.filename === process.argv[1]) {
  writeFileSync(KERNELS_MODULE, kernelsModuleText(await assembleKernels()));
  process.stdout.write(`wrote ${KERNELS_MODULE}\n`);
}
