#!/usr/bin/env bash
# Signing and verifying 1,000 images of one layout with `airlock sign|verify --all` (one
# process, one key decryption), beside `openssl dgst -sha256 -sign/-verify` on the same
# simple-signing payloads (one openssl process per payload, as a script would run it),
# measured in the same run and printed as per-image milliseconds and ratios.
# "after start-up" figures subtract the process start (`airlock --version`) and, for signing,
# one key decryption (`airlock public-key`, i.e. one scrypt).
# Env: AIRLOCK (release binary). Optional: IMAGES (default 1000).
set -euo pipefail
: "${AIRLOCK:?set AIRLOCK to the airlock binary (release build)}"
IMAGES="${IMAGES:-1000}"
T=$(mktemp -d /tmp/airlock-bench-sign.XXXXXX); trap 'rm -rf "$T"' EXIT
export COSIGN_PASSWORD=bench-password

# IMAGES tiny single-platform images in one layout, each tagged and named.
python3 - "$T/layout" "$IMAGES" <<'PY'
import hashlib, json, os, sys
layout, count = sys.argv[1], int(sys.argv[2])
os.makedirs(os.path.join(layout, "blobs", "sha256"))
def put(data):
    digest = hashlib.sha256(data).hexdigest()
    open(os.path.join(layout, "blobs", "sha256", digest), "wb").write(data)
    return {"digest": "sha256:" + digest, "size": len(data)}
def compact(value): return json.dumps(value, separators=(",", ":"), sort_keys=True).encode()
entries = []
for n in range(count):
    layer = put(b"layer %d\n" % n)
    config = put(compact({"architecture": "amd64", "os": "linux", "rootfs": {"type": "layers", "diff_ids": [layer["digest"]]}}))
    manifest = put(compact({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                            "config": dict(mediaType="application/vnd.oci.image.config.v1+json", **config),
                            "layers": [dict(mediaType="application/vnd.oci.image.layer.v1.tar", **layer)]}))
    entries.append(dict(mediaType="application/vnd.oci.image.manifest.v1+json", **manifest,
                        annotations={"org.opencontainers.image.ref.name": "img-%d" % n, "io.airlock.image.name": "registry.example/bench/img-%d" % n}))
