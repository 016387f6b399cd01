#!/usr/bin/env bash
# Keyless verification interop: airlock verify-blob and the Python reference client
# (sigstore-python 4.x, `verify identity --offline`) on the cases KitCases writes from a
# private Sigstore (SigstoreTestKit): positives both must verify, negatives of one defect each
# both must reject (airlock with exit status 1, not 2). A case on which sigstore-python is known
# to differ from sigstore-go (which airlock follows) is checked by airlock alone, with a NOTE.
# Without sigstore-python (support/sigstore-python.sh cannot install it) its side is skipped.
# Env: AIRLOCK (binary), PYTHON_SIGSTORE (optional: a python with sigstore 4.x installed).
set -euo pipefail
: "${AIRLOCK:?set AIRLOCK to the airlock binary}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
T=$(mktemp -d /tmp/airlock-keyless.XXXXXX); trap 'rm -rf "$T"' EXIT
source "$HERE/support/harness.sh"

# The reason airlock gave: its last stderr line without the common prefix.
airlock_reason() { tail -1 "$1" | sed 's/^airlock: error: verification failed: //' | cut -c1-160; }
# The reason sigstore-python gave: its first message line but the FAIL line and the preamble
# of a bundle it could not load, without log decorations.
python_reason() {
  sed -E 's/^\[[0-9:]+\] +//; s/^ *(ERROR|WARNING) +//; s/ +[A-Za-z_]+\.py:[0-9]+ *$//; s/^ +//; s/ +$//' "$1" \
    | grep -v -e '^$' -e '^FAIL: ' -e '^An issue occurred' -e '^The provided bundle is malformed' -e '^Additional context:' \
    | head -1 | cut -c1-160
}
verdict() { if [ "$1" -eq 0 ]; then echo ok; else echo fail; fi; }

(cd "$ROOT" && swift build --product KitCases >/dev/null)
"$ROOT/.build/debug/KitCases" "$T/cases"

if PY=$(bash "$HERE/support/sigstore-python.sh" 2>"$T/python-unavailable"); then
  echo "sigstore-python: $("$PY" -m sigstore --version)"
else
  PY=""
fi

while read -r name expected identity issuer flags note; do
  dir="$T/cases/$name"
  [ -e "$dir/trusted_root.json" ] && root_dir="$dir" || root_dir="$T/cases"
  extra=()
  [ "$flags" = - ] || IFS=, read -r -a extra <<< "$flags"

  status=0
  "$AIRLOCK" verify-blob "${extra[@]}" --certificate-identity "$identity" --certificate-oidc-issuer "$issuer" \
    --trusted-root "$root_dir/trusted_root.json" --bundle "$dir/bundle.sigstore.json" "$dir/artifact" \
    >"$T/airlock.out" 2>"$T/airlock.err" || status=$?
  if [ "$expected" = ok ]; then want=0; else want=1; fi
  if [ "$status" -ne "$want" ]; then
    bad "airlock $name: exit $status, expected $want ($(airlock_reason "$T/airlock.err"))"
  elif [ "$status" -eq 0 ]; then
    ok "airlock $name: verified"
  else
    ok "airlock $name: rejected ($(airlock_reason "$T/airlock.err"))"
  fi

  if [ -z "$PY" ]; then
    skip "python-sigstore $name: $(cat "$T/python-unavailable")"
    continue
  fi
  [ -e "$root_dir/trust_config.json" ] \
    || python3 "$HERE/support/sigstore_trust_config.py" "$root_dir/trusted_root.json" "$root_dir/trust_config.json"
  status=0
  COLUMNS=400 "$PY" -m sigstore --trust-config "$root_dir/trust_config.json" verify identity --offline \
    --bundle "$dir/bundle.sigstore.json" --cert-identity "$identity" --cert-oidc-issuer "$issuer" "$dir/artifact" \
    >"$T/python.out" 2>&1 || status=$?
  said=$(verdict "$status")
  if [ -n "$note" ]; then
    echo "NOTE $name is checked by airlock only; python-sigstore says $said, expected $expected: ${note#airlock-only: }"
  elif [ "$said" = "$expected" ]; then
    ok "python-sigstore $name: $([ "$said" = ok ] && echo verified || echo "rejected ($(python_reason "$T/python.out"))")"
  else
    bad "python-sigstore $name: exit $status, expected $expected ($(python_reason "$T/python.out"))"
  fi
done < "$T/cases/manifest"

summary keyless
