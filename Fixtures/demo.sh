#!/usr/bin/env bash
# The main job of airlock on the embedded example (Fixtures/example-layout, a two-platform
# image, and the key pair in keys-example/): check the layout, sign the image with the
# example key, pack it with its signatures into one tarball, carry it "across the air gap"
# (another directory), and unpack it there only after its signatures verify.
set -euo pipefail
AIRLOCK="${1:?usage: demo.sh PATH_TO_AIRLOCK}"
FIXTURES="$(cd "$(dirname "$0")" && pwd)"
KEYS="$FIXTURES/../keys-example"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/airlock-demo.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
# The example key's password (example only, see keys-example/README.md).
export COSIGN_PASSWORD=example-password

step() { printf '\n== %s\n' "$*"; }

"$AIRLOCK" --version
step "layout verify: every blob of the example image re-hashed"
"$AIRLOCK" layout verify "$FIXTURES/example-layout"

step "sign: the image (its index) with the example key, in both formats (cosign 2 .sig and cosign 3 bundle)"
cp -R "$FIXTURES/example-layout" "$WORK/outbound"
"$AIRLOCK" sign --key "$KEYS/cosign.key" "$WORK/outbound:v1"

step "verify: on the sending side"
"$AIRLOCK" verify --key "$KEYS/cosign.pub" "$WORK/outbound:v1"

step "pack: image, signatures and the public key into one deterministic tarball"
"$AIRLOCK" pack --quiet --compression zstd --include-key "$KEYS/cosign.pub" -o "$WORK/carry.tar.zst" "$WORK/outbound:v1"
sha256sum "$WORK/carry.tar.zst" | sed "s|$WORK/||"

step "inspect: what the tarball holds (reads only its small entries)"
"$AIRLOCK" inspect "$WORK/carry.tar.zst" --key "$KEYS/cosign.pub"

step "unpack: on the receiving side, with the receiving side's own copy of the key"
mkdir -p "$WORK/receiving-side"
cp "$KEYS/cosign.pub" "$WORK/receiving-side/trusted.pub"
"$AIRLOCK" unpack --quiet "$WORK/carry.tar.zst" -o "$WORK/receiving-side/layout" --key "$WORK/receiving-side/trusted.pub"
"$AIRLOCK" layout verify "$WORK/receiving-side/layout"
"$AIRLOCK" verify --key "$WORK/receiving-side/trusted.pub" "$WORK/receiving-side/layout:v1"

step "a tarball signed by someone else is refused, and nothing is written"
"$AIRLOCK" generate-key-pair --output-key-prefix "$WORK/stranger" 2>/dev/null
if "$AIRLOCK" unpack --quiet "$WORK/carry.tar.zst" -o "$WORK/receiving-side/other" --key "$WORK/stranger.pub"; then
  echo "demo: the tarball should have been refused" >&2; exit 1
fi
test ! -e "$WORK/receiving-side/other" && echo "refused; $WORK/receiving-side/other was not created" | sed "s|$WORK/||"
step "demo complete"
