#if canImport(Glibc)
import Glibc
#endif
import Foundation
import TraktQL

/// The `traktql` program after argument parsing, in three steps: resolve the configuration
/// (flags, environment, config file, secret files: ``ResolvedRun``), build the engine and its
/// connection (a configured server or the built-in emulator: ``ShellRuntime``), then run `-c`
/// statements, script files, standard input or the interactive shell. Returns the process exit
/// status. Which backend a statement runs against is the engine's (its backend factory).
public enum TraktQLShell {
    /// `traktql --version`.
    public static let version = HTTPTransportConfiguration.clientVersion

    public static func run(_ configuration: ShellConfiguration) async -> Int32 {
        signal(SIGPIPE, SIG_IGN)
        let terminal = Terminal.current()
        let resolved: ResolvedRun
        do {
            resolved = try ResolvedRun.resolve(configuration, terminal: terminal)
        } catch {
            Console.err("traktql: error: \(error.message)\n")
            return error.status.rawValue
        }
        // With the mirror on: its banner (whose account, how old), or the one error that says
        // to run `traktql sync`, before anything runs.
        if resolved.settings.mirror {
            do throws(TraktQLError) {
                if configuration.quiet {
                    try MirrorBanner.check(resolved.engine.mirror)
                } else {
                    Console.err(try MirrorBanner.text(resolved.engine.mirror, now: resolved.engine.clock(), maxAge: resolved.settings.mirrorMaxAge) + "\n")
                }
            } catch {
                var message = error.description
                if message.hasPrefix("error: ") { message.removeFirst("error: ".count) }
                Console.err("traktql: error: \(TerminalSafety.sanitize(message))\n")
                return ExitStatus.usage.rawValue
            }
        }
        let runtime = ShellRuntime.build(resolved, terminal: terminal)
        let status = await runStatements(resolved.configuration, on: runtime, terminal: terminal)
        await runtime.stop()
        return status.rawValue
    }

    /// `-c` statements, script files or standard input when not interactive; else the REPL.
    static func runStatements(_ configuration: ShellConfiguration, on runtime: ShellRuntime, terminal: Terminal) async -> ExitStatus {
        let scripted = !configuration.commands.isEmpty || !configuration.files.isEmpty || !terminal.stdinIsTTY
        guard scripted else {
            let session = Session(engine: runtime.engine, baseURL: runtime.shownURL, printer: runtime.printer, interactive: true,
                                  progress: runtime.progressLine, auth: runtime.auth)
            return await REPL(session: session, embedded: runtime.embedded).run()
        }
        var status = ExitStatus.ok
        let session = Session(engine: runtime.engine, baseURL: runtime.shownURL, printer: runtime.printer, interactive: false,
                              progress: runtime.progressLine, auth: runtime.auth)
        let runner = ScriptRunner(session: session, keepGoing: configuration.keepGoing)
        var sources: [(text: String, name: String?)] = configuration.commands.map { ($0, nil) }
        for file in configuration.files {
            do {
                sources.append((try ScriptSource.read(file), file == "-" ? "<stdin>" : file))
            } catch {
                Console.err("traktql: error: cannot read \(file): \(error)\n")
                status = .usage
                if !configuration.keepGoing { sources = []; break }
            }
        }
        if configuration.commands.isEmpty && configuration.files.isEmpty {
            do {
                sources.append((try ScriptSource.read("-"), "<stdin>"))
            } catch {
                Console.err("traktql: error: cannot read standard input: \(error)\n")
                status = .usage
            }
        }
        let keepGoing = configuration.keepGoing
        let ran = await Self.interruptibly { [sources] in
            var status = ExitStatus.ok
            for source in sources {
                let result = await runner.run(source: source.text, name: source.name)
                status = max(status, result)
                if result != .ok && !keepGoing { break }
            }
            return status
        }
        return max(status, ran)
    }

    /// Runs the statements of a script with Ctrl-C (SIGINT) cancelling them: the statement under
    /// way stops, nothing after it runs, and the status is ``ExitStatus/interrupted`` (130), so
    /// the caller still stops the built-in server cleanly before the process exits. A second
    /// Ctrl-C while that winds down leaves at once.
    static func interruptibly(_ work: @escaping @Sendable () async -> ExitStatus) async -> ExitStatus {
        let interrupted = InterruptFlag()
        let task = Task { await work() }
        InterruptSignal.shared.install()
        InterruptSignal.shared.setHandler {
            interrupted.set()
            task.cancel()
            InterruptSignal.shared.setHandler {
                Console.err("traktql: interrupted twice; leaving now\n")
                _exit(ExitStatus.interrupted.rawValue)
            }
        }
        let status = await task.value
        InterruptSignal.shared.uninstall()
        guard interrupted.isSet else { return status }
        Console.err("traktql: interrupted\n")
        return .interrupted
    }
}

/// Whether Ctrl-C was pressed, shared with the signal's handler.
private final class InterruptFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false

    func set() {
        lock.lock()
        value = true
        lock.unlock()
    }

    var isSet: Bool {
        lock.lock()
        defer { lock.unlock() }
        return value
    }
}
