import Foundation
import TraktQL

/// Runs a script (a file, standard input or `-c` text): parses it whole first, so a syntax
/// error anywhere runs nothing, then runs statement by statement.
struct ScriptRunner {
    let session: Session
    /// Go on after a failing statement and return the worst status seen (otherwise stop at the first).
    let keepGoing: Bool

    func run(source: String, name: String?, readDepth: Int = 0) async -> ExitStatus {
        let renderer = DiagnosticRenderer(fileName: name, colors: session.printer.colors(Settings(), stream: 2))
        let (script, diagnostics) = Parser.parse(source)
        if !diagnostics.isEmpty {
            Console.err(session.redact(renderer.render(diagnostics, source: source)))
            return .query
        }
        var worst = ExitStatus.ok
        for statement in script.statements {
            do {
                switch try await session.run(statement, source: source, sourceName: name, readDepth: readDepth) {
                case .next:
                    continue
                case .quit:
                    return worst
                case .incomplete:
                    // The rows and the warning are printed; the status says the answer is partial.
                    worst = max(worst, .api)
                    if !keepGoing { return worst }
                }
            } catch {
                // Ctrl-C cancelled the script (see `TraktQLShell.interruptibly`), which says so.
                if Task.isCancelled { return max(worst, ExitStatus(error)) }
                report(error, statement: statement, source: source, renderer: renderer, name: name)
                worst = max(worst, ExitStatus(error))
                if !keepGoing { break }
            }
        }
        return worst
    }

    func report(_ error: TraktQLError, statement: Statement, source: String, renderer: DiagnosticRenderer, name: String?) {
        switch error {
        case .query(let diagnostics, let errorSource), .notFound(let diagnostics, let errorSource):
            // A diagnostic quotes a line of its source: `.read config.json` would show the key.
            Console.err(session.redact(renderer.render(diagnostics, source: errorSource)))
        default:
            let start = statement.span.start
            let location = "\(name.map { "\(TerminalSafety.sanitize($0)):" } ?? "")\(start.line):\(start.column)"
            Console.err(session.hintsForHere(session.redact("\(location): \(error.redacted(by: session.engine.configuration.redactor).description)\n")))
        }
    }
}

/// Reading script text: files, `-` for standard input; NUL bytes and invalid UTF-8 are errors.
enum ScriptSource {
    struct ReadError: Error, CustomStringConvertible {
        var description: String
    }

    static let maximumBytes = 16 << 20

    static func read(_ path: String) throws -> String {
        let data: Data
        if path == "-" {
            data = FileHandle.standardInput.readDataToEndOfFile()
        } else {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw ReadError(description: "no such file")
            }
            guard !isDirectory.boolValue else { throw ReadError(description: "it is a directory") }
            guard let contents = FileManager.default.contents(atPath: path) else { throw ReadError(description: "permission denied") }
            data = contents
        }
        return try decode(data)
    }

    static func decode(_ data: Data) throws -> String {
        guard data.count <= maximumBytes else { throw ReadError(description: "it is larger than \(maximumBytes >> 20) MiB") }
        if let nul = data.firstIndex(of: 0) {
            let line = data[..<nul].filter { $0 == 10 }.count + 1
            throw ReadError(description: "it contains a NUL byte on line \(line); is it a binary file?")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            var valid = data.count
            for end in stride(from: data.count, through: 0, by: -1) where String(data: data[..<end], encoding: .utf8) != nil {
                valid = end
                break
            }
            let line = data[..<valid].filter { $0 == 10 }.count + 1
            throw ReadError(description: "it is not valid UTF-8 (first bad byte on line \(line))")
        }
        return text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text
    }
}
