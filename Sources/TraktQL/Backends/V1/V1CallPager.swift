import Foundation

/// Pages one v1 call backwards: the API answers at most the 100 newest matches, so the next
/// page is the same call with `end_ts` at the oldest timestamp seen (+1 s, so that the rest of
/// that second is not lost; the executor drops the duplicates).
struct V1CallPager: CallPager {
    let template: PlannedCall
    var call: PlannedCall
    let base: URL
    let apiKey: String
    let credentials: BasicCredentials?
    let convention: TimestampConvention

    init(_ call: PlannedCall, base: URL, apiKey: String, credentials: BasicCredentials?, convention: TimestampConvention) {
        template = call
        self.call = call
        self.base = base
        self.apiKey = apiKey
        self.credentials = credentials
        self.convention = convention
    }

    /// The API's cap on one call: a shorter page is the last.
    static let pageSize = 100

    /// Consecutive pages share their boundary second, so a page adds at most 99 new items.
    var newItemsPerFullPage: Int { Self.pageSize - 1 }

    var shown: String { "GET " + call.redactedPath }

    /// Every v1 stream answers newest first (paging by `end_ts` relies on it).
    var isNewestFirst: Bool { true }

    var name: String { template.endpoint.name }

    func request() -> HTTPRequest? {
        guard let url = call.url(base: base, apiKey: apiKey) else { return nil }
        var request = HTTPRequest(method: "GET", url: url)
        V1Auth.decorate(&request, endpoint: call.endpoint, credentials: credentials)
        return request
    }

    func read(_ response: HTTPResponse) throws(TraktQLError) -> (items: [Value], isLast: Bool) {
        do {
            let items = try ActivityPage.decode(response.body, status: response.status, url: call.redactedPath).items
            return (items, items.count < Self.pageSize)
        } catch {
            throw Executor.translate(error.redactingKey(apiKey), shown: shown, redact: { Redactor.redactingPathKeys(in: $0, key: apiKey) })
        }
    }

    func failure(_ response: HTTPResponse) -> TraktQLError {
        .api(status: response.status,
             message: response.failureMessage.map { Redactor.redactingPathKeys(in: $0, key: apiKey) } ?? HTTPStatus.reason(response.status),
             call: shown)
    }

    mutating func advance(after items: [Value], fresh: Int) -> String? {
        let timestamps = items.compactMap { $0["timestamp"]?.intValue }
        guard fresh > 0, let oldest = timestamps.min() else {
            // A whole page of activities we already have: the server holds more than a page
            // within the second `end_ts` points at, and whole-second paging cannot get past it.
            let second = timestamps.min().map { " (API timestamp \($0))" } ?? ""
            return "incomplete result: more than \(Self.pageSize) activities share one second\(second) in \(call.redactedPath); "
                + "the v1 API pages by whole seconds, so older activity could not be fetched"
        }
        // end_ts returns activity strictly before it: oldest + 1 keeps the oldest second,
        // whose other activities may not have fit in this page; duplicates are dropped.
        // (A server's `timestamp` can be any integer: `Int64.max` must not overflow.)
        let end = oldest == .max ? oldest : oldest + 1
        call = template.withEndTimestamp(end, instant: convention.instant(forAPITimestamp: end))
        return nil
    }
}

/// v1 authentication, a request decorator: HTTP Basic with the SHA-1 of the password, sent on
/// the streams that need it (friends and the like) and on a user's own streams, where it shows
/// protected users one is friends with; never on other calls.
enum V1Auth {
    static func decorate(_ request: inout HTTPRequest, endpoint: Endpoint, credentials: BasicCredentials?) {
        guard let credentials, request.header("Authorization") == nil else { return }
        guard endpoint.auth == .required || endpoint.segments.contains(.username) else { return }
        request.headers["Authorization"] = credentials.authorizationHeader
    }
}
