#!/usr/bin/env python3
"""An independent implementation of cosign key files and signatures, to check airlock against.

Written from the format description (FORMATS.md sections 1 and 6), using only pyca/cryptography
and PyNaCl; it shares no code with airlock.

  generate --out PREFIX [--label sigstore|cosign] [--scrypt-n N] [--algo ecdsa-p256|rsa-2048|ed25519]
      writes PREFIX.key (encrypted cosign key file) and PREFIX.pub
  pubkey KEY                         prints the PEM public key of a cosign key file
  sign KEY --payload F               prints the base64 signature of F
  verify --pub PUB --payload F (--sig B64 | --sig-file F)
  pae TYPE FILE                      writes the DSSE PAE bytes of FILE with payloadType TYPE
  verify-dsse --pub PUB --envelope F verifies the first signature of a DSSE envelope over its PAE

Passwords come from --password-file F (content verbatim) or else the COSIGN_PASSWORD variable.
Signatures: ECDSA (DER) and RSA PKCS#1 v1.5 over SHA-256 unless --hash says otherwise; Ed25519 is
pure unless --ed25519ph. --sig-file holds base64 text, as cosign writes it.
Exit status: 0 success, 1 wrong password or invalid signature, 2 malformed input or usage.
"""

import argparse
import base64
import binascii
import json
import os
import sys

import nacl.bindings
import nacl.exceptions
import nacl.secret
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

LABELS = {"sigstore": "ENCRYPTED SIGSTORE PRIVATE KEY", "cosign": "ENCRYPTED COSIGN PRIVATE KEY"}
SCRYPT_ALLOWED = {(32768, 8, 1), (65536, 8, 1), (131072, 8, 1)}
SALT_BYTES, NONCE_BYTES, KEY_BYTES = 32, 24, 32
HASHES = {"sha256": hashes.SHA256, "sha384": hashes.SHA384, "sha512": hashes.SHA512}


class Refused(Exception):
    """Input refused: exit status 1 for a wrong password or bad signature, else 2."""

    def __init__(self, message, status=2):
        super().__init__(message)
        self.status = status


# ---- PEM -----------------------------------------------------------------------------------

def pem_armour(label: str, der: bytes) -> str:
    body = base64.b64encode(der).decode()
    lines = [body[i:i + 64] for i in range(0, len(body), 64)]
    return "".join(f"{line}\n" for line in [f"-----BEGIN {label}-----", *lines, f"-----END {label}-----"])


def pem_first_block(text: str):
    """(label, der) of the first PEM block; text around it is ignored."""
    label, body = None, []
    for line in text.splitlines():
        line = line.strip()
        if label is None:
            if line.startswith("-----BEGIN ") and line.endswith("-----"):
                label = line[len("-----BEGIN "):-5]
        elif line == f"-----END {label}-----":
            try:
                return label, base64.b64decode("".join(body), validate=True)
            except binascii.Error:
                raise Refused(f"PEM block {label} is not valid base64")
        elif ":" in line:
            raise Refused("PEM headers are not supported")
        else:
            body.append(line)
    raise Refused("no complete PEM block found")


# ---- the encrypted envelope (go-securesystemslib "encrypted") -------------------------------

def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def unb64(text, field: str) -> bytes:
    if not isinstance(text, str):
        raise Refused(f"{field} is not a string")
    try:
        return base64.b64decode(text, validate=True)
    except binascii.Error:
        raise Refused(f"{field} is not valid base64")


def derive(password: bytes, salt: bytes, n: int, r: int, p: int) -> bytes:
    return Scrypt(salt=salt, length=KEY_BYTES, n=n, r=r, p=p).derive(password)


def seal(plaintext: bytes, password: bytes, n: int) -> bytes:
    salt, nonce = os.urandom(SALT_BYTES), os.urandom(NONCE_BYTES)
    box = nacl.secret.SecretBox(derive(password, salt, n, 8, 1))
    sealed = box.encrypt(plaintext, nonce).ciphertext  # Poly1305 tag, then the ciphertext
    envelope = {
        "kdf": {"name": "scrypt", "params": {"N": n, "r": 8, "p": 1}, "salt": b64(salt)},
        "cipher": {"name": "nacl/secretbox", "nonce": b64(nonce)},
        "ciphertext": b64(sealed),
    }
    return json.dumps(envelope, separators=(",", ":")).encode()


def unseal(envelope_json: bytes, password: bytes) -> bytes:
    try:
        envelope = json.loads(envelope_json)
        kdf, cipher = envelope["kdf"], envelope["cipher"]
        params = kdf["params"]
        triple = (params["N"], params["r"], params["p"])
        names = (kdf["name"], cipher["name"])
        fields = (kdf["salt"], cipher["nonce"], envelope["ciphertext"])
    except (ValueError, KeyError, TypeError) as error:
        raise Refused(f"malformed envelope: {error!r}")
    if names != ("scrypt", "nacl/secretbox"):
        raise Refused(f"unknown kdf or cipher {names}")
    if triple not in SCRYPT_ALLOWED or not all(type(v) is int for v in triple):
        raise Refused(f"unsupported scrypt parameters {triple}")
    salt, nonce, sealed = (unb64(v, f) for v, f in zip(fields, ("kdf.salt", "cipher.nonce", "ciphertext")))
    if len(salt) != SALT_BYTES or len(nonce) != NONCE_BYTES:
        raise Refused(f"salt/nonce sizes {len(salt)}/{len(nonce)}")
    try:
        return nacl.secret.SecretBox(derive(password, salt, *triple)).decrypt(sealed, nonce)
    except nacl.exceptions.CryptoError:
        raise Refused("wrong password (secretbox authentication failed)", status=1)


