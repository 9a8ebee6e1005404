import Foundation
import TraktProtocol

/// Responses of this session (status, headers, body), keyed by the call as printed and by who
/// asked where (``key(for:shown:)``): no secret is kept in a key.
actor ResponseCache {
    /// The key of a request: the call as printed, and a digest of everything else that changes
    /// the answer — the server (scheme, host, port), the whole URL (a v1 key is in the path)
    /// and the credentials sent (`Authorization`, `trakt-api-key`). After a login as another
    /// user, a switch of API or server, or a new key, the same call is another entry: one
    /// account's answers are never served to another.
    static func key(for request: HTTPRequest, shown: String) -> String {
        var identity = request.url.absoluteString
        for name in ["authorization", "trakt-api-key"] {
            identity += "\n" + (request.header(name) ?? "")
        }
        let digest = SHA1.digest(Array(identity.utf8)).prefix(12).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
        return shown + " #" + digest
    }

    private struct Entry {
        var stored: Date
        var response: HTTPResponse
    }

    private var entries: [String: Entry] = [:]
    /// Keys in the order they were stored, oldest at `oldestIndex`: eviction takes the oldest in
    /// O(1) instead of scanning every entry. A key stored again (or expired) leaves a stale
    /// record behind, recognised by its time and skipped.
    private var storeOrder: [(key: String, stored: Date)] = []
    private var oldestIndex = 0
    /// Bounds memory: the oldest entries go first past this many, or past this many bytes
    /// (a `limit all` over the default dataset fetches about 80 MB of pages; 16 MiB is a hundred full pages).
    private let capacity = 2_000
    private let byteCapacity = 16 << 20
    private var bytes = 0

    func response(for key: String, ttl: TimeInterval, now: Date = Date()) -> HTTPResponse? {
        guard ttl > 0, let entry = entries[key] else { return nil }
        guard now.timeIntervalSince(entry.stored) < ttl else {
            bytes -= entry.response.body.count
            entries[key] = nil
            return nil
        }
        return entry.response
    }

    func store(_ response: HTTPResponse, for key: String, now: Date = Date()) {
        let body = response.body
        guard body.count <= byteCapacity / 4 else { return }
        if let replaced = entries.removeValue(forKey: key) { bytes -= replaced.response.body.count }
        while !entries.isEmpty, entries.count >= capacity || bytes + body.count > byteCapacity {
            evictOldest()
        }
        entries[key] = Entry(stored: now, response: response)
        storeOrder.append((key, now))
        bytes += body.count
    }

    private func evictOldest() {
        while oldestIndex < storeOrder.count {
            let (key, stored) = storeOrder[oldestIndex]
            oldestIndex += 1
            if let entry = entries[key], entry.stored == stored {
                bytes -= entry.response.body.count
                entries[key] = nil
                break
            }
        }
        if oldestIndex > 64, oldestIndex * 2 > storeOrder.count {
            storeOrder.removeFirst(oldestIndex)
            oldestIndex = 0
        }
    }

    func clear() {
        entries = [:]
        storeOrder = []
        oldestIndex = 0
        bytes = 0
    }

    var count: Int { entries.count }
}
