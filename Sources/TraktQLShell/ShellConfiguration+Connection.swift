import Foundation
import TraktQL

extension ShellConfiguration {
    /// Why the connection cannot be resolved, with the exit status to use.
    struct ConnectionFailure: Error {
        var message: String
        var status: ExitStatus
    }

    /// What ``resolveConnection()`` read besides the connection: the config file (for its
    /// other settings), where it is, and the warnings to print.
    struct ResolvedConnection {
        var file: ConfigFile?
        var location: URL
        var warnings: [String]
        var api: APIVersion
    }

    /// Fills in what flags and the environment left open from the config file, then decides
    /// the API and the server: the one place that says where traktql connects, so that queries,
    /// `traktql auth login|status|logout` and the shell's `.login`/`.whoami`/`.logout` always
    /// talk to the same server.
    ///
    /// - the API: `--api`/`TRAKT_API`/`api`, else v2 when a client id is configured, else v1;
    /// - the server: `--api-url`/`TRAKT_API_URL`/`api_url`, else `https://api.trakt.tv` for v2
    ///   with a client id (and no `--input`), else none: the built-in emulator.
    ///
    /// A config file that cannot be used is an error (exit 2) naming it; so is a server URL that
    /// is not `http(s)://` or holds a username or password (exit 1).
    mutating func resolveConnection() throws(ConnectionFailure) -> ResolvedConnection {
        let location = configFile ?? ConfigFile.defaultLocation()
        let file: ConfigFile?
        let warnings: [String]
        do {
            (file, warnings) = try ConfigFile.load(from: location)
        } catch {
            throw ConnectionFailure(message: error.message, status: .api)
        }
        if let file {
            if apiURL == nil, let url = file.apiURL {
                guard let parsed = URL(string: url) else {
                    throw ConnectionFailure(message: "api_url in \(location.path) is not a URL", status: .usage)
                }
                apiURL = parsed
            }
            apiKey = apiKey ?? file.apiKey
            username = username ?? file.username
            password = password ?? file.password
            timeZone = timeZone ?? file.tz
            format = format ?? file.format
            convention = convention ?? file.convention
            api = api ?? file.api
            clientID = clientID ?? file.clientID
            clientSecret = clientSecret ?? file.clientSecret
        }

        var chosen = APIVersion.standard
        if let name = api {
            guard let version = APIVersion(rawValue: name.lowercased()) else {
                throw ConnectionFailure(message: "unknown API '\(TerminalSafety.sanitize(name))' (the APIs are v1 and v2)", status: .usage)
            }
            chosen = version
        } else if clientID != nil {
            chosen = .v2
        }
        if chosen == .v2, apiURL == nil, clientID != nil, input == nil {
            apiURL = Self.traktAPI
        }
        if let url = apiURL {
            // A URL's userinfo would be shown in errors and explain, and is not how v1 takes
            // credentials: refuse it rather than ignore it.
            if url.user != nil || url.password != nil {
                throw ConnectionFailure(
                    message: "the API URL must not hold a username or password (\(Redactor().redact(url.absoluteString))): "
                        + "traktql would not use them and could show them; give --username with --password-file, TRAKT_PASSWORD or the config file",
                    status: .usage)
            }
            guard let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https", url.host != nil else {
                throw ConnectionFailure(message: "--api-url must be an http:// or https:// URL, not '\(TerminalSafety.sanitize(Redactor().redact(url.absoluteString)))'",
                                        status: .usage)
            }
        }
        return ResolvedConnection(file: file, location: location, warnings: warnings, api: chosen)
    }

    /// Trakt's own v2 API.
    static let traktAPI = URL(string: "https://api.trakt.tv")!

    /// What the login commands use of this configuration (after ``resolveConnection()``).
    var authOptions: AuthOptions {
        var options = auth
        options.apiURL = apiURL
        options.clientID = clientID
        options.clientSecret = clientSecret
        options.accessTokenOverride = accessToken
        options.accessTokenOrigin = accessTokenOrigin
        options.configFile = configFile
        options.quiet = quiet
        return options
    }

    /// One warning when secrets were given on the command line, where every local user can read
    /// them (`ps`, /proc), naming the safer place for each.
    var secretsOnCommandLineWarning: String? {
        guard !secretsOnCommandLine.isEmpty else { return nil }
        let flags = secretsOnCommandLine
        var instead: [String] = []
        if flags.contains(where: { $0 == "--api-key" || $0 == "--password" }) {
            instead.append("--api-key-file/--password-file, TRAKT_API_KEY/TRAKT_PASSWORD")
        }
        if flags.contains("--access-token") { instead.append("TRAKT_ACCESS_TOKEN (or traktql auth login)") }
        if flags.contains("--client-secret") { instead.append("TRAKT_CLIENT_SECRET") }
        instead.append("the config file")
        return "traktql: warning: \(flags.joined(separator: " and ")) on the command line can be seen by other local users (ps); "
            + "use \(instead.joined(separator: ", ")) instead"
    }
}
