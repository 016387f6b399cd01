#!/usr/bin/env bash
# Decrypting a cosign key (scrypt N=65536): `airlock public-key` against `openssl kdf SCRYPT`
# alone with the same parameters, measured in the same run. A ratio near 1 means the command
# costs one scrypt and little else (airlock runs scrypt once per command).
# Env: AIRLOCK (release binary).
set -euo pipefail
: "${AIRLOCK:?set AIRLOCK to the airlock binary}"
T=$(mktemp -d /tmp/airlock-bench-keys.XXXXXX); trap 'rm -rf "$T"' EXIT
RUNS=${RUNS:-10}
export COSIGN_PASSWORD=bench-password
"$AIRLOCK" generate-key-pair --output-key-prefix "$T/k" 2>/dev/null

elapsed_ms() {  # average wall time of RUNS runs of "$@", in ms
  local start end
  start=$(date +%s%N)
  for _ in $(seq "$RUNS"); do "$@" >/dev/null 2>&1; done
  end=$(date +%s%N)
  echo $(( (end - start) / RUNS / 1000000 ))
}

ours=$(elapsed_ms "$AIRLOCK" public-key --key "$T/k.key")
peer=$(elapsed_ms openssl kdf -keylen 32 -kdfopt pass:bench-password -kdfopt hexsalt:$(printf '%064d' 0) \
  -kdfopt n:65536 -kdfopt r:8 -kdfopt p:1 SCRYPT)
echo "key decrypt (N=65536): airlock public-key ${ours} ms, openssl kdf SCRYPT ${peer} ms, ratio $(awk "BEGIN { printf \"%.2f\", $ours / $peer }")"
