import ArgumentParser
import Foundation
import TraktQLShell

/// `traktql auth login|status|logout`: the Trakt API v2 login (OAuth device flow).
struct AuthCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "traktql auth",
        abstract: "Log in to Trakt API v2 (OAuth device flow), show the login, log out.",
        discussion: """
        The login is saved in $XDG_CONFIG_HOME/traktql/token.json (default ~/.config/traktql/token.json), mode 0600, and renewed automatically before it expires. TRAKT_ACCESS_TOKEN, when set, is used instead of it.

        The app's client id and secret come from --client-id/--client-secret, TRAKT_CLIENT_ID/TRAKT_CLIENT_SECRET or client_id/client_secret in the config file; the server from --api-url, TRAKT_API_URL or api_url. With no server configured, login uses the built-in emulator (which approves the code by itself) and saves nothing.

        Exit status: 0 ok; 1 usage; 2 not logged in, denied, expired or a server error; 130 Ctrl-C (nothing saved).
        """,
        subcommands: [Login.self, Status.self, Logout.self])

    /// Options every `auth` subcommand takes.
    struct Options: ParsableArguments {
        @Option(help: "API server URL, http:// to this machine (env TRAKT_API_URL). Without one, the built-in emulator.")
        var apiURL: String?

        @Option(help: "The v2 app's client id (env TRAKT_CLIENT_ID).")
        var clientID: String?

        @Option(help: "The v2 app's client secret (env TRAKT_CLIENT_SECRET). Never printed.")
        var clientSecret: String?

        @Flag(name: .shortAndLong, help: "Do not print the emulator banner.")
        var quiet = false

        func validate() throws {
            if let apiURL, URL(string: apiURL)?.host == nil { throw ValidationError("--api-url is not a URL") }
        }

        var authOptions: AuthOptions {
            var options = AuthOptions.fromEnvironment()
            if let apiURL { options.apiURL = URL(string: apiURL) }
            if let clientID { options.clientID = clientID }
            if let clientSecret { options.clientSecret = clientSecret }
            options.quiet = quiet
            return options
        }

        /// Runs `action` with these options; a failure's status becomes the exit code.
        func run(_ action: AuthAction) async throws {
            let status = await TraktQLShell.auth(action, options: authOptions)
            if status != 0 { throw ExitCode(status) }
        }
    }

    struct Login: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Log in: shows a code (and a QR code on a terminal) to approve at the verification URL, then saves the token.")
        @OptionGroup var options: Options
        func run() async throws { try await options.run(.login) }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Who is logged in (GET /users/settings), the token's scope and expiry.")
        @OptionGroup var options: Options
        func run() async throws { try await options.run(.status) }
    }

    struct Logout: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke the saved token at the server and delete it.")
        @OptionGroup var options: Options
        func run() async throws { try await options.run(.logout) }
    }
}
