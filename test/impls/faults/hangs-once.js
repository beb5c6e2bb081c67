// The first call of forward after the module loads never returns; later
// loads of the module (in a fresh worker) behave.
import { existsSync, writeFileSync } from "node:fs";
import { forward as fwd } from "../common.js";

const mark = process.env.CONVCHECK_HANG_MARK;

export function forward(args) {
  if (mark && !existsSync(mark)) {
    writeFileSync(mark, "hung once\n");
    for (;;) {}
  }
  return fwd(args);
}
