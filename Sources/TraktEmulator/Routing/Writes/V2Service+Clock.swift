import Foundation

/// The moving clock (issue 25, item 4): `POST /emulator/advance?by=…` and `--clock real` move
/// it, and the community's generated activity (``CommunityFeed``) appears as it passes, in
/// every view (it joins the overlay, as writes do).
extension V2Service {
    /// The server clock now, in real Unix seconds.
    func clockNow() -> Int64 {
        clock.now(offset: overlay.withState { $0.clockOffset })
    }

    /// Reveals what the community did up to the clock's horizon, and returns the clock (seconds).
    func catchUpWithClock() -> Int64 {
        overlay.write { (state: inout OverlayState) -> Int64 in
            let now = clock.now(offset: state.clockOffset)
            catchUp(&state, horizon: clock.horizon(offset: state.clockOffset, now: now))
            return now
        }
    }

    /// Reveals the community's activity up to `horizon` into `state` (made on the first move
    /// past the dataset's end); returns how many activities appeared.
    @discardableResult
    func catchUp(_ state: inout OverlayState, horizon: Int64) -> Int {
        guard horizon > dataset.nowUnix else { return 0 }
        if state.feed == nil {
            guard let feed = CommunityFeed(dataset: dataset, excluding: tokenUser) else { return 0 }
            state.feed = feed
        }
        guard let generated = state.feed?.reveal(through: horizon), !generated.isEmpty else { return 0 }
        return state.reveal(generated)
    }

    /// `POST /emulator/advance?by=DURATION` (the operator's): moves the clock forward by
    /// `DURATION` (`90s`, `30m`, `2h`, `7d`, or seconds), journaled with `--state`.
    func advanceRoute(_ request: EmulatorRequest, query: [String: String]) throws(V2Error) -> EmulatorResponse {
        try checkOperatorSecret(request, doing: "moving the clock")
        guard let text = query["by"] else {
            throw V2Error.badRequest("missing 'by': POST /emulator/advance?by=2h (a duration: 90s, 30m, 2h, 7d or seconds)")
        }
        let seconds = try Self.advanceSeconds(text)
        let body = Array("{\"by\":\(seconds)}".utf8)
        journalLock.lock()
        defer { journalLock.unlock() }
        return try overlay.write { (state: inout OverlayState) throws(V2Error) -> EmulatorResponse in
            let now = clock.now(offset: state.clockOffset)
            try checkRoom(seconds, state)
            if let journal = state.journal {
                try journal.append(WriteJournal.Record(dataset: datasetIdentity, route: .clockAdvance, user: "", second: now,
                                                       clockMillis: now * 1000, body: body))
            }
            return try advance(WriteBody(object: ["by": seconds]), &state, now: now)
        }
    }

    /// Moves `state`'s clock by the body's `by` seconds and reveals what the community did
    /// meanwhile (live and on replay).
    func advance(_ body: WriteBody, _ state: inout OverlayState, now: Int64) throws(V2Error) -> EmulatorResponse {
        guard let by = WriteBody.int(body.object["by"]), by > 0 else { throw V2Error.badRequest("'by' must be a positive number of seconds") }
        let seconds = Int64(by)
        try checkRoom(seconds, state)
        state.clockOffset += seconds
        let moved = clock.now(offset: state.clockOffset)
        let appeared = catchUp(&state, horizon: clock.horizon(offset: state.clockOffset, now: moved))
        var out = JSONBytes()
        out.raw("{\"now\":")
        ISOTime.write(moved, into: &out)
        out.raw(",\"advanced_by\":")
        out.int(seconds)
        out.raw(",\"offset\":")
        out.int(state.clockOffset)
        out.raw(",\"new_activities\":")
        out.int(appeared)
        out.byte(UInt8(ascii: "}"))
        return Self.ok(out)
    }

    /// 400 when `seconds` would move the clock past ``ServerClock/maximumOffset``.
    private func checkRoom(_ seconds: Int64, _ state: OverlayState) throws(V2Error) {
        guard seconds <= ServerClock.maximumOffset - state.clockOffset else {
            throw V2Error.badRequest("the clock was already moved by \(state.clockOffset) s; it moves at most \(ServerClock.maximumOffset / 86_400) days in all "
                                     + "(POST /emulator/reset starts it again)")
        }
    }

    /// `by`: a whole number with an optional unit (`s`, `m`, `h`, `d`), from 1 s to a year.
    static func advanceSeconds(_ text: String) throws(V2Error) -> Int64 {
        let units: [Character: Int64] = ["s": 1, "m": 60, "h": 3600, "d": 86_400]
        var digits = Substring(text.trimmingCharacters(in: .whitespaces).lowercased())
        var unit: Int64 = 1
        if let last = digits.last, let u = units[last] {
            unit = u
            digits = digits.dropLast()
        }
        let limit = ServerClock.maximumStep
        let problem = "'by' must be a duration from 1s to \(limit / 86_400)d, such as 90s, 30m, 2h or 7d (got '\(text.prefix(40))')"
        // Int64(…) answers nil for what does not fit; the product is checked too: no trap.
        guard !digits.isEmpty, digits.allSatisfy(\.isASCII), let n = Int64(digits), n > 0 else { throw V2Error.badRequest(problem) }
        let (seconds, overflow) = n.multipliedReportingOverflow(by: unit)
        guard !overflow, seconds <= limit else { throw V2Error.badRequest(problem) }
        return seconds
    }
}
