import type { Runner } from "./host.js";
import { invoke, type PersonModule, pickFunctions } from "./invoke.js";
import type { CallReply, CallRequest } from "./protocol.js";

/**
 * Runs a module's functions on the calling thread, with the same argument
 * building and reply reading as the worker but no time limit. For code that
 * is trusted to return (convcheck's own tests); people's code goes through
 * WorkerRunner.
 */
export class LocalRunner implements Runner {
  private readonly module: PersonModule;

  constructor(
    readonly file: string,
    namespace: Record<string, unknown>,
  ) {
    this.module = pickFunctions(namespace);
  }

  async exports() {
    return {
      forward: this.module.forward !== undefined,
      backward: this.module.backward !== undefined,
    };
  }

  call(request: CallRequest): Promise<CallReply> {
    return invoke(this.module, request, this.file);
  }

  async close(): Promise<void> {}
}