# ---- keys --------------------------------------------------------------------------------

def der_element(der: bytes, offset: int):
    """(tag, content start, content end) of the DER element at offset."""
    if offset + 2 > len(der):
        raise ValueError("truncated DER")
    tag, first = der[offset], der[offset + 1]
    start = offset + 2
    if first < 0x80:
        length = first
    else:
        count = first & 0x7F
        if not 1 <= count <= 4 or start + count > len(der):
            raise ValueError("bad DER length")
        length = int.from_bytes(der[start:start + count], "big")
        start += count
    if start + length > len(der):
        raise ValueError("truncated DER")
    return tag, start, start + length


def is_pkcs8(der: bytes) -> bool:
    """PrivateKeyInfo: SEQUENCE { INTEGER version, SEQUENCE algorithm, OCTET STRING key, ... }."""
    try:
        tag, start, end = der_element(der, 0)
        if tag != 0x30 or end != len(der):
            return False
        expected = [0x02, 0x30, 0x04]
        offset = start
        for want in expected:
            tag, _, offset = der_element(der, offset)
            if tag != want:
                return False
        return True
    except ValueError:
        return False


def read_password(args) -> bytes:
    if getattr(args, "password_file", None):
        with open(args.password_file, "rb") as handle:
            return handle.read()
    if "COSIGN_PASSWORD" not in os.environ:
        raise Refused("no password: set COSIGN_PASSWORD or pass --password-file")
    return os.environb[b"COSIGN_PASSWORD"]


def load_key_file(path: str, password: bytes):
    with open(path, encoding="utf-8", errors="replace") as handle:
        label, der = pem_first_block(handle.read())
    if label not in LABELS.values():
        raise Refused(f"PEM block {label!r} is not a cosign encrypted private key")
    plaintext = unseal(der, password)
    if not is_pkcs8(plaintext):
        raise Refused("decrypted key is not PKCS#8")
    return serialization.load_der_private_key(plaintext, password=None)


def public_pem(public_key) -> bytes:
    return public_key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def new_key(algo: str):
    if algo == "ecdsa-p256":
        return ec.generate_private_key(ec.SECP256R1())
    if algo == "rsa-2048":
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return ed25519.Ed25519PrivateKey.generate()


# ---- signatures --------------------------------------------------------------------------

def ed25519ph_keys(private_key):
    seed = private_key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                                     serialization.NoEncryption())
    return nacl.bindings.crypto_sign_seed_keypair(seed)


def sign(private_key, message: bytes, hash_name: str, prehash: bool) -> bytes:
    if isinstance(private_key, ec.EllipticCurvePrivateKey):
        return private_key.sign(message, ec.ECDSA(HASHES[hash_name]()))
    if isinstance(private_key, rsa.RSAPrivateKey):
        return private_key.sign(message, padding.PKCS1v15(), HASHES[hash_name]())
    if isinstance(private_key, ed25519.Ed25519PrivateKey):
        if not prehash:
            return private_key.sign(message)
        _, secret = ed25519ph_keys(private_key)
        state = nacl.bindings.crypto_sign_ed25519ph_state()
        nacl.bindings.crypto_sign_ed25519ph_update(state, message)
        return nacl.bindings.crypto_sign_ed25519ph_final_create(state, secret)
    raise Refused(f"unsupported key type {type(private_key).__name__}")


def is_valid(public_key, signature: bytes, message: bytes, hash_name: str, prehash: bool) -> bool:
    try:
        if isinstance(public_key, ec.EllipticCurvePublicKey):
            public_key.verify(signature, message, ec.ECDSA(HASHES[hash_name]()))
        elif isinstance(public_key, rsa.RSAPublicKey):
            public_key.verify(signature, message, padding.PKCS1v15(), HASHES[hash_name]())
        elif isinstance(public_key, ed25519.Ed25519PublicKey) and not prehash:
            public_key.verify(signature, message)
        elif isinstance(public_key, ed25519.Ed25519PublicKey):
            raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
            state = nacl.bindings.crypto_sign_ed25519ph_state()
            nacl.bindings.crypto_sign_ed25519ph_update(state, message)
            return bool(nacl.bindings.crypto_sign_ed25519ph_final_verify(state, signature, raw))
        else:
            raise Refused(f"unsupported key type {type(public_key).__name__}")
        return True
    except (InvalidSignature, nacl.exceptions.BadSignatureError, ValueError):
        return False


