import Testing
import TraktQL
@testable import TraktQLShell

@Suite struct CompleterTests {
    private var completer: Completer {
        var completer = Completer()
        completer.vocabulary = Completer.Vocabulary(
            shows: ["the-walking-dead", "the-wire", "lost"], movies: ["inception", "interstellar"],
            users: ["justin", "sean", "noah82"], variables: ["shows", "me"])
        completer.listDirectory = { path in
            switch path {
            case ".": return [("queries", true), ("quick.tql", false), (".hidden", false), ("notes.txt", false)]
            case "queries/": return [("weekly.tql", false), ("daily.tql", false)]
            default: return []
            }
        }
        return completer
    }

    /// The texts offered, and what TAB would insert in place of the fragment.
    private func offer(_ text: String) -> (candidates: [String], replacement: String?) {
        let completion = completer.complete(text)
        return (completion.candidates.map(\.text), completion.replacement)
    }

    @Test func statementKeywordsAtTheStart() {
        #expect(offer("act").replacement == "activity ")
        #expect(offer("ex").replacement == "explain ")
        #expect(offer("").candidates == ["activity", "explain", "let", "set"])
        #expect(offer("activity show:lost\nse").replacement == "set ")  // a new statement after a newline
        #expect(offer("activity show:lost; l").replacement == "let ")
    }

    @Test func metaCommandsAfterADot() {
        #expect(offer(".he").replacement == ".help ")
        #expect(offer(".").candidates.contains(".history"))
        #expect(offer(".t").candidates == [".tz", ".timing"])
        #expect(offer(".t").replacement == nil)  // '.t' is already the common prefix
    }

    @Test func qualifierKeysAfterActivity() {
        #expect(offer("activity sh").replacement == "show:")
        #expect(offer("activity show:lost ac").replacement == "action:")
        #expect(offer("activity -us").replacement == "-user:")
        #expect(offer("activity mi").replacement == "min ")  // a flag takes no value
        #expect(offer("activity shows").replacement == "shows:")  // an alias typed in full
        #expect(offer("activity s").candidates == ["show", "season", "scope", "since"])
        #expect(offer("explain activity ep").replacement == "episode:")
        #expect(offer("explain ").replacement == "activity ")
    }

    @Test func enumValuesAfterTheirKeys() {
        #expect(offer("activity action:se").replacement == "action:seen ")
        #expect(offer("activity actions:sc").replacement == "actions:scrobble ")
        #expect(offer("activity type:m").replacement == "type:movie ")
        #expect(offer("activity scope:fr").candidates == ["scope:friends", "scope:friendsme"])
        #expect(offer("activity scope:fr").replacement == "scope:friends")
        #expect(offer("activity rating:l").replacement == "rating:love ")
    }

    @Test func theLastElementOfACommaList() {
        #expect(offer("activity action:seen,ra").replacement == "action:seen,rating ")
        #expect(offer("activity -action:seen,rating,wa").candidates == ["-action:seen,rating,watching", "-action:seen,rating,watchlist"])
        #expect(!offer("activity action:seen,").candidates.contains("action:seen,seen"))  // already listed
    }

    @Test func slugsUsernamesAndVariables() {
        #expect(offer("activity show:the-wa").replacement == "show:the-walking-dead ")
        #expect(offer("activity show:the-w").candidates == ["show:the-walking-dead", "show:the-wire"])
        #expect(offer("activity movie:int").replacement == "movie:interstellar ")
        #expect(offer("activity user:justin,no").replacement == "user:justin,noah82 ")
        #expect(offer("activity show:$s").replacement == "show:$shows ")
    }

    @Test func stageKeywordsAfterAPipe() {
        #expect(offer("activity show:lost | li").replacement == "limit ")
        #expect(offer("activity show:lost |").candidates == Parser.stageKeywords)
        #expect(offer("activity show:lost | limit 3 | d").replacement == "distinct ")
        // A continuation line: the REPL passes the earlier lines before the current one.
        #expect(offer("activity show:lost | where rating >= 8 | co").replacement == "count ")
    }

    @Test func fieldPathsInStages() {
        #expect(offer("activity show:lost | select sh").candidates == ["shout", "show"])
        #expect(offer("activity show:lost | select show").replacement == "show.")
        #expect(offer("activity show:lost | select show.ti").replacement == "show.title ")
        #expect(offer("activity show:lost | select time, wh").candidates == ["when", "who"])
        #expect(offer("activity show:lost | select time, tit").replacement == "title ")
        #expect(offer("activity show:lost | where episode.sea").replacement == "episode.season ")
        // Fields only v2 items have (issue 15).
        #expect(offer("activity user:me | select watched").replacement == "watched_at ")
        #expect(offer("activity user:me | sort listed").replacement == "listed_at ")
        #expect(offer("activity show:lost | sort ag").replacement == "ago ")
        #expect(offer("activity show:lost | sort ago ").candidates == ["asc", "desc"])
        #expect(offer("activity show:lost | count ").candidates == ["by"])
        #expect(offer("activity show:lost | count by user").replacement == "user.")
        #expect(offer("activity show:lost | distinct sx").replacement == "sxe ")
        #expect(offer("activity show:lost | where rating >= 8 a").replacement == "and ")
        #expect(offer("activity show:lost | limit ").candidates == ["all"])
        #expect(offer("activity | select ").candidates.contains("time"))
        #expect(!offer("activity | select ").candidates.contains { $0.contains("[") })
    }

