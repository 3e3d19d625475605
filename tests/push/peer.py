#!/usr/bin/env python3
"""Independent implementations that check Watchword's push delivery.

Run by tests/tests/push_delivery.rs with the interpreter of the venv that
tests/push/peers.sh makes (http-ece, pywebpush, py-vapid, PyJWT,
cryptography from PyPI). One JSON object on stdin, one on stdout; a failed
check exits non-zero with the reason on stderr.

Commands (argv[1]):
  decrypt        RFC 8291 message -> plaintext, with http_ece (the receiver side)
  encrypt        plaintext -> RFC 8291 message, with pywebpush (a sender)
  vapid          verify an Authorization: vapid header with py_vapid, and its
                 claims (aud, exp, sub) with PyJWT
  jwt            verify a JWT (ES256 or RS256) with PyJWT against a PEM public key
"""
import base64
import json
import sys
import time


def b64d(s):
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def b64e(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def decrypt(req):
    import http_ece
    from cryptography.hazmat.primitives.asymmetric import ec

    private = ec.derive_private_key(int.from_bytes(b64d(req["private"]), "big"), ec.SECP256R1())
    plain = http_ece.decrypt(
        b64d(req["body"]), private_key=private, auth_secret=b64d(req["auth"]), version="aes128gcm"
    )
    return {"plaintext": plain.decode()}


def encrypt(req):
    from pywebpush import WebPusher

    pusher = WebPusher({"endpoint": "https://push.invalid/x", "keys": {"p256dh": req["p256dh"], "auth": req["auth"]}})
    out = pusher.encode(req["plaintext"].encode(), content_encoding="aes128gcm")
    return {"body": b64e(out["body"])}


def vapid(req):
    import jwt
    import py_vapid
    from cryptography.hazmat.primitives.asymmetric import ec

    header = req["authorization"]
    if not py_vapid.Vapid02.verify(header):
        raise SystemExit("py_vapid: the VAPID signature does not verify")
    params = dict(p.strip().split("=", 1) for p in header.split(" ", 1)[1].split(","))
    public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), b64d(params["k"]))
    claims = jwt.decode(params["t"], public, algorithms=["ES256"], audience=req["audience"])
    if not (claims["sub"].startswith("mailto:") or claims["sub"].startswith("https://")):
        raise SystemExit("VAPID sub is not a contact")
    if not time.time() < claims["exp"] <= time.time() + 24 * 3600:
        raise SystemExit("VAPID exp is not within 24 hours")
    return {"claims": claims}


def verify_jwt(req):
    import jwt
    from cryptography.hazmat.primitives import serialization

    public = serialization.load_pem_public_key(req["public_pem"].encode())
    options = {"verify_aud": "audience" in req, "verify_iat": False}
    kwargs = {"audience": req["audience"]} if "audience" in req else {}
    claims = jwt.decode(req["token"], public, algorithms=[req["alg"]], options=options, **kwargs)
    header = jwt.get_unverified_header(req["token"])
    return {"claims": claims, "header": header}


COMMANDS = {"decrypt": decrypt, "encrypt": encrypt, "vapid": vapid, "jwt": verify_jwt}

if __name__ == "__main__":
    result = COMMANDS[sys.argv[1]](json.load(sys.stdin))
    json.dump(result, sys.stdout)
