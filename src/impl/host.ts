import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import type { CallReply, CallRequest } from "./protocol.js";

/** Where the person's code runs; the worker thread in real runs, the same thread in tests. */
export interface Runner {
  readonly file: string;
  /** Which functions the module exports; loads it on first use. */
  exports(): Promise<{ forward: boolean; backward: boolean }>;
  call(request: CallRequest): Promise<CallReply>;
  close(): Promise<void>;
}

/** The ES module entry of tsx's API, read from its package's exports map. */
function tsxApiUrl(from: string): string {
  const manifest = createRequire(from).resolve("tsx/package.json");
  const pkg = JSON.parse(readFileSync(manifest, "utf8")) as {
    exports: Record<string, { import: { default: string } }>;
  };
  return pathToFileURL(join(dirname(manifest), pkg.exports["./esm/api"].import.default)).href;
}

/** A failure of the runner itself (the module does not load), as opposed to one call. */
export class LoadError extends Error {}

interface Pending {
  resolve: (reply: CallReply) => void;
  timer: NodeJS.Timeout;
}

/** Lines of the person's own console output passed on to stderr before the rest is dropped. */
const ECHO_LINES = 20;

/**
 * Runs the person's module in a worker thread with a time limit on every
 * call. A call that runs past the limit stops the thread; the next call
 * starts a fresh one and loads the module again.
 */
export class WorkerRunner implements Runner {
  private worker: Worker | null = null;
  private ready: Promise<{ forward: boolean; backward: boolean }> | null = null;
  private pending = new Map<number, Pending>();
  private nextId = 0;
  private echoed = 0;
  /** A module that failed to load once fails the same way again: not retried. */
  private loadFailure: LoadError | null = null;

  constructor(
    readonly file: string,
    readonly timeoutMs: number,
    private readonly echo: (text: string) => void = (text) => process.stderr.write(text),
  ) {}

  exports(): Promise<{ forward: boolean; backward: boolean }> {
    if (this.loadFailure) return Promise.reject(this.loadFailure);
    if (!this.ready) this.ready = this.start();
    return this.ready;
  }

  private spawn(): Worker {
    const options = { workerData: { file: this.file }, stdout: true, stderr: true };
    const here = import.meta.url;
    if (!here.endsWith(".ts")) return new Worker(new URL("./impl-worker.js", here), options);
    // Running from the TypeScript sources (the test suite): load the worker through tsx.
    const api = tsxApiUrl(here);
    const entry = new URL("./impl-worker.ts", here).href;
    const code = `import(${JSON.stringify(api)}).then((m) => m.tsImport(${JSON.stringify(entry)}, ${JSON.stringify(entry)}))`;
    return new Worker(code, { ...options, eval: true });
  }

  private start(): Promise<{ forward: boolean; backward: boolean }> {
    const worker = this.spawn();
    this.worker = worker;
    worker.unref();
    for (const stream of [worker.stdout, worker.stderr]) stream.on("data", (c) => this.relay(c));
    const loadLimit = Math.max(this.timeoutMs, 10_000);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.stop(worker);
        this.loadFailure = new LoadError(
          `loading did not finish within ${loadLimit} ms (does the module run a loop when imported?)`,
        );
        reject(this.loadFailure);
      }, loadLimit);
      worker.on("message", (message) => {
        if (message?.type === "ready") {
          clearTimeout(timer);
          resolve({ forward: message.forward, backward: message.backward });
        } else if (message?.type === "load-error") {
          clearTimeout(timer);
          this.stop(worker);
          this.loadFailure = new LoadError(message.message);
          reject(this.loadFailure);
        } else if (message?.type === "reply") {
          const entry = this.pending.get(message.id);
          if (!entry) return;
          clearTimeout(entry.timer);
          this.pending.delete(message.id);
          entry.resolve(message.reply);
        }
      });
      const fail = (why: string) => {
        clearTimeout(timer);
        if (this.worker === worker) this.worker = null;
        this.ready = null;
        reject(new LoadError(why));
        for (const [id, entry] of this.pending) {
          clearTimeout(entry.timer);
          this.pending.delete(id);
          entry.resolve({ ok: false, kind: "crash", message: why });
        }
      };
      worker.on("error", (error) => {
        fail(`crashed the worker thread running it: ${error.name}: ${error.message}`);
      });
      worker.on("exit", (code) => {
        if (this.worker === worker) fail(`ended the worker thread running it (exit code ${code})`);
      });
    });
  }

  private relay(chunk: Buffer): void {
    if (this.echoed > ECHO_LINES) return;
    const lines = chunk.toString("utf8").split("\n").filter(Boolean);
    for (const line of lines) {
      this.echoed++;
      if (this.echoed > ECHO_LINES) {
        this.echo("convcheck: (further output of the implementation not shown)\n");
        return;
      }
      this.echo(`  | ${line}\n`);
    }
  }

  private stop(worker: Worker): void {
    if (this.worker === worker) {
      this.worker = null;
      this.ready = null;
    }
    void worker.terminate();
  }

  async call(request: CallRequest): Promise<CallReply> {
    await this.exports();
    const worker = this.worker as Worker;
    const id = this.nextId++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        this.stop(worker);
        resolve({
          ok: false,
          kind: "timeout",
          message: `did not return within ${this.timeoutMs} ms and was stopped (an endless loop? --impl-timeout raises the limit)`,
        });
      }, this.timeoutMs);
      this.pending.set(id, { resolve, timer });
      worker.postMessage({ id, request });
    });
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    this.ready = null;
    if (worker) await worker.terminate();
  }
}
