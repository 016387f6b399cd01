#!/usr/bin/env bash
# Prints the path of a python that runs sigstore-python 4.x (the Python reference client):
# $PYTHON_SIGSTORE when set, else a venv made on first use in .build/sigstore-python with
# `pip install 'sigstore>=4,<5'`. Exits 1, the reason on stderr, when none can be had (no
# python3-venv, PyPI unreachable, or `python -m sigstore --version` fails).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
VENV="$ROOT/.build/sigstore-python"
PY="${PYTHON_SIGSTORE:-}"
if [ -z "$PY" ]; then
  if [ ! -e "$VENV/.ready" ]; then
    rm -rf "$VENV"
    python3 -m venv "$VENV" >/dev/null 2>&1 || { echo "python3 -m venv failed (python3-venv missing?)" >&2; exit 1; }
    timeout 180 "$VENV/bin/pip" install -q --disable-pip-version-check --retries 1 --timeout 20 'sigstore>=4,<5' >/dev/null 2>&1 \
      || { rm -rf "$VENV"; echo "pip install sigstore failed (PyPI unreachable?)" >&2; exit 1; }
    touch "$VENV/.ready"
  fi
  PY="$VENV/bin/python"
fi
version=$("$PY" -m sigstore --version 2>&1) || { echo "$PY -m sigstore --version failed" >&2; exit 1; }
[[ "$version" == "sigstore 4."* ]] || { echo "$PY runs $version, not sigstore 4.x" >&2; exit 1; }
echo "$PY"