    @Test func settingsAndTheirValues() {
        #expect(offer("set fo").replacement == "format ")
        #expect(offer("set c").candidates == ["convention", "color", "cache_ttl"])
        #expect(offer("set format ").replacement == "= ")
        #expect(offer("set format = j").replacement == "json ")
        #expect(offer("set timing = o").candidates == ["on", "off"])
        #expect(offer("set tz = Europe/B").replacement == "Europe/Berlin ")
    }

    @Test func metaCommandArguments() {
        #expect(offer(".help sta").candidates == ["stages", "stats"])  // .help stats came with issue 16
        #expect(offer(".help stag").replacement == "stages ")
        #expect(offer(".format c").replacement == "csv ")
        #expect(offer(".cache c").replacement == "clear ")
        #expect(offer(".au").replacement == ".auth ")
        #expect(offer(".auth ").candidates == ["login", "status", "logout"])
        #expect(offer(".auth st").replacement == "status ")
        #expect(offer(".read q").candidates == ["queries/", "quick.tql"])
        #expect(offer(".read que").replacement == "queries/")  // a directory: no space, TAB again goes in
        #expect(offer(".read queries/w").replacement == "queries/weekly.tql ")
        #expect(offer(".read ").candidates == ["notes.txt", "queries/", "quick.tql"])  // no dotfiles
        #expect(offer(".read .h").replacement == ".hidden ")
    }

    @Test func nothingWhereNothingFits() {
        #expect(offer("activity show:lost | where rating >= ").candidates.isEmpty)
        #expect(offer("activity since:2024-").candidates.isEmpty)
        #expect(offer("let x = ").candidates.isEmpty)
        #expect(offer("bogus ").candidates.isEmpty)
    }

    /// TAB with text after the cursor: the line it leaves, `|` marking the cursor.
    private func tab(_ before: String, _ after: String) -> String {
        guard let edit = completer.complete(before).edit(after: after) else { return before + "|" + after }
        let kept = String(String.UnicodeScalarView(before.unicodeScalars.dropLast(edit.deleteBefore)))
        let rest = String(String.UnicodeScalarView(after.unicodeScalars.dropFirst(edit.deleteAfter)))
        return kept + edit.insert + "|" + rest
    }

    /// Issue 11, item 10: TAB in the middle of a word considers the rest of the word.
    @Test func completionInTheMiddleOfAWordKeepsTheRestOfIt() {
        #expect(tab("activity act", ":seen") == "activity action:|seen")  // not action::seen
        #expect(tab("activity ac", "tion:seen") == "activity action:|seen")
        #expect(tab("activity -us", "er:justin") == "activity -user:|justin")
        #expect(tab("activity us", "er") == "activity user:|")
        #expect(tab("activity act", " since:1d") == "activity action:| since:1d")  // a new word: nothing after it to keep
        #expect(tab("activity action:se", " since:1d") == "activity action:seen |since:1d")  // no second space
        #expect(tab("activity action:se", "en,rating") == "activity action:seen|,rating")
        #expect(tab("activity show:the-wa", "lking-dead since:1d") == "activity show:the-walking-dead |since:1d")
        #expect(tab("activity show:lost | select show.ti", "tle, who") == "activity show:lost | select show.title|, who")
        #expect(tab("activity show:lost | select sho", "w.title") == "activity show:lost | select sho|w.title")  // shout or show: nothing to add
        #expect(tab("activity sh", "") == "activity show:|")
        #expect(tab("activity show:lost | li", "") == "activity show:lost | limit |")
    }

    @Test func listingInColumns() {
        let text = Completer.columns(["show", "season", "scope", "since", "episode"], width: 20)
        #expect(text == "show     since\nseason   episode\nscope\n")
        #expect(Completer.columns(["a", "b"], width: 1) == "a\nb\n")
        #expect(Completer.columns([], width: 80) == "")
    }
}

extension CompleterTests {
    @Test func statsAggregatesBucketsAndChart() {
        #expect(offer("activity | sta").candidates == ["stats"])
        #expect(offer("activity | stats ").candidates == ["count", "sum(", "avg(", "min(", "max(", "distinct(", "first(", "last(", "hours("])
        #expect(offer("activity | stats su").replacement == "sum(")
        #expect(offer("activity | stats sum(runt").replacement == "runtime ")
        #expect(offer("activity | stats count, di").replacement == "distinct(")
        #expect(offer("activity | stats count ").candidates == ["as", "by"])
        #expect(offer("activity | stats count by week").candidates == ["week(time)", "weekday(time)"])
        #expect(offer("activity | stats count by mon").replacement == "month(time) ")
        #expect(offer("activity | select hou").replacement == "hour(time) ")
        #expect(offer("activity | stats count by title | chart h").replacement == "heatmap ")
    }
}
