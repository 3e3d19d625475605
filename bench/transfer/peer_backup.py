"""The backup peer of bench/transfer: Watchword's verified backup written
and read in Python, step for step as core/src/backup does it, in the file
format of docs/backup-format.md, with the same costs: argon2id (64 MiB,
3 passes, 1 lane) through argon2-cffi's `hash_secret_raw`, AES-256-GCM
through the `cryptography` package.

    peer_backup.py backup ACCOUNTS.json OUT PASSWORD
        reads the accounts (the vault's, field by field, as `transfer-bench
        setup` wrote them), encodes the contents, derives the key, seals
        them with the header line as AAD, writes OUT.partial, fsyncs it,
        reads it back, derives the key again from the file's own header,
        opens and decodes it, compares with the accounts, renames it over
        OUT and fsyncs the folder.
    peer_backup.py restore BACKUP PASSWORD
        reads the file, derives the key, opens it, decodes the accounts.
    peer_backup.py argon2id
        one key derivation alone (random salt), nothing else.

Prints one JSON line: the operation's time in ms and the account count.
"""
import base64
import json
import os
import struct
import sys
import time

from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

MEMORY_KIB, ITERATIONS, PARALLELISM = 64 * 1024, 3, 1
MAGIC = b"WWBC"
NONE_LEN = 0xFFFFFFFF
STRINGS = ("issuer", "name", "icon", "group", "notes", "provenance",
           "label_issuer", "param_issuer", "image", "color")


def file_key(password, salt, memory_kib, iterations, parallelism):
    if memory_kib > 1024 * 1024 or iterations > 64 or parallelism > 16:
        raise ValueError("key derivation parameters out of range")
    return hash_secret_raw(password, salt, time_cost=iterations, memory_cost=memory_kib,
                           parallelism=parallelism, hash_len=32, type=Type.ID, version=19)


# --- the contents (docs/backup-format.md, "The contents") ---

def put_str(out, s):
    if s is None:
        out += struct.pack(">I", NONE_LEN)
    else:
        b = s.encode("utf-8")
        out += struct.pack(">I", len(b))
        out += b


def encode_account(a):
    secret = bytes.fromhex(a["secret"])
    otp = struct.pack(">BBBBIQq", 1, a["kind"], a["algorithm"], a["digits"], a["period"],
                      a["counter"], a["t0"]) + secret
    out = bytearray(struct.pack(">H", len(otp)))
    out += otp
    out += bytes([1, int(a["exportable"]) | (int(a["steam_encoder"]) << 1)])
    for field in STRINGS:
        put_str(out, a[field])
    out += struct.pack(">H", len(a["params"]))
    for k, v in a["params"]:
        put_str(out, k)
        put_str(out, v)
    return bytes(out)


def encode_contents(accounts, clock_offset_ms):
    out = bytearray(MAGIC)
    out += struct.pack(">Bq", 1, clock_offset_ms)
    out += struct.pack(">I", len(accounts))
    for a in accounts:
        enc = encode_account(a)
        out += struct.pack(">I", len(enc))
        out += enc
    out += struct.pack(">I", 0)  # no accounts to enrol again
    return bytes(out)


class Reader:
    def __init__(self, b):
        self.b, self.i = b, 0

    def take(self, n):
        if self.i + n > len(self.b):
            raise ValueError("cut short")
        s = self.b[self.i:self.i + n]
        self.i += n
        return s

    def unpack(self, fmt):
        return struct.unpack(fmt, self.take(struct.calcsize(fmt)))

    def opt_str(self):
        (n,) = self.unpack(">I")
        return None if n == NONE_LEN else self.take(n).decode("utf-8")


def decode_account(b):
    r = Reader(b)
    (otp_len,) = r.unpack(">H")
    otp = Reader(r.take(otp_len))
    fmt, kind, algorithm, digits, period, counter, t0 = otp.unpack(">BBBBIQq")
    if fmt != 1 or kind > 2 or algorithm > 2:
        raise ValueError("unknown account layout")
    a = {"kind": kind, "algorithm": algorithm, "digits": digits, "period": period,
         "counter": counter, "t0": t0, "secret": otp.b[otp.i:].hex()}
    details, flags = r.unpack(">BB")
    if details != 1:
        raise ValueError("unknown details layout")
    a["exportable"] = bool(flags & 1)
    a["steam_encoder"] = bool(flags & 2)
    for field in STRINGS:
        a[field] = r.opt_str()
    (n,) = r.unpack(">H")
    a["params"] = [[r.opt_str(), r.opt_str()] for _ in range(n)]
    return a


