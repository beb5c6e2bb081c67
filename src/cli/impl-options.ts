import { Option } from "commander";
import { DEFAULT_IMPL_TIMEOUT_MS } from "./impl.js";
import { positiveInteger } from "./options.js";

/** --impl-timeout, shared by grad and descend. */
export function implTimeoutOption(): Option {
  return new Option("--impl-timeout <ms>", "time limit for one call of your forward or backward")
    .argParser(positiveInteger)
    .default(DEFAULT_IMPL_TIMEOUT_MS);
}
