/// The one sanitiser for text that reaches a terminal from outside the program: server error
/// messages, completion candidates, history entries, table cells. Wraps ``TerminalText`` so that
/// the shell and embedders use the same rule as the table renderer.
public enum TerminalSafety {
    /// `text` with every C0/C1 control, DEL, bidi embedding/override/isolate and line/paragraph
    /// separator shown as a visible escape (`\n`, `\u{1B}`, …): nothing in the result can move
    /// the cursor, change colours, set the clipboard or reorder text.
    public static func sanitize(_ text: String) -> String {
        TerminalText.sanitizeForTerminal(text)
    }

    /// Like ``sanitize(_:)`` but keeps line feeds (for multi-line messages whose lines are each
    /// safe); CR, tab and every other control are still escaped.
    public static func sanitizeKeepingLines(_ text: String) -> String {
        guard text.utf8.contains(0x0A) else { return sanitize(text) }
        return text.split(separator: "\n", omittingEmptySubsequences: false).map { sanitize(String($0)) }.joined(separator: "\n")
    }

    /// Whether `text` holds nothing ``sanitize(_:)`` would change.
    public static func isSafe(_ text: String) -> Bool {
        text.unicodeScalars.allSatisfy { !TerminalText.isDangerous($0.value) }
    }
}
