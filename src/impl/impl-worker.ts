import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { parentPort, workerData } from "node:worker_threads";
import { invoke, type PersonModule, pickFunctions } from "./invoke.js";
import type { CallReply, CallRequest, ReadValue } from "./protocol.js";

/**
 * The thread that runs a person's code, so that an endless loop or a crash in
 * it cannot take convcheck down: the main thread can always stop this one.
 */

const TYPESCRIPT = /\.(ts|mts|cts|tsx)$/i;

/** Load .js (ES module or CommonJS), .mjs, .cjs directly and TypeScript through tsx. */
async function load(file: string): Promise<Record<string, unknown>> {
  const url = pathToFileURL(resolve(file)).href;
  if (TYPESCRIPT.test(file)) {
    const { tsImport } = await import("tsx/esm/api");
    return tsImport(url, import.meta.url);
  }
  return import(url);
}

function transferables(reply: CallReply): ArrayBuffer[] {
  if (!reply.ok) return [];
  const value = reply.value as Record<string, unknown>;
  const values = (typeof value.ok === "boolean" ? [value] : Object.values(value)) as ReadValue[];
  const buffers: ArrayBuffer[] = [];
  for (const v of values) if (v.ok) buffers.push(v.data.buffer as ArrayBuffer);
  return buffers;
}

async function main(): Promise<void> {
  const port = parentPort;
  if (!port) return;
  const file = (workerData as { file: string }).file;
  let module: PersonModule;
  try {
    module = pickFunctions(await load(file));
  } catch (error) {
    const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    // Compilers put the location on the lines after a summary: keep both, on one line.
    const lines = text
      .split("\n")
      .map((l) => l.trim())
      .filter(Boolean);
    const detail = lines.find((l, i) => i > 0 && /error/i.test(l));
    const message = detail ? `${lines[0].replace(/:$/, "")}: ${detail}` : lines[0];
    port.postMessage({ type: "load-error", message });
    return;
  }
  port.on("message", async (message: { id: number; request: CallRequest }) => {
    const reply = await invoke(module, message.request, file);
    port.postMessage({ type: "reply", id: message.id, reply }, transferables(reply));
  });
  port.postMessage({
    type: "ready",
    forward: module.forward !== undefined,
    backward: module.backward !== undefined,
  });
}

await main();
