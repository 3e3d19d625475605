#!/usr/bin/env python3
"""The peer of bench/benches/delivery.rs: pywebpush sends N Web Push
messages (RFC 8291 aes128gcm, a VAPID header signed for each, as `webpush()`
does) to one endpoint over one keep-alive session, one after another (its
API is synchronous). Prints {"per_second": ...}.

Usage: pywebpush_peer.py ENDPOINT P256DH AUTH N"""
import json
import sys
import time

import requests
from py_vapid import Vapid02
from pywebpush import WebPusher

endpoint, p256dh, auth, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
vapid = Vapid02()
vapid.generate_keys()
session = requests.Session()
pusher = WebPusher({"endpoint": endpoint, "keys": {"p256dh": p256dh, "auth": auth}}, requests_session=session)
data = json.dumps({"v": 1, "device_id": "d0123456789abcdef01234567", "challenge_id": "c0123456789abcdef0123456789abcdef"})
origin = "/".join(endpoint.split("/")[:3])
t0 = time.perf_counter()
for _ in range(n):
    headers = vapid.sign({"aud": origin, "exp": int(time.time()) + 3600, "sub": "mailto:bench@example.org"})
    r = pusher.send(data, headers=dict(headers, Urgency="high"), ttl=60, content_encoding="aes128gcm")
    assert r.status_code == 201, r.status_code
elapsed = time.perf_counter() - t0
print(json.dumps({"per_second": n / elapsed, "sent": n}))
