#!/usr/bin/env python3
"""Build Fixtures/example-layout: a tiny, deterministic multi-platform OCI image layout.

Usage: python3 Fixtures/make-example-layout.py [OUT_DIR]   (default: Fixtures/example-layout)

The image is an OCI index with linux/amd64 and linux/arm64 manifests; each has a small
config and one tar+gzip layer (a text file and 4 KiB of pseudo-random bytes derived from
SHA-256, so the layer does not compress away). index.json lists the index with:
  org.opencontainers.image.ref.name = v1                               (the tag: DIR:v1)
  io.airlock.image.name            = registry.example/demo/app         (repository a signer
                                     uses as cosign's docker-reference)
  io.containerd.image.name         = registry.example/demo/app:v1      (containerd's import name)
Only the Python standard library is used; every byte is fixed (mtime 0, uid/gid 0, sorted
JSON keys, gzip without name or time), so running it again gives identical files.
"""
import hashlib
import io
import json
import os
import shutil
import sys
import struct
import tarfile
import zlib

REPOSITORY = "registry.example/demo/app"
TAG = "v1"
PLATFORMS = ["amd64", "arm64"]


def canonical(value):
    return json.dumps(value, sort_keys=True, separators=(",", ":")).encode()


def pseudo_random(seed, length):
    out = bytearray()
    counter = 0
    while len(out) < length:
        out += hashlib.sha256(f"{seed}/{counter}".encode()).digest()
        counter += 1
    return bytes(out[:length])


def layer_tar(arch):
    files = [
        ("etc/airlock-demo/hello.txt", f"hello from linux/{arch}\n".encode()),
        ("usr/share/airlock-demo/data.bin", pseudo_random(f"airlock-demo/{arch}", 4096)),
    ]
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        directories = sorted({prefix for path, _ in files for prefix in _prefixes(os.path.dirname(path))})
        for directory in directories:
            info = tarfile.TarInfo(directory + "/")
            info.type, info.mode, info.mtime = tarfile.DIRTYPE, 0o755, 0
            tar.addfile(info)
        for path, data in files:
            info = tarfile.TarInfo(path)
            info.size, info.mode, info.mtime = len(data), 0o644, 0
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def gzip_fixed(data):
    """gzip with a fixed header (no name, mtime 0, OS 255) so Python versions agree."""
    deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
    body = deflate.compress(data) + deflate.flush()
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    return header + body + struct.pack("<II", zlib.crc32(data), len(data) & 0xFFFFFFFF)


def _prefixes(directory):
    parts = directory.split("/")
    return ["/".join(parts[: n + 1]) for n in range(len(parts))]


def main():
    root = os.path.dirname(os.path.abspath(__file__))
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "example-layout")
    shutil.rmtree(out, ignore_errors=True)
    blobs = os.path.join(out, "blobs", "sha256")
    os.makedirs(blobs)

    def store(data, media_type, **extra):
        digest = hashlib.sha256(data).hexdigest()
        with open(os.path.join(blobs, digest), "wb") as blob:
            blob.write(data)
        return {"mediaType": media_type, "digest": "sha256:" + digest, "size": len(data), **extra}

    manifests = []
    for arch in PLATFORMS:
        tar = layer_tar(arch)
        layer = store(gzip_fixed(tar), "application/vnd.oci.image.layer.v1.tar+gzip")
        config = store(canonical({
            "architecture": arch,
            "os": "linux",
            "created": "1970-01-01T00:00:00Z",
            "config": {"Cmd": ["/bin/cat", "/etc/airlock-demo/hello.txt"]},
            "rootfs": {"type": "layers", "diff_ids": ["sha256:" + hashlib.sha256(tar).hexdigest()]},
            "history": [{"created": "1970-01-01T00:00:00Z", "created_by": "make-example-layout.py"}],
        }), "application/vnd.oci.image.config.v1+json")
        manifest = canonical({
            "schemaVersion": 2,
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": config,
            "layers": [layer],
        })
        manifests.append(store(manifest, "application/vnd.oci.image.manifest.v1+json",
                               platform={"architecture": arch, "os": "linux"}))

    index = store(canonical({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.index.v1+json",
        "manifests": manifests,
    }), "application/vnd.oci.image.index.v1+json", annotations={
        "org.opencontainers.image.ref.name": TAG,
        "io.airlock.image.name": REPOSITORY,
        "io.containerd.image.name": f"{REPOSITORY}:{TAG}",
    })
    with open(os.path.join(out, "index.json"), "wb") as f:
        f.write(json.dumps({
            "schemaVersion": 2,
            "mediaType": "application/vnd.oci.image.index.v1+json",
            "manifests": [index],
        }, sort_keys=True, indent=2).encode() + b"\n")
    with open(os.path.join(out, "oci-layout"), "wb") as f:
        f.write(canonical({"imageLayoutVersion": "1.0.0"}))
    print(f"{out}: {index['digest']} tagged {TAG} ({REPOSITORY})")


if __name__ == "__main__":
    main()
