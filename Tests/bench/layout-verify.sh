#!/usr/bin/env bash
# Benchmark `airlock layout verify` against sha256sum and openssl dgst -sha256 over the same
# blobs of a 512 MiB layout (4 random 128 MiB tar+gzip layers), page cache warm, best of 5.
# Prints MB/s and ratios (airlock / peer) from this run. Needs AIRLOCK (a release build);
# builds the layout with Tests/bench/support/big-layout.sh (the shared generator when present).
# Usage: AIRLOCK=.build/release/airlock [SHARED=../shared] [SIZE_MIB=512] [LAYERS=4] bash Tests/bench/layout-verify.sh
set -euo pipefail
AIRLOCK="${AIRLOCK:?set AIRLOCK to the airlock binary (release build)}"
SHARED="${SHARED:-$(cd "$(dirname "$0")/../.." && pwd)/../shared}"
SIZE_MIB="${SIZE_MIB:-512}"; LAYERS="${LAYERS:-4}"; RUNS=5
WORK=$(mktemp -d /tmp/airlock-bench-layout.XXXX)
trap 'rm -rf "$WORK"' EXIT
BIG="$WORK/big"; ONE="$WORK/one"

SHARED="$SHARED" bash "$(dirname "$0")/support/big-layout.sh" "$BIG" "$SIZE_MIB" "$LAYERS" big

# A second layout holding only the largest layer (hard-linked), for the single-blob figures.
LARGEST=$(ls -S "$BIG/blobs/sha256" | head -1)
LARGEST_SIZE=$(stat -c %s "$BIG/blobs/sha256/$LARGEST")
mkdir -p "$ONE/blobs/sha256"
ln "$BIG/blobs/sha256/$LARGEST" "$ONE/blobs/sha256/$LARGEST"
printf '{}' > "$ONE/blobs/sha256/44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"
printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.empty.v1+json","digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","size":2},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:%s","size":%s}]}' "$LARGEST" "$LARGEST_SIZE" > "$WORK/man1"
m1=$(sha256sum "$WORK/man1" | cut -d' ' -f1); m1s=$(stat -c %s "$WORK/man1"); mv "$WORK/man1" "$ONE/blobs/sha256/$m1"
printf '{"imageLayoutVersion":"1.0.0"}' > "$ONE/oci-layout"
printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s}]}' "$m1" "$m1s" > "$ONE/index.json"

ALL_BYTES=$(cat "$BIG"/blobs/sha256/* | wc -c)
cat "$BIG"/blobs/sha256/* > /dev/null   # warm the page cache

# best_seconds CMD...: the fastest of $RUNS runs, in seconds.
best_seconds() {
  local best="" start end t
  for _ in $(seq 1 "$RUNS"); do
    start=$(date +%s.%N); "$@" > /dev/null; end=$(date +%s.%N)
    t=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.4f", b - a }')
    if [ -z "$best" ] || awk -v t="$t" -v b="$best" 'BEGIN { exit !(t < b) }'; then best=$t; fi
  done
  echo "$best"
}
mbps() { awk -v n="$1" -v t="$2" 'BEGIN { printf "%.0f", n / 1000000 / t }'; }
ratio() { awk -v a="$1" -v p="$2" 'BEGIN { printf "%.2f", p / a }'; }   # airlock speed / peer speed

parallel_openssl() { ls "$BIG"/blobs/sha256/* | xargs -n1 -P"$(nproc)" openssl dgst -sha256; }

echo "layout: $(( ALL_BYTES / 1048576 )) MiB in $(ls "$BIG/blobs/sha256" | wc -l) blobs; largest blob $(( LARGEST_SIZE / 1048576 )) MiB; $(nproc) cores; best of $RUNS, page cache warm"
st=$(best_seconds "$AIRLOCK" --version)
printf '%-44s %6s ms (included in every airlock figure)\n' "airlock process start (--version)" "$(awk -v t="$st" 'BEGIN { printf "%.0f", t * 1000 }')"
a1=$(best_seconds "$AIRLOCK" layout verify "$ONE")
o1=$(best_seconds openssl dgst -sha256 "$BIG/blobs/sha256/$LARGEST")
s1=$(best_seconds sha256sum "$BIG/blobs/sha256/$LARGEST")
printf '%-44s %6s MB/s\n' "single blob: airlock layout verify" "$(mbps "$LARGEST_SIZE" "$a1")"
printf '%-44s %6s MB/s   airlock ratio %s\n' "single blob: openssl dgst -sha256" "$(mbps "$LARGEST_SIZE" "$o1")" "$(ratio "$a1" "$o1")"
printf '%-44s %6s MB/s   airlock ratio %s\n' "single blob: sha256sum" "$(mbps "$LARGEST_SIZE" "$s1")" "$(ratio "$a1" "$s1")"
aa=$(best_seconds "$AIRLOCK" layout verify "$BIG")
oa=$(best_seconds sh -c "openssl dgst -sha256 '$BIG'/blobs/sha256/*")
pa=$(best_seconds parallel_openssl)
sa=$(best_seconds sh -c "sha256sum '$BIG'/blobs/sha256/*")
printf '%-44s %6s MB/s\n' "all blobs: airlock layout verify" "$(mbps "$ALL_BYTES" "$aa")"
printf '%-44s %6s MB/s   airlock ratio %s\n' "all blobs: openssl dgst -sha256 (one process)" "$(mbps "$ALL_BYTES" "$oa")" "$(ratio "$aa" "$oa")"
printf '%-44s %6s MB/s   airlock ratio %s\n' "all blobs: openssl dgst -sha256 (xargs -P$(nproc))" "$(mbps "$ALL_BYTES" "$pa")" "$(ratio "$aa" "$pa")"
printf '%-44s %6s MB/s   airlock ratio %s\n' "all blobs: sha256sum" "$(mbps "$ALL_BYTES" "$sa")" "$(ratio "$aa" "$sa")"
