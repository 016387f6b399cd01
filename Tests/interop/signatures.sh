#!/usr/bin/env bash
# Image and blob signature interop: airlock against our independent Python oracle
# (cosign_oracle.py, pyca/cryptography) both ways, and, when they can run, the shared oracles
# (check-sig.sh: a Python and a Go checker; skopeo-sign-verify.sh: containers-image reading an
# airlock .sig image from a loopback registry).
# Env: AIRLOCK (binary), PYTHON (python with cryptography + pynacl), SHARED (optional).
set -uo pipefail
: "${AIRLOCK:?set AIRLOCK to the airlock binary}" "${PYTHON:?set PYTHON to the venv python}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
ORACLE=("$PYTHON" "$HERE/support/cosign_oracle.py")
T=$(mktemp -d /tmp/airlock-signatures.XXXXXX); trap 'rm -rf "$T"' EXIT
source "$HERE/support/harness.sh"
check() { local what="$1"; shift; if "$@"; then ok "$what"; else bad "$what"; fi; }
refused() { ! "$@" >/dev/null 2>&1; }
quiet() { "$@" >/dev/null 2>&1; }
unset COSIGN_PASSWORD
export AIRLOCK
printf 'interop-password' > "$T/pw"
REF=registry.example/demo/app

# Layout surgery and the formats, written independently of airlock from FORMATS.md §2–§4
# with the Python standard library only.
cat > "$T/tool.py" <<'PY'
import base64, hashlib, json, os, sys

def blob(layout, digest):
    with open(os.path.join(layout, "blobs", "sha256", digest.split(":", 1)[1]), "rb") as f:
        return f.read()

def put(layout, data):
    digest = "sha256:" + hashlib.sha256(data).hexdigest()
    with open(os.path.join(layout, "blobs", "sha256", digest[7:]), "wb") as f:
        f.write(data)
    return {"digest": digest, "size": len(data)}

def index(layout):
    with open(os.path.join(layout, "index.json")) as f:
        return json.load(f)

def add_entry(layout, entry):
    doc = index(layout)
    doc["manifests"].append(entry)
    with open(os.path.join(layout, "index.json"), "w") as f:
        json.dump(doc, f)

def compact(value):
    # Go encoding/json: compact, and <, >, & escaped (none occur in these values).
    return json.dumps(value, separators=(",", ":")).encode()

def payload(digest, ref):
    return compact({"critical": {"identity": {"docker-reference": ref}, "image": {"docker-manifest-digest": digest},
                                 "type": "cosign container image signature"}, "optional": None})

def statement(digest):
    return compact({"_type": "https://in-toto.io/Statement/v1",
                    "subject": [{"digest": {"sha256": digest[7:]}, "annotations": {}}],
                    "predicateType": "https://sigstore.dev/cosign/sign/v1", "predicate": {}})

def pae(kind, body):
    return b"DSSEv1 %d %s %d %s" % (len(kind), kind.encode(), len(body), body)

def referrers(layout, digest):
    for name in sorted(os.listdir(os.path.join(layout, "blobs", "sha256"))):
        try:
            doc = json.loads(blob(layout, "sha256:" + name))
        except ValueError:
            continue
        if isinstance(doc, dict) and (doc.get("subject") or {}).get("digest") == digest:
            yield doc

cmd, args = sys.argv[1], sys.argv[2:]
if cmd == "tag-digest":                      # LAYOUT TAG
    print(next(e["digest"] for e in index(args[0])["manifests"]
               if (e.get("annotations") or {}).get("org.opencontainers.image.ref.name") == args[1]))
elif cmd == "payload":                       # DIGEST REF -> the exact simple-signing bytes
    sys.stdout.buffer.write(payload(*args))
elif cmd == "statement":                     # DIGEST -> cosign sign statement
    sys.stdout.buffer.write(statement(args[0]))
elif cmd == "pae":                           # FILE -> PAE(in-toto, FILE)
    sys.stdout.buffer.write(pae("application/vnd.in-toto+json", open(args[0], "rb").read()))
