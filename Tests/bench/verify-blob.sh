#!/usr/bin/env bash
# CPU cost of `airlock verify-blob` (keyless, offline): the median CPU time (user + system) of
# one invocation on a public-good conformance bundle (../shared present) or a test-kit bundle,
# and of 1,000 test-kit bundles verified in one invocation (--batch). Beside it, when
# `pip install sigstore` works, the Python reference client verifying the same bundle offline
# with the same trusted root, measured in this run, and the ratio (target: >= 20x less CPU).
# Env: AIRLOCK (release binary), SHARED (default ../shared), RUNS (default 20), COUNT (1000),
# PYTHON_SIGSTORE (an existing python with `sigstore` installed, to skip the venv).
set -euo pipefail
: "${AIRLOCK:?set AIRLOCK to the airlock binary (release build)}"
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
SHARED="${SHARED:-$ROOT/../shared}"
RUNS="${RUNS:-20}"; COUNT="${COUNT:-1000}"
WORK=$(mktemp -d /tmp/airlock-bench-verify.XXXXXX); trap 'rm -rf "$WORK"' EXIT

# cpu_median RUNS CMD...: median CPU seconds (children's user + system) of RUNS runs; each must succeed.
cpu_median() {
  python3 - "$@" <<'PY'
import resource, statistics, subprocess, sys
runs, command = int(sys.argv[1]), sys.argv[2:]
samples = []
for _ in range(runs):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    samples.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
print(f"{statistics.median(samples):.4f}")
PY
}
ms() { awk -v s="$1" 'BEGIN { printf "%.1f", s * 1000 }'; }

# 1,000 bundles of a private Sigstore (the test kit), with their trusted root. KitBundles is
# part of the release build (a no-op after `make release`, on which `make bench` depends).
make -C "$ROOT" -s --no-print-directory release >/dev/null
read -r KIT_ID KIT_ISSUER < <("$ROOT/.build/release/KitBundles" "$WORK/kit" "$COUNT")

# The single bundle: a public-good one when the conformance data is there.
CASE="$SHARED/conformance/assets/bundle-verify/happy-path-v0.3"
if [ -f "$CASE/bundle.sigstore.json" ]; then
  BUNDLE="$CASE/bundle.sigstore.json"; ARTIFACT="$SHARED/conformance/assets/bundle-verify/a.txt"
  TRUSTED_ROOT="$SHARED/conformance/production_trusted_root.json"; WHAT="conformance happy-path-v0.3 (public-good Rekor v1)"
  ID="https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main"
  ISSUER="https://token.actions.githubusercontent.com"
else
  BUNDLE="$WORK/kit/bundles/artifact-00000.sigstore.json"; ARTIFACT="$WORK/kit/bundles/artifact-00000"
  TRUSTED_ROOT="$WORK/kit/trusted_root.json"; WHAT="test-kit bundle (Rekor v1)"; ID="$KIT_ID"; ISSUER="$KIT_ISSUER"
fi

echo "verify-blob, keyless, offline; $(nproc) cores; median CPU (user+sys) of $RUNS runs"
start=$(cpu_median "$RUNS" "$AIRLOCK" --version)
printf '%-58s %8s ms\n' "airlock process start (--version)" "$(ms "$start")"
ours=$(cpu_median "$RUNS" "$AIRLOCK" verify-blob --certificate-identity "$ID" --certificate-oidc-issuer "$ISSUER" \
  --trusted-root "$TRUSTED_ROOT" --bundle "$BUNDLE" "$ARTIFACT")
printf '%-58s %8s ms\n' "airlock verify-blob, one $WHAT" "$(ms "$ours")"
batch=$(cpu_median 3 "$AIRLOCK" verify-blob --certificate-identity "$KIT_ID" --certificate-oidc-issuer "$KIT_ISSUER" \
  --trusted-root "$WORK/kit/trusted_root.json" --batch "$WORK/kit/list")
printf '%-58s %8s ms (%s ms per bundle)\n' "airlock verify-blob --batch, $COUNT test-kit bundles" "$(ms "$batch")" \
  "$(awk -v s="$batch" -v n="$COUNT" 'BEGIN { printf "%.2f", s * 1000 / n }')"

# The Python reference client on the same bundle and trusted root.
if ! PY=$(bash "$ROOT/Tests/interop/support/sigstore-python.sh" 2>"$WORK/python-unavailable"); then
  echo "Python reference client: unavailable ($(cat "$WORK/python-unavailable")); airlock figures alone"
  exit 0
fi
python3 "$ROOT/Tests/interop/support/sigstore_trust_config.py" "$TRUSTED_ROOT" "$WORK/trust_config.json"
python_command=("$PY" -m sigstore --trust-config "$WORK/trust_config.json" verify identity --offline --bundle "$BUNDLE" \
  --cert-identity "$ID" --cert-oidc-issuer "$ISSUER" "$ARTIFACT")
if ! "${python_command[@]}" >/dev/null 2>&1; then
  echo "Python reference client $("$PY" -m sigstore --version 2>&1): could not verify the bundle offline; airlock figures alone"
  exit 0
fi
theirs=$(cpu_median 5 "${python_command[@]}")
printf '%-58s %8s ms\n' "python sigstore $("$PY" -m sigstore --version 2>&1 | awk '{print $NF}') verify identity --offline, same bundle" "$(ms "$theirs")"
printf '%-58s %8s x less CPU per invocation (target >= 20)\n' "ratio python / airlock" "$(awk -v a="$ours" -v p="$theirs" 'BEGIN { printf "%.1f", p / a }')"
printf '%-58s %8s x less CPU per bundle\n' "ratio python / airlock --batch" "$(awk -v b="$batch" -v n="$COUNT" -v p="$theirs" 'BEGIN { printf "%.0f", p / (b / n) }')"
