import ArgumentParser
import Foundation
import TraktQLShell

/// `traktql`: parses arguments only, then hands over to ``TraktQLShell``.
@main
struct TraktQLCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "traktql",
        abstract: "Query Trakt v1 activity with a small language; an interactive shell and a script runner.",
        discussion: """
        With no FILE and no -c, traktql starts the interactive shell on a terminal, or runs the statements piped to standard input. With no API configured it answers from the built-in v1 emulator, in this process (a deterministic dataset; trakt-emulator serves the same over HTTP), and says so on stderr.

        Settings come from flags, then environment variables (TRAKT_API_URL, TRAKT_API_KEY, TRAKT_USERNAME, TRAKT_PASSWORD), then $XDG_CONFIG_HOME/traktql/config.json (a JSON object with api_url, api_key, username, password, tz, format, convention, max_pages, cache_ttl, timeout, api, client_id, client_secret; keep it chmod 600). Secrets are best given with --api-key-file and --password-file.

        Trakt API v2 (--api v2, env TRAKT_API) needs your app's client id (--client-id or TRAKT_CLIENT_ID) and, for your own data as user:me, a token (--access-token or TRAKT_ACCESS_TOKEN). With a client id the default is v2 at https://api.trakt.tv. With no API configured, --api v2 makes the built-in emulator speak v2, logged in as justin.

        A script stops at its first failing statement unless --keep-going is given.

        Trakt API v2 login: traktql auth login|status|logout (see traktql auth --help); in the shell, .login, .whoami and .logout.

        Exit status: 0 ok; 1 usage (bad flag, unreadable file); 2 network, authentication or API error, or an incomplete result (more than 100 activities in one second, which paging cannot get past; the rows are printed); 3 query error (parse or check); 130 interrupted (Ctrl-C). With --keep-going, the worst status seen.

        Examples:
          traktql -c 'activity user:justin since:7d | count by action'
          traktql -c 'activity show:the-walking-dead season:1 since:30d | limit 5'
          traktql -c 'explain activity user:justin,serialkevin since:7d'
          traktql --format csv Examples/ratings-export.tql > ratings.csv
          traktql --input dump.json -c 'activity action:seen | count by show.title'
        """,
        version: TraktQLShell.version)

    @Argument(help: ArgumentHelp("Script files to run ('-' reads standard input).", valueName: "FILE"))
    var files: [String] = []

    @Option(name: .customShort("c"), help: ArgumentHelp("Run STATEMENT (repeatable; runs before FILEs).", valueName: "STATEMENT"))
    var commands: [String] = []

    @Option(help: "Output format: table, json, ndjson, csv, tsv (default: table on a terminal, ndjson otherwise).")
    var format: String?

    @Option(help: "Session time zone, an IANA name like Europe/Berlin (default: the system's).")
    var tz: String?

    @Option(help: "How API timestamps map to instants: pacific (default) or utc.")
    var convention: String?

    @Option(help: ArgumentHelp("Query saved data instead of the API: a v1 response (envelope, JSON array of items or NDJSON), a v2 array (history, ratings, watched…) or a v2 export object; '-' reads standard input. No HTTP: every qualifier is a filter (.help input).", valueName: "FILE"))
    var input: String?

    @Option(name: .customLong("input-reader"), help: ArgumentHelp("streaming (default) or plain (whole input in memory; the reference).", visibility: .hidden))
    var inputReader: String = "streaming"

    @OptionGroup(title: "Server and Trakt v2 app")
    var connection: ConnectionOptions

    @Option(help: "API key (env TRAKT_API_KEY). Never printed. Other local users can see command-line flags: prefer --api-key-file.")
    var apiKey: String?

    @Option(name: .customLong("api-key-file"), help: ArgumentHelp("Read the API key from the first line of FILE ('-' reads standard input).", valueName: "FILE"))
    var apiKeyFile: String?

    @Option(name: .customLong("runtime-fallback"), help: ArgumentHelp("What runtime is where the API has none: none (default: it stays empty) or trakt (42 min per episode, 90 per movie, as Trakt's own statistics); set runtime_fallback in the shell.", valueName: "none|trakt"))
    var runtimeFallback: String?

    @Option(help: "Trakt username for authenticated streams (env TRAKT_USERNAME).")
    var username: String?

    @Option(help: "Trakt password, sent as its SHA-1 (env TRAKT_PASSWORD). Never printed. Prefer --password-file, or leave it out to be asked on a terminal.")
    var password: String?

    @Option(name: .customLong("password-file"), help: ArgumentHelp("Read the password from the first line of FILE ('-' reads standard input).", valueName: "FILE"))
    var passwordFile: String?

    @Flag(name: .customLong("keep-going"), help: "Run every statement even after one fails; exit with the worst status.")
    var keepGoing = false

    @Flag(help: "Stop at the first failing statement (the default).")
    var bail = false

    @Option(help: "Seed of the built-in emulator's dataset (the same default as trakt-emulator).")
    var seed: UInt64 = 1

    @Option(help: ArgumentHelp("Pin the clock: times like since:7d and today, and the built-in emulator's dataset, count from it (ISO-8601 like 2024-11-24T12:00:00Z, or Unix seconds); for reproducible output.", valueName: "TIME"))
    var now: String?

    @Option(name: .customLong("emulator-faults"), help: ArgumentHelp("Faults for the built-in emulator, as trakt-emulator --faults takes them (tests).", visibility: .hidden))
    var emulatorFaults: String?

    @Option(name: .customLong("emulator-scale"), help: ArgumentHelp("Dataset scale of the built-in emulator: small, default, large, huge (tests).", visibility: .hidden))
    var emulatorScale: String?

    @Flag(name: .customLong("no-name-check"), help: ArgumentHelp("Do not check shows, movies and users against the server's catalog before calling (tests).", visibility: .hidden))
    var noNameCheck = false

    @Flag(name: .shortAndLong, help: "Do not print the emulator banner.")
    var quiet = false

    // The local mirror (issue 26).
    @Flag(help: "Answer from the local mirror that `traktql sync` keeps (env TRAKT_MIRROR=1, config 'mirror'; also --api mirror; `set mirror on|off` in the shell). No HTTP.")
    var mirror = false

    @Option(name: .customLong("mirror-file"), help: ArgumentHelp("The mirror database to read; implies --mirror (default: your account's, under $XDG_DATA_HOME/traktql/mirror/).", valueName: "PATH"))
    var mirrorFile: String?

    func validate() throws {
        if keepGoing && bail { throw ValidationError("--keep-going and --bail contradict each other") }
        if apiKey != nil && apiKeyFile != nil { throw ValidationError("--api-key and --api-key-file contradict each other") }
        if password != nil && passwordFile != nil { throw ValidationError("--password and --password-file contradict each other") }
        if input == "-" && (commands.isEmpty && files.isEmpty || files.contains("-")) {
            throw ValidationError("--input - reads the data from standard input; give the statements with -c or a script FILE")
        }
        if inputReader != "streaming" && inputReader != "plain" {
            throw ValidationError("--input-reader must be streaming or plain")
        }
        if let now, let problem = CommandLineInstant.problem(with: now) { throw ValidationError(problem) }
    }

    static func parseInstant(_ text: String) -> Date? { CommandLineInstant.parse(text) }

    /// Like ArgumentParser's `main`, but usage errors exit 1 (its default is 64), as documented.
    static func main() async {
        // `traktql [options] auth …` is dispatched here: ArgumentParser would take `auth` for a
        // script FILE (the root command's positional argument). A script named auth runs as ./auth.
        let arguments = Array(CommandLine.arguments.dropFirst())
        // `traktql --help` alone: the same text, without a parse that first tries every
        // argument as a completion-script request (BENCHMARKS.md, "A lighter start").
        if arguments == ["--help"] || arguments == ["-h"] {
            print(helpMessage())
            Foundation.exit(0)
        }
        let authArguments = AuthCommand.arguments(dispatching: arguments)
        // `traktql [options] sync …` likewise (a script named sync runs as ./sync).
        let syncArguments = authArguments == nil && !FileManager.default.fileExists(atPath: "sync") ? SyncCommand.arguments(dispatching: arguments) : nil
        let root: any ParsableCommand.Type = authArguments != nil ? AuthCommand.self : syncArguments != nil ? SyncCommand.self : TraktQLCommand.self
        // `traktql login` (and logout, status, whoami) with no such script: the auth command was meant.
        if authArguments == nil, let word = arguments.first, ["login", "logout", "status", "whoami"].contains(word),
           !FileManager.default.fileExists(atPath: word) {
            let subcommand = word == "whoami" ? "status" : word
            FileHandle.standardError.write(Data("traktql: error: there is no script file '\(word)' here; did you mean `traktql auth \(subcommand)`?\n".utf8))
            Foundation.exit(1)
        }
        do {
            var command = try authArguments != nil ? AuthCommand.parseAsRoot(authArguments ?? [])
                : syncArguments != nil ? SyncCommand.parseAsRoot(syncArguments ?? []) : parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            let code = root.exitCode(for: error)
            if code == .success {
                print(root.fullMessage(for: error))
                Foundation.exit(0)
            }
            if let exit = error as? ExitCode { Foundation.exit(exit.rawValue) }
            let help = root == AuthCommand.self ? "traktql auth --help" : root == SyncCommand.self ? "traktql sync --help" : "traktql --help"
            // One "error:" prefix, as everywhere else in traktql, and one pointer to --help.
            var message = root.fullMessage(for: error)
            if message.hasPrefix("Error: ") { message = "error: " + message.dropFirst("Error: ".count) }
            if !message.contains("--help") { message += "\nRun '\(help)' for usage." }
            FileHandle.standardError.write(Data(("traktql: " + message + "\n").utf8))
            Foundation.exit(1)
        }
    }

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        func env(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        var configuration = ShellConfiguration()
        configuration.commands = commands
        configuration.files = files
        configuration.apiKey = apiKey ?? env("TRAKT_API_KEY")
        configuration.username = username ?? env("TRAKT_USERNAME")
        configuration.password = password ?? (passwordFile == nil ? env("TRAKT_PASSWORD") : nil)
        if apiKeyFile != nil { configuration.apiKey = nil }
        configuration.apiKeyFile = apiKeyFile
        configuration.passwordFile = passwordFile
        configuration.secretsOnCommandLine = (apiKey != nil ? ["--api-key"] : []) + (password != nil ? ["--password"] : [])
        connection.apply(to: &configuration, environment: environment)
        configuration.format = format
        configuration.timeZone = tz
        configuration.convention = convention
        configuration.runtimeFallback = runtimeFallback
        configuration.keepGoing = keepGoing
        configuration.emulatorSeed = seed
        configuration.now = now.flatMap(Self.parseInstant)
        configuration.quiet = quiet
        configuration.emulatorFaults = emulatorFaults
        configuration.emulatorScale = emulatorScale
        configuration.checksNames = !noNameCheck
        configuration.input = input
        configuration.streamingInput = inputReader == "streaming"
        // A mirror file named is a mirror meant (`set mirror = off` still turns it off).
        configuration.mirror = mirror || mirrorFile != nil ? true : env("TRAKT_MIRROR").map { ["1", "on", "true", "yes"].contains($0.lowercased()) }
        configuration.mirrorFile = mirrorFile
        let status = await TraktQLShell.run(configuration)
        if status != 0 { throw ExitCode(status) }
    }
}

