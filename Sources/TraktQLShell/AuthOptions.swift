import Foundation

/// Where `traktql auth …` and the shell's `.login`/`.logout`/`.whoami` log in, as
/// ``ShellConfiguration/resolveConnection()`` decided it for queries too (flags, environment,
/// config file, and the API's default server).
public struct AuthOptions: Sendable {
    /// The server; nil: the built-in emulator.
    public var apiURL: URL?
    /// `--client-id`/`TRAKT_CLIENT_ID`: the v2 app's client id.
    public var clientID: String?
    /// `--client-secret`/`TRAKT_CLIENT_SECRET`.
    public var clientSecret: String?
    /// `TRAKT_ACCESS_TOKEN`/`--access-token`: used instead of the saved login (never saved, never printed).
    public var accessTokenOverride: String?
    /// Where ``accessTokenOverride`` came from (`TRAKT_ACCESS_TOKEN`, `--access-token`), as messages name it.
    public var accessTokenOrigin: String?
    /// Where the login is saved (default ``TokenStore/defaultLocation(environment:)``).
    public var tokenFile: URL?
    /// The config file (default ``ConfigFile/defaultLocation(environment:)``).
    public var configFile: URL?
    /// No banner about the built-in emulator.
    public var quiet = false

    public init() {}

    /// The environment's part: `TRAKT_API_URL`, `TRAKT_CLIENT_ID`, `TRAKT_CLIENT_SECRET`, `TRAKT_ACCESS_TOKEN`.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> AuthOptions {
        func env(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        var options = AuthOptions()
        options.apiURL = env("TRAKT_API_URL").flatMap(URL.init(string:))
        options.clientID = env("TRAKT_CLIENT_ID")
        options.clientSecret = env("TRAKT_CLIENT_SECRET")
        options.accessTokenOverride = env("TRAKT_ACCESS_TOKEN")
        if options.accessTokenOverride != nil { options.accessTokenOrigin = "TRAKT_ACCESS_TOKEN" }
        return options
    }
}