elif cmd == "extract-legacy":                # LAYOUT DIGEST OUT -> OUT/N.payload, OUT/N.sig
    layout, digest, out = args
    tag = digest.replace(":", "-") + ".sig"
    entry = next(e for e in index(layout)["manifests"]
                 if (e.get("annotations") or {}).get("org.opencontainers.image.ref.name") == tag)
    manifest = json.loads(blob(layout, entry["digest"]))
    assert manifest["mediaType"] == "application/vnd.oci.image.manifest.v1+json", manifest
    os.makedirs(out)
    for n, layer in enumerate(manifest["layers"], 1):
        assert layer["mediaType"] == "application/vnd.dev.cosign.simplesigning.v1+json", layer
        open(os.path.join(out, "%d.payload" % n), "wb").write(blob(layout, layer["digest"]))
        open(os.path.join(out, "%d.sig" % n), "w").write(layer["annotations"]["dev.cosignproject.cosign/signature"])
elif cmd == "extract-bundle":                # LAYOUT DIGEST PUBPEM OUT -> OUT/{envelope,statement}.json; checks shape
    layout, digest, pub, out = args
    from cryptography.hazmat.primitives import serialization
    (ref,) = [r for r in referrers(layout, digest) if r.get("artifactType") == "application/vnd.dev.sigstore.bundle.v0.3+json"]
    assert ref["config"]["digest"] == "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a", ref
    assert ref["annotations"]["dev.sigstore.bundle.predicateType"] == "https://sigstore.dev/cosign/sign/v1", ref
    assert ref["annotations"]["dev.sigstore.bundle.content"] == "dsse-envelope", ref
    (layer,) = ref["layers"]
    bundle = json.loads(blob(layout, layer["digest"]))
    assert bundle["mediaType"] == "application/vnd.dev.sigstore.bundle.v0.3+json", bundle
    spki = serialization.load_pem_public_key(open(pub, "rb").read()).public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    assert bundle["verificationMaterial"] == {"publicKey": {"hint": base64.b64encode(hashlib.sha256(spki).digest()).decode()}}, bundle
    envelope = bundle["dsseEnvelope"]
    os.makedirs(out)
    json.dump(envelope, open(os.path.join(out, "envelope.json"), "w"))
    open(os.path.join(out, "statement.json"), "wb").write(base64.b64decode(envelope["payload"]))
elif cmd == "add-legacy":                    # LAYOUT DIGEST PAYLOAD SIGB64 -> .sig image tagged sha256-<hex>.sig
    layout, digest, payload_file, sig = args
    data = open(payload_file, "rb").read()
    layer = dict(mediaType="application/vnd.dev.cosign.simplesigning.v1+json", **put(layout, data),
                 annotations={"dev.cosignproject.cosign/signature": sig})
    config = put(layout, compact({"architecture": "", "os": "", "rootfs": {"type": "layers", "diff_ids": [layer["digest"]]}}))
    manifest = compact({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                        "config": dict(mediaType="application/vnd.oci.image.config.v1+json", **config), "layers": [layer]})
    add_entry(layout, dict(mediaType="application/vnd.oci.image.manifest.v1+json", **put(layout, manifest),
                           annotations={"org.opencontainers.image.ref.name": digest.replace(":", "-") + ".sig"}))
elif cmd == "add-bundle":                    # LAYOUT DIGEST STATEMENT SIGB64 -> bundle referrer stored as a blob only
    layout, digest, statement_file, sig = args
    subject = next(e for e in index(layout)["manifests"] if e["digest"] == digest)
    bundle = compact({"mediaType": "application/vnd.dev.sigstore.bundle.v0.3+json",
                      "verificationMaterial": {"publicKey": {"hint": "oracle"}},
                      "dsseEnvelope": {"payload": base64.b64encode(open(statement_file, "rb").read()).decode(),
                                       "payloadType": "application/vnd.in-toto+json", "signatures": [{"sig": sig}]}})
    kind = "application/vnd.dev.sigstore.bundle.v0.3+json"
    layer = dict(mediaType=kind, **put(layout, bundle))
    empty = put(layout, b"{}")
    put(layout, compact({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                         "config": dict(mediaType="application/vnd.oci.empty.v1+json", **empty), "layers": [layer],
                         "annotations": {"dev.sigstore.bundle.content": "dsse-envelope",
                                         "dev.sigstore.bundle.predicateType": "https://sigstore.dev/cosign/sign/v1"},
                         "subject": {"mediaType": subject["mediaType"], "digest": digest, "size": subject["size"]},
                         "artifactType": kind}))
else:
    sys.exit("unknown command " + cmd)
PY
TOOL=("$PYTHON" "$T/tool.py")

# 1. airlock signs, the oracle verifies: the legacy payload bytes and the bundle's DSSE PAE.
"$AIRLOCK" generate-key-pair --output-key-prefix "$T/airlock" --password-file "$T/pw" 2>/dev/null
cp -R "$ROOT/Fixtures/example-layout" "$T/signed"
check "airlock sign (both formats) of the example image" \
  quiet "$AIRLOCK" sign --key "$T/airlock.key" --password-file "$T/pw" "$T/signed:v1"