open(os.path.join(layout, "oci-layout"), "w").write('{"imageLayoutVersion":"1.0.0"}')
open(os.path.join(layout, "index.json"), "w").write(json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": entries}))
PY
cp -R "$T/layout" "$T/bundles"

# One P-256 key for both tools: made by openssl, imported into a cosign key file by airlock.
openssl ecparam -name prime256v1 -genkey -noout 2>/dev/null | openssl pkcs8 -topk8 -nocrypt -out "$T/key.pem"
openssl pkey -in "$T/key.pem" -pubout -out "$T/pub.pem"
"$AIRLOCK" import-key-pair --key "$T/key.pem" --output-key-prefix "$T/cosign" >/dev/null 2>&1

ms() { awk -v s="$1" -v e="$2" 'BEGIN { printf "%.1f", (e - s) / 1000000 }'; }
now() { date +%s%N; }
timed() { local s e; s=$(now); "$@" >/dev/null 2>&1; e=$(now); ms "$s" "$e"; }   # ms of one run
best() { local b="" t; for _ in 1 2 3; do t=$(timed "$@"); if [ -z "$b" ] || awk -v t="$t" -v b="$b" 'BEGIN { exit !(t < b) }'; then b=$t; fi; done; echo "$b"; }
per() { awk -v t="$1" -v n="$IMAGES" 'BEGIN { printf "%.3f", t / n }'; }
after() { awk -v t="$1" -v o="$2" -v n="$IMAGES" 'BEGIN { v = (t - o) / n; printf "%.3f", v < 0 ? 0 : v }'; }
ratio() { awk -v a="$1" -v p="$2" 'BEGIN { printf "%.2f", a / p }'; }

start=$(best "$AIRLOCK" --version)
decrypt=$(best "$AIRLOCK" public-key --key "$T/cosign.key")
sign_legacy=$(timed "$AIRLOCK" sign --key "$T/cosign.key" --format legacy --all "$T/layout")
sign_bundle=$(timed "$AIRLOCK" sign --key "$T/cosign.key" --format bundle --all "$T/bundles")
[ "$(grep -c '"org.opencontainers.image.ref.name" : "sha256-' "$T/layout/index.json")" -eq "$IMAGES" ] || { echo "signing did not write $IMAGES .sig images" >&2; exit 1; }
verify_legacy=$(best "$AIRLOCK" verify --key "$T/cosign.pub" --all "$T/layout")
verify_bundle=$(best "$AIRLOCK" verify --key "$T/cosign.pub" --all "$T/bundles")
"$AIRLOCK" verify --key "$T/cosign.pub" --all "$T/layout" >/dev/null   # every image passed (exit 0), or stop here

# The same payloads for openssl: the simple-signing layers airlock wrote.
mkdir "$T/payloads"
python3 - "$T/layout" "$T/payloads" <<'PY'
import json, os, sys
layout, out = sys.argv[1:]
blob = lambda d: open(os.path.join(layout, "blobs", "sha256", d.split(":")[1]), "rb").read()
for n, entry in enumerate(e for e in json.load(open(os.path.join(layout, "index.json")))["manifests"]
                          if e.get("annotations", {}).get("org.opencontainers.image.ref.name", "").endswith(".sig")):
    layer = json.loads(blob(entry["digest"]))["layers"][0]
    open(os.path.join(out, "%d" % n), "wb").write(blob(layer["digest"]))
PY
s=$(now); for f in "$T"/payloads/*; do openssl dgst -sha256 -sign "$T/key.pem" -out "$f.sig" "$f"; done; e=$(now); openssl_sign=$(ms "$s" "$e")
s=$(now); for f in "$T"/payloads/?*[0-9]; do openssl dgst -sha256 -verify "$T/pub.pem" -signature "$f.sig" "$f" >/dev/null; done; e=$(now); openssl_verify=$(ms "$s" "$e")
openssl_start=$(best openssl version)

echo "$IMAGES images in one layout, $(nproc) cores; airlock start ${start} ms, key decryption (scrypt N=65536) ${decrypt} ms; openssl start ${openssl_start} ms"
printf '%-44s %9s %9s %9s\n' "" "total ms" "ms/image" "after start-up"
row() { printf '%-44s %9s %9s %9s\n' "$1" "$2" "$(per "$2")" "$3"; }
row "airlock sign --format legacy --all" "$sign_legacy" "$(after "$sign_legacy" "$decrypt")"
row "airlock sign --format bundle --all" "$sign_bundle" "$(after "$sign_bundle" "$decrypt")"
row "openssl dgst -sha256 -sign (per payload)" "$openssl_sign" "$(after "$openssl_sign" "$(awk -v o="$openssl_start" -v n="$IMAGES" 'BEGIN { print o * n }')")"
row "airlock verify --all (legacy .sig)" "$verify_legacy" "$(after "$verify_legacy" "$start")"
row "airlock verify --all (bundle referrers)" "$verify_bundle" "$(after "$verify_bundle" "$start")"
row "openssl dgst -sha256 -verify (per payload)" "$openssl_verify" "$(after "$openssl_verify" "$(awk -v o="$openssl_start" -v n="$IMAGES" 'BEGIN { print o * n }')")"
echo "ratios (airlock time / openssl time, same payloads, same run; below 1 = airlock faster):"
echo "  sign legacy $(ratio "$sign_legacy" "$openssl_sign"), sign bundle $(ratio "$sign_bundle" "$openssl_sign"), verify legacy $(ratio "$verify_legacy" "$openssl_verify"), verify bundle $(ratio "$verify_bundle" "$openssl_verify")"
echo "target: verification under 1 ms per signature after start-up: legacy $(after "$verify_legacy" "$start") ms, bundle $(after "$verify_bundle" "$start") ms"
