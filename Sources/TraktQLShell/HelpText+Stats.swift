import TraktQL

extension HelpText {
    /// `.help stats` and `.help chart` (also `buckets`, `runtime`).
    static func statsHelp(_ topic: String) -> String {
        switch topic {
        case "chart":
            return """
            chart draws the rows of the stage before it (stats, count or select) on the terminal:

              activity user:justin since:1y | flatten episodes | stats count by month(time) | chart
              activity user:justin since:1y | stats count by weekday(time), hour(time) | chart heatmap

            chart           bars: labels from the first column, lengths from the last numeric column, in
                            eighths of a cell, scaled to the terminal width; the value follows each bar.
                            When the first column is a time bucket (month, date, week, hour, weekday) and
                            the rows are in time order, empty buckets are filled in with 0, so gaps show.
            chart heatmap   a grid of the first two columns (rows × columns, e.g. weekday × hour), shaded
                            ░▒▓█ by quarters of the largest value, with a legend.

            chart is the last stage. Colour only on a terminal and never with NO_COLOR; ASCII (# and .:*#)
            when the locale (LC_ALL, LC_CTYPE, LANG) is not UTF-8. With --format json, ndjson, csv or tsv
            the rows pass through unchanged, so a script's data stays data.

            """
        default:
            let aggregates = AggregateFunction.allCases.map { function in
                let name = function == .count ? "count | count(f)" : "\(function.rawValue)(f)"
                return "  " + name.padding(toLength: 18, withPad: " ", startingAt: 0) + function.summary
            }.joined(separator: "\n")
            let buckets = TimeBucket.allCases.map { bucket in
                "  " + "\(bucket.rawValue)(time)".padding(toLength: 18, withPad: " ", startingAt: 0) + bucket.example
            }.joined(separator: "\n")
            return """
            stats AGG [as NAME], … [by EXPR [as NAME], …] — one row per group:

              activity user:justin since:1y | flatten episodes
                | stats count as plays, sum(runtime) as minutes by title | sort minutes desc | limit 10

            Aggregates (columns are named count, sum_runtime, distinct_who, … unless 'as' names them):
            \(aggregates)
            sum and avg take numbers (runtime, rating_advanced, show.year, …); avg is rounded to 2 decimals.
            Nulls are skipped; sum/avg/min/max of nothing are null. count by f is short for stats count by f.

            Time buckets, in the session time zone (set tz), usable in by, select, where and sort:
            \(buckets)
            Weekday names compare in week order: sort weekday puts Mon first.

            runtime is the minutes of what a row is about: for an episode the show's runtime, for a movie the
            movie's; null for shows, seasons, lists, and when the API has none (absent or 0). Trakt itself
            assumes 42 minutes an episode and 90 a movie when a runtime is missing; traktql does not guess
            unless you ask: set runtime_fallback = trakt (or --runtime-fallback trakt) counts those, and the
            result says how many rows used it.
            A seen item of several episodes counts its show's runtime once: '| flatten episodes' first for
            time watched (each episode row then carries its show's runtime).

            """
        }
    }
}
