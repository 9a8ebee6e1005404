/// The mirror's tables: one migration script per schema version, run in order by
/// ``SQLiteConnection/migrate(_:)`` (the file's `user_version` counts those it has run).
///
/// The schema is the contract between the writer (``MirrorSync``: what `traktql sync` saves)
/// and the reader (the mirror backend's SQL): an answer over the mirror must equal the same
/// query's answer over `--api v2`. So each section table keeps one row per element of the v2
/// route it mirrors, with the element's own members in columns (times as milliseconds since
/// 1970 UTC, indexed where a qualifier filters), the members no column holds in `extra`
/// (a JSON object, `{}` when none), and the shows, movies, seasons and episodes the element
/// carries replaced by their Trakt ids into ``objects``, where each object is stored once, as
/// v2 sent it with `extended=full`. A reader rebuilds the element (columns + `extra` + objects)
/// and reads it as the v2 backend reads the route's element.
///
/// Why objects apart: an `extended=full` show or episode is 1–2 KB, and a play refers to one of
/// each; stored per play, 100,000 plays would take far more than the 60 MB the mirror may.
enum MirrorSchema {
    /// Every migration, in order. A new version appends one; a released one never changes.
    static let migrations = [version1, version2]

    static let version1 = """
        -- Whose account, from which server. One row: a mirror is one account on one server.
        CREATE TABLE account (
            id            INTEGER PRIMARY KEY CHECK (id = 1),
            server        TEXT NOT NULL,     -- the API's base URL, e.g. https://api.trakt.tv
            user          TEXT NOT NULL,     -- the user's slug ('me' is resolved before saving)
            own           INTEGER NOT NULL,  -- 1: read through /sync with the user's token; 0: public routes (--user)
            imported_from TEXT,              -- an export file (--from) not yet completed by an online sync
            created_at    INTEGER NOT NULL   -- ms
        );

        -- One row per mirrored section: history, ratings, watchlist, collection, lists, comments.
        -- A section is current as of `remote` (the /sync/last_activities times it was read at),
        -- saved in the same transaction as its rows.
        CREATE TABLE sync_sections (
            section    TEXT PRIMARY KEY,
            remote     TEXT,                 -- JSON: the last_activities members this section follows
            synced_at  INTEGER,              -- ms, when its rows were last saved
            item_count INTEGER NOT NULL DEFAULT 0,
            max_id     INTEGER               -- history: the highest history id saved
        );

        -- A first read in progress, kept across Ctrl-C and crashes: pages already fetched of a
        -- section, not yet swapped in (the section's live rows stay the previous consistent ones).
        CREATE TABLE sync_pending (
            section TEXT NOT NULL,
            route   TEXT NOT NULL,           -- the route path the page came from
            page    INTEGER NOT NULL,
            body    TEXT NOT NULL,           -- the page's JSON array as received
            PRIMARY KEY (section, route, page)
        );

        -- Each sync: what `traktql sync --status` reports.
        CREATE TABLE sync_runs (
            id          INTEGER PRIMARY KEY,
            started_at  INTEGER NOT NULL,    -- ms
            finished_at INTEGER,             -- ms; NULL while running or when it stopped
            full        INTEGER NOT NULL,    -- 1: every section read in full
            calls       INTEGER NOT NULL DEFAULT 0,
            outcome     TEXT,                -- ok, interrupted, failed: <message>
            summary     TEXT                 -- JSON: per section, items added, removed, calls
        );

        -- Shows, movies, seasons, episodes, lists and people as v2 sent them (extended=full).
        CREATE TABLE objects (
            kind       TEXT NOT NULL,        -- show, movie, season, episode, list, person
            trakt      INTEGER NOT NULL,
            slug       TEXT,                 -- shows, movies, lists, people
            title      TEXT,                 -- `title` (`name` for lists and people)
            year       INTEGER,
            runtime    INTEGER,              -- minutes (shows: per episode)
            show_trakt INTEGER,              -- seasons and episodes: their show
            season     INTEGER,              -- seasons: number; episodes: their season
            number     INTEGER,              -- episodes
            json       TEXT NOT NULL,
            PRIMARY KEY (kind, trakt)
        ) WITHOUT ROWID;
        CREATE INDEX objects_slug ON objects (kind, slug);

        -- /sync/history: one row per play. action as v2 sends it (watch, scrobble, checkin);
        -- type movie or episode; an episode row has show, season, number and episode set.
        CREATE TABLE history (
            id         INTEGER PRIMARY KEY,  -- Trakt's history id
            watched_at INTEGER NOT NULL,
            action     TEXT NOT NULL,
            type       TEXT NOT NULL,
            movie      INTEGER,
            show       INTEGER,
            episode    INTEGER,
            season     INTEGER,
            number     INTEGER,
            extra      TEXT NOT NULL DEFAULT '{}'
        );
        CREATE INDEX history_time ON history (watched_at);
        CREATE INDEX history_type_time ON history (type, watched_at);
        CREATE INDEX history_show ON history (show, season, number, watched_at);
        CREATE INDEX history_movie ON history (movie, watched_at);

        -- /sync/ratings: one row per rated movie, show, season or episode. `item` is the rated
        -- object's Trakt id; show is set for seasons and episodes too.
        CREATE TABLE ratings (
            type     TEXT NOT NULL,          -- movie, show, season, episode
            item     INTEGER NOT NULL,
            rated_at INTEGER NOT NULL,
            rating   INTEGER NOT NULL,
            movie    INTEGER,
            show     INTEGER,
            season   INTEGER,
            number   INTEGER,
            extra    TEXT NOT NULL DEFAULT '{}',
            PRIMARY KEY (type, item)
        );
        CREATE INDEX ratings_time ON ratings (rated_at);
        CREATE INDEX ratings_show ON ratings (show, season, number);
        CREATE INDEX ratings_movie ON ratings (movie);

        -- /sync/watchlist: one row per element (its `id` is the list entry's id).
        CREATE TABLE watchlist (
            id        INTEGER PRIMARY KEY,
            rank      INTEGER,
            listed_at INTEGER NOT NULL,
            type      TEXT NOT NULL,
            item      INTEGER NOT NULL,
            movie     INTEGER,
            show      INTEGER,
            season    INTEGER,
            number    INTEGER,
            extra     TEXT NOT NULL DEFAULT '{}'  -- notes, …
        );
        CREATE INDEX watchlist_time ON watchlist (listed_at);
        CREATE INDEX watchlist_show ON watchlist (show, season, number);
        CREATE INDEX watchlist_movie ON watchlist (movie);

        -- /sync/collection/movies and /sync/collection/shows: one row per collected movie or
        -- episode (a collected show's element is rebuilt by grouping its episodes by show).
        CREATE TABLE collection (
            type         TEXT NOT NULL,      -- movie, episode
            item         INTEGER NOT NULL,   -- the movie's Trakt id, or the episode's (its own id
                                             -- when v2 sends one, else show * 10^6 + season * 10^3 + number)
            collected_at INTEGER NOT NULL,
            updated_at   INTEGER,
            movie        INTEGER,
            show         INTEGER,
            season       INTEGER,
            number       INTEGER,
            extra        TEXT NOT NULL DEFAULT '{}',  -- the element's other members (metadata, last_updated_at of the show)
            PRIMARY KEY (type, item)
        );
        CREATE INDEX collection_time ON collection (collected_at);
        CREATE INDEX collection_show ON collection (show, season, number);

        -- /users/{user}/lists: the user's lists (the list object itself is in objects, kind list).
        CREATE TABLE lists (
            trakt      INTEGER PRIMARY KEY,
            created_at INTEGER,
            updated_at INTEGER
        );

        -- /users/{user}/lists/{list}/items: one row per element.
        CREATE TABLE list_items (
            id        INTEGER PRIMARY KEY,
            list      INTEGER NOT NULL REFERENCES lists (trakt) ON DELETE CASCADE,
            rank      INTEGER,
            listed_at INTEGER NOT NULL,
            type      TEXT NOT NULL,
            item      INTEGER NOT NULL,
            movie     INTEGER,
            show      INTEGER,
            season    INTEGER,
            number    INTEGER,
            extra     TEXT NOT NULL DEFAULT '{}'
        );
        CREATE INDEX list_items_list ON list_items (list, listed_at);
        CREATE INDEX list_items_time ON list_items (listed_at);

        -- /users/{user}/comments: one row per comment the user wrote; `json` is the comment
        -- object, the commented item is by reference.
        CREATE TABLE comments (
            id         INTEGER PRIMARY KEY,
            created_at INTEGER NOT NULL,
            type       TEXT NOT NULL,        -- movie, show, season, episode, list
            review     INTEGER NOT NULL,     -- 1: a review, 0: a shout
            item       INTEGER,
            movie      INTEGER,
            show       INTEGER,
            season     INTEGER,
            number     INTEGER,
            json       TEXT NOT NULL
        );
        CREATE INDEX comments_time ON comments (created_at);
        """

    /// The history route's order (newest first, by id within one second: `ORDER BY watched_at
    /// DESC, id`) straight from an index that also holds every column the reader selects: no
    /// sort of the plays and no lookup in the table per play. Over 56,595 plays this took the
    /// statement's step from a scan plus a temporary B-tree to one index scan (BENCHMARKS.md,
    /// "Mirror queries"); it replaces `history_time`, which it serves for time ranges too.
    static let version2 = """
        DROP INDEX history_time;
        CREATE INDEX history_newest ON history (watched_at DESC, id, action, type, movie, show, episode, extra);
        """
}
