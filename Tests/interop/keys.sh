#!/usr/bin/env bash
# Key-file interop: airlock against our independent Python oracle (cosign_oracle.py) and, when
# they can run, the shared oracles (check-key.sh: a second Python decrypter and a Go one).
# Env: AIRLOCK (binary), PYTHON (python with cryptography + pynacl), SHARED (optional).
set -uo pipefail
: "${AIRLOCK:?set AIRLOCK to the airlock binary}" "${PYTHON:?set PYTHON to the venv python}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ORACLE=("$PYTHON" "$HERE/support/cosign_oracle.py")
T=$(mktemp -d /tmp/airlock-keys.XXXXXX); trap 'rm -rf "$T"' EXIT
source "$HERE/support/harness.sh"
check() { local what="$1"; shift; if "$@"; then ok "$what"; else bad "$what"; fi; }
quiet() { "$@" >/dev/null; }

PW=interop-password
printf '%s' "$PW" > "$T/pw"
printf 'wrong-%s' "$PW" > "$T/wrong"
unset COSIGN_PASSWORD AIRLOCK_IMPORT_PASSWORD

# 1. airlock writes, the oracle reads: same public key, byte for byte.
"$AIRLOCK" generate-key-pair --output-key-prefix "$T/airlock" --password-file "$T/pw" 2>/dev/null
check "airlock key: oracle derives airlock's .pub (byte-identical PEM)" \
  cmp -s <("${ORACLE[@]}" pubkey --password-file "$T/pw" "$T/airlock.key") "$T/airlock.pub"
"${ORACLE[@]}" pubkey --password-file "$T/wrong" "$T/airlock.key" >/dev/null 2>&1
check "airlock key: oracle refuses a wrong password (exit 1)" test $? -eq 1

# 2. the oracle writes, airlock reads: each PEM label × each allowed scrypt N, then other key types.
for label in sigstore cosign; do
  for n in 32768 65536 131072; do
    p="$T/oracle-$label-$n"
    "${ORACLE[@]}" generate --out "$p" --label "$label" --scrypt-n "$n" --password-file "$T/pw"
    check "oracle key ($label label, N=$n): airlock derives the oracle's .pub" \
      cmp -s <("$AIRLOCK" public-key --key "$p.key" --password-file "$T/pw") "$p.pub"
  done
done
for algo in rsa-2048 ed25519; do
  p="$T/oracle-$algo"
  "${ORACLE[@]}" generate --out "$p" --algo "$algo" --password-file "$T/pw"
  check "oracle $algo key: airlock derives the oracle's .pub" \
    cmp -s <("$AIRLOCK" public-key --key "$p.key" --password-file "$T/pw") "$p.pub"
done

# 3. wrong password: refused by airlock with one line naming it, nothing printed on stdout.
out=$("$AIRLOCK" public-key --key "$T/oracle-sigstore-65536.key" --password-file "$T/wrong" 2>"$T/err"); status=$?
check "airlock refuses a wrong password (exit 2, one line, \"wrong password\")" \
  test "$status" -eq 2 -a -z "$out" -a "$(wc -l < "$T/err")" -eq 1 -a -n "$(grep 'wrong password' "$T/err")"

# 4. the oracle's signatures and DSSE checks, on an airlock key (the signature helpers rely on them).
printf 'payload bytes\n' > "$T/payload"
sig=$("${ORACLE[@]}" sign --password-file "$T/pw" --payload "$T/payload" "$T/airlock.key")
check "oracle signs with an airlock key and verifies" \
  quiet "${ORACLE[@]}" verify --pub "$T/airlock.pub" --payload "$T/payload" --sig "$sig"
printf 'payload bytes!\n' > "$T/payload2"
! "${ORACLE[@]}" verify --pub "$T/airlock.pub" --payload "$T/payload2" --sig "$sig" >/dev/null 2>&1
check "oracle rejects the signature over other bytes" test $? -eq 0
printf '{}' > "$T/empty-object"
check "oracle PAE matches FORMATS.md §6.2 example" \
  cmp -s <("${ORACLE[@]}" pae application/vnd.in-toto+json "$T/empty-object") \
         <(printf 'DSSEv1 28 application/vnd.in-toto+json 2 {}')
"${ORACLE[@]}" pae application/vnd.in-toto+json "$T/payload" > "$T/pae"
dsse_sig=$("${ORACLE[@]}" sign --password-file "$T/pw" --payload "$T/pae" "$T/airlock.key")
printf '{"payloadType":"application/vnd.in-toto+json","payload":"%s","signatures":[{"keyid":"","sig":"%s"}]}' \
  "$(base64 -w0 < "$T/payload")" "$dsse_sig" > "$T/envelope.json"
check "oracle verifies a DSSE envelope over its PAE" \
  quiet "${ORACLE[@]}" verify-dsse --pub "$T/airlock.pub" --envelope "$T/envelope.json"
sed 's/"payload":"[^"]*"/"payload":"e30="/' "$T/envelope.json" > "$T/tampered.json"
! "${ORACLE[@]}" verify-dsse --pub "$T/airlock.pub" --envelope "$T/tampered.json" >/dev/null 2>&1
check "oracle rejects a DSSE envelope whose payload changed" test $? -eq 0

# 5. the shared oracles (Python + Go), when present and buildable.
if [ -n "${SHARED:-}" ] && [ -x "$SHARED/oracles/check-key.sh" ]; then
  go_oracle
  if [ -x "$GO_ORACLE" ]; then
    if PY="$PYTHON" GO_ORACLE="$GO_ORACLE" bash "$SHARED/oracles/check-key.sh" \
        "$T/airlock.key" "$T/airlock.pub" "$T/pw" > "$T/check-key.log" 2>&1; then
      ok "shared check-key.sh on an airlock key ($(tail -1 "$T/check-key.log"))"
    else
      bad "shared check-key.sh on an airlock key:"; sed 's/^/    /' "$T/check-key.log"
    fi
  else
    skip "shared check-key.sh: the Go oracle cannot be built here (needs golang-go)"
  fi
else
  skip "shared check-key.sh: \$SHARED/oracles is absent"
fi

summary keys