D=$("${TOOL[@]}" tag-digest "$T/signed" v1)
if "${TOOL[@]}" extract-legacy "$T/signed" "$D" "$T/legacy" 2>"$T/err"; then
  check "legacy payload is byte for byte the Go JSON of FORMATS.md §2" \
    cmp -s "$T/legacy/1.payload" <("${TOOL[@]}" payload "$D" "$REF")
  check "oracle verifies airlock's legacy signature over the exact payload bytes" \
    quiet "${ORACLE[@]}" verify --pub "$T/airlock.pub" --payload "$T/legacy/1.payload" --sig-file "$T/legacy/1.sig"
  "${TOOL[@]}" payload "sha256:$(printf '%064d' 0)" "$REF" > "$T/other.payload"
  check "oracle rejects that signature over a payload naming another digest" \
    refused "${ORACLE[@]}" verify --pub "$T/airlock.pub" --payload "$T/other.payload" --sig-file "$T/legacy/1.sig"
else
  bad "airlock's .sig image has the shape of FORMATS.md §3.2: $(tail -1 "$T/err")"
fi
if "${TOOL[@]}" extract-bundle "$T/signed" "$D" "$T/airlock.pub" "$T/bundle" 2>"$T/err"; then
  ok "bundle referrer has the shape of FORMATS.md §4.2 (empty config, v0.3, public-key hint)"
  check "bundle statement is the cosign sign statement of the image digest" \
    cmp -s "$T/bundle/statement.json" <("${TOOL[@]}" statement "$D")
  check "oracle verifies airlock's DSSE signature over the PAE" \
    quiet "${ORACLE[@]}" verify-dsse --pub "$T/airlock.pub" --envelope "$T/bundle/envelope.json"
  check "oracle PAE of the statement matches FORMATS.md §6.2" \
    cmp -s <("${ORACLE[@]}" pae application/vnd.in-toto+json "$T/bundle/statement.json") <("${TOOL[@]}" pae "$T/bundle/statement.json")
else
  bad "airlock's bundle referrer has the shape of FORMATS.md §4.2: $(tail -1 "$T/err")"
fi
printf 'a blob to sign\n' > "$T/blob"
"$AIRLOCK" sign-blob --key "$T/airlock.key" --password-file "$T/pw" --output-signature "$T/blob.sig" "$T/blob" 2>/dev/null
check "oracle verifies airlock sign-blob's signature" \
  quiet "${ORACLE[@]}" verify --pub "$T/airlock.pub" --payload "$T/blob" --sig-file "$T/blob.sig"

# 2. the oracle signs, airlock verifies: a .sig layer and a bundle referrer built from oracle signatures.
for algo in ecdsa-p256 ed25519; do
  "${ORACLE[@]}" generate --out "$T/oracle-$algo" --algo "$algo" --password-file "$T/pw"
  cp -R "$ROOT/Fixtures/example-layout" "$T/legacy-$algo"
  "${TOOL[@]}" payload "$D" "$REF" > "$T/oracle.payload"
  ph=(); [ "$algo" = ed25519 ] && ph=(--ed25519ph)   # cosign signs image payloads with Ed25519ph
  sig=$("${ORACLE[@]}" sign --password-file "$T/pw" --payload "$T/oracle.payload" "${ph[@]}" "$T/oracle-$algo.key")
  "${TOOL[@]}" add-legacy "$T/legacy-$algo" "$D" "$T/oracle.payload" "$sig"
  check "airlock verifies an oracle $algo legacy signature" \
    quiet "$AIRLOCK" verify --key "$T/oracle-$algo.pub" "$T/legacy-$algo:v1"
  check "airlock rejects it with another key (exit 1)" \
    test "$("$AIRLOCK" verify --key "$T/airlock.pub" "$T/legacy-$algo:v1" >/dev/null 2>&1; echo $?)" -eq 1

  cp -R "$ROOT/Fixtures/example-layout" "$T/bundle-$algo"
  "${TOOL[@]}" statement "$D" > "$T/oracle.statement"
  "${TOOL[@]}" pae "$T/oracle.statement" > "$T/oracle.pae"
  sig=$("${ORACLE[@]}" sign --password-file "$T/pw" --payload "$T/oracle.pae" "$T/oracle-$algo.key")
  "${TOOL[@]}" add-bundle "$T/bundle-$algo" "$D" "$T/oracle.statement" "$sig"
  check "airlock verifies an oracle $algo DSSE bundle referrer (stored as a blob only, as cosign save leaves it)" \
    quiet "$AIRLOCK" verify --key "$T/oracle-$algo.pub" "$T/bundle-$algo:v1"
  if [ "$algo" = ed25519 ]; then   # cosign 3 signs image bundles with Ed25519ph (FORMATS.md §1.6)
    cp -R "$ROOT/Fixtures/example-layout" "$T/bundle-ed25519ph"
    sig=$("${ORACLE[@]}" sign --password-file "$T/pw" --payload "$T/oracle.pae" --ed25519ph "$T/oracle-$algo.key")
    "${TOOL[@]}" add-bundle "$T/bundle-ed25519ph" "$D" "$T/oracle.statement" "$sig"
    check "airlock verifies an oracle Ed25519ph DSSE bundle referrer (as cosign 3 signs images)" \
      quiet "$AIRLOCK" verify --key "$T/oracle-$algo.pub" "$T/bundle-ed25519ph:v1"
    check "airlock rejects that Ed25519ph bundle with another key (exit 1)" \
      test "$("$AIRLOCK" verify --key "$T/airlock.pub" "$T/bundle-ed25519ph:v1" >/dev/null 2>&1; echo $?)" -eq 1
  fi
