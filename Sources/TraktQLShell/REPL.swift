import Foundation
import TraktQL

/// The interactive shell: libedit line editing with completion and history, multi-line
/// statements, Ctrl-C that clears the line or cancels the running query.
///
/// Only used when standard input is a terminal (scripts and pipes go to ``ScriptRunner``).
struct REPL {
    let session: Session
    let embedded: EmbeddedServer?

    static let welcome = "traktql 0.1 — .help for help, .quit to leave\n"

    func run() async -> ExitStatus {
        Console.err(Self.welcome)
        let environment = ProcessInfo.processInfo.environment
        let (limit, warning) = HistoryFile.limit(environment: environment)
        if let warning { Console.err(warning + "\n") }
        let file = limit > 0 ? HistoryFile.defaultPath(environment: environment).map { HistoryFile(path: $0, limit: limit) } : nil
        let history = History(file: file, redactor: session.engine.configuration.redactor) { Console.err($0) }

        let source: VocabularyStore.CatalogSource = embedded.map { .embedded($0) } ?? session.baseURL.map { _ in .server(session.engine) } ?? .none
        let vocabulary = VocabularyStore(source: source, announces: session.printer.terminal.stderrIsTTY)
        guard let editor = EditorHost(historySize: limit > 0 ? limit : 100, completer: vocabulary.completer()) else {
            Console.err("traktql: cannot start line editing; reading plain lines\n")
            return await ScriptRunner(session: session, keepGoing: true).run(source: ScriptSourceLines.readAll(), name: "<stdin>")
        }
        for entry in history.entries { await editor.addHistory(entry) }
        InterruptSignal.shared.install()
        defer {
            InterruptSignal.shared.uninstall()
            editor.close()
        }

        let colors = session.printer.colors(await session.engine.settings, stream: 1)
        let primary = Self.prompt("traktql> ", colors: colors)
        let continuation = Self.prompt("    ...> ", colors: colors)
        var buffer = StatementBuffer()
        // The built-in emulator's dataset is made while the user types the first statement, which
        // then finds it ready (or nearly). Started only now, with everything before the first
        // prompt done: on a loaded machine it would otherwise take CPU from the prompt.
        await embedded?.prepare()
        while true {
            let input = await editor.read(prompt: buffer.isEmpty ? primary : continuation, context: buffer.text)
            switch input {
            case .endOfFile:
                screen("\n")
                if buffer.isEmpty { return .ok }
                // Ctrl-D at a continuation prompt abandons the statement, but keeps it in the
                // history so that nothing typed is lost.
                if let entry = history.record(buffer.text) { await editor.addHistory(entry) }
                buffer.reset()
                Console.err("(unfinished statement discarded; press Up to recall it)\n")
            case .interrupted(let wasEmpty):
                if wasEmpty && buffer.isEmpty { Console.err("(use .quit or Ctrl-D to leave)\n") }
                buffer.reset()
            case .line(let line):
                switch buffer.add(line) {
                case .empty, .needsMore:
                    continue
                case .strayPipe:
                    Console.err("error: a line cannot start with '|': a stage continues a statement\n"
                                + "  help: end the previous line with '|' to continue it, or press Up to recall the last statement and add the stage\n")
                case .complete(let text):
                    if let entry = history.record(text) { await editor.addHistory(entry) }
                    if await execute(text, history: history, vocabulary: vocabulary) { return .ok }
                    await vocabulary.refresh(from: session.engine)
                }
            }
        }
    }

    /// Runs the statements of one entry; true when one of them was `.quit`.
    private func execute(_ text: String, history: History, vocabulary: VocabularyStore) async -> Bool {
        let settings = await session.engine.settings
        let renderer = DiagnosticRenderer(fileName: nil, colors: session.printer.colors(settings, stream: 2))
        let (script, diagnostics) = Parser.parse(text)
        if !diagnostics.isEmpty {
            Console.err(session.redact(renderer.render(diagnostics, source: text)))
            return false
        }
        let session = self.session
        for statement in script.statements {
            if case .meta(let name, let arguments) = statement.kind, name.name.lowercased() == "history" {
                let count = arguments.first.flatMap { Int($0.name) }
                Console.out(history.listing(last: count))
                continue
            }
            let outcome = await Interruptible.run { () async -> Result<Session.Continuation, TraktQLError> in
                do throws(TraktQLError) {
                    return .success(try await session.run(statement, source: text, sourceName: nil, onResult: { vocabulary.learn(from: $0, statement: $1) }))
                } catch {
                    return .failure(error)
                }
            }
            switch outcome {
            case .cancelled:
                Console.err((session.printer.terminal.stderrIsTTY ? "\r\u{1B}[2K" : "") + "^C query cancelled\n")
                return false
            case .finished(.success(.quit)):
                return true
            case .finished(.success(.next)), .finished(.success(.incomplete)):
                continue  // an incomplete result's warning is printed with it
            case .finished(.failure(let error)):
                ScriptRunner(session: session, keepGoing: false).report(error, statement: statement, source: text, renderer: renderer, name: nil)
                return false
            }
        }
        return false
    }

    /// Writes where the line editor draws: stdout, or stderr when stdout is redirected.
    private func screen(_ text: String) {
        let terminal = session.printer.terminal
        if !terminal.stdoutIsTTY && terminal.stderrIsTTY { Console.err(text) } else { Console.out(text) }
    }

    /// A prompt; in colour, the escapes are bracketed so libedit gives them no width.
    static func prompt(_ text: String, colors: Bool) -> String {
        guard colors else { return text }
        let literal = String(UnicodeScalar(UInt8(LineEditor.promptLiteral)))
        let trimmed = text.hasSuffix(" ") ? String(text.dropLast()) : text
        return literal + "\u{1B}[1;36m" + literal + trimmed + literal + "\u{1B}[0m" + literal + (trimmed.count < text.count ? " " : "")
    }
}

/// The ``LineEditor``, used only from one serial queue (libedit is not thread-safe, and
/// `el_gets` blocks a thread, which must not be one of the concurrency pool's few threads).
final class EditorHost: @unchecked Sendable {
    private let queue = DispatchQueue(label: "traktql.line-editor")
    private let editor: LineEditor

    init?(historySize: Int, completer: @escaping (String) -> Completion) {
        guard let editor = LineEditor(program: "traktql", historySize: historySize) else { return nil }
        editor.completer = completer
        self.editor = editor
    }

    func read(prompt: String, context: String) async -> LineEditor.Input {
        await withCheckedContinuation { continuation in
            queue.async {
                self.editor.context = context.isEmpty ? "" : context + " "
                continuation.resume(returning: self.editor.read(prompt: prompt))
            }
        }
    }

    func addHistory(_ entry: String) async {
        await withCheckedContinuation { continuation in
            queue.async {
                self.editor.addHistory(entry)
                continuation.resume()
            }
        }
    }

    func close() {
        queue.sync { editor.close() }
    }
}

/// Plain lines from standard input, for the fallback when libedit cannot start.
enum ScriptSourceLines {
    static func readAll() -> String {
        var text = ""
        while let line = readLine(strippingNewline: false) { text += line }
        return text
    }
}
