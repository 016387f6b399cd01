#!/usr/bin/env bash
# airlock as the --signer of $SHARED/oracles/skopeo-sign-verify.sh. Contract (from that script):
#   CMD KEYFILE PASSWORD_FILE MANIFEST_DIGEST DOCKER_REFERENCE OUT_DIR IMAGE_LAYOUT
# leaves OUT_DIR as an OCI layout whose index.json names the signature manifest
# "sha256-<hex>.sig" (first entry). The image's blobs are copied in without an index.json
# entry, so `airlock sign OUT_DIR@DIGEST` signs the manifest by digest and the .sig image is
# the layout's only entry. Env: AIRLOCK (the airlock binary). Driven by ../signatures.sh.
set -euo pipefail
[ $# -eq 6 ] || { echo "usage: $0 KEYFILE PASSWORD_FILE MANIFEST_DIGEST DOCKER_REFERENCE OUT_DIR IMAGE_LAYOUT" >&2; exit 2; }
: "${AIRLOCK:?set AIRLOCK to the airlock binary}"
KEY="$1" PASSWORD_FILE="$2" DIGEST="$3" REFERENCE="$4" OUT="$5" IMAGE="$6"
rm -rf "$OUT"
mkdir -p "$OUT/blobs"
cp -R "$IMAGE/blobs/." "$OUT/blobs/"
printf '{"imageLayoutVersion":"1.0.0"}' > "$OUT/oci-layout"
printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]}' > "$OUT/index.json"
exec "$AIRLOCK" sign --key "$KEY" --password-file "$PASSWORD_FILE" --format legacy --reference "$REFERENCE" "$OUT@$DIGEST"
