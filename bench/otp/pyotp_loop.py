"""pyotp on the same accounts as benches/otp.rs: nanoseconds per code.

Keys follow watchword_bench::otp_key: byte j of account i is (i*31 + j*7) % 256.
Prints one JSON object {"SHA1": ns_per_code, ...}.
"""
import base64, hashlib, json, statistics, sys, time

import pyotp

ACCOUNTS = 64
OTP_TIME = 1_700_000_000


def key(i):
    return bytes(((i * 31 + j * 7) % 256) for j in range(20))


def main():
    out = {}
    for name, digest in (("SHA1", hashlib.sha1), ("SHA256", hashlib.sha256), ("SHA512", hashlib.sha512)):
        totps = [pyotp.TOTP(base64.b32encode(key(i)).decode(), digest=digest) for i in range(ACCOUNTS)]
        samples = []
        for _ in range(7):
            rounds = 200
            start = time.perf_counter_ns()
            for _ in range(rounds):
                for t in totps:
                    t.at(OTP_TIME)
            samples.append((time.perf_counter_ns() - start) / (rounds * ACCOUNTS))
        out[name] = statistics.median(samples)
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
