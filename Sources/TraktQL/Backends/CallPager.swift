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
}

extension CallPager {
    func totalItems(in response: HTTPResponse) -> Int? { nil }
}
