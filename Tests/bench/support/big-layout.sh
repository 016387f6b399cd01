#!/usr/bin/env bash
# Writes a benchmark layout: SIZE_MIB of random data in LAYERS tar+gzip-like layers, an OCI
# config and manifest, tagged TAG. Uses $SHARED/oracles/make-big-layout.sh when present,
# else an equivalent generator (random bytes through gzip -1, the same shape).
# Usage: SHARED=... bash Tests/bench/support/big-layout.sh DIR [SIZE_MIB=512] [LAYERS=4] [TAG=big]
set -euo pipefail
DIR="$1"; SIZE_MIB="${2:-512}"; LAYERS="${3:-4}"; TAG="${4:-big}"
if [ -n "${SHARED:-}" ] && [ -f "$SHARED/oracles/make-big-layout.sh" ]; then
  exec bash "$SHARED/oracles/make-big-layout.sh" "$DIR" "$SIZE_MIB" "$LAYERS" "$TAG" >/dev/null
fi
WORK=$(mktemp -d /tmp/airlock-big-layout.XXXX); trap 'rm -rf "$WORK"' EXIT
rm -rf "$DIR"; mkdir -p "$DIR/blobs/sha256"; layers=""
for i in $(seq 1 "$LAYERS"); do
  head -c $(( SIZE_MIB / LAYERS * 1024 * 1024 )) /dev/urandom | gzip -1 -n > "$WORK/l$i"
  d=$(sha256sum "$WORK/l$i" | cut -d' ' -f1); s=$(stat -c %s "$WORK/l$i"); mv "$WORK/l$i" "$DIR/blobs/sha256/$d"
  layers="$layers${layers:+,}{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"sha256:$d\",\"size\":$s}"
done
printf '{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}' > "$WORK/cfg"
cd_=$(sha256sum "$WORK/cfg" | cut -d' ' -f1); cs=$(stat -c %s "$WORK/cfg"); mv "$WORK/cfg" "$DIR/blobs/sha256/$cd_"
printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[%s]}' "$cd_" "$cs" "$layers" > "$WORK/man"
md=$(sha256sum "$WORK/man" | cut -d' ' -f1); ms=$(stat -c %s "$WORK/man"); mv "$WORK/man" "$DIR/blobs/sha256/$md"
printf '{"imageLayoutVersion":"1.0.0"}' > "$DIR/oci-layout"
printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"annotations":{"org.opencontainers.image.ref.name":"%s"}}]}' "$md" "$ms" "$TAG" > "$DIR/index.json"
