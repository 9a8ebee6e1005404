import Foundation

/// Secrets a ``Redactor`` learns during a session — a token pair obtained by a refresh in the
/// middle of a long REPL session — shared by every copy of that redactor (the engine's, the
/// history's, the shell's), so a secret learned once is redacted everywhere at once.
///
/// A reference behind a lock: copies of a ``Redactor`` value share it, and learning may happen
/// on any task (a refresh runs on its own).
public final class LearnedSecrets: @unchecked Sendable {
    private let lock = NSLock()
    /// Longest first, as ``Redactor`` matches them.
    private var secrets: [Redactor.Secret] = []

    public init() {}

    /// Adds `entries` not known yet.
    func learn(_ entries: [Redactor.Secret]) {
        lock.lock()
        defer { lock.unlock() }
        var changed = false
        for entry in entries where !secrets.contains(where: { $0.text == entry.text }) {
            secrets.append(entry)
            changed = true
        }
        if changed { secrets.sort(by: Redactor.longestFirst) }
    }

    /// What was learned so far, longest first.
    var snapshot: [Redactor.Secret] {
        lock.lock()
        defer { lock.unlock() }
        return secrets
    }
}
