import Foundation

/// The server clock: where it started (the dataset's end), whether it runs, and how far
/// `POST /emulator/advance` moved it (the offset, kept in ``OverlayState/clockOffset``).
///
/// - `--now T` (pinned, ``EmulatorClock/fixed``): `T` + offset; it moves only when advanced.
/// - ``EmulatorClock/real``: it runs from the start at the real clock's pace (with `--now`, from
///   `T`; without, it is the real clock), plus the offset.
/// - Neither (the default without `--now`): responses follow the real clock, as they always
///   did, but the data stands at the start (plus the offset): the *horizon*, up to which
///   generated community activity has happened, moves only when advanced.
struct ServerClock: Sendable {
    /// The dataset's end (real Unix seconds).
    let start: Int64
    /// `--now` pinned the start.
    let pinned: Bool
    /// `--clock real`.
    let runs: Bool
    private let started = ContinuousClock.now

    init(start: Int64, pinned: Bool, runs: Bool) {
        self.start = start
        self.pinned = pinned
        self.runs = runs
    }

    /// The clock in milliseconds.
    func millis(offset: Int64) -> Int64 {
        let base: Int64
        if pinned && !runs {
            base = start * 1000
        } else if pinned {
            let d = ContinuousClock.now - started
            base = start * 1000 + d.components.seconds * 1000 + d.components.attoseconds / 1_000_000_000_000_000
        } else {
            base = Int64((Date().timeIntervalSince1970 * 1000).rounded(.down))
        }
        return base + offset * 1000
    }

    /// The clock in whole seconds.
    func now(offset: Int64) -> Int64 {
        let ms = millis(offset: offset)
        return ms >= 0 ? ms / 1000 : (ms - 999) / 1000
    }

    /// Up to when the community has been active, when the clock reads `now`.
    func horizon(offset: Int64, now: Int64) -> Int64 {
        pinned || runs ? now : start + offset
    }

    /// Whether the horizon can be past the start without an advance.
    var horizonMoves: Bool { runs }

    /// The most `POST /emulator/advance` moves the clock at once, and in all: a year, and ten.
    static let maximumStep: Int64 = 366 * 86_400
    static let maximumOffset: Int64 = 3_653 * 86_400
}
