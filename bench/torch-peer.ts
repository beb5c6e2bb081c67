import { spawnSync } from "node:child_process";
import { join } from "node:path";
import type { BenchCase } from "./cases.js";

export interface TorchTimes {
  forwardMs: number;
  gradcheckMs: number | null;
}

/** The first Python that can import torch, or null: the benchmark never needs it. */
export function findTorch(): string | null {
  for (const python of ["python3", "/usr/bin/python3"]) {
    const probe = spawnSync(python, ["-c", "import torch"], { encoding: "utf8" });
    if (probe.status === 0) return python;
  }
  return null;
}

export function torchVersion(python: string): string {
  const probe = spawnSync(python, ["-c", "import torch; print(torch.__version__)"], {
    encoding: "utf8",
  });
  return probe.stdout.trim();
}

/** PyTorch float64 on one thread, in its own process, on the same fixture files. */
export function torchTimes(
  python: string,
  jobs: Array<{ c: BenchCase; file: string; gradcheck: boolean }>,
): Map<string, TorchTimes> {
  const request = jobs.map(({ c, file, gradcheck }) => ({
    file,
    stride: c.stride,
    padding: c.padding,
    dilation: c.dilation,
    gradcheck,
  }));
  const run = spawnSync(python, [join(import.meta.dirname, "torch_peer.py")], {
    input: JSON.stringify(request),
    encoding: "utf8",
    maxBuffer: 1 << 24,
  });
  if (run.status !== 0) throw new Error(`the PyTorch peer failed: ${run.stderr.trim()}`);
  const times = new Map<string, TorchTimes>();
  for (const line of run.stdout.trim().split("\n")) {
    const found = JSON.parse(line) as TorchTimes & { file: string };
    times.set(found.file, { forwardMs: found.forwardMs, gradcheckMs: found.gradcheckMs });
  }
  return times;
}
