import Foundation
import TraktQL

/// Prints statement outcomes: results to stdout in the session's format, everything else
/// (warnings, timing, progress) to stderr.
///
/// Every path out goes through ``redactor``'s known secrets (``Redactor/redactingKnownSecrets(in:)``):
/// a server that sends a token of this session back inside a title or comment gets `<token>`
/// printed, in every format. Only exact secrets are replaced — text merely shaped like a
/// credential is data here.
struct OutputPrinter: Sendable {
    var terminal: Terminal
    var redactor = Redactor()

    init(terminal: Terminal, redactor: Redactor = Redactor()) {
        self.terminal = terminal
        self.redactor = redactor
    }

    private func out(_ text: String) { Console.out(redactor.redactingKnownSecrets(in: text)) }
    private func err(_ text: String) { Console.err(redactor.redactingKnownSecrets(in: text)) }

    func format(_ settings: Settings) -> OutputFormat {
        settings.format.flatMap(OutputFormat.init(rawValue:)) ?? (terminal.stdoutIsTTY ? .table : .ndjson)
    }

    func colors(_ settings: Settings, stream: Int32 = 1) -> Bool {
        if terminal.noColor { return false }
        switch settings.color {
        case .on: return true
        case .off: return false
        case .auto: return stream == 1 ? terminal.stdoutIsTTY : terminal.stderrIsTTY
        }
    }

    func print(_ outcome: StatementOutcome, settings: Settings, baseURL: URL?) {
        switch outcome {
        case .rows(let result):
            printRows(result, settings: settings)
        case .plan(let plan):
            // Explain is for people unless JSON was asked for explicitly.
            switch settings.format.flatMap(OutputFormat.init(rawValue:)) {
            case .json?, .ndjson?:
                out(plan.explanationValue(baseURL: baseURL).jsonText(timeZone: settings.timeZone) + "\n")
            default:
                out(plan.explanation(baseURL: baseURL) + "\n")
            }
        case .set, .defined, .meta:
            break
        }
    }

    /// `value` with the known secrets replaced inside its text. Cells are redacted before they
    /// are rendered: a table that cuts a long cell short could otherwise leave part of a secret.
    private func redacted(_ value: Value) -> Value {
        switch value {
        case .string(let text): return .string(redactor.redactingKnownSecrets(in: text))
        case .array(let elements): return .array(elements.map(redacted))
        case .object(let members): return .object(members.map { ($0.key, redacted($0.value)) })
        default: return value
        }
    }

    func printRows(_ result: QueryResult, settings: Settings) {
        var result = result
        if redactor.secrets.contains(where: { $0.text.unicodeScalars.count >= Redactor.substringLength }) {
            result.rows = result.rows.map { $0.map(redacted) }
            result.items = result.items?.map(redacted)
        }
        let format = format(settings)
        let options = RenderOptions(format: format, timeZone: settings.timeZone, terminalWidth: terminal.width(),
                                    color: colors(settings), csvLineEnding: .lf)
        if let items = result.items, format == .json || format == .ndjson {
            // Whole items, as the API sent them (sanitised by the JSON writer).
            if format == .ndjson {
                var lines = ""
                for item in items { lines += item.jsonText(timeZone: settings.timeZone) + "\n" }
                out(lines)
            } else {
                out("[" + items.map { $0.jsonText(timeZone: settings.timeZone) }.joined(separator: ",\n") + "]\n")
            }
        } else if format == .table, let chart = chartText(result, settings: settings) {
            out(chart)
        } else {
            if format == .table, result.chart != nil {
                err(paint("warning:", "1;33", settings) + " chart: no numeric column to draw; showing the table\n")
            }
            out(Renderer.render(columns: result.columns, rows: result.rows, options: options))
            if format == .table {
                out("(\(result.rows.count) row\(result.rows.count == 1 ? "" : "s"))\n")
            }
        }
        for warning in result.warnings {
            err(paint("warning:", "1;33", settings) + " \(warning)\n")
        }
    }

    func paint(_ text: String, _ code: String, _ settings: Settings) -> String {
        colors(settings, stream: 2) ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }
}
