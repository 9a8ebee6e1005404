import Foundation
import TraktQL

/// What the command line asked for; `main` fills it from flags, environment and config file.
public struct ShellConfiguration: Sendable {
    /// Statements given with `-c`, run in order.
    public var commands: [String] = []
    /// Script files; `-` is standard input.
    public var files: [String] = []
    /// `--api-url`; `nil` starts the embedded emulator.
    public var apiURL: URL?
    /// `--cacert`: a PEM file of extra certificate authorities for `https://`.
    public var caCertificateFile: String?
    public var apiKey: String?
    public var username: String?
    public var password: String?
    /// `--api-key-file`/`--password-file`: read the secret from this file (`-`: standard input).
    public var apiKeyFile: String?
    public var passwordFile: String?
    /// The flags that put a secret on the command line (`--api-key`, `--password`): warned
    /// about once, since every local user can read argv.
    public var secretsOnCommandLine: [String] = []
    public var format: String?
    public var timeZone: String?
    public var convention: String?
    /// `--runtime-fallback`: `none` or `trakt` (42 min per episode, 90 per movie where the API has no runtime).
    public var runtimeFallback: String?
    /// Stop at the first failing statement (the default) or run the rest and exit with the worst code.
    public var keepGoing = false
    /// Seed and clock for the embedded emulator (tests pin both).
    public var emulatorSeed: UInt64 = 1
    public var emulatorNow: Date?
    /// Faults for the embedded emulator (tests: a slow query to interrupt).
    public var emulatorFaults: String?
    /// Dataset scale of the embedded emulator (tests: `small` starts faster).
    public var emulatorScale: String?
    /// Check the names a query gives against the server's catalog before calling (tests turn it off).
    public var checksNames = true
    /// Pins the engine's clock too (tests and golden examples).
    public var now: Date?
    /// Where `.read` and the config file are looked up.
    public var configFile: URL?
    public var quiet = false
    /// `--input FILE`: query a saved response instead of the API (`-` is standard input).
    public var input: String?
    /// `--input-reader plain` reads the input whole with the plain decoder (the reference).
    public var streamingInput = true
    /// `--api`/`TRAKT_API`/config `api`: `v1` or `v2`; nil: v2 when a client id is configured, else v1.
    public var api: String?
    /// The v2 app (`--client-id`/`TRAKT_CLIENT_ID`, `--client-secret`/`TRAKT_CLIENT_SECRET`, config).
    public var clientID: String?
    public var clientSecret: String?
    /// `--access-token`/`TRAKT_ACCESS_TOKEN`: a v2 bearer token used as it is.
    public var accessToken: String?
    /// Which of the two gave ``accessToken`` (`--access-token` or `TRAKT_ACCESS_TOKEN`).
    public var accessTokenOrigin: String?
    /// Trakt v2 login (`.login`, `.whoami`, `.logout`, `traktql auth`): where the login is saved
    /// (the rest comes from the fields above, see ``authOptions``).
    public var auth = AuthOptions()

    // MARK: The local mirror (`--mirror`, issue 26)

    /// `--mirror`, `--api mirror`, `TRAKT_MIRROR=1`: answer from the local mirror; nil: the
    /// config file's `mirror`, else off.
    public var mirror: Bool?
    /// `--mirror-file PATH`: the mirror database (default: the account's, under $XDG_DATA_HOME).
    public var mirrorFile: String?

    public init() {}
}

/// Process exit codes, documented in `traktql --help`.
public enum ExitStatus: Int32, Sendable, Comparable {
    case ok = 0
    case usage = 1
    case api = 2
    case query = 3
    /// Ctrl-C (SIGINT) stopped a script: 128 + SIGINT, as shells report it.
    case interrupted = 130

    public static func < (lhs: ExitStatus, rhs: ExitStatus) -> Bool { lhs.rawValue < rhs.rawValue }

    init(_ error: TraktQLError) {
        self = ExitStatus(rawValue: error.exitCode) ?? .usage
    }
}