done
"${TOOL[@]}" payload "sha256:$(printf '%064d' 0)" "$REF" > "$T/replay.payload"
cp -R "$ROOT/Fixtures/example-layout" "$T/replay"
sig=$("${ORACLE[@]}" sign --password-file "$T/pw" --payload "$T/replay.payload" "$T/oracle-ecdsa-p256.key")
"${TOOL[@]}" add-legacy "$T/replay" "$D" "$T/replay.payload" "$sig"
"$AIRLOCK" verify --key "$T/oracle-ecdsa-p256.pub" "$T/replay:v1" > "$T/replay.out" 2>&1
check "airlock rejects a valid oracle signature whose payload names another digest (claims)" \
  grep -q "claims: payload docker-manifest-digest sha256:0000" "$T/replay.out"

# 3. the shared oracles.
if [ -n "${SHARED:-}" ] && [ -d "$SHARED/oracles" ]; then
  go_oracle
  if [ ! -x "$GO_ORACLE" ]; then
    skip "shared check-sig.sh: the Go oracle cannot be built here (needs golang-go)"
  elif [ ! -f "$T/legacy/1.payload" ]; then
    bad "shared check-sig.sh: no airlock payload to check"
  elif PY="$PYTHON" GO_ORACLE="$GO_ORACLE" bash "$SHARED/oracles/check-sig.sh" "$T/airlock.pub" "$T/legacy/1.payload" \
      "$T/legacy/1.sig" "$D" "$REF" > "$T/check-sig.log" 2>&1; then
    ok "shared check-sig.sh accepts airlock's signature and payload ($(tail -1 "$T/check-sig.log"))"
  else
    bad "shared check-sig.sh on airlock's signature:"; sed 's/^/    /' "$T/check-sig.log"
  fi

  missing=()
  for tool in skopeo umoci docker-registry curl; do command -v "$tool" >/dev/null || missing+=("$tool"); done
  if ((${#missing[@]})) && [ "$(id -u)" = 0 ]; then
    bash "$SHARED/oracles/setup.sh" > "$T/setup.log" 2>&1 || sed 's/^/    setup: /' "$T/setup.log"
    missing=()
    for tool in skopeo umoci docker-registry curl; do command -v "$tool" >/dev/null || missing+=("$tool"); done
  fi
  if ((${#missing[@]})); then
    skip "shared skopeo-sign-verify.sh: missing ${missing[*]} (installed by $SHARED/oracles/setup.sh as root)"
  elif PY="$PYTHON" bash "$SHARED/oracles/skopeo-sign-verify.sh" --signer "$HERE/support/airlock-skopeo-signer.sh" > "$T/skopeo.log" 2>&1; then
    ok "shared skopeo-sign-verify.sh with airlock as signer ($(tail -1 "$T/skopeo.log"))"
  else
    bad "shared skopeo-sign-verify.sh with airlock as signer:"; sed 's/^/    /' "$T/skopeo.log"
  fi
else
  skip "shared check-sig.sh and skopeo-sign-verify.sh: \$SHARED/oracles is absent"
fi

summary signatures