def decode_contents(b):
    r = Reader(b)
    if r.take(4) != MAGIC:
        raise ValueError("not a Watchword backup's contents")
    version, offset = r.unpack(">Bq")
    if version != 1:
        raise ValueError("made by a newer Watchword")
    (n,) = r.unpack(">I")
    accounts = []
    for _ in range(n):
        (length,) = r.unpack(">I")
        accounts.append(decode_account(r.take(length)))
    (n,) = r.unpack(">I")
    reenrol = [(r.opt_str(), r.opt_str()) for _ in range(n)]
    if r.i != len(b):
        raise ValueError("bytes after the end of the contents")
    return accounts, offset, reenrol


# --- the file (docs/backup-format.md, "The file") ---

def encode_file(plain, password):
    salt, nonce = os.urandom(16), os.urandom(12)
    header = json.dumps({
        "format": "watchword-backup", "version": 1,
        "kdf": {"algorithm": "argon2id", "memory_kib": MEMORY_KIB, "iterations": ITERATIONS,
                "parallelism": PARALLELISM, "salt": base64.b64encode(salt).decode()},
        "cipher": {"algorithm": "aes-256-gcm", "nonce": base64.b64encode(nonce).decode()},
    }, separators=(",", ":")).encode()
    key = file_key(password, salt, MEMORY_KIB, ITERATIONS, PARALLELISM)
    sealed = AESGCM(key).encrypt(nonce, plain, header)
    return header + b"\n" + base64.b64encode(sealed) + b"\n"


def decode_file(data, password):
    header_line, body = data.split(b"\n", 1)
    h = json.loads(header_line)
    if h["format"] != "watchword-backup" or h["version"] > 1:
        raise ValueError("not a backup this version reads")
    kdf, cipher = h["kdf"], h["cipher"]
    if kdf["algorithm"] != "argon2id" or cipher["algorithm"] != "aes-256-gcm":
        raise ValueError("unknown algorithm")
    key = file_key(password, base64.b64decode(kdf["salt"]), kdf["memory_kib"],
                   kdf["iterations"], kdf["parallelism"])
    try:
        plain = AESGCM(key).decrypt(base64.b64decode(cipher["nonce"]),
                                    base64.b64decode(body.strip()), header_line)
    except InvalidTag:
        raise SystemExit("wrong password or damaged backup")
    return decode_contents(plain)


def backup(accounts_json, out, password):
    with open(accounts_json, "rb") as f:
        vault = json.load(f)
    accounts, offset = vault["accounts"], vault["clock_offset_ms"]
    data = encode_file(encode_contents(accounts, offset), password)
    temp = out + ".partial"
    try:
        with open(temp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        with open(temp, "rb") as f:
            back = f.read()
        if decode_file(back, password) != (accounts, offset, []):
            raise SystemExit("the backup read back differs from the accounts")
        os.rename(temp, out)
    except BaseException:
        if os.path.exists(temp):
            os.remove(temp)
        raise
    d = os.open(os.path.dirname(os.path.abspath(out)), os.O_RDONLY)
    try:
        os.fsync(d)
    finally:
        os.close(d)
    return len(accounts)


def restore(path, password):
    with open(path, "rb") as f:
        data = f.read()
    accounts, _offset, _reenrol = decode_file(data, password)
    return len(accounts)


def main(argv):
    op = argv[0]
    t = time.perf_counter()
    if op == "backup":
        n = backup(argv[1], argv[2], argv[3].encode("utf-8"))
    elif op == "restore":
        n = restore(argv[1], argv[2].encode("utf-8"))
    elif op == "argon2id":
        file_key(b"correct horse battery staple", os.urandom(16), MEMORY_KIB, ITERATIONS,
                 PARALLELISM)
        n = None
    else:
        raise SystemExit(__doc__)
    ms = (time.perf_counter() - t) * 1e3
    print(json.dumps({"op": op, "ms": ms} | ({} if n is None else {"accounts": n})))


if __name__ == "__main__":
    main(sys.argv[1:])
