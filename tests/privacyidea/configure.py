"""Configures a fresh privacyIDEA 3.14 test server over its REST API.

Usage: configure.py wait URL            (exit 0 once the server answers)
       configure.py setup URL ADMIN PASSWORD USERS_FILE

Sets the passwd-file resolver, the default realm and the push policies
(poll only, registration URL with this port, sslverify 0 in both scopes)
that shared/reference/push-privacyidea.md section 1 lists. Every POST
overwrites, so running it again is harmless. Standard library only: it
runs with the venv's interpreter but needs nothing from it.
"""

import json
import sys
import time
import urllib.error
import urllib.parse
import urllib.request


# Admin-scope policies the tests and the README set only for a moment
# (tests/tests/privacyidea_two_step.rs, README "2-step enrolment").
ADMIN_POLICIES = ("watchword-2step", "two-step")


def call(method, url, data=None, token=None):
    body = None
    headers = {"Accept": "application/json"}
    if data is not None:
        body = json.dumps(data).encode()
        headers["Content-Type"] = "application/json"
    if token:
        headers["PI-Authorization"] = token
    req = urllib.request.Request(url, data=body, headers=headers, method=method)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            reply = json.load(r)
    except urllib.error.HTTPError as e:
        raise SystemExit(f"{method} {url}: HTTP {e.code}: {e.read()[:500]!r}")
    if not reply.get("result", {}).get("status"):
        raise SystemExit(f"{method} {url}: {reply}")
    return reply


def wait(url, seconds=90):
    end = time.time() + seconds
    while time.time() < end:
        try:
            with urllib.request.urlopen(url + "/", timeout=2):
                return 0
        except urllib.error.HTTPError:
            return 0  # any HTTP answer means it is up
        except OSError:
            time.sleep(0.5)
    return 1


def setup(url, admin, password, users_file):
    token = call("POST", url + "/auth", {"username": admin, "password": password})[
        "result"]["value"]["token"]
    # Admin-scope policies a 2-step test or the README's 2-step example
    # sets for a moment restrict the administrator to what they list: one
    # left behind by an interrupted run is removed first (they allow that).
    for name in ADMIN_POLICIES:
        try:
            call("DELETE", url + "/policy/" + name, token=token)
        except SystemExit:
            pass  # not there
    call("POST", url + "/resolver/users",
         {"type": "passwdresolver", "fileName": users_file}, token)
    call("POST", url + "/realm/defrealm", {"resolvers": "users"}, token)
    call("POST", url + "/defaultrealm/defrealm", {}, token)
    call("POST", url + "/policy/push-enrol", {
        "scope": "enrollment",
        "action": {
            "push_firebase_configuration": "poll only",
            "push_registration_url": url + "/ttype/push",
            "push_ssl_verify": "0",
            "push_ttl": "10",
        },
        "active": True,
    }, token)
    call("POST", url + "/policy/push-auth", {
        "scope": "authentication",
        "action": {"push_ssl_verify": "0"},
        "active": True,
    }, token)


if __name__ == "__main__":
    if sys.argv[1:2] == ["wait"]:
        sys.exit(wait(sys.argv[2]))
    if sys.argv[1:2] == ["setup"]:
        setup(*sys.argv[2:6])
        sys.exit(0)
    sys.exit("usage: configure.py wait URL | setup URL ADMIN PASSWORD USERS_FILE")
