import TraktQL

/// The REPL's statement history: what `.history` lists and Up recalls, backed by a
/// ``HistoryFile`` that is written right after each statement (not only at exit).
final class History {
    private(set) var entries: [String] = []
    let file: HistoryFile?
    /// Problems are reported once, not at every statement.
    private var warned = false
    private let warn: (String) -> Void
    /// Statements holding one of its secrets are never recorded.
    let redactor: Redactor

    init(file: HistoryFile?, redactor: Redactor = Redactor(), warn: @escaping (String) -> Void) {
        self.file = file
        self.redactor = redactor
        self.warn = warn
        guard let file else { return }
        if let warning = file.directoryWarning() { warn(warning) }
        do {
            entries = try file.load()
        } catch {
            report(error)
        }
    }

    var limit: Int { file?.limit ?? HistoryFile.defaultLimit }

    /// Records a statement typed at the prompt. Returns the entry as stored (the one-line form
    /// when that means the same), or nil when it is not recorded (blank, a secret, or the same
    /// as the previous entry).
    @discardableResult
    func record(_ statement: String) -> String? {
        guard HistoryPolicy.shouldRecord(statement), !redactor.containsSecret(statement) else { return nil }
        let entry = Substring(StatementBuffer.compact(statement)).trimmingSpaces
        guard entry != entries.last else { return nil }
        entries.append(entry)
        if entries.count > limit { entries.removeFirst(entries.count - limit) }
        if let file {
            do {
                try file.append(entry)
            } catch {
                report(error)
            }
        }
        return entry
    }

    /// `.history [N]`: the entries (or the last N), numbered; continuation lines indented.
    /// Entries come from a file others may have written to: each line is sanitised.
    func listing(last count: Int? = nil) -> String {
        let start = max(0, entries.count - (count ?? entries.count))
        let width = String(entries.count).count
        var out = ""
        for index in start..<entries.count {
            let number = String(index + 1)
            let lines = entries[index].split(separator: "\n", omittingEmptySubsequences: false).map { TerminalSafety.sanitize(String($0)) }
            out += String(repeating: " ", count: width - number.count) + number + "  " + lines[0] + "\n"
            for line in lines.dropFirst() {
                out += String(repeating: " ", count: width + 2) + line + "\n"
            }
        }
        return out
    }

    private func report(_ error: HistoryFile.Failure) {
        guard !warned else { return }
        warned = true
        warn("traktql: history: \(error.description) (history is kept for this session only)\n")
    }
}
