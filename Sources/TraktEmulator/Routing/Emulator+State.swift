import Foundation

/// `--state FILE`: the writes persist across restarts (State/WriteJournal).
extension Emulator {
    /// Opens (or creates) the journal at `path`, replays its writes onto this emulator (whose
    /// overlay must still be empty), and records every later write there. `reset` empties it
    /// first (`--reset-state`). Returns warnings for the operator (a torn last line, dropped).
    /// Throws when the file cannot be opened, is damaged before its last line, or holds writes
    /// to another dataset.
    @discardableResult
    public func openState(path: String, reset: Bool = false) throws(EmulatorError) -> [String] {
        let opened = try WriteJournal.load(path: path, reset: reset)
        return try v2.replay(opened)
    }

    /// How many activities writes have added (replayed ones included): for the operator's summary.
    public var writtenActivityCount: Int { v2.overlay.withState { $0.timelineCount } }
}
