#!/usr/bin/env python3
"""An outside Trakt API v2 client, written with Python's standard library only (urllib and
http.client), that sends the request forms real client libraries and reverse proxies send:
header names in any case (urllib capitalises them: "Trakt-api-key"), repeated slashes and
trailing slashes in paths, query parameters in any order, OAuth POST bodies as JSON or as a
form, with or without a charset, with or without a Content-Type (urllib labels JSON as a form),
after a byte-order mark or white space, and a lower-case "bearer". Each answer must be the one
the canonical request gets: the same status, body and Trakt headers.

    stdlib_v2_client.py BASE_URL CLIENT_ID CLIENT_SECRET

Prints one line per failed check and exits 1 if any failed; prints "ok N checks" and exits 0
otherwise. Used by the emulator's tests (ClientToleranceTests).
"""
import http.client
import json
import sys
import urllib.error
import urllib.parse
import urllib.request

base, client_id, client_secret = sys.argv[1], sys.argv[2], sys.argv[3]
parts = urllib.parse.urlsplit(base)
checks = 0
failures = []


def check(condition, what):
    global checks
    checks += 1
    if not condition:
        failures.append(what)


def raw(method, target, headers=(), body=None):
    """One request exactly as given: the target and header names are sent verbatim."""
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=15)
    connection.putrequest(method, target, skip_accept_encoding=True)
    for name, value in headers:
        connection.putheader(name, value)
    if body is not None:
        # putrequest/endheaders add no Content-Length of their own (request() would).
        connection.putheader("Content-Length", str(len(body)))
    connection.endheaders(body)
    response = connection.getresponse()
    data = response.read()
    connection.close()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, data


def via_urllib(path, data=None, headers=None):
    """urllib.request as most scripts use it (it capitalises header names, and labels any
    POST body application/x-www-form-urlencoded unless told otherwise)."""
    request = urllib.request.Request(base + path, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=15) as response:
            return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}, error.read()


def trakt_headers(answer_headers):
    return {k: v for k, v in answer_headers.items() if k.startswith("x-pagination") or k in ("content-type", "x-sort-by", "x-sort-how")}


# --- OAuth: device codes, requested and polled in every body form -------------------------

def device_login(code_request, token_request):
    status, _, body = code_request()
    check(status == 200, f"device/code answered {status}: {body[:200]!r}")
    code = json.loads(body) if status == 200 else {}
    device = code.get("device_code", "")
    first, _, pending = token_request(device)
    check(first == 400 and b"authorization_pending" in pending, f"the first poll answered {first}: {pending[:200]!r}")
    second, _, token = token_request(device)
    check(second == 200, f"the second poll answered {second}: {token[:200]!r}")
    return json.loads(token) if second == 200 else {}


tokens = []
# urllib, JSON labelled as JSON ("Content-type" as urllib spells it).
tokens.append(device_login(
    lambda: via_urllib("/oauth/device/code", json.dumps({"client_id": client_id}).encode(), {"Content-Type": "application/json"}),
    lambda device: raw("POST", "/oauth/device/token",
                       [("Content-Type", "application/x-www-form-urlencoded; charset=UTF-8")],
                       urllib.parse.urlencode({"code": device, "client_id": client_id, "client_secret": client_secret}).encode())))
# JSON with no Content-Type at all, after white space; polls as JSON with a charset and a BOM.
tokens.append(device_login(
    lambda: raw("POST", "/oauth/device/code", [], b"\n  " + json.dumps({"client_id": client_id}).encode()),
    lambda device: raw("POST", "/oauth//device/token/", [("content-type", "application/json; charset=utf-8")],
                       b"\xef\xbb\xbf" + json.dumps({"code": device, "client_id": client_id, "client_secret": client_secret}).encode())))
# urllib's default: a JSON body labelled as a form; polls as a form with no Content-Type.
tokens.append(device_login(
    lambda: via_urllib("/oauth/device/code", json.dumps({"client_id": client_id}).encode()),
    lambda device: raw("POST", "/oauth/device/token", [],
                       urllib.parse.urlencode({"client_secret": client_secret, "client_id": client_id, "code": device}).encode())))
