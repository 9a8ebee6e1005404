import TraktQL

extension HelpText {
    /// `.help mirror` (also `sync`).
    static let mirrorHelp = """
        traktql sync keeps a local copy of a Trakt account in SQLite (v2: history, ratings,
        watchlist, collection, lists and their items, comments), and --mirror answers the same
        language from it, offline, with no calls:

          traktql sync                  first run: every section, 250 items a call
          traktql sync                  later: one call when nothing changed, else the sections that moved
          traktql sync --status         when, what, how many, which server and user
          traktql --mirror -c 'activity user:me since:30d | stats count by title | sort count desc | limit 5'

        With nothing configured, traktql sync mirrors justin from the built-in emulator; with a
        server and a login (traktql auth login), your own account. In the REPL, .sync runs a sync.

        Turn it on with --mirror (or --api mirror), TRAKT_MIRROR=1, 'mirror = on' in the config
        file, or set mirror = on in the REPL. --mirror-file PATH reads another file (the default is
        $XDG_DATA_HOME/traktql/mirror/<server>/<user>.sqlite, 0600).

        Qualifiers become SQL: explain shows the statements, their parameters and what stays a
        filter on each item. Stages run as they do over the API, and the answers are the ones
        --api v2 gives. A mirror older than mirror_max_age (default 1d) is named on stderr.

        sync --full reads everything again; sync --user NAME mirrors another user's public data;
        sync --from FILE builds the mirror from an export file (the next online sync completes it).
        docs/MIRROR.md has the schema and what a sync can and cannot notice.

        """
}
