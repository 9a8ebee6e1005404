#!/usr/bin/env python3
"""Newcomer cross-check of the README's v2 flow: traktql's answers against counts made here from
the emulator's raw v2 pages (urllib + json, every page), over a trakt-emulator on loopback with a
pinned clock. Usage: scripts/crosscheck-v2.py [BUILD_DIR] (default .build/debug). Exits 1 on any
difference."""
import json, subprocess, sys, urllib.request, datetime, collections, tempfile
BIN = sys.argv[1] if len(sys.argv) > 1 else ".build/debug"  # folder with traktql and trakt-emulator
NOW = "2026-12-07T12:00:00Z"
emu = subprocess.Popen([BIN + "/trakt-emulator", "--now", NOW, "--client-id", "cid", "--access-token", "tok-" + "x"*30,
                        "--token-user", "justin"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
base = emu.stdout.readline().strip()
H = {"trakt-api-version": "2", "trakt-api-key": "cid", "Authorization": "Bearer tok-" + "x"*30}
def pages(path, **q):
    out, page = [], 1
    while True:
        qs = "&".join(f"{k}={v}" for k, v in {**q, "page": page, "limit": 250}.items())
        r = urllib.request.urlopen(urllib.request.Request(f"{base}{path}?{qs}", headers=H))
        body = json.load(r); out += body
        if page >= int(r.headers.get("X-Pagination-Page-Count", "1")) or not body: return out
        page += 1
def tql(q):
    r = subprocess.run([BIN + "/traktql", "--api-url", base, "--api", "v2", "--client-id", "cid", "--now", NOW, "--tz", "UTC",
                        "--format", "json", "-c", q], capture_output=True, text=True,
                       env={"TRAKT_ACCESS_TOKEN": "tok-" + "x"*30, "HOME": tempfile.mkdtemp(), "PATH": "/usr/bin:/bin"})
    if r.returncode != 0: print("FAILED", q, r.stderr); return None
    return json.loads(r.stdout)
now = datetime.datetime(2026, 12, 7, 12, tzinfo=datetime.timezone.utc)
def iso(d): return d.strftime("%Y-%m-%dT%H:%M:%S.000Z")
def title(e):
    if "show" in e: return e["show"]["title"]
    for k in ("movie", "episode", "season", "list"):
        if k in e: return e[k].get("title")
results = []
def check(name, query, mine, theirs):
    results.append((name, query, mine, theirs, mine == theirs))
    print(("OK  " if mine == theirs else "DIFF"), name, "| traktql:", mine, "| raw:", theirs)

hist30 = pages("/sync/history", start_at=iso(now - datetime.timedelta(days=30)))
plays30 = [e for e in hist30 if e["action"] in ("watch", "scrobble", "checkin")]
r = tql("activity user:me action:seen,scrobble,checkin since:30d | count")
check("plays in 30 days", "activity user:me action:seen,scrobble,checkin since:30d | count", r and r[0]["count"], len(plays30))

r = tql("activity user:me action:seen,scrobble,checkin since:30d | stats count by title | sort count desc, title | limit 10")
c = collections.Counter(title(e) for e in plays30)
top = sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))[:10]
check("top 10 titles in 30 days", "… | stats count by title | sort count desc, title | limit 10", r and [(x["title"], x["count"]) for x in r], top)

ratings = pages("/sync/ratings")
r = tql("activity user:me action:rating rating:10 | count")
check("ratings of 10", "activity user:me action:rating rating:10 | count", r and r[0]["count"], sum(1 for e in ratings if e["rating"] == 10))
r = tql("activity user:me action:rating rating:love | count")
check("rating:love (6-10)", "activity user:me action:rating rating:love | count", r and r[0]["count"], sum(1 for e in ratings if e["rating"] >= 6))
r = tql("activity user:me action:rating | stats avg(rating) as a")
check("average rating", "activity user:me action:rating | stats avg(rating)", r and r[0]["a"], round(sum(e["rating"] for e in ratings) / len(ratings), 2))  # avg shows 2 decimals (README)

wl = pages("/sync/watchlist")
allhist = pages("/sync/history")
watched = {title(e) for e in allhist}
never = sorted({title(e) for e in wl} - watched)
r = tql("let seen = activity user:me action:seen,scrobble,checkin | limit all | distinct title\nactivity user:me action:watchlist | limit all | where title not in $seen | distinct title | sort title")
check("watchlist never watched", "let seen = …; … where title not in $seen", r and [x["title"] for x in r], never)

rated_never = sorted({title(e) for e in ratings} - watched)
r = tql("let seen = activity user:me action:seen,scrobble,checkin | limit all | distinct title\nactivity user:me action:rating | limit all | where title not in $seen | distinct title | sort title")
check("rated, never watched", "let seen = …; activity user:me action:rating … where title not in $seen", r and [x["title"] for x in r], rated_never)

y = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)
thisyear = [e for e in allhist if e["watched_at"] >= iso(y) and e["action"] in ("watch", "scrobble", "checkin")]
r = tql("activity user:me action:seen,scrobble,checkin on:this-year | count")
check("plays this year (UTC)", "activity user:me action:seen,scrobble,checkin on:this-year | count", r and r[0]["count"], len(thisyear))
r = tql("activity user:me action:seen,scrobble,checkin | limit all | count")
check("all plays", "… | limit all | count", r and r[0]["count"], len([e for e in allhist if e["action"] in ("watch", "scrobble", "checkin")]))
emu.terminate()
print(sum(1 for x in results if x[4]), "of", len(results), "agree")
sys.exit(0 if all(x[4] for x in results) else 1)