access = [t.get("access_token", "") for t in tokens]
check(all(access) and len(set(access)) == 3, f"three logins, three tokens: {access}")

# --- Reads: every form of one call gets the canonical answer --------------------------------

token = access[0]
canonical_headers = [("trakt-api-version", "2"), ("trakt-api-key", client_id), ("Authorization", "Bearer " + token)]
for path, query in [("/users/justin/history", "page=2&limit=10"), ("/sync/history", "limit=7&page=3"),
                    ("/users/justin/ratings", "extended=full&page=1&limit=5"), ("/users/justin/watchlist", "limit=4&page=2")]:
    status, headers, body = raw("GET", f"{path}?{query}", canonical_headers)
    check(status == 200 and body.startswith(b"["), f"GET {path}?{query} answered {status}: {body[:200]!r}")
    check("x-pagination-page-count" in headers, f"GET {path}?{query} has no X-Pagination-Page-Count: {headers}")
    reordered = "&".join(reversed(query.split("&")))
    slashed = "/" + "//".join(path.strip("/").split("/")) + "/"
    variants = [
        (f"{path}/?{reordered}", canonical_headers),
        (f"/{slashed}?{query}", [(k.upper(), v) for k, v in canonical_headers]),
        (f"{slashed}?{reordered}", [("Trakt-Api-Version", "2"), ("TRAKT-API-KEY", client_id), ("authorization", "bearer " + token)]),
    ]
    for target, headers_sent in variants:
        got = raw("GET", target, headers_sent)
        check(got[0] == status, f"GET {target} answered {got[0]}, the canonical form {status}")
        check(got[2] == body, f"GET {target}: another body than the canonical form")
        check(trakt_headers(got[1]) == trakt_headers(headers), f"GET {target}: headers {trakt_headers(got[1])} != {trakt_headers(headers)}")
    # urllib: "Trakt-api-version", "Trakt-api-key", "Authorization".
    got = via_urllib(f"{path}?{reordered}", headers={"trakt-api-version": "2", "trakt-api-key": client_id, "Authorization": "Bearer " + token})
    check(got[0] == status and got[2] == body, f"urllib GET {path}: {got[0]}")

# Errors keep their status whatever the form: an unknown user, a missing key, a bad token.
for target, headers_sent, expected in [
    ("//users//no-such-user-at-all/history/", canonical_headers, 404),
    ("/users/justin/history/", [("Trakt-Api-Version", "2")], 403),
    ("/sync/history/", [("trakt-api-version", "2"), ("trakt-api-key", client_id), ("authorization", "Bearer not-a-token")], 401),
]:
    got = raw("GET", target, headers_sent)
    check(got[0] == expected and got[1].get("content-type", "").startswith("application/json"), f"GET {target} answered {got[0]}, expected {expected}")

# --- Refresh and revoke, as forms and JSON ---------------------------------------------------

refresh = tokens[1].get("refresh_token", "")
status, _, body = raw("POST", "/oauth/token/", [], urllib.parse.urlencode(
    {"refresh_token": refresh, "client_id": client_id, "client_secret": client_secret,
     "redirect_uri": "urn:ietf:wg:oauth:2.0:oob", "grant_type": "refresh_token"}).encode())
check(status == 200 and b"access_token" in body, f"refresh as a form without Content-Type answered {status}: {body[:200]!r}")
status, _, body = via_urllib("/oauth/revoke", json.dumps({"token": tokens[2].get("access_token", ""), "client_id": client_id,
                                                          "client_secret": client_secret}).encode(),
                             {"Content-Type": "application/json;charset=UTF-8"})
check(status == 200, f"revoke answered {status}: {body[:200]!r}")
got = raw("GET", "/sync/history", [("trakt-api-version", "2"), ("trakt-api-key", client_id), ("Authorization", "Bearer " + tokens[2].get("access_token", ""))])
check(got[0] == 401, f"a revoked token still works: {got[0]}")

for failure in failures:
    print("FAIL " + failure)
print(f"ok {checks} checks" if not failures else f"{len(failures)} of {checks} checks failed")
sys.exit(1 if failures else 0)
