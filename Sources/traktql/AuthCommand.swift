import ArgumentParser
import Foundation
import TraktQLShell

/// `traktql auth login|status|logout`: the Trakt API v2 login (OAuth device flow).
struct AuthCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "traktql auth",
        abstract: "Log in to Trakt API v2 (OAuth device flow), show the login, log out.",
        discussion: """
        The login is saved in $XDG_CONFIG_HOME/traktql/token.json (default ~/.config/traktql/token.json), mode 0600, and renewed automatically before it expires. It belongs to the server it was made for: queries to another server go out without it. TRAKT_ACCESS_TOKEN (or --access-token), when given, is used instead of it, and status and login say so.

        The server is the one queries use, decided the same way: --api-url, TRAKT_API_URL or api_url in the config file; else, with a client id (--client-id, TRAKT_CLIENT_ID or client_id), https://api.trakt.tv; else the built-in emulator, which approves the code by itself and saves nothing. Every connection option of traktql works here too, before or after the subcommand: traktql --api-url URL --cacert ca.pem auth login.

        A token goes over plain http:// only to this machine (127.0.0.1, ::1, localhost); other servers need https://.

        Exit status: 0 ok; 1 usage; 2 not logged in, denied, expired, a server error or an unusable config file; 130 Ctrl-C (nothing saved).
        """,
        subcommands: [Login.self, Status.self, Logout.self])

    /// The subcommands' names, for `traktql [options] auth SUBCOMMAND`.
    static let subcommandNames: Set<String> = ["login", "status", "logout"]

    /// Options every `auth` subcommand takes: the connection options of `traktql` itself.
    struct Options: ParsableArguments {
        @OptionGroup(title: "Server and Trakt v2 app")
        var connection: ConnectionOptions

        @Flag(name: .shortAndLong, help: "Do not print the emulator banner.")
        var quiet = false

        var shellConfiguration: ShellConfiguration {
            var configuration = ShellConfiguration()
            connection.apply(to: &configuration, environment: ProcessInfo.processInfo.environment)
            configuration.quiet = quiet
            return configuration
        }

        /// Runs `action` with these options; a failure's status becomes the exit code.
        func run(_ action: AuthAction) async throws {
            let status = await TraktQLShell.auth(action, configuration: shellConfiguration)
            if status != 0 { throw ExitCode(status) }
        }
    }

    struct Login: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Log in: shows a code (and a QR code on a terminal) to approve at the verification URL, then saves the token.",
            discussion: "Before asking for a code, checks that the login can be saved (the token directory and its lock); a code approved on another device is never thrown away for want of a place to save it.")
        @OptionGroup var options: Options
        func run() async throws { try await options.run(.login) }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Which server, who is logged in (GET /users/settings), the token's scope and expiry.")
        @OptionGroup var options: Options
        func run() async throws { try await options.run(.status) }
    }

    struct Logout: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke the saved token at the server and delete it.",
            discussion: "A token file that is no usable login (corrupt, or not a plain file) is removed all the same.")
        @OptionGroup var options: Options
        func run() async throws { try await options.run(.logout) }
    }

    /// The arguments for `AuthCommand` when `arguments` are `traktql [connection options] auth …`:
    /// the options given before `auth` move after the subcommand. Nil when `auth` is not the
    /// command word (it may be a script named auth, or an option's value: `--api-url auth`).
    static func arguments(dispatching arguments: [String]) -> [String]? {
        for (index, word) in arguments.enumerated() where word == "auth" {
            let before = Array(arguments[..<index])
            // Only options may come before it: `before` must parse as traktql's own options, with
            // no script FILE and no -c (else `auth` is an argument of something else).
            if !before.isEmpty {
                guard let parsed = try? TraktQLCommand.parse(before), parsed.files.isEmpty, parsed.commands.isEmpty else { continue }
            }
            var after = Array(arguments[(index + 1)...])
            if let first = after.first, subcommandNames.contains(first) {
                after.insert(contentsOf: before, at: 1)
                return after
            }
            return before + after
        }
        return nil
    }
}
