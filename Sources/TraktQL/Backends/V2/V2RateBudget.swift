import Foundation

/// The session's share of the API's rate limit: after a 429, every call waits until the
/// window the server named (`Retry-After`, `X-Ratelimit.until`) has passed, instead of each
/// call finding out again.
public actor V2RateBudget {
    /// No call is sent before this instant.
    private(set) var blockedUntil: Date?
    /// The last `X-Ratelimit` the server sent (`{"name","period","limit","remaining","until"}`).
    private(set) var lastLimit: String?
    /// How many 429 answers this session has waited out.
    public private(set) var waits = 0

    public init() {}

    /// How long to wait before the next call (0: go).
    func delay(now: Date = Date()) -> TimeInterval {
        guard let blockedUntil else { return 0 }
        return max(0, blockedUntil.timeIntervalSince(now))
    }

    /// A 429: the window ends `seconds` from now.
    func limited(for seconds: TimeInterval, header: String?, now: Date = Date()) {
        let until = now.addingTimeInterval(seconds)
        if blockedUntil.map({ until > $0 }) ?? true { blockedUntil = until }
        lastLimit = header ?? lastLimit
        waits += 1
    }
}

/// Waits out rate limits: a 429 waits `Retry-After` (or until `X-Ratelimit.until`) and tries
/// again, as long as the statement runs (its `timeout` bounds it; Ctrl-C cancels the wait).
/// Waits longer than a second are reported through `progress`. A 429 is never turned into a
/// partial answer: either the call succeeds after waiting or the statement fails.
public struct V2RateLimitedTransport: HTTPTransport {
    let base: any HTTPTransport
    let budget: V2RateBudget
    let progress: (@Sendable (String) -> Void)?
    /// When the statement's budget ends: a wait past it fails at once, saying when to retry.
    var deadline: Date = .distantFuture
    var timeout: TimeInterval = 0

    /// Waits out `base`'s 429 answers against `budget` (shared by every call that should share
    /// the API's window), reporting waits over a second through `progress`.
    public init(base: any HTTPTransport, budget: V2RateBudget, progress: (@Sendable (String) -> Void)? = nil) {
        self.base = base
        self.budget = budget
        self.progress = progress
    }

    init(base: any HTTPTransport, budget: V2RateBudget, progress: (@Sendable (String) -> Void)?, deadline: Date, timeout: TimeInterval) {
        self.base = base
        self.budget = budget
        self.progress = progress
        self.deadline = deadline
        self.timeout = timeout
    }

    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        while true {
            let pause = await budget.delay()
            try refuseWaitingPastTheDeadline(pause, header: await budget.lastLimit)
            if pause > 0 { try await Task.sleep(nanoseconds: OutsideNumber.nanoseconds(seconds: pause, upTo: Self.longestWait)) }
            let response = try await base.send(request)
            guard response.status == 429 else { return response }
            let header = response.header("x-ratelimit")
            let wait = Self.wait(retryAfter: response.retryAfter, rateLimit: header)
            await budget.limited(for: wait, header: header)
            try refuseWaitingPastTheDeadline(wait, header: header)
            if wait > 1 {
                progress?("rate limited by the API\(Self.describe(header)): waiting \(OutsideNumber.wholeSeconds(wait, rounding: .up)) s before trying again (Ctrl-C stops)")
            }
        }
    }

    /// The longest wait taken from a server: Trakt's window is 5 minutes.
    static let longestWait: TimeInterval = 300

    /// A wait that would end after the statement's budget fails now, with the time to retry.
    private func refuseWaitingPastTheDeadline(_ wait: TimeInterval, header: String?, now: Date = Date()) throws(TraktQLError) {
        guard wait > 0, now.addingTimeInterval(wait) > deadline else { return }
        let retryAt = now.addingTimeInterval(wait)
        let clock = ValueText.iso8601(retryAt, in: .current)
        let budget = timeout.rounded() == timeout ? "\(Int(timeout)) s" : "\(timeout) s"
        throw .api(status: 429, message: "rate limited by the API\(Self.describe(header)): the next call is allowed in \(OutsideNumber.wholeSeconds(wait, rounding: .up)) s, "
                   + "after this statement's time budget (timeout = \(budget)) ends; try again at \(clock), or raise 'set timeout = …'",
                   call: "")
    }

    /// `Retry-After` (seconds), else the time left until `X-Ratelimit.until`, else 1 s; at
    /// least 50 ms and at most ``longestWait`` (`Retry-After: 1e300` waits 5 minutes).
    static func wait(retryAfter: TimeInterval?, rateLimit: String?, now: Date = Date()) -> TimeInterval {
        if let retryAfter, retryAfter.isFinite { return OutsideNumber.clamp(retryAfter, to: 0.05...longestWait) }
        if let info = rateLimit.flatMap(parse), let until = info.until {
            return OutsideNumber.clamp(until.timeIntervalSince(now), to: 0.05...longestWait)
        }
        return 1
    }

    /// The fields of an `X-Ratelimit` header.
    struct RateLimit: Equatable {
        var name: String?
        var limit: Int64?
        var remaining: Int64?
        var period: Int64?
        var until: Date?
    }

    static func parse(_ header: String) -> RateLimit? {
        guard header.utf8.count <= 4096, let value = try? JSONReader.parse(header), case .object = value else { return nil }
        // Counts are whole numbers from 0: anything else (`-1`, `1e300`, `"lots"`) is left out.
        func count(_ key: String) -> Int64? { value[key]?.intValue.flatMap { $0 >= 0 ? $0 : nil } }
        return RateLimit(name: value["name"]?.stringValue, limit: count("limit"), remaining: count("remaining"),
                         period: count("period"), until: value["until"]?.stringValue.flatMap(V2Time.date))
    }

    static func describe(_ header: String?) -> String {
        guard let info = header.flatMap(parse), let limit = info.limit, let period = info.period else { return "" }
        return " (\(limit) calls per \(period) s)"
    }
}
