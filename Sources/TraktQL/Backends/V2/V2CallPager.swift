import Foundation

/// Pages one v2 call forward by page number (`page`, `limit`), reading the `X-Pagination-*`
/// headers: the last page is a short one at or past `X-Pagination-Page-Count`. A page count
/// that lags the real total (a full page at the "last" page) pages on; a short page before
/// the count pages on too. Newest-first routes stop at a page older than `since:`. Routes
/// without `start_at`/`end_at` have their time bounds checked on each item here.
struct V2CallPager: CallPager {
    let call: V2PlannedCall
    /// The path with every piece resolved.
    let path: String
    let base: String
    let auth: V2Auth
    let pageLimit: Int
    let context: V2Item.Context
    var page = 1

    init(_ call: V2PlannedCall, path: String, base: String, auth: V2Auth, pageLimit: Int, context: V2Item.Context) {
        self.call = call
        self.path = path
        self.base = base
        self.auth = auth
        self.pageLimit = pageLimit
        self.context = context
    }

    var shown: String { "GET " + path + call.queryString(page: page, limit: pageLimit) }

    var name: String { call.route.rawValue }

    /// Pages by number do not overlap: a full page is `pageLimit` new items.
    var newItemsPerFullPage: Int { pageLimit }

    /// History and comments come newest first; watchlists, collections and lists do not.
    var isNewestFirst: Bool { call.newestFirst }

    /// A user route is for its user; a show's or movie's route (watchers, comments) for it.
    var subject: CallFailure.Subject? { Self.subject(of: call) }

    static func subject(of call: V2PlannedCall) -> CallFailure.Subject? {
        if let user = call.username { return .init(key: .user, name: user) }
        if let slug = call.subjectSlug { return .init(key: call.subjectType == "movie" ? .movie : .show, name: slug) }
        return nil
    }

    func request() -> HTTPRequest? {
        guard let url = URL(string: base + path + call.queryString(page: page, limit: pageLimit)) else { return nil }
        var request = HTTPRequest(method: "GET", url: url)
        auth.decorate(&request, call: call)
        return request
    }

    func read(_ response: HTTPResponse) throws(TraktQLError) -> (items: [Value], isLast: Bool) {
        // `watching`: 204 when the user watches nothing.
        if response.status == 204 || response.body.isEmpty { return ([], true) }
        let body: Value
        do {
            body = try JSONReader.parse(response.body)
        } catch {
            throw .network(message: "the server sent an unreadable response: \(error.description)", call: shown)
        }
        var count = 0
        switch body {
        case .array(let list): count = list.count
        case .object: count = 1
        default: throw .network(message: "the server sent an unexpected response (neither a JSON array nor an object)", call: shown)
        }
        var items = V2Item.items(ofBody: body, route: call.route, context: context)
        var isLast = Self.isLastPage(count: count, limit: pageLimit, paged: call.paged,
                                     page: OutsideNumber.headerInteger(response.header("x-pagination-page"), in: 1...Int.max),
                                     pageCount: OutsideNumber.headerInteger(response.header("x-pagination-page-count")))
        if call.localSince != nil || call.localUntil != nil {
            let since = call.localSince, until = call.localUntil
            if call.newestFirst, let since, let oldest = items.last.flatMap(V2ItemSchema().time(of:)), oldest < since { isLast = true }
            items.removeAll { item in
                guard let time = V2ItemSchema().time(of: item) else { return true }
                return (since.map { time < $0 } ?? false) || (until.map { time >= $0 } ?? false)
            }
        }
        return (items, isLast)
    }

    /// Whether a page of `count` elements was the last. Unpaged routes answer everything at once.
    static func isLastPage(count: Int, limit: Int, paged: Bool, page: Int?, pageCount: Int?) -> Bool {
        guard paged, count > 0 else { return true }
        if let page, let pageCount, page < pageCount { return false }  // a short page inside the count pages on
        return count < limit  // a full page at the count: the count lags, page on
    }

    func failure(_ response: HTTPResponse) -> TraktQLError {
        var message = response.failureMessage ?? HTTPStatus.reason(response.status)
        if response.status == 401 {
            message += auth.token == nil
                ? " (this needs you to be logged in: run `traktql auth login`, or set TRAKT_ACCESS_TOKEN)"
                : " (the login is missing or expired: run `traktql auth login`)"
        } else if response.status == 403, message.lowercased().contains("api") || message.lowercased().contains("key") {
            message += " (check the client id: --client-id or TRAKT_CLIENT_ID)"
        }
        return .api(status: response.status, message: message, call: shown)
    }

    func totalItems(in response: HTTPResponse) -> Int? { Self.itemCount(in: response) }

    /// `X-Pagination-Item-Count`: a whole number from 0, else nil (like every `X-Pagination-*`
    /// header, through ``OutsideNumber/headerInteger(_:in:)``).
    static func itemCount(in response: HTTPResponse) -> Int? {
        OutsideNumber.headerInteger(response.header("x-pagination-item-count"))
    }

    mutating func advance(after items: [Value], fresh: Int) -> String? {
        page += 1
        return nil
    }
}
