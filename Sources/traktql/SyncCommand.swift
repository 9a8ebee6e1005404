import ArgumentParser
import Foundation
import TraktQLShell

/// `traktql sync`: keeps a local SQLite mirror of a Trakt account in step (issue 26).
struct SyncCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "traktql sync",
        abstract: "Keep a local mirror (SQLite) of your Trakt account in step: history, ratings, watchlist, collection, lists, comments.",
        discussion: """
        The first sync reads every section at 250 items a call; later ones read GET /sync/last_activities and fetch only the sections that moved (history from the newest saved play, with a small overlap). A removal seen (a lower item count, a missing id) reads that section again in full. Each section is saved with its times in one transaction, and pages already fetched survive Ctrl-C or a crash, so an interrupted sync resumes without fetching them again.

        The mirror is $XDG_DATA_HOME/traktql/mirror/<server>/<user>.sqlite (default ~/.local/share/...), 0600 in a 0700 directory; --mirror-file gives another. The server and login are the ones queries use (--api-url, TRAKT_API_URL, the config file, traktql auth login or TRAKT_ACCESS_TOKEN); with none configured, the built-in emulator, logged in as justin, with its clock pinned to the start of today (UTC) unless --now is given.

        Exit status: 0 ok; 1 usage; 2 a failed call, an unusable mirror or export file; 130 Ctrl-C (what was saved stays).
        """)

    @OptionGroup(title: "Server and Trakt v2 app")
    var connection: ConnectionOptions

    @Flag(help: "Show the mirror: account, server, sections (rows, when saved), the last runs. No calls.")
    var status = false

    @Flag(help: "Read every section in full, even those that did not move.")
    var full = false

    @Option(help: ArgumentHelp("Mirror NAME's public data (/users/NAME/…), without /sync and without a token.", valueName: "NAME"))
    var user: String?

    @Option(help: ArgumentHelp("Build or update the mirror from an account export FILE (the shape --input reads); the next online sync completes it.", valueName: "FILE"))
    var from: String?

    @Option(name: .customLong("mirror-file"), help: ArgumentHelp("The mirror's database file, instead of the default place.", valueName: "PATH"))
    var mirrorFile: String?

    @Option(help: ArgumentHelp("Seed of the built-in emulator's dataset.", valueName: "N", visibility: .hidden))
    var seed: UInt64 = 1

    @Option(help: ArgumentHelp("Pin the built-in emulator's clock (ISO-8601 or Unix seconds).", valueName: "TIME", visibility: .hidden))
    var now: String?

    @Flag(name: .shortAndLong, help: "Do not print the emulator banner.")
    var quiet = false

    func validate() throws {
        if status && (full || from != nil) { throw ValidationError("--status shows the mirror; it takes neither --full nor --from") }
        if full && from != nil { throw ValidationError("--full and --from contradict each other") }
        if let now, let problem = CommandLineInstant.problem(with: now) { throw ValidationError(problem) }
    }

    func run() async throws {
        var configuration = ShellConfiguration()
        connection.apply(to: &configuration, environment: ProcessInfo.processInfo.environment)
        configuration.emulatorSeed = seed
        configuration.now = now.flatMap(TraktQLCommand.parseInstant)
        configuration.quiet = quiet
        var request = MirrorSyncRequest()
        request.status = status
        request.full = full
        request.user = user
        request.from = from
        request.mirrorFile = mirrorFile
        let code = await TraktQLShell.sync(request, configuration: configuration)
        if code != 0 { throw ExitCode(code) }
    }

    /// The arguments for `SyncCommand` when `arguments` are `traktql [connection options] sync …`
    /// (nil when `sync` is not the command word: a script named sync, or an option's value).
    static func arguments(dispatching arguments: [String]) -> [String]? {
        for (index, word) in arguments.enumerated() where word == "sync" {
            let before = Array(arguments[..<index])
            if !before.isEmpty {
                guard let parsed = try? TraktQLCommand.parse(before), parsed.files.isEmpty, parsed.commands.isEmpty else { continue }
            }
            return before + arguments[(index + 1)...]
        }
        return nil
    }
}
