"""An outside Trakt client, run unchanged: pytrakt (PyPI `pytrakt`, the maintained PyTrakt) adds a
play, rates a movie and edits its watchlist against the emulator, then reads them back through
its own read calls. Only its documented settings are set: the base URL, the client id and an
OAuth token (and a private config path, so no ~/.pytrakt.json is read or written).

    pytrakt_client.py BASE_URL CLIENT_ID TOKEN USERNAME

HTTPS trust comes from the environment (REQUESTS_CA_BUNDLE, as for any requests program).
Prints "ok …" and exits 0, or prints what failed and exits 1.
"""
import os
import sys
import tempfile

base, client_id, token, username = sys.argv[1:5]

import trakt
import trakt.core

trakt.core.BASE_URL = base.rstrip("/") + "/"
trakt.core.CLIENT_ID = client_id
trakt.core.CLIENT_SECRET = "unused"
trakt.core.OAUTH_TOKEN = token
trakt.core.CONFIG_PATH = os.path.join(tempfile.mkdtemp(), "pytrakt.json")

from trakt.movies import Movie  # noqa: E402
from trakt.sync import add_to_history, add_to_watchlist, rate, remove_from_watchlist  # noqa: E402
from trakt.users import User  # noqa: E402

failures = []


def check(what, condition):
    if not condition:
        failures.append(what)


def slugs(movies):
    return [m.slug for m in movies]


inception = Movie("Inception", year=2010)  # GET /movies/inception-2010?extended=full
check("movie lookup", inception.slug == "inception-2010" and inception.trakt is not None)
network = Movie("The Social Network", year=2010)

me = User(username)
plays_before = {m.slug: m.plays for m in me.watched_movies}.get("inception-2010", 0)
history = add_to_history(inception)
check("add_to_history answer", history.get("added", {}).get("movies") == 1)
me = User(username)  # pytrakt caches per object: a fresh one reads again
plays_after = {m.slug: m.plays for m in me.watched_movies}.get("inception-2010", 0)
check("the play reads back (%s -> %s plays)" % (plays_before, plays_after), plays_after == plays_before + 1)

rated = rate(network, 9)
check("rate answer", rated.get("added", {}).get("movies") == 1)
ratings = {r["movie"]["ids"]["slug"]: r["rating"] for r in me.get_ratings("movies")}
check("the rating reads back (%s)" % ratings.get("the-social-network-2010"), ratings.get("the-social-network-2010") == 9)

listed = add_to_watchlist(network)
check("add_to_watchlist answer", listed.get("added", {}).get("movies") in (0, 1))
me = User(username)
check("the watchlist has it", "the-social-network-2010" in slugs(me.watchlist_movies))
removed = remove_from_watchlist(network)
check("remove_from_watchlist answer", removed.get("deleted", {}).get("movies") == 1)
me = User(username)
check("the watchlist lost it", "the-social-network-2010" not in slugs(me.watchlist_movies))

if failures:
    print("FAIL: " + "; ".join(failures))
    sys.exit(1)
print("ok pytrakt %s: play, rating, watchlist add and remove, read back" % getattr(trakt, "__version__", "?"))
