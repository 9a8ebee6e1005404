import Foundation
import TraktQL

/// One traktql session: the engine, where the API is, and how to print.
///
/// The REPL and the script runner both drive a session; meta-commands are carried out here so
/// that they behave the same in both.
final class Session: Sendable {
    let engine: Engine
    /// The configured API, shown by explain; nil for the embedded emulator (its port varies).
    let baseURL: URL?
    let printer: OutputPrinter
    /// Set by the REPL, which records history and completes from it.
    let interactive: Bool
    /// Paging progress on a terminal, erased before results print.
    let progress: ProgressLine?
    /// `.login`, `.whoami`, `.logout`: the login session, or why there cannot be one.
    let auth: Result<AuthSession, AuthSession.Failure>?

    init(engine: Engine, baseURL: URL?, printer: OutputPrinter, interactive: Bool, progress: ProgressLine? = nil,
         auth: Result<AuthSession, AuthSession.Failure>? = nil) {
        self.auth = auth
        self.engine = engine
        self.baseURL = baseURL
        self.printer = printer
        self.interactive = interactive
        self.progress = progress
    }

    /// `text` without the session's secrets (key, password, its SHA-1, credentials, tokens).
    func redact(_ text: String) -> String { engine.configuration.redactor.redact(text) }

    /// A message as this place spells its hints: in the interactive shell, `` `traktql auth login` ``
    /// is `.login` (and logout `.logout`), which work right here.
    func hintsForHere(_ text: String) -> String {
        guard interactive else { return text }
        return text.replacingOccurrences(of: "`\(OAuthError.loginCommand)`", with: "`.login`")
            .replacingOccurrences(of: "`traktql auth logout`", with: "`.logout`")
            .replacingOccurrences(of: "`traktql auth status`", with: "`.whoami`")
    }

    /// What a script runner or REPL should do after a statement.
    enum Continuation {
        case next
        case quit
        /// The statement printed rows that the API could not complete (see
        /// ``QueryResult/isIncomplete``): a script goes on like after a failure, exit status 2.
        case incomplete
    }

    /// Runs one statement and prints what it produced. Errors are thrown for the caller to
    /// report with the statement's location.
    /// `onResult` sees every query result (the REPL learns slugs and usernames from them).
    func run(_ statement: Statement, source: String, sourceName: String?, readDepth: Int = 0,
             onResult: (@Sendable (QueryResult, Statement) -> Void)? = nil) async throws(TraktQLError) -> Continuation {
        let started = ContinuousClock.now
        let outcome: StatementOutcome
        do {
            outcome = try await engine.execute(statement, source: source)
            progress?.clear()
        } catch {
            progress?.clear()
            throw error
        }
        if case .rows(let result) = outcome { onResult?(result, statement) }
        let settings = await engine.settings
        var continuation = Continuation.next
        switch outcome {
        case .meta(let name, let arguments):
            continuation = try await meta(name, arguments, statement: statement, source: source, sourceName: sourceName, readDepth: readDepth)
        case .set(let name, let value):
            if interactive { Console.err("\(name) = \(value)\n") }
        case .defined(let variable):
            // A query's answer says what it holds (its size is the point of it).
            if interactive, let answer = await engine.results[variable] {
                Console.err(TerminalSafety.sanitize(answer.summary(name: variable)) + "\n")
            } else if interactive {
                Console.err("$\(variable) defined\n")
            }
        default:
            printer.print(outcome, settings: settings, baseURL: baseURL)
            if case .rows(let result) = outcome, result.isIncomplete { continuation = .incomplete }
        }
        if settings.timing, case .rows(let result) = outcome {
            let elapsed = ContinuousClock.now - started
            let ms = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
            Console.err(String(format: "time: %.1f ms, %d call%@", ms, result.calls, result.calls == 1 ? "" : "s")
                        + (result.cachedCalls > 0 ? ", \(result.cachedCalls) from cache" : "") + "\n")
        }
        return continuation
    }

    static let metaCommands = ["help", "format", "tz", "timing", "cache", "history", "read", "explain", "settings", "vars", "login", "whoami", "logout", "auth", "sync", "quit", "exit"]

