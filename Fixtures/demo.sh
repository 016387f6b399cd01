#!/usr/bin/env bash
# The main job of airlock on the embedded example: Fixtures/example-layout and keys-example/.
set -euo pipefail
AIRLOCK="${1:?usage: demo.sh PATH_TO_AIRLOCK}"
FIXTURES="$(cd "$(dirname "$0")" && pwd)"
"$AIRLOCK" --version
echo "== layout verify: every blob of the example image re-hashed"
"$AIRLOCK" layout verify "$FIXTURES/example-layout"
