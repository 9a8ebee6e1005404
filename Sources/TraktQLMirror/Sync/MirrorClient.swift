import Foundation
import TraktQL

/// The sync's v2 calls: `trakt-api-key`, `trakt-api-version: 2`, the bearer token when there is
/// one, through the configured ``HTTPTransport`` wrapped in TraktQL's rate-limit wait
/// (``V2RateLimitedTransport``: a 429 waits `Retry-After` and tries again). Counts every request
/// sent (a 429 answered and retried counts as a call).
final class MirrorClient: Sendable {
    let base: String
    private let transport: any HTTPTransport
    private let clientID: String
    private let token: String?
    private let counter = Counter()

    init(server: URL, transport: any HTTPTransport, clientID: String, token: String?, budget: V2RateBudget,
         onWait: (@Sendable (String) -> Void)?) {
        var text = server.absoluteString
        while text.hasSuffix("/") { text.removeLast() }
        base = text
        self.clientID = clientID
        self.token = token
        let counter = self.counter
        self.transport = V2RateLimitedTransport(base: CountingTransport(base: transport, counter: counter), budget: budget, progress: onWait)
    }

    /// Requests sent so far.
    var calls: Int { counter.value }

    /// One GET; a status other than 2xx is a ``MirrorError`` naming the call and the API's message.
    func get(_ path: String, query: [(String, String)] = []) async throws -> (body: Value, response: HTTPResponse) {
        var components = URLComponents()
        components.queryItems = query.map { URLQueryItem(name: $0.0, value: $0.1) }
        let queryText = query.isEmpty ? "" : "?" + (components.percentEncodedQuery ?? "")
        let shown = "GET " + path + queryText
        guard let url = URL(string: base + path + queryText) else { throw MirrorError("cannot build the URL of \(shown)") }
        var request = HTTPRequest(method: "GET", url: url)
        request.headers["trakt-api-version"] = "2"
        request.headers["trakt-api-key"] = clientID
        request.headers["Content-Type"] = "application/json"
        if let token { request.headers["Authorization"] = "Bearer " + token }
        let response = try await transport.send(request)
        guard response.isSuccess else {
            var message = "\(shown): HTTP \(response.status)" + (response.failureMessage.map { ": " + $0 } ?? "")
            if response.status == 401 { message += " (log in with `traktql auth login`, or set TRAKT_ACCESS_TOKEN)" }
            throw MirrorError(message)
        }
        if response.status == 204 || response.body.isEmpty { return (.array([]), response) }
        do {
            return (try JSONReader.parse(response.body), response)
        } catch {
            throw MirrorError("\(shown): the server sent an unreadable response: \(error.description)")
        }
    }

    /// Whether page `page` (of `count` elements, at `limit` per page) was the last:
    /// a short page ends it; a full page ends it only when the headers say every item was sent.
    static func isLastPage(count: Int, limit: Int, page: Int, response: HTTPResponse?) -> Bool {
        if count < limit { return true }
        guard let response, let pageCount = headerInt(response, "x-pagination-page-count"),
              let itemCount = headerInt(response, "x-pagination-item-count") else { return false }
        return page >= pageCount && page.multipliedReportingOverflow(by: limit).partialValue >= itemCount
    }

    /// An `X-Pagination-*` header as a whole number from 0.
    static func headerInt(_ response: HTTPResponse, _ name: String) -> Int? {
        guard let text = response.header(name)?.trimmingCharacters(in: .whitespaces), let n = Int(text), n >= 0 else { return nil }
        return n
    }

    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var count = 0
        var value: Int { lock.withLock { count } }
        func add() { lock.withLock { count += 1 } }
    }

    struct CountingTransport: HTTPTransport {
        let base: any HTTPTransport
        let counter: Counter
        func send(_ request: HTTPRequest) async throws -> HTTPResponse {
            counter.add()
            return try await base.send(request)
        }
    }
}
