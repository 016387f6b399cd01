#!/usr/bin/env bash
# Tarball interop: airlock's tarballs read by skopeo (oci-archive:) and umoci, and skopeo's
# oci-archive tarballs read by airlock. Skips cleanly when skopeo/umoci are absent (`make
# test-tools` installs them).
# Env: AIRLOCK (binary), SHARED (unused here; for symmetry with the other scripts).
set -uo pipefail
: "${AIRLOCK:?set AIRLOCK to the airlock binary}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
EXAMPLE="$ROOT/Fixtures/example-layout"
T=$(mktemp -d /tmp/airlock-transfer.XXXXXX); trap 'rm -rf "$T"' EXIT
source "$HERE/support/harness.sh"
check() { local what="$1"; shift; if "$@" > "$T/last.log" 2>&1; then ok "$what"; else bad "$what"; sed 's/^/    /' "$T/last.log" | tail -5; fi; }

HAVE_SKOPEO=0; HAVE_UMOCI=0
command -v skopeo > /dev/null && HAVE_SKOPEO=1
command -v umoci > /dev/null && HAVE_UMOCI=1
if [ "$HAVE_SKOPEO" = 0 ] && [ "$HAVE_UMOCI" = 0 ]; then
  echo "transfer interop: skipped (neither skopeo nor umoci is installed; make test-tools installs them)"
  exit 0
fi
POLICY="$T/policy.json"
echo '{"default":[{"type":"insecureAcceptAnything"}]}' > "$POLICY"
sk() { skopeo --policy "$POLICY" "$@"; }
index_digest() { sk inspect --raw "$1" | sha256sum | cut -d' ' -f1; }

# Adds to layout $1 a cosign-style signature image for the manifest tagged $2 (tag
# sha256-<hex>.sig) and a Sigstore bundle referrer stored only as a blob (as cosign save does).
sign_layout() {
  python3 - "$1" "$2" <<'PY'
import hashlib, json, os, sys
root, tag = sys.argv[1], sys.argv[2]
def put(data):
    digest = hashlib.sha256(data).hexdigest()
    with open(os.path.join(root, "blobs", "sha256", digest), "wb") as f:
        f.write(data)
    return {"digest": "sha256:" + digest, "size": len(data)}
index = json.load(open(os.path.join(root, "index.json")))
image = next(m for m in index["manifests"] if m.get("annotations", {}).get("org.opencontainers.image.ref.name") == tag)
subject = {"mediaType": image["mediaType"], "digest": image["digest"], "size": image["size"]}
payload = json.dumps({"critical": {"image": {"docker-manifest-digest": image["digest"]}, "type": "cosign container image signature"}}).encode()
config = dict(put(b'{"architecture":"","os":"","rootfs":{"type":"layers","diff_ids":[]},"config":{}}'), mediaType="application/vnd.oci.image.config.v1+json")
layer = dict(put(payload), mediaType="application/vnd.dev.cosign.simplesigning.v1+json", annotations={"dev.cosignproject.cosign/signature": "MEUC"})
sig = put(json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json", "config": config, "layers": [layer]}).encode())
index["manifests"].append(dict(sig, mediaType="application/vnd.oci.image.manifest.v1+json",
    annotations={"org.opencontainers.image.ref.name": image["digest"].replace(":", "-") + ".sig"}))
bundle = dict(put(b'{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json"}'), mediaType="application/vnd.dev.sigstore.bundle.v0.3+json")
empty = dict(put(b"{}"), mediaType="application/vnd.oci.empty.v1+json")
put(json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json", "artifactType": bundle["mediaType"],
    "config": empty, "layers": [bundle], "subject": subject}).encode())
json.dump(index, open(os.path.join(root, "index.json"), "w"))
PY
}

# The example image: a two-platform index tagged v1. A single-platform copy for umoci, which
# does not pick a platform out of an index.
"$AIRLOCK" pack --quiet -o "$T/multi.tar" "$EXAMPLE:v1"