def pae(payload_type: str, body: bytes) -> bytes:
    kind = payload_type.encode()
    return b"DSSEv1 %d %s %d %s" % (len(kind), kind, len(body), body)


def b64_any(text: str, field: str) -> bytes:
    """DSSE readers accept standard or URL-safe base64."""
    for decode in (lambda t: base64.b64decode(t, validate=True), base64.urlsafe_b64decode):
        try:
            return decode(text)
        except (binascii.Error, ValueError):
            continue
    raise Refused(f"{field} is not base64")


def load_public_key(path: str):
    with open(path, "rb") as handle:
        try:
            return serialization.load_pem_public_key(handle.read())
        except ValueError as error:
            raise Refused(f"{path}: not a PEM public key ({error})")


def read_file(path: str) -> bytes:
    with open(path, "rb") as handle:
        return handle.read()


# ---- commands ----------------------------------------------------------------------------

def cmd_generate(args):
    if (args.scrypt_n, 8, 1) not in SCRYPT_ALLOWED:
        raise Refused(f"--scrypt-n must be one of {sorted(n for n, _, _ in SCRYPT_ALLOWED)}")
    key = new_key(args.algo)
    pkcs8 = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                              serialization.NoEncryption())
    envelope = seal(pkcs8, read_password(args), args.scrypt_n)
    with open(args.out + ".key", "w", opener=lambda p, f: os.open(p, f, 0o600)) as handle:
        handle.write(pem_armour(LABELS[args.label], envelope))
    with open(args.out + ".pub", "wb") as handle:
        handle.write(public_pem(key.public_key()))


def cmd_pubkey(args):
    sys.stdout.buffer.write(public_pem(load_key_file(args.key, read_password(args)).public_key()))


def cmd_sign(args):
    key = load_key_file(args.key, read_password(args))
    print(b64(sign(key, read_file(args.payload), args.hash, args.ed25519ph)))


def cmd_verify(args):
    text = args.sig if args.sig is not None else read_file(args.sig_file).decode(errors="replace").strip()
    signature = unb64(text.strip(), "signature")
    if not is_valid(load_public_key(args.pub), signature, read_file(args.payload), args.hash, args.ed25519ph):
        raise Refused("invalid signature", status=1)
    print("Verified OK")


def cmd_pae(args):
    sys.stdout.buffer.write(pae(args.type, read_file(args.file)))


def cmd_verify_dsse(args):
    try:
        envelope = json.loads(read_file(args.envelope))
        payload_type, payload = envelope["payloadType"], envelope["payload"]
        signature = envelope["signatures"][0]["sig"]
    except (ValueError, KeyError, IndexError, TypeError) as error:
        raise Refused(f"malformed DSSE envelope: {error!r}")
    message = pae(payload_type, b64_any(payload, "payload"))
    if not is_valid(load_public_key(args.pub), b64_any(signature, "sig"), message, args.hash, args.ed25519ph):
        raise Refused("invalid DSSE signature", status=1)
    print("Verified OK")


def parser():
    root = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = root.add_subparsers(dest="command", required=True)

    def signature_options(p):
        p.add_argument("--hash", choices=sorted(HASHES), default="sha256")
        p.add_argument("--ed25519ph", action="store_true", help="Ed25519ph (prehashed) instead of pure Ed25519")

    p = sub.add_parser("generate")
    p.add_argument("--out", required=True)
    p.add_argument("--label", choices=sorted(LABELS), default="sigstore")
    p.add_argument("--scrypt-n", type=int, default=65536)
    p.add_argument("--algo", choices=["ecdsa-p256", "rsa-2048", "ed25519"], default="ecdsa-p256")
    p.add_argument("--password-file")
    p.set_defaults(run=cmd_generate)

    p = sub.add_parser("pubkey")
    p.add_argument("key")
    p.add_argument("--password-file")
    p.set_defaults(run=cmd_pubkey)

    p = sub.add_parser("sign")
    p.add_argument("key")
    p.add_argument("--payload", required=True)
    p.add_argument("--password-file")
    signature_options(p)
    p.set_defaults(run=cmd_sign)

    p = sub.add_parser("verify")
    p.add_argument("--pub", required=True)
    p.add_argument("--payload", required=True)
    group = p.add_mutually_exclusive_group(required=True)
    group.add_argument("--sig")
    group.add_argument("--sig-file")
    signature_options(p)
    p.set_defaults(run=cmd_verify)

    p = sub.add_parser("pae")
    p.add_argument("type")
    p.add_argument("file")
    p.set_defaults(run=cmd_pae)

    p = sub.add_parser("verify-dsse")
    p.add_argument("--pub", required=True)
    p.add_argument("--envelope", required=True)
    signature_options(p)
    p.set_defaults(run=cmd_verify_dsse)
    return root


def main():
    args = parser().parse_args()
    try:
        args.run(args)
    except Refused as refusal:
        print(f"cosign_oracle: {refusal}", file=sys.stderr)
        sys.exit(refusal.status)
    except (OSError, ValueError) as error:
        print(f"cosign_oracle: {error}", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
