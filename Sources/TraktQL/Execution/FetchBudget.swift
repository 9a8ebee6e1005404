import Foundation

/// The response bytes one statement may still fetch (`max_fetch`), shared by all its pages and
/// fan-out calls, which run concurrently: a reference with a lock, created per statement.
///
/// One call is already capped (16 MiB); this caps their sum, so that a server announcing a
/// billion pages cannot drive memory to many gigabytes before `max_pages` is reached.
public final class FetchBudget: @unchecked Sendable {
    /// 256 MiB: a hundred times a user's whole v2 history, 25 times `limit 10000` over v1.
    public static let defaultLimit = 256 << 20
    public static let smallestLimit = 1 << 20
    public static let largestLimit = 64 << 30

    public let limit: Int
    private let lock = NSLock()
    private var spent = 0

    public init(limit: Int = FetchBudget.defaultLimit) {
        self.limit = limit
    }

    /// Counts `bytes` just received; the refusal when the statement is now past its limit.
    func spend(_ bytes: Int) -> String? {
        let total = lock.withLock { () -> Int in
            spent = spent.addingReportingOverflow(bytes).overflow ? .max : spent + bytes
            return spent
        }
        guard total > limit else { return nil }
        return "the statement fetched more than \(Self.shown(limit)) (max_fetch) and was stopped, with no result; "
            + "narrow the query (since:, user:, a limit) or raise the bound with 'set max_fetch = \(Self.shown(Self.raised(limit)))'"
    }

    /// `64m`, `512k`, `2g` or a number of bytes; nil for anything else (and for sizes that do
    /// not fit in an Int).
    static func bytes(_ text: String) -> Int? {
        let lowered = text.lowercased().trimmingCharacters(in: .whitespaces)
        let units: [(String, Int)] = [("gib", 1 << 30), ("mib", 1 << 20), ("kib", 1 << 10), ("gb", 1 << 30), ("mb", 1 << 20), ("kb", 1 << 10),
                                      ("g", 1 << 30), ("m", 1 << 20), ("k", 1 << 10), ("b", 1)]
        for (suffix, scale) in units where lowered.hasSuffix(suffix) {
            guard let number = Int(lowered.dropLast(suffix.count)), number >= 0 else { return nil }
            let (product, overflow) = number.multipliedReportingOverflow(by: scale)
            return overflow ? nil : product
        }
        return Int(lowered).flatMap { $0 >= 0 ? $0 : nil }
    }

    /// The way `set max_fetch` takes it back: `256m`, `2g`, or bytes.
    static func shown(_ bytes: Int) -> String {
        if bytes % (1 << 30) == 0 { return "\(bytes >> 30)g" }
        if bytes % (1 << 20) == 0 { return "\(bytes >> 20)m" }
        if bytes % (1 << 10) == 0 { return "\(bytes >> 10)k" }
        return String(bytes)
    }

    /// A suggestion four times as large, within the largest limit.
    private static func raised(_ limit: Int) -> Int {
        min(largestLimit, limit.multipliedReportingOverflow(by: 4).overflow ? largestLimit : limit * 4)
    }
}
