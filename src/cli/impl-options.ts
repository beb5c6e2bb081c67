import { Option } from "commander";
import { DEFAULT_IMPL_TIMEOUT_MS } from "./impl.js";
import { integerUpTo } from "./options.js";

/** --impl-timeout, shared by grad and descend. */
export function implTimeoutOption(): Option {
  return (
    new Option("--impl-timeout <ms>", "time limit for one call of your forward or backward")
      // Node.js timers hold at most 2^31 - 1 ms (about 24.8 days).
      .argParser(integerUpTo(2 ** 31 - 1, "ms"))
      .default(DEFAULT_IMPL_TIMEOUT_MS)
  );
}
