"""The import peer of bench/transfer: an encrypted Aegis vault export
opened the way Aegis's own reference decryptor (`docs/decrypt.py` in
beemdevelopment/Aegis) does it, written here from its description:

1. `json.load` the file;
2. for each password slot (type 1): scrypt(password, slot salt, n, r, p)
   with the `cryptography` package's `Scrypt`, and AES-256-GCM-open the
   slot's wrapped master key with it (`key` + `tag`, the slot's nonce);
3. AES-256-GCM-open the base64 `db` with the master key (the header's
   nonce and tag);
4. `json.loads` the content: the entries.

Usage: peer_aegis_decrypt.py FILE PASSWORD. Prints one JSON line: the
operation's time in ms (from opening the file to the parsed entries) and
the number of entries.
"""
import base64
import json
import sys
import time

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt


def master_key(header, password):
    for slot in header["slots"]:
        if slot["type"] != 1:  # 1 = password slot
            continue
        derived = Scrypt(
            salt=bytes.fromhex(slot["salt"]), length=32, n=slot["n"], r=slot["r"], p=slot["p"]
        ).derive(password)
        params = slot["key_params"]
        try:
            return AESGCM(derived).decrypt(
                bytes.fromhex(params["nonce"]),
                bytes.fromhex(slot["key"]) + bytes.fromhex(params["tag"]),
                None,
            )
        except InvalidTag:
            continue
    raise SystemExit("no password slot opens with this password")


def open_vault(path, password):
    with open(path, "rb") as f:
        vault = json.load(f)
    header = vault["header"]
    key = master_key(header, password)
    params = header["params"]
    plain = AESGCM(key).decrypt(
        bytes.fromhex(params["nonce"]),
        base64.b64decode(vault["db"]) + bytes.fromhex(params["tag"]),
        None,
    )
    return json.loads(plain)


def main(path, password):
    t = time.perf_counter()
    db = open_vault(path, password.encode("utf-8"))
    entries = db["entries"]
    ms = (time.perf_counter() - t) * 1e3
    print(json.dumps({"op": "import", "ms": ms, "entries": len(entries), "groups": len(db.get("groups", []))}))


if __name__ == "__main__":
    main(*sys.argv[1:3])
