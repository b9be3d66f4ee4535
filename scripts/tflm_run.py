"""Runs .tflite models in TensorFlow Lite Micro (the `tflite-micro` package: reference kernels) and
prints, per model, one JSON line with what the arena held and what the model computed.

  .venv/bin/python scripts/tflm_run.py [--invokes N] [--seed S] [--arena BYTES] a.tflite b.tflite ...

Each line: {"file", "head", "tail", "outputs": [[sha256 of output k after invoke i, ...] per invoke],
"shapes": [[dims] per output]} or {"file", "error"} when the runtime refuses the model. `head` and
`tail` are what the recording allocator prints ("Arena allocation head/tail"); inputs are seeded
random values over each input's type (the same for every file given the same seed), set before
every invoke. Runs every file in this one process (the interpreter's start-up is paid once).
"""
import argparse
import hashlib
import json
import os
import re
import sys
import tempfile


def seeded_input(np, details, seed):
    rng = np.random.default_rng(seed)
    dtype = np.dtype(details["dtype"])
    shape = tuple(int(d) for d in details["shape"])
    if dtype.kind == "f":
        return rng.uniform(-1.0, 1.0, size=shape).astype(dtype)
    if dtype.kind in "iu" and dtype.itemsize >= 4:
        # int32 / int64 inputs are mostly indices or lengths (GATHER, embeddings): keep them small.
        return rng.integers(0, 2, size=shape, dtype=dtype)
    if dtype.kind in "iu":
        info = np.iinfo(dtype)
        return rng.integers(info.min, int(info.max) + 1, size=shape, dtype=dtype)
    if dtype.kind == "b":
        return rng.integers(0, 2, size=shape).astype(dtype)
    raise ValueError(f"input type {dtype} is not supported by this check")


def count(getter):
    n = 0
    while True:
        try:
            getter(n)
        except Exception:
            return n
        n += 1


def run(path, arena, invokes, seed):
    import numpy as np
    from tflite_micro.python.tflite_micro import runtime

    # print_allocations() and TFLM's error log write through the C runtime's stderr: capture fd 2.
    with tempfile.TemporaryFile(mode="w+b") as tmp:
        sys.stderr.flush()
        saved = os.dup(2)
        os.dup2(tmp.fileno(), 2)
        failure = None
        try:
            interpreter = runtime.Interpreter.from_file(path, arena_size=arena)
            n_in = count(interpreter.get_input_details)
            n_out = count(interpreter.get_output_details)
            outputs = []
            for i in range(invokes):
                for k in range(n_in):
                    interpreter.set_input(seeded_input(np, interpreter.get_input_details(k), seed * 1000 + i * 10 + k), k)
                interpreter.invoke()
                outs = [np.ascontiguousarray(interpreter.get_output(k)) for k in range(n_out)]
                outputs.append([hashlib.sha256(o.tobytes()).hexdigest()[:16] for o in outs])
            shapes = [list(int(d) for d in o.shape) for o in outs] if invokes > 0 else []
            interpreter.print_allocations()
        except Exception as e:
            failure = e
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
        tmp.seek(0)
        text = tmp.read().decode("utf-8", "replace")
    if failure is not None:
        log = [l for l in text.splitlines() if l.strip()][-3:]
        raise RuntimeError(" | ".join([str(failure).strip().splitlines()[-1] if str(failure).strip() else type(failure).__name__] + log))
    head = re.search(r"Arena allocation head (\d+) bytes", text)
    tail = re.search(r"Arena allocation tail (\d+) bytes", text)
    if not head or not tail:
        raise RuntimeError("no allocation figures printed")
    return {"head": int(head.group(1)), "tail": int(tail.group(1)), "outputs": outputs, "shapes": shapes}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--invokes", type=int, default=3)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--arena", type=int, default=64 * 1024 * 1024)
    ap.add_argument("files", nargs="*")
    args = ap.parse_args()
    for path in args.files:
        try:
            out = {"file": path, **run(path, args.arena, args.invokes, args.seed)}
        except Exception as e:  # the runtime refuses the model: say so and go on
            out = {"file": path, "error": str(e).strip() or type(e).__name__}
        print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
