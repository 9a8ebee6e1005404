import Foundation

/// Response bodies of this session, keyed by the call without the API key.
actor ResponseCache {
    private struct Entry {
        var stored: Date
        var body: Data
    }

    private var entries: [String: Entry] = [:]
    /// Bounds memory: the oldest entries go first past this many.
    private let capacity = 2_000

    func body(for key: String, ttl: TimeInterval, now: Date = Date()) -> Data? {
        guard ttl > 0, let entry = entries[key] else { return nil }
        guard now.timeIntervalSince(entry.stored) < ttl else {
            entries[key] = nil
            return nil
        }
        return entry.body
    }

    func store(_ body: Data, for key: String, now: Date = Date()) {
        if entries.count >= capacity, let oldest = entries.min(by: { $0.value.stored < $1.value.stored })?.key {
            entries[oldest] = nil
        }
        entries[key] = Entry(stored: now, body: body)
    }

    func clear() { entries = [:] }

    var count: Int { entries.count }
}
