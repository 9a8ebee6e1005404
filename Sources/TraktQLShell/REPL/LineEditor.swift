#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CEditLine
import Foundation

/// One libedit editor and its in-memory history: emacs mode, `~/.editrc` honoured, TAB bound
/// to a completion function, Ctrl-C to "abandon this line", Ctrl-R to incremental search.
///
/// Not thread-safe (neither is libedit): the REPL uses it from one serial queue. libedit
/// switches the terminal to raw mode only inside `el_gets` and restores it before returning
/// (also when a signal arrives, with `EL_SIGNAL`); ``close()`` ends the editor for good.
final class LineEditor {
    enum Input: Equatable {
        case line(String)
        /// Ctrl-D on an empty line (or the terminal went away).
        case endOfFile
        /// Ctrl-C; `wasEmpty` when nothing had been typed on the line.
        case interrupted(wasEmpty: Bool)
    }

    /// The completion for the text before the cursor (earlier lines of the statement included).
    var completer: ((String) -> Completion)?
    /// Earlier lines of the statement being typed, for completion.
    var context = ""

    private let editor: OpaquePointer
    private let history: OpaquePointer
    private var event = HistEvent()
    private var prompt: UnsafeMutablePointer<CChar>
    private var interrupted: Bool?
    private var closed = false
    /// Where the line is drawn: stdout, or stderr when stdout is redirected (so prompts do not
    /// end up in the output file).
    private let output: UnsafeMutablePointer<FILE>

    /// The character that brackets zero-width parts (colour escapes) of the prompt.
    static let promptLiteral: CChar = 1

    init?(program: String, historySize: Int) {
        _ = cel_setup_utf8_locale()
        let output = isatty(1) == 0 && isatty(2) == 1 ? cel_stderr()! : cel_stdout()!
        guard let editor = el_init(program, cel_stdin(), output, cel_stderr()) else { return nil }
        guard let history = history_init() else {
            el_end(editor)
            return nil
        }
        self.editor = editor
        self.history = history
        self.output = output
        self.prompt = strdup("> ")!
        _ = cel_history_setsize(history, &event, Int32(clamping: max(1, historySize)))
        _ = cel_history_setunique(history, &event, 1)
        _ = cel_set_editor(editor, "emacs")
        _ = cel_set_signal(editor, 1)
        _ = cel_set_hist(editor, history)
        _ = cel_set_clientdata(editor, Unmanaged.passUnretained(self).toOpaque())
        _ = cel_set_prompt_esc(editor, { el in LineEditor.owner(el)?.prompt }, Self.promptLiteral)
        _ = cel_addfn(editor, "traktql-complete", "complete by grammar position") { el, _ in
            LineEditor.owner(el)?.complete() ?? UInt8(CC_ERROR)
        }
        _ = cel_addfn(editor, "traktql-interrupt", "abandon the line") { el, _ in
            LineEditor.owner(el)?.interrupt() ?? UInt8(CC_ERROR)
        }
        _ = cel_bind(editor, "^I", "traktql-complete")
        _ = cel_bind(editor, "^C", "traktql-interrupt")
        _ = cel_bind(editor, "^R", "em-inc-search-prev")
        // While editing, Ctrl-C is a key (bound above), not SIGINT.
        _ = cel_setty_edit_noisig(editor)
        _ = el_source(editor, nil)  // ~/.editrc (or $EDITRC), after our bindings so it can change them
    }

    private static func owner(_ el: OpaquePointer?) -> LineEditor? {
        guard let el, let data = cel_get_clientdata(el) else { return nil }
        return Unmanaged<LineEditor>.fromOpaque(data).takeUnretainedValue()
    }

    /// Reads one line with `prompt` (which may contain ``promptLiteral``-bracketed escapes).
    func read(prompt text: String) -> Input {
        precondition(!closed)
        free(prompt)
        prompt = strdup(text)!
        interrupted = nil
        var count: Int32 = 0
        let line = el_gets(editor, &count)
        if let wasEmpty = interrupted {
            interrupted = nil
            return .interrupted(wasEmpty: wasEmpty)
        }
        guard let line, count > 0 else {
            if count < 0 && errno == EINTR { return .interrupted(wasEmpty: true) }
            return .endOfFile
        }
        var text = String(cString: line)
        if text.hasSuffix("\n") { text.removeLast() }
        return .line(text)
    }

    func addHistory(_ entry: String) {
        _ = cel_history_enter(history, &event, entry)
    }

    /// Ends the editor; the terminal is back in the state it was found in.
    func close() {
        guard !closed else { return }
        closed = true
        fflush(output)
        el_end(editor)
        history_end(history)
    }

    deinit {
        close()
        free(prompt)
    }

    // MARK: - Key functions

    /// The text of the current line before the cursor.
    private func lineBeforeCursor() -> String {
        guard let info = el_line(editor)?.pointee, let buffer = info.buffer, let cursor = info.cursor else { return "" }
        return String(decoding: UnsafeRawBufferPointer(start: buffer, count: cursor - buffer), as: UTF8.self)
    }

    /// The text of the current line after the cursor.
    private func lineAfterCursor() -> String {
        guard let info = el_line(editor)?.pointee, let cursor = info.cursor, let last = info.lastchar, last > cursor else { return "" }
        return String(decoding: UnsafeRawBufferPointer(start: cursor, count: last - cursor), as: UTF8.self)
    }

    private func complete() -> UInt8 {
        guard let completer else { return UInt8(CC_ERROR) }
        let before = lineBeforeCursor()
        let completion = completer(context.isEmpty ? before : context + before)
        guard !completion.candidates.isEmpty else { return UInt8(CC_ERROR) }
        if before.hasSuffix(completion.fragment), let edit = completion.edit(after: lineAfterCursor()) {
            // Step over what the edit replaces after the cursor, then delete it all backwards.
            if edit.deleteAfter > 0 { _ = el_cursor(editor, Int32(edit.deleteAfter)) }
            el_deletestr(editor, Int32(edit.deleteBefore + edit.deleteAfter))
            _ = el_insertstr(editor, edit.insert)
        }
        guard completion.candidates.count > 1 else { return UInt8(completion.redisplay ? CC_REDISPLAY : CC_REFRESH) }
        let items = completion.candidates.map(\.display)
        let list: String
        if items.count > 300 {
            list = "(\(items.count) possibilities; type a few more letters)\n"
        } else {
            list = Completer.columns(items, width: max(20, Int(cel_terminal_columns(editor))))
        }
        fputs((completion.redisplay ? "" : "\n") + list, output)
        fflush(output)
        return UInt8(CC_REDISPLAY)
    }

    /// Ctrl-C: move to the end of the line, show `^C`, and finish the line; ``read(prompt:)``
    /// then reports an interruption instead of the text.
    private func interrupt() -> UInt8 {
        guard let info = el_wline(editor)?.pointee, let cursor = info.cursor, let last = info.lastchar, let buffer = info.buffer else {
            return UInt8(CC_ERROR)
        }
        interrupted = last == buffer
        if last > cursor { _ = el_cursor(editor, Int32(last - cursor)) }
        _ = el_insertstr(editor, "^C")
        el_push(editor, "\n")
        return UInt8(CC_REFRESH)
    }
}