if [ "$HAVE_SKOPEO" = 1 ]; then
  MULTI=$(index_digest "oci:$EXAMPLE:v1")
  check "skopeo copy --all oci-archive:(airlock tarball) oci:DIR" sk copy -q --all "oci-archive:$T/multi.tar:v1" "oci:$T/from-airlock:v1"
  check "skopeo keeps the index digest of the airlock tarball" test "$(index_digest "oci:$T/from-airlock:v1")" = "$MULTI"
  check "skopeo inspect oci-archive:(airlock tarball) lists linux/arm64" \
    sh -c "skopeo --policy '$POLICY' inspect --raw 'oci-archive:$T/multi.tar:v1' | grep -q arm64"
  mkdir -p "$T/extracted"
  tar -C "$T/extracted" -xf "$T/multi.tar"
  check "tar -x of the airlock tarball is a layout skopeo reads" sk inspect --raw "oci:$T/extracted:v1"

  check "skopeo copy --all oci: oci-archive: (skopeo writes a tarball)" sk copy -q --all "oci:$EXAMPLE:v1" "oci-archive:$T/by-skopeo.tar:v1"
  check "airlock unpack reads skopeo's oci-archive" "$AIRLOCK" unpack --quiet "$T/by-skopeo.tar" -o "$T/from-skopeo"
  check "airlock layout verify on the unpacked skopeo tarball" "$AIRLOCK" layout verify "$T/from-skopeo"
  check "the unpacked skopeo tarball keeps the index digest" test "$(index_digest "oci:$T/from-skopeo:v1")" = "$MULTI"
  check "airlock pack takes skopeo's oci-archive as a source" "$AIRLOCK" pack --quiet -o "$T/repacked.tar" "$T/by-skopeo.tar:v1"
  check "airlock inspect of the repack shows both platforms" sh -c "'$AIRLOCK' inspect '$T/repacked.tar' | grep -q 'linux/arm64'"
else
  skip "skopeo checks: skopeo is not installed"
fi

if [ "$HAVE_UMOCI" = 1 ] && [ "$HAVE_SKOPEO" = 1 ]; then
  sk copy -q --override-arch amd64 --override-os linux "oci:$EXAMPLE:v1" "oci:$T/single:v1"
  "$AIRLOCK" pack --quiet -o "$T/single.tar.zst" "$T/single:v1"
  check "airlock unpack of a zstd tarball" "$AIRLOCK" unpack --quiet "$T/single.tar.zst" -o "$T/unpacked"
  check "umoci ls --layout lists the unpacked tag" sh -c "umoci ls --layout '$T/unpacked' | grep -qx v1"
  check "umoci stat reads the unpacked image" umoci stat --image "$T/unpacked:v1"
  check "umoci unpack extracts the unpacked image" umoci unpack --image "$T/unpacked:v1" "$T/bundle"

  cp -r "$T/single" "$T/signed"
  sign_layout "$T/signed" v1
  "$AIRLOCK" pack --quiet -o "$T/signed.tar" "$T/signed:v1"
  check "airlock inspect shows the signature and the blob-only bundle" \
    sh -c "'$AIRLOCK' inspect '$T/signed.tar' | grep -q '^├── signatures' && '$AIRLOCK' inspect '$T/signed.tar' | grep -q 'referrer.*(blob only)'"
  check "skopeo copy oci-archive:(signed airlock tarball):v1" sk copy -q "oci-archive:$T/signed.tar:v1" "oci:$T/signed-copy:v1"
  check "airlock unpack --require-signatures of the signed tarball" \
    "$AIRLOCK" unpack --quiet --require-signatures "$T/signed.tar" -o "$T/signed-unpacked"
  check "umoci ls lists the image and its .sig tag" sh -c "umoci ls --layout '$T/signed-unpacked' | grep -q '\.sig\$' && umoci ls --layout '$T/signed-unpacked' | grep -qx v1"
  check "umoci stat reads the image of the signed layout" umoci stat --image "$T/signed-unpacked:v1"
  check "airlock layout verify finds the bundle referrer by subject" \
    sh -c "'$AIRLOCK' layout verify '$T/signed-unpacked' | grep -q '1 referrers found by subject'"
elif [ "$HAVE_UMOCI" = 1 ]; then
  "$AIRLOCK" unpack --quiet "$T/multi.tar" -o "$T/unpacked"
  check "umoci ls --layout lists the unpacked tag" sh -c "umoci ls --layout '$T/unpacked' | grep -qx v1"
else
  skip "umoci checks: umoci is not installed"
fi

summary transfer
