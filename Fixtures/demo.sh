#!/usr/bin/env bash
# The main job of airlock on the embedded example: Fixtures/example-layout and keys-example/.
set -euo pipefail
AIRLOCK="${1:?usage: demo.sh PATH_TO_AIRLOCK}"
"$AIRLOCK" --version
