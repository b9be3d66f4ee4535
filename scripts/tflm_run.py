"""Runs .tflite models in TensorFlow Lite Micro (the `tflite-micro` package: reference kernels) and
prints, per model, one JSON line with what the arena held and what the model computed.

  .venv/bin/python scripts/tflm_run.py [--invokes N] [--seed S] [--arena BYTES | --arenas A,B,...]
                                       [--bool seeded|true|false] [--together] a.tflite b.tflite ...

Each line: {"file", "head", "tail", "outputs": [[sha256 of output k after invoke i, ...] per invoke],
"shapes": [[dims] per output]} or {"file", "error"} when the runtime refuses the model. `head` and
`tail` are what the recording allocator prints ("Arena allocation head/tail"); inputs are seeded
random values over each input's type (the same for every file given the same seed), set before
every invoke; `--bool true|false` sets every BOOL input to that value instead (e.g. an IF's
condition, to run one branch). Runs every file in this one process (the interpreter's start-up is
paid once). `--arenas`: one arena size per file, in order (else --arena for every file).
`--together`: models run one after another, as models sharing an arena do: every
interpreter is made first (each given --arena bytes: the binding makes each its own arena), then
invoke i runs each model in turn (a, b, a, b, ...); a model's variables keep their state between
its invokes while the others run.
"""
import argparse
import hashlib
import json
import os
import re
import sys
import tempfile


def seeded_input(np, details, seed, bools="seeded"):
    rng = np.random.default_rng(seed)
    dtype = np.dtype(details["dtype"])
    shape = tuple(int(d) for d in details["shape"])
    if dtype.kind == "b" and bools != "seeded":
        return np.full(shape, bools == "true", dtype=dtype)
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


class Model:
    """One model in TFLM: its interpreter, made with its own arena of `arena` bytes."""

    def __init__(self, path, arena):
        from tflite_micro.python.tflite_micro import runtime

        self.path = path
        self.outputs = []
        self.shapes = []
        self.interpreter = captured(lambda: runtime.Interpreter.from_file(path, arena_size=arena))[0]
        self.n_in = captured(lambda: count(self.interpreter.get_input_details))[0]
        self.n_out = captured(lambda: count(self.interpreter.get_output_details))[0]

    def invoke(self, np, i, seed, bools):
        """Invoke i with seeded inputs; keeps the outputs' hashes and shapes."""
        for k in range(self.n_in):
            self.interpreter.set_input(seeded_input(np, self.interpreter.get_input_details(k), seed * 1000 + i * 10 + k, bools), k)
        captured(self.interpreter.invoke)
        outs = [np.ascontiguousarray(self.interpreter.get_output(k)) for k in range(self.n_out)]
        self.outputs.append([hashlib.sha256(o.tobytes()).hexdigest()[:16] for o in outs])
        self.shapes = [list(int(d) for d in o.shape) for o in outs]

    def result(self):
        """The arena's head and tail as the recording allocator prints them, and the outputs."""
        text = captured(self.interpreter.print_allocations)[1]
        head = re.search(r"Arena allocation head (\d+) bytes", text)
        tail = re.search(r"Arena allocation tail (\d+) bytes", text)
        if not head or not tail:
            raise RuntimeError("no allocation figures printed")
        return {"head": int(head.group(1)), "tail": int(tail.group(1)), "outputs": self.outputs, "shapes": self.shapes}


def captured(call):
    """Runs `call` with fd 2 captured (print_allocations() and TFLM's error log write through the C
    runtime's stderr); returns its result and the text. A failure is raised with the log's last lines."""
    with tempfile.TemporaryFile(mode="w+b") as tmp:
        sys.stderr.flush()
        saved = os.dup(2)
        os.dup2(tmp.fileno(), 2)
        failure = None
        result = None
        try:
            result = call()
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
    return result, text


def run(path, arena, invokes, seed, bools):
    import numpy as np

    model = Model(path, arena)
    for i in range(invokes):
        model.invoke(np, i, seed, bools)
    return model.result()


def run_together(paths, arenas, invokes, seed, bools):
    """The models made first (model k with arenas[k] bytes), then invoked in turn; one result per path (an error for each if one fails)."""
    import numpy as np

    try:
        models = [Model(p, a) for p, a in zip(paths, arenas)]
        for i in range(invokes):
            for m in models:
                m.invoke(np, i, seed, bools)
        return [{"file": m.path, **m.result()} for m in models]
    except Exception as e:
        return [{"file": p, "error": str(e).strip() or type(e).__name__} for p in paths]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--invokes", type=int, default=3)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--arena", type=int, default=64 * 1024 * 1024)
    ap.add_argument("--arenas", type=lambda v: [int(x) for x in v.split(",")])
    ap.add_argument("--bool", choices=["seeded", "true", "false"], default="seeded")
    ap.add_argument("--together", action="store_true")
    ap.add_argument("files", nargs="*")
    args = ap.parse_args()
    arenas = args.arenas if args.arenas is not None else [args.arena] * len(args.files)
    if len(arenas) != len(args.files):
        ap.error(f"--arenas gives {len(arenas)} sizes for {len(args.files)} files")
    if args.together:
        for out in run_together(args.files, arenas, args.invokes, args.seed, args.bool):
            print(json.dumps(out), flush=True)
        return
    for path, arena in zip(args.files, arenas):
        try:
            out = {"file": path, **run(path, arena, args.invokes, args.seed, args.bool)}
        except Exception as e:  # the runtime refuses the model: say so and go on
            out = {"file": path, "error": str(e).strip() or type(e).__name__}
        print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
