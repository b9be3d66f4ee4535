#!/usr/bin/env bash
# Sets up .venv (in the repository, git-ignored) with TensorFlow Lite Micro's Python interpreter, the
# runtime the tests run arenapack's plans in (test/runtime/tflm.test.ts, npm run bench -- tflm).
# Needs python3 (3.10-3.12: the tflite-micro wheels are per Python version, manylinux x86-64) with
# venv, and PyPI. Idempotent: does nothing when .venv already has the pinned versions.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-python3}"
REQS=(tflite-micro==0.dev20261023182759 numpy==2.4.6)
if [ -x .venv/bin/python ] && .venv/bin/python - "${REQS[@]}" <<'PYEOF' 2>/dev/null
import sys
from importlib.metadata import version
for req in sys.argv[1:]:
    name, want = req.split("==")
    if version(name) != want:
        sys.exit(1)
from tflite_micro.python.tflite_micro import runtime  # noqa: F401 (the extension loads)
PYEOF
then
  exit 0
fi
"$PY" -m venv .venv
.venv/bin/pip install --disable-pip-version-check --quiet "${REQS[@]}"
.venv/bin/python -c "from tflite_micro.python.tflite_micro import runtime; print('tflite-micro ready in .venv')"
