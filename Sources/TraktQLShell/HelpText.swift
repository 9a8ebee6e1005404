import TraktQL

/// `.help [topic]`.
enum HelpText {
    static let topics = ["qualifiers", "stages", "stats", "chart", "time", "on", "let", "formats", "settings", "commands", "input", "mirror", "examples"]

    static func text(for topic: String?) -> String {
        switch topic?.lowercased() {
        case nil:
            return """
            traktql queries Trakt v1 activity. A query is 'activity' followed by qualifiers, then stages after '|':

              activity show:the-walking-dead season:1,2 actions:seen,rating since:7d
                | where who != "justin" | select time, who, sxe, rating_advanced | sort time desc | limit 20

            explain <query> shows the HTTP calls without making them. let NAME = value defines $NAME, and
            let NAME = activity … | distinct FIELD keeps a query's answer in $NAME (.help let).
            set OPTION = value changes a setting. Statements continue on lines that start with '|'.
            Commands start with '.': .quit leaves (so does Ctrl-D), .help TOPIC explains a part.
            Strings take double quotes ("seen"); not equal is !=.

            The API returns 100 activities a call; traktql pages back by whole seconds (end_ts). When a
            server puts more than 100 matching activities in one second, paging cannot get past it: the
            rows are printed with "warning: incomplete result", and a script exits with status 2.

            Topics: .help \(topics.joined(separator: " | "))

            """
        case "input":
            return """
            traktql --input FILE queries saved data instead of the API ('-' reads standard input). The
            shape is detected and named on stderr:
              v1: the envelope {"timestamps":…,"activity":[…]}, a JSON array of items, or NDJSON;
              v2: an array as a v2 route answers it (history, ratings, watchlist, collection, comments,
                  lists, watching; watched/shows and watched/movies become one row per episode or
                  movie, with its last time watched and its plays), or an export: one object whose
                  parts hold those arrays (history, ratings, collection: {movies, shows}, watched …).
                  Parts that are not activity (stats, followers, likes, playback progress) are named
                  as skipped; a file of playback progress only is refused.

            There is no HTTP: every qualifier is a filter on the items (show:, season:, episode:, movie:,
            user:, type:, action:, rating:), and since:/until:/on: compare each item's time (v1
            timestamps read with the session's convention, set convention = pacific | utc), as
            since <= time < until. rating:love and hate are 6–10 and 1–5 on v2's 10-point ratings.
            The rows of a v2 export belong to the user its profile names, and user:me is that user;
            a v2 array names no user, so user: there is an error (remove it: the file is one account).
            scope: is an error (a file has no streams); min is ignored. Items keep the file's order and
            are not de-duplicated. explain shows the filters and the fields the reader builds.

            A v1 file is read once, in chunks, and only the fields the query uses are built, so memory
            follows the result, not the input; a v2 file is read whole. Standard input is read as v1,
            by one query only.

            Examples:
              traktql --input dump.json -c 'activity action:seen since:2024-01-01 | count by show.title | sort count desc'
              traktql --input export.json -c 'activity user:me action:rating rating:love | count by type'

            """
        case "qualifiers", "qualifier":
            var out = "Qualifiers (key:value; -key:value negates; lists a,b; comparisons >=8; ranges 1..3; $variables):\n\n"
            for key in QualifierKey.allCases {
                out += "  \((key.rawValue + (key.isFlag ? "" : ":")).padding(toLength: 9, withPad: " ", startingAt: 0)) \(key.summary)\n"
            }
            out += """

            -key:v removes v from the same key's list: user:justin,serialkevin -user:justin asks for serialkevin
            only, and
            explain says what each negation did. Removing every value is an error (nothing left to query).
            Without a list of the same key, -key:v is a filter: every value but v.

            season: and episode: are about one episode: a seen of several episodes matches when one of its
            episodes does, and '| flatten episodes' keeps only the episodes that match.

            Examples:
              activity user:justin,serialkevin type:movie since:30d
              activity show:breaking-bad season:>=4 -action:watchlist
              activity action:seen,rating -action:rating since:7d

            """
            return out
        case "stages", "stage":
            return """
            Stages (after '|'):

              where EXPR            == != < <= > >= ~ (contains) =~ !~ (regex) in [..] not in, and or not, ( )
              select f [as n], …    pick columns (field paths like show.title, episodes[0].season)
              sort f [asc|desc], …  stable; nulls last
              limit N | all | $n    more than 100 pages backwards past the API's cap; $n holds a count or all
              count [by f, …]       count rows, per group
              distinct f, …         unique combinations
              flatten episodes      one row per episode of a seen/collection item
              stats AGG, … [by f, …] aggregates per group: count, sum avg min max distinct first last (.help stats)
              chart [heatmap]       draw the rows: bars, or a grid of two group columns (.help chart)

            Virtual fields: time (in the session zone), ago, title, sxe (S01E05; S11E23–E24 for an item of
            several episodes), who, runtime (minutes). episode.* on such an item reads its first episode.
            Time buckets: year(time) month(time) week(time) date(time) weekday(time) hour(time).
            Text is quoted: action == "seen" (a bare word is a field name). time compares with times:
            time >= yesterday, time < 2024-11-01, time >= 7d (7d = now − 7 days, as in since:7d).

            Each field has one type (show.tvdb_id and rating_advanced are numbers, even when the API sends
            "8"); a value that cannot be read as its type is null, and a warning counts them.

            Without a limit, a query reads the API's newest page (100 items). sort, count and distinct read
            every row: they page backwards (like since: and limit all) up to max_pages calls, and say on
            stderr when that bound cut the result short. limit N pages as far as N rows need, even past
            max_pages.

            Examples:
              activity since:7d | count by show.title | sort count desc | limit 10
              activity user:justin | flatten episodes | select time, title, episode.season, episode.episode

            """
        case "time":
            return """
            Times in since:, until:, on: and where:

              durations   30min 6h 7d 2w 3mo 1y   (since:7d = at or after now − 7 days; 'm' alone is refused)
              dates       2024-01-01              (a day in the session zone; until: a date = the end of that day)
              date-times  2024-01-01T20:00  2024-01-01T20:00:00-05:00  2024-01-01T20:00Z
              periods     2024  2024-03  2024-W10 (a year, a month, an ISO week: Monday to Sunday)
              words       now today yesterday this-week last-week this-month last-month this-year last-year

            on: takes one period, whole (.help on). since: a period is its first instant, until: a period
            its end. Times must fall between 1970-01-01 and 9999-12-31 in the session zone.
            In where, a day (2024-11-01, today, yesterday) is its first instant, a duration compared with
            a time is that long ago, and 'in' takes a period: where time >= 7d, where time in last-month.

            The v1 API reads timestamps as Unix seconds "in PST". set convention = pacific (default) treats
            them as Los Angeles wall-clock time written as if UTC; set convention = utc as plain Unix time.
            explain shows both the API value and the instant. set tz = ZONE changes the session zone.

            Examples:
              activity on:yesterday
              activity since:30d until:yesterday | count by action
              activity user:justin on:last-month | count by action

            """
        case "on", "period", "periods":
            return """
            on: takes one calendar period and covers all of it, in the session time zone (set tz):

              a day      on:2024-03-14   on:today   on:yesterday
              a week     on:2024-W10     on:this-week   on:last-week     (ISO weeks: Monday to Sunday)
              a month    on:2024-03      on:this-month  on:last-month
              a year     on:2024         on:this-year   on:last-year

            It means since: the period's first instant and until: the next period's first instant, with
            daylight saving time taken into account (a day can have 23 or 25 hours); explain shows both
            instants. on: cannot be combined with since: or until:.

            The same periods work in where, after 'in' or 'not in':
              activity user:justin | limit all | where time in this-year | count
              activity user:justin | limit all | where time not in 2024-12 | count by month(time)

            """
        case "let", "variables", "vars":
            return """
            let NAME = value defines $NAME, usable wherever a value goes:

              let crew = justin,serialkevin
              activity user:$crew since:7d | count by who
              activity since:7d | where who in $crew | count by action

            let NAME = activity … keeps a query's answer: the values of its one column, with their kind
            (titles and slugs are text, seasons and ids numbers, times times). The query runs once, when
            the let runs (its calls are cached like any other); end it with | distinct FIELD to keep each
            value once:

              let seen = activity user:justin action:seen,scrobble,checkin | distinct title
              activity user:justin action:watchlist | limit all | where title not in $seen | select time, title
              activity since:7d type:episode,movie | where title not in $seen | count by title | sort count desc | limit 5
              let shows = activity user:justin action:seen type:episode | distinct show.tvdb_id
              activity user:justin action:rating -show:$shows | select time, title, rating_advanced

            Use it after 'in' / 'not in' in where, or as a qualifier's values (show:$shows, -show:$shows,
            user:$friends). A qualifier makes one call per value, so it takes at most 500 values (a negated
            one, which only filters, takes all); a variable holds at most 10,000 values. A let whose answer
            would be partial (only the newest page, or max_pages reached) or larger is an error that says
            so: nothing is cut silently. explain shows the plan of every variable a query uses; .vars lists
            the variables and their sizes.

            """
        case "formats", "format":
            return """
            Output formats (set format = F, .format F, or --format F):

              table   aligned, fitted to the terminal (default on a terminal)
              ndjson  one JSON object per line (default when stdout is not a terminal)
              json    one JSON array
              csv     RFC 4180, header row
              tsv     tab-separated, header row

            Without select, json and ndjson print whole activity items; table, csv and tsv show
            time, who, action, type, title, sxe.

            In csv and tsv, text that a spreadsheet would run as a formula (it starts with
            =, +, -, @, a tab or a carriage return) gets a ' in front: '=HYPERLINK(…). Plain
            numbers such as -5 are left as they are.

            Example:
              .format csv
              activity user:justin action:rating | select time, title, rating_advanced

            """
        case "settings", "set":
            var out = "Settings (set NAME = value; .settings lists them):\n\n"
            // The column is as wide as the longest name: a name cut short cannot be typed back.
            let width = Settings.descriptions.map(\.0.count).max() ?? 0
            for (name, summary) in Settings.descriptions { out += "  \(name.padding(toLength: width, withPad: " ", startingAt: 0))  \(summary)\n" }
            out += "\nExamples:\n  set tz = Europe/Berlin\n  set cache_ttl = 60s\n"
            return out
        case "commands", "meta":
            return """
            Commands:

              .help [topic]       this help
              .format F           output format
              .tz ZONE            session time zone
              .timing on|off      report each query's time on stderr
              .cache [clear|off]  the response cache
              .history            statements entered in the shell
              .read FILE          run a script (~/ is your home directory)
              .explain QUERY      the plan for a query (like explain)
              .settings           all settings
              .vars               the variables: values as written, query answers by size and kind
              .login              log in to Trakt API v2 (device code; like traktql auth login)
              .whoami             who is logged in, the token's scope and expiry
              .logout             revoke the login and delete it
              .auth login|status|logout   the same three, spelled as traktql auth spells them
              .sync [full|status]  bring the local mirror in step (like traktql sync)
              .quit               leave (Ctrl-D too)

            """
        case "examples":
            return """
            Examples:

              activity show:the-walking-dead season:1,2 actions:seen,rating since:7d
              activity scope:friends since:yesterday | select time, who, action, title
              activity user:justin since:30d | count by action | sort count desc
              activity movie:inception-2010 action:rating | select who, rating_advanced | sort rating_advanced desc
              explain activity user:justin,serialkevin show:breaking-bad

            """
        case "mirror", "sync":
            return mirrorHelp
        case "stats", "chart", "buckets", "runtime":
            return statsHelp(topic!.lowercased())
        default:
            return "no help on '\(topic ?? "")'; topics: \(topics.joined(separator: ", "))\n"
        }
    }
}
