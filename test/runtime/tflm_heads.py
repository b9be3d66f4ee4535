"""Prints TFLM's arena head for each model file given: one JSON line per file.

Run with a Python that has the `tflite-micro` package (TFLM's interpreter, reference kernels):
  python tflm_heads.py a.tflite b.tflite
Each line: {"file": ..., "head": bytes, "tail": bytes} or {"file": ..., "error": "..."}.
The head is what the recording allocator prints as "Arena allocation head".
"""
import json
import os
import re
import sys
import tempfile


def measure(path, arena_size):
    from tflite_micro.python.tflite_micro import runtime

    # print_allocations() writes through the C runtime's stderr: capture file descriptor 2.
    with tempfile.TemporaryFile(mode="w+b") as tmp:
        sys.stderr.flush()
        saved = os.dup(2)
        os.dup2(tmp.fileno(), 2)
        try:
            interpreter = runtime.Interpreter.from_file(path, arena_size=arena_size)
            interpreter.print_allocations()
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
        tmp.seek(0)
        text = tmp.read().decode("utf-8", "replace")
    head = re.search(r"Arena allocation head (\d+) bytes", text)
    tail = re.search(r"Arena allocation tail (\d+) bytes", text)
    if not head or not tail:
        raise RuntimeError("no allocation figures printed")
    return {"head": int(head.group(1)), "tail": int(tail.group(1))}


def main():
    arena = int(os.environ.get("TFLM_ARENA_SIZE", str(64 * 1024 * 1024)))
    for path in sys.argv[1:]:
        try:
            out = {"file": path, **measure(path, arena)}
        except Exception as e:  # the runtime refuses the model: report it, go on
            out = {"file": path, "error": str(e).strip().splitlines()[-1] if str(e).strip() else type(e).__name__}
        print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