    private func meta(_ name: String, _ arguments: [String], statement: Statement, source: String, sourceName: String?, readDepth: Int) async throws(TraktQLError) -> Continuation {
        func fail(_ message: String, help: String? = nil) -> TraktQLError {
            .query(diagnostics: [Diagnostic(.error, message, at: statement.span, help: help)], source: source)
        }
        func setting(_ setting: String) async throws(TraktQLError) {
            guard let value = arguments.first else {
                Console.out("\(setting) = \(await engine.settings.value(of: setting) ?? "")\n")
                return
            }
            if let failure = await engine.settings.applyingCheck(name: setting, value: value) {
                throw fail(failure.message, help: failure.help)
            }
            try await engine.set(setting, to: value)
        }
        switch name.lowercased() {
        case "help":
            Console.out(HelpText.text(for: arguments.first))
        case "format": try await setting("format")
        case "tz": try await setting("tz")
        case "timing": try await setting("timing")
        case "settings":
            let settings = await engine.settings
            var out = ""
            for (setting, summary) in Settings.descriptions {
                out += "\(setting.padding(toLength: 11, withPad: " ", startingAt: 0)) = \((settings.value(of: setting) ?? "").padding(toLength: 20, withPad: " ", startingAt: 0)) \(summary)\n"
            }
            Console.out(out)
        case "vars":
            // Written values as written; query answers by size, kind and the query they came from.
            let written = await engine.variables, answers = await engine.results
            var lines: [String] = []
            for name in Set(written.keys).union(answers.keys).sorted() {
                if let answer = answers[name] {
                    lines.append(answer.summary(name: name))
                } else if let value = written[name] {
                    lines.append("$\(name) = \(Printer.print(value))")
                }
            }
            Console.out(lines.isEmpty ? "no variables (define one with 'let NAME = value' or 'let NAME = activity … | distinct FIELD')\n"
                        : TerminalSafety.sanitizeKeepingLines(lines.joined(separator: "\n")) + "\n")
        case "cache":
            switch arguments.first?.lowercased() {
            case "clear":
                await engine.clearCache()
                if interactive { Console.err("cache cleared\n") }
            case "off": try await engine.set("cache_ttl", to: "0")
            case nil:
                let count = await engine.cachedResponses()
                let ttl = await engine.settings.value(of: "cache_ttl") ?? ""
                Console.out("\(count) cached response\(count == 1 ? "" : "s"), cache_ttl = \(ttl)\n")
            case let other?:
                throw fail("unknown cache command '\(other)'", help: ".cache, .cache clear or .cache off")
            }
        case "read":
            guard let written = arguments.first else { throw fail(".read needs a file", help: ".read FILE") }
            let path = Self.expandingTilde(written)
            guard readDepth < 16 else { throw fail(".read is nested too deeply (limit 16)") }
            let text: String
            do {
                text = try ScriptSource.read(path)
            } catch {
                throw .usage("cannot read \(path): \(error)")
            }
            let runner = ScriptRunner(session: self, keepGoing: false)
            let status = await runner.run(source: text, name: path, readDepth: readDepth + 1)
            if status != .ok { throw .usage(".read \(path) failed (exit \(status.rawValue))") }
        case "explain":
            let plan = try await engine.plan(arguments.joined(separator: " "))
            printer.print(.plan(plan), settings: await engine.settings, baseURL: baseURL)
        case "history":
            if !interactive { throw fail(".history is only available in the interactive shell") }
            return .next  // the REPL lists history itself before handing over
        case "login", "whoami", "logout":
            try await authCommand(name.lowercased())
        case "auth":
            // `.auth login|status|logout`: the subcommands of `traktql auth`, spelled as there.
            switch arguments.first?.lowercased() {
            case "login"?: try await authCommand("login")
            case "status"?, "whoami"?: try await authCommand("whoami")
            case "logout"?: try await authCommand("logout")
            case let other:
                throw fail(other.map { "unknown auth command '\($0)'" } ?? ".auth needs a command", help: ".auth login, .auth status or .auth logout")
            }
        case "sync":
            try await syncCommand(arguments)
        case "quit", "exit", "q":
            return .quit
        default:
            throw fail("unknown command '.\(name)'", help: Suggestion.closest(to: name, in: Self.metaCommands).map { "did you mean '.\($0)'?" } ?? "commands: " + Self.metaCommands.map { "." + $0 }.joined(separator: " "))
        }
        return .next
    }
}

extension Session {
    /// `.login`, `.whoami`, `.logout`, as `traktql auth login|status|logout` do them.
    private func authCommand(_ name: String) async throws(TraktQLError) {
        let auth: AuthSession
        switch self.auth {
        case .success(let session)?: auth = session
        case .failure(let failure)?: throw failure.status == .usage ? .usage(failure.message) : .network(message: failure.message, call: "")
        case nil: throw .usage(".\(name) is not available here")
        }
        do {
            switch name {
            // Another identity (or none): no cached answer of the previous one is kept.
            case "login":
                try await auth.login()
                await engine.clearCache()
            case "logout":
                try await auth.logout()
                await engine.clearCache()
            default: try await auth.status()
            }
        } catch is CancellationError {
            throw .usage("login cancelled; nothing saved")
        } catch {
            throw await auth.traktQLError(for: error)
        }
    }

    /// `~` and `~/…` are the home directory (`$HOME`), as in a shell; `~user` is left alone.
    static func expandingTilde(_ path: String, environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        guard path == "~" || path.hasPrefix("~/") else { return path }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? FileManager.default.homeDirectoryForCurrentUser.path
        return home + path.dropFirst()
    }
}

extension Settings {
    /// The failure `apply` would report, without changing anything.
    func applyingCheck(name: String, value: String) -> (message: String, help: String?)? {
        var copy = self
        return copy.apply(name: name, value: value)
    }
}
