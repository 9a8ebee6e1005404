import Foundation

/// One planned call of a remote backend, page by page: what to send for the current page, how
/// to read the answer, and how to reach the next page (v1: backwards by `end_ts`; v2: `page`).
/// The ``Executor`` drives it and does everything else (cache, retries of unreadable bodies,
/// de-duplication, filters, the page budget).
protocol CallPager: Sendable {
    /// The current page's call as it may be printed (method and path, secrets redacted): the
    /// cache key, and what errors name.
    var shown: String { get }
    /// The name of the call in budget warnings (`activity/community`).
    var name: String { get }
    /// The current page's request, credentials attached; `nil` when no URL can be built.
    func request() -> HTTPRequest?
    /// The items of a 2xx answer, and whether it was the last page.
    func read(_ response: HTTPResponse) throws(TraktQLError) -> (items: [Value], isLast: Bool)
    /// The error for a non-2xx answer (with the API's own message where it sends one).
    func failure(_ response: HTTPResponse) -> TraktQLError
    /// Makes the next page current after a full page of `items`, `fresh` of them new. Returns
    /// a warning instead when the stream cannot be paged further (v1: more than a page of
    /// activity in one second): the result is then incomplete.
    mutating func advance(after items: [Value], fresh: Int) -> String?
    /// How many items the whole call has, where the answer says (v2's
    /// `X-Pagination-Item-Count`): for the message that a result covers only some of them.
    func totalItems(in response: HTTPResponse) -> Int?
    /// The show, movie or user the call is for, which its failure points at (v2: the user of a
    /// user route, the show or movie of an item route); nil by default.
    var subject: CallFailure.Subject? { get }
    /// How many new items a full page adds at most: the page's size, less what consecutive
    /// pages share (v1's pages overlap on their boundary second). With an explicit `limit N`,
    /// paging may go past `max_pages` as far as N rows need.
    var newItemsPerFullPage: Int { get }
    /// Whether the call's items come newest first (by ``ItemSchema/order(of:)``), page after
    /// page: then a fan-out merges it with the other calls as its pages arrive. Otherwise
    /// (a watchlist by rank, lists by name) a fan-out reads it whole and sorts it first; false by default.
    var isNewestFirst: Bool { get }
}

extension CallPager {
    func totalItems(in response: HTTPResponse) -> Int? { nil }
    var subject: CallFailure.Subject? { nil }
    var isNewestFirst: Bool { false }
}
