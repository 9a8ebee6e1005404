import Foundation
import Testing
@testable import TraktQL
@testable import TraktQLShell

/// Issue 12 items 2, 3 and 5 (and issue 11 item 13) in the shell.
@Suite struct ConfigFileTests {
    private func parse(_ text: String) -> (ConfigFile?, [String]) {
        do {
            let (file, warnings) = try ConfigFile.parse(Data(text.utf8), name: "/home/u/.config/traktql/config.json")
            return (file, warnings)
        } catch {
            return (nil, [error.message])
        }
    }

    @Test func invalidJSONNamesTheFileLineAndColumn() {
        #expect { try ConfigFile.parse(Data("{\n  \"tz\": \"UTC\",\n  \"format\" \"json\"\n}".utf8), name: "/home/u/.config/traktql/config.json") } throws: {
            ($0 as? ConfigFile.Failure)?.message.hasPrefix("/home/u/.config/traktql/config.json:3:12: it is not valid JSON") == true
        }
    }

    @Test func unknownKeysAreWarnedAboutWithDidYouMean() {
        let (file, warnings) = parse(#"{"apikey": "k", "tz": "UTC", "zzz": 1}"#)
        #expect(file?.tz == "UTC")
        #expect(file?.apiKey == nil)
        #expect(warnings.contains { $0.contains("unknown key 'apikey'") && $0.contains("did you mean 'api_key'?") }, "\(warnings)")
        #expect(warnings.contains { $0.contains("unknown key 'zzz'") })
        #expect(!warnings.joined().contains("\"k\""), "values are not echoed")
    }

    @Test func maxPagesCacheTTLAndTimeoutCanBeSet() {
        let (file, warnings) = parse(#"{"max_pages": 7, "cache_ttl": "90s", "timeout": "30s"}"#)
        #expect(warnings.isEmpty)
        #expect(file?.maxPages == "7" && file?.cacheTTL == "90s" && file?.timeout == "30s")
        let (_, typed) = parse(#"{"max_pages": [1]}"#)
        #expect(typed.first?.contains("'max_pages' must be a string or a number") == true)
    }

    @Test func aSharedDirectoryOrAnotherOwnerIsWarnedAbout() throws {
        let directory = NSTemporaryDirectory() + "traktql-config-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/config.json"
        try Data(#"{"tz": "UTC"}"#.utf8).write(to: URL(fileURLWithPath: path))
        chmod(path, 0o600)
        chmod(directory, 0o700)
        #expect(try ConfigFile.load(from: URL(fileURLWithPath: path)).warnings.isEmpty)
        chmod(directory, 0o777)
        #expect(try ConfigFile.load(from: URL(fileURLWithPath: path)).warnings.contains { $0.contains("writable by other users") })
        chmod(directory, 0o700)
        if getuid() == 0 {
            chown(path, 4242, 4242)
            #expect(try ConfigFile.load(from: URL(fileURLWithPath: path)).warnings.contains { $0.contains("belongs to another user") })
        }
    }
}

@Suite struct HistorySecretValueTests {
    @Test func statementsHoldingAConfiguredSecretAreNotRecorded() {
        let credentials = BasicCredentials(username: "justin", password: "correct-horse")
        let redactor = Redactor(apiKey: "THE-REAL-KEY", password: "correct-horse", credentials: credentials, tokens: ["tok-0123456789"])
        let history = History(file: nil, redactor: redactor) { _ in }
        for statement in ["let k = \"THE-REAL-KEY\"", "activity | where who == \"correct-horse\"",
                          "activity | where x == \"\(credentials.passwordSHA1)\"", "let t = tok-0123456789"] {
            #expect(history.record(statement) == nil, "\(statement)")
        }
        #expect(history.record("activity show:lost") == "activity show:lost")
        #expect(history.entries == ["activity show:lost"])
    }

    @Test func theHistoryListingIsSanitised() {
        let history = History(file: nil) { _ in }
        history.record("activity show:\"x\u{1B}]52;c;cHduZWQ=\u{07}\u{202E}y\"")
        let listing = history.listing()
        #expect(!listing.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 || $0.value == 0x202E }, "\(listing.debugDescription)")
        #expect(listing.contains("\\u{1B}]52"))
    }
}

@Suite struct CompletionSafetyTests {
    @Test func hostileLearnedNamesAreNeverOffered() async {
        let store = VocabularyStore(source: .none, announces: false)
        func item(_ slug: String, _ user: String) -> Value {
            .object([
                (key: "show", value: .object([(key: "ids", value: .object([(key: "slug", value: .string(slug))]))])),
                (key: "user", value: .object([(key: "username", value: .string(user))])),
            ])
        }
        store.learn(from: QueryResult(columns: [], rows: [], items: [item("breaking-bad\u{1B}[2J", "sean\u{9B}31m"), item("breaking-bad", "sean")],
                                      warnings: [], calls: 1, cachedCalls: 0))
        let shows = await withCheckedContinuation { c in Thread { c.resume(returning: store.completer()("activity show:brea").candidates.map(\.text)) }.start() }
        let users = await withCheckedContinuation { c in Thread { c.resume(returning: store.completer()("activity user:se").candidates.map(\.text)) }.start() }
        #expect(shows == ["show:breaking-bad"])
        #expect(users == ["user:sean"])
        #expect(VocabularyStore.completable((["a\u{202E}b", "ok"], ["x y"], ["z\u{7F}"]))! == (["ok"], [], []))
    }
}
