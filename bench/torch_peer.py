"""PyTorch peer for convcheck's benchmark: float64 on one thread.

Reads a JSON list of {file, stride, padding, dilation, gradcheck} on stdin,
loads each fixture file (the same values convcheck checks) and prints one
JSON object per case: the median forward time, and with "gradcheck" the
time of torch.autograd.gradcheck on E = 1/2 sum (conv2d(x, w, b) - T)^2
with respect to x, w and b (every element perturbed, as gradcheck does).
"""
import json
import statistics
import sys
import time

import torch

torch.set_num_threads(1)


def tensor(values):
    return torch.tensor(values, dtype=torch.float64)


def as_nchw(x, rank):
    while x.dim() < 4:
        x = x.unsqueeze(0)
    return x


def median_ms(fn, runs=41, warmup_s=0.2):
    # Untimed calls for at least warmup_s first, as convcheck's own passes get.
    until = time.perf_counter() + warmup_s
    calls = 0
    while calls < 5 or time.perf_counter() < until:
        fn()
        calls += 1
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1e3)
    return statistics.median(times)


def main():
    cases = json.load(sys.stdin)
    for case in cases:
        with open(case["file"]) as f:
            doc = json.load(f)
        x = as_nchw(tensor(doc["input"]), 4)
        w = as_nchw(tensor(doc["filter"]), 4)
        b = tensor(doc["bias"]) if "bias" in doc else None
        t = tensor(doc["target"]).reshape(-1)
        s, p, d = case["stride"], case["padding"], case["dilation"]

        def conv(x, w, b):
            return torch.nn.functional.conv2d(x, w, b, s, p, d)

        with torch.no_grad():
            forward_ms = median_ms(lambda: conv(x, w, b))
        result = {"file": case["file"], "forwardMs": forward_ms, "gradcheckMs": None}
        if case["gradcheck"]:
            inputs = [x.clone().requires_grad_(), w.clone().requires_grad_()]
            if b is not None:
                inputs.append(b.clone().requires_grad_())

            def loss(*args):
                out = conv(args[0], args[1], args[2] if len(args) > 2 else None)
                return 0.5 * ((out.reshape(-1) - t) ** 2).sum()

            start = time.perf_counter()
            # Timed for its cost; its verdict with default tolerances is not the point here.
            torch.autograd.gradcheck(loss, tuple(inputs), raise_exception=False)
            result["gradcheckMs"] = (time.perf_counter() - start) * 1e3
        print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
