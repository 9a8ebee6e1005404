import Foundation
import TraktQL

/// Prints statement outcomes: results to stdout in the session's format, everything else
/// (warnings, timing, progress) to stderr.
struct OutputPrinter: Sendable {
    var terminal: Terminal

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
                Console.out(plan.explanationValue(baseURL: baseURL).jsonText(timeZone: settings.timeZone) + "\n")
            default:
                Console.out(plan.explanation(baseURL: baseURL) + "\n")
            }
        case .set, .defined, .meta:
            break
        }
    }

    func printRows(_ result: QueryResult, settings: Settings) {
        let format = format(settings)
        let options = RenderOptions(format: format, timeZone: settings.timeZone, terminalWidth: terminal.width(),
                                    color: colors(settings), csvLineEnding: .lf)
        if let items = result.items, format == .json || format == .ndjson {
            // Whole items, as the API sent them (sanitised by the JSON writer).
            if format == .ndjson {
                var out = ""
                for item in items { out += item.jsonText(timeZone: settings.timeZone) + "\n" }
                Console.out(out)
            } else {
                Console.out("[" + items.map { $0.jsonText(timeZone: settings.timeZone) }.joined(separator: ",\n") + "]\n")
            }
        } else if format == .table, let chart = chartText(result, settings: settings) {
            Console.out(chart)
        } else {
            if format == .table, result.chart != nil {
                Console.err(paint("warning:", "1;33", settings) + " chart: no numeric column to draw; showing the table\n")
            }
            Console.out(Renderer.render(columns: result.columns, rows: result.rows, options: options))
            if format == .table {
                Console.out("(\(result.rows.count) row\(result.rows.count == 1 ? "" : "s"))\n")
            }
        }
        for warning in result.warnings {
            Console.err(paint("warning:", "1;33", settings) + " \(warning)\n")
        }
    }

    func paint(_ text: String, _ code: String, _ settings: Settings) -> String {
        colors(settings, stream: 2) ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }
}
