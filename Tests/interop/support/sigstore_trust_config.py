"""Writes a sigstore-python ClientTrustConfig around a trusted root, for offline verification.

Usage: python3 sigstore_trust_config.py TRUSTED_ROOT OUT

The signing config names services that do not exist: `verify --offline` reads only the root.
"""
import json
import sys

root_path, out_path = sys.argv[1:3]
with open(root_path) as f:
    root = json.load(f)


def service(url):
    return {"url": url, "majorApiVersion": 1, "operator": "airlock-test", "validFor": {"start": "2020-01-01T00:00:00Z"}}


config = {"mediaType": "application/vnd.dev.sigstore.clienttrustconfig.v0.1+json", "trustedRoot": root,
          "signingConfig": {"mediaType": "application/vnd.dev.sigstore.signingconfig.v0.2+json",
                            "caUrls": [service("https://fulcio.invalid")], "oidcUrls": [service("https://oidc.invalid")],
                            "rekorTlogUrls": [service("https://rekor.invalid")], "rekorTlogConfig": {"selector": "ANY"},
                            "tsaUrls": [], "tsaConfig": {"selector": "ANY"}}}
with open(out_path, "w") as f:
    json.dump(config, f)
