#!/usr/bin/env bash
# Benchmark `airlock pack` and `airlock unpack` (full verification: every blob hashed while
# written to staging, layout reviewed, fsynced, renamed into place) on a 512 MiB layout of 4
# random layers, beside plain `tar -cf`/`tar -xf` of the same layout and `skopeo copy oci:
# oci-archive:` and back (when skopeo is installed), all in this run: median wall time and
# median peak RSS of RUNS runs, page cache warm, outputs removed and `sync` before each run.
# Prints ratios against the peers. Targets: unpack within 1.5x of tar -xf, at least 5x faster
# than skopeo both ways, peak memory under 64 MiB.
# Usage: AIRLOCK=.build/release/airlock [SHARED=../shared] [SIZE_MIB=512] [LAYERS=4] [RUNS=3] bash Tests/bench/pack-unpack.sh
set -euo pipefail
AIRLOCK="${AIRLOCK:?set AIRLOCK to the airlock binary (release build)}"
SHARED="${SHARED:-$(cd "$(dirname "$0")/../.." && pwd)/../shared}"
SIZE_MIB="${SIZE_MIB:-512}"; LAYERS="${LAYERS:-4}"; RUNS="${RUNS:-3}"
W=$(mktemp -d /tmp/airlock-bench-transfer.XXXX); trap 'rm -rf "$W"' EXIT
SRC="$W/big"
SHARED="$SHARED" bash "$(dirname "$0")/support/big-layout.sh" "$SRC" "$SIZE_MIB" "$LAYERS" big

# run_measured OUT CMD...: runs CMD, writes "seconds maxrss_kib" to OUT.
if [ -x /usr/bin/time ]; then
  run_measured() {
    local out="$1"; shift
    /usr/bin/time -f '%e %M' -o "$out.raw" "$@" > /dev/null 2> "$W/err" || { cat "$W/err" >&2; exit 1; }
    tail -1 "$out.raw" > "$out"
  }
else
  run_measured() {  # getrusage of the child, through python3
    local out="$1"; shift
    python3 - "$out" "$@" <<'PY' 2> "$W/err" || { cat "$W/err" >&2; exit 1; }
import resource, subprocess, sys, time
start = time.monotonic()
subprocess.run(sys.argv[2:], check=True, stdout=subprocess.DEVNULL)
wall = time.monotonic() - start
open(sys.argv[1], "w").write("%.2f %d\n" % (wall, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))
PY
  }
fi

# measure NAME CLEANUP CMD...: RUNS runs (CLEANUP before each, then sync); sets WALL and RSS
# to the medians, BEST to the fastest run, and prints a line.
declare -A WALL RSS BEST
measure() {
  local name="$1" cleanup="$2"; shift 2
  local walls=() rsss=()
  for _ in $(seq 1 "$RUNS"); do
    eval "$cleanup"; sync
    run_measured "$W/m" "$@"
    read -r w r < "$W/m"; walls+=("$w"); rsss+=("$r")
  done
  WALL[$name]=$(printf '%s\n' "${walls[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  RSS[$name]=$(printf '%s\n' "${rsss[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  BEST[$name]=$(printf '%s\n' "${walls[@]}" | sort -n | head -1)
  printf '%-44s %7.2f s (best %5.2f s)  peak RSS %6.1f MiB\n' "$name" "${WALL[$name]}" "${BEST[$name]}" \
    "$(awk -v k="${RSS[$name]}" 'BEGIN { print k / 1024 }')"
}
# ratio A B: "median-ratio (best-ratio)" of the wall times of cases A and B.
ratio() {
  awk -v a="${WALL[$1]}" -v b="${WALL[$2]}" -v c="${BEST[$1]}" -v d="${BEST[$2]}" \
    'BEGIN { if (b == 0) b = 0.01; if (d == 0) d = 0.01; printf "%.2f (best %.2f)", a / b, c / d }'
}

# Inputs of the unpack cases, made once.
"$AIRLOCK" pack --quiet -o "$W/in.tar" "$SRC:big"
tar -C "$SRC" -cf "$W/in-plain.tar" .
HAVE_SKOPEO=0
if command -v skopeo > /dev/null; then
  HAVE_SKOPEO=1
  POLICY="$W/policy.json"; echo '{"default":[{"type":"insecureAcceptAnything"}]}' > "$POLICY"
  skopeo --policy "$POLICY" copy -q "oci:$SRC:big" "oci-archive:$W/in-skopeo.tar:big"
fi
cat "$SRC"/blobs/sha256/* "$W"/in*.tar > /dev/null   # warm the page cache
echo "layout $(du -sm "$SRC" | cut -f1) MiB in $LAYERS layers; $(nproc) CPUs; median of $RUNS runs; page cache warm"

measure "airlock pack (layout -> tar)"         'rm -f "$W/out.tar"'          "$AIRLOCK" pack --quiet -o "$W/out.tar" "$SRC:big"
measure "tar -cf (layout)"                      'rm -f "$W/out.tar"'          tar -C "$SRC" -cf "$W/out.tar" .
measure "airlock unpack (verified, fsynced)"    'rm -rf "$W/dst"'             "$AIRLOCK" unpack --quiet "$W/in.tar" -o "$W/dst"
measure "tar -xf (layout)"                      'rm -rf "$W/dst"; mkdir "$W/dst"' tar -C "$W/dst" -xf "$W/in-plain.tar"
measure "tar -xf + sync (layout, durable)"      'rm -rf "$W/dst"; mkdir "$W/dst"' sh -c "tar -C '$W/dst' -xf '$W/in-plain.tar' && sync"
if [ "$HAVE_SKOPEO" = 1 ]; then
  measure "skopeo copy oci: -> oci-archive:"    'rm -f "$W/out.tar"'          skopeo --policy "$POLICY" copy -q "oci:$SRC:big" "oci-archive:$W/out.tar:big"
  measure "skopeo copy oci-archive: -> oci:"    'rm -rf "$W/dst"'             skopeo --policy "$POLICY" copy -q "oci-archive:$W/in-skopeo.tar:big" "oci:$W/dst:big"
fi
rm -rf "$W/dst" "$W/out.tar"

echo
echo "ratios of median wall times (and of best times; the machine may be shared):"
printf '  %-48s %s\n' "airlock pack / tar -cf" "$(ratio "airlock pack (layout -> tar)" "tar -cf (layout)")"
printf '  %-48s %-22s (target <= 1.5)\n' "airlock unpack / tar -xf" "$(ratio "airlock unpack (verified, fsynced)" "tar -xf (layout)")"
printf '  %-48s %s\n' "airlock unpack / (tar -xf + sync)" "$(ratio "airlock unpack (verified, fsynced)" "tar -xf + sync (layout, durable)")"
if [ "$HAVE_SKOPEO" = 1 ]; then
  printf '  %-48s %-22s (target >= 5)\n' "skopeo oci: -> oci-archive: / airlock pack" "$(ratio "skopeo copy oci: -> oci-archive:" "airlock pack (layout -> tar)")"
  printf '  %-48s %-22s (target >= 5)\n' "skopeo oci-archive: -> oci: / airlock unpack" "$(ratio "skopeo copy oci-archive: -> oci:" "airlock unpack (verified, fsynced)")"
else
  echo "  skopeo: not installed, its comparisons are skipped"
fi
printf '  %-48s %-22s (target < 64)\n' "airlock peak RSS (max of pack, unpack)" \
  "$(awk -v a="${RSS["airlock pack (layout -> tar)"]}" -v b="${RSS["airlock unpack (verified, fsynced)"]}" 'BEGIN { printf "%.1f MiB", (a > b ? a : b) / 1024 }')"
