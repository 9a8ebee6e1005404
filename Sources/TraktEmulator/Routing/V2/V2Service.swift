import Foundation

/// A v2 error: status plus `{"error":…,"error_description":…}`.
struct V2Error: Error {
    let status: Int
    let code: String
    let message: String
    var headers: EmulatorHeaders = [:]

    static func notFound(_ m: String) -> V2Error { V2Error(status: 404, code: "not_found", message: m) }
    static func badRequest(_ m: String) -> V2Error { V2Error(status: 400, code: "bad_request", message: m) }
    static let oauthRequired = V2Error(status: 401, code: "unauthorized", message: "OAuth required: send Authorization: Bearer <access_token>")
    static let invalidToken = V2Error(status: 401, code: "invalid_token", message: "the access token is invalid, expired or revoked")
}

/// One parsed v2 call.
struct V2Call {
    let segments: [String]
    let query: [String: String]
    /// The user of the bearer token, if one was sent.
    let viewer: Int?
    let nowUnix: Int64

    var extendedFull: Bool { query["extended"]?.split(separator: ",").contains { $0 == "full" } ?? false }
    var extendedValues: [Substring] { query["extended"]?.split(separator: ",") ?? [] }
}

/// Paging of a v2 list (`page`, `limit`, `X-Pagination-*`).
struct Paging {
    let page: Int
    let limit: Int
    /// False when the route's pagination is optional and the client asked for none (everything, no headers).
    let active: Bool

    static let maxLimit = 250

    init(_ q: [String: String], defaultLimit: Int, optional: Bool = false) {
        let p = q["page"].flatMap { Int($0) } ?? 1
        let l = q["limit"].flatMap { Int($0) }
        page = max(1, p)
        limit = min(Self.maxLimit, max(1, l ?? defaultLimit))
        active = !optional || q["page"] != nil || q["limit"] != nil
    }

    var offset: Int { (page - 1) * limit }

    /// The slice of `0..<total` this page covers (empty past the end).
    func window(total: Int) -> Range<Int> {
        guard active else { return 0..<total }
        let lo = min(total, offset)
        return lo..<min(total, lo + limit)
    }

    func headers(total: Int) -> EmulatorHeaders {
        guard active else { return [:] }
        var h = EmulatorHeaders()
        h[V2Service.pPage] = String(page)
        h[V2Service.pLimit] = String(limit)
        h[V2Service.pPageCount] = String(max(1, (total + limit - 1) / limit))
        h[V2Service.pItemCount] = String(total)
        return h
    }
}

/// The Trakt API v2 view of the dataset: routing, headers, auth, rate limits and OAuth.
/// Served next to v1 by ``EmulatorService`` (the paths do not overlap).
final class V2Service: Sendable {
    let dataset: Dataset
    let settings: V2Settings
    /// The server clock (with the offset `POST /emulator/advance` keeps in the overlay).
    let clock: ServerClock
    /// The pre-rendered v2 objects, built on the first v2 call that needs them: a v1 session
    /// (traktql's default) never pays for them (~22 ms of CPU at the default scale).
    var fragments: V2Fragments { lazyFragments.value }
    private let lazyFragments: BuiltOnFirstUse<V2Fragments>
    var fragmentsAreBuilt: Bool { lazyFragments.isBuilt }
    let oauth: OAuthStore
    let limiter: RateLimiter
    /// Writes' own bucket, per user (``V2Settings/writeRateLimit``).
    let writeLimiter: RateLimiter
    let tokenUser: Int
    /// Per user: indices of the lists they own.
    let listsByOwner: [[Int]]
    /// Prefix sums of episode spans over `index.user.items` (count history entries in O(1)).
    let spanPrefix: [UInt32]
    let started = ContinuousClock.now
    /// Each user's watchlist, derived on first use (see ``PerUserMemo``).
    let watchlists = PerUserMemo<[WatchlistEntry]>()
    /// Each writing user's flattened history at its latest version (``UserWrites/historyVersion``).
    let historyMemo = VersionedMemo<[(a: Activity, k: Int)]>()
    /// `--state`: writes waiting for the journal (group commit), and the lock of whoever writes
    /// the journal (a batch's leader, `POST /emulator/advance`, `POST /emulator/reset`): taken
    /// before the overlay's, so that the journal's order is the order writes are applied in.
    let commits = CommitQueue()
    let journalLock = NSLock()
    /// Each writing user's watchlist at its latest version (``UserWrites/version``).
    let writerWatchlists = VersionedMemo<[WatchlistEntry]>()
    /// What writes changed (State/WriteOverlay): every view reads the dataset through it.
    let overlay: WriteOverlay
    /// Finds the items write bodies name.
    let lookup: WriteLookup

    static let pPage = "X-Pagination-Page"
    static let pLimit = "X-Pagination-Limit"
    static let pPageCount = "X-Pagination-Page-Count"
    static let pItemCount = "X-Pagination-Item-Count"
    static let apiKey = "trakt-api-key"
    static let apiVersion = "trakt-api-version"
    static let xRatelimit = "X-Ratelimit"
    static let retryAfter = "Retry-After"

    /// The first path segments the v2 API owns.
    static let roots: Set<String> = ["users", "sync", "shows", "movies", "search", "oauth", "episodes", "seasons", "checkin", "scrobble", "comments"]

    static func owns(path: String) -> Bool {
        var s = path.utf8.dropFirst()
        if let slash = s.firstIndex(of: UInt8(ascii: "/")) { s = s[..<slash] }
        let first = String(decoding: s, as: UTF8.self)
        if roots.contains(first) { return true }
        return path.hasPrefix("/emulator/approve/") || path == "/emulator/reset" || path == "/emulator/advance"
    }

    init(dataset: Dataset, settings: V2Settings, pinnedClock: Bool, runningClock: Bool = false) {
        self.dataset = dataset
        self.settings = settings
        clock = ServerClock(start: dataset.nowUnix, pinned: pinnedClock, runs: runningClock)
        lazyFragments = BuiltOnFirstUse { V2Fragments(dataset: dataset) }
        overlay = WriteOverlay(users: dataset.users.count, generatedLists: dataset.lists.count)
        lookup = WriteLookup(dataset: dataset)
        let store = OAuthStore()
        let user = settings.tokenUser.flatMap { dataset.userByName[$0.lowercased()] } ?? 0
        if let t = settings.accessToken { store.addPermanent(token: t, user: user) }
        oauth = store
        tokenUser = user
        limiter = RateLimiter(settings.rateLimit)
        writeLimiter = RateLimiter(settings.writeRateLimit)
        var owned = Array(repeating: [Int](), count: dataset.users.count)
        for (i, l) in dataset.lists.enumerated() { owned[Int(l.owner)].append(i) }
        listsByOwner = owned
        let items = dataset.index.user.items
        var prefix = [UInt32](repeating: 0, count: items.count + 1)
        var acc: UInt32 = 0
        for (i, p) in items.enumerated() {
            acc &+= UInt32(ActivityIndex.episodeSpan(dataset.activities[Int(p)]))
            prefix[i + 1] = acc
        }
        spanPrefix = prefix
    }

    /// Real Unix seconds (for OAuth times).
    var wallUnix: Int64 { Int64(Date().timeIntervalSince1970.rounded(.down)) }

    /// Seconds since the service started (monotonic; device polls, rate windows).
    var monotonic: Double {
        let d = ContinuousClock.now - started
        return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    // MARK: - Entry

    func respond(to request: EmulatorRequest, nowUnix: Int64) async -> EmulatorResponse {
        let path = request.path
        var segments = path.split(separator: "/", omittingEmptySubsequences: true).map {
            $0.contains("%") ? ($0.removingPercentEncoding ?? String($0)) : String($0)
        }
        if segments.isEmpty { segments = [""] }
        let query = Self.parseQuery(request.query)
        do {
            if segments[0] == "oauth" || segments[0] == "emulator" {
                return try oauthRoute(segments, request: request, query: query)
            }
            try checkApp(request.headers)
            var viewer: Int?
            var limitKey = "client:" + (request.headers[Self.apiKey] ?? "")
            if let auth = request.headers["Authorization"] {
                let parts = auth.split(separator: " ", maxSplits: 1)
                guard parts.count == 2, parts[0].lowercased() == "bearer" else { throw V2Error.invalidToken }
                let token = parts[1].trimmingCharacters(in: .whitespaces)
                guard let u = oauth.user(forToken: token, now: wallUnix) else { throw V2Error.invalidToken }
                viewer = u
                limitKey = "token:" + token
            }
            guard request.method == "GET" || request.method == "HEAD" else {
                guard let write = WriteRoute(method: request.method, segments: segments) else {
                    throw V2Error(status: 405, code: "method_not_allowed",
                                  message: "method not allowed: \(request.method) /\(segments.joined(separator: "/")) is not a write route (see docs/EMULATOR.md, Writes)")
                }
                guard let me = viewer else { throw V2Error.oauthRequired }
                if write.namesUser, segments[1] != "me" {
                    guard let named = dataset.userByName[segments[1].lowercased()] else { throw V2Error.notFound("user '\(segments[1])' not found") }
                    guard named == me else {
                        throw V2Error(status: 403, code: "forbidden", message: "a user writes only their own lists: '\(segments[1])' is not you")
                    }
                }
                // Writes have their own bucket, per user, apart from reads (as on Trakt).
                try admit(writeLimiter, key: "user:\(me)", name: "AUTHED_API_POST_LIMIT")
                let body = write.impliedBody(segments: segments, body: request.body) ?? request.body
                return try await performWrite(write, user: me, body: body, nowUnix: nowUnix)
            }
            try admit(limiter, key: limitKey, name: viewer == nil ? "UNAUTHED_API_GET_LIMIT" : "AUTHED_API_GET_LIMIT")
            let call = V2Call(segments: segments, query: query, viewer: viewer, nowUnix: nowUnix)
            return try route(call)
        } catch var e as V2Error {
            if settings.echoTokenInErrors, let token = Self.bearerToken(request.headers) {
                e = V2Error(status: e.status, code: e.code, message: e.message + " (request token \(token))", headers: e.headers)
            }
            return Self.failure(e)
        } catch {
            return Self.failure(V2Error(status: 500, code: "server_error", message: "\(error)"))
        }
    }

    /// Counts a call against `limiter`'s window for `key`; past the limit, 429 with
    /// `Retry-After` (seconds to the window's end) and `X-Ratelimit` naming the bucket, in Trakt's form.
    func admit(_ limiter: RateLimiter, key: String, name: String) throws(V2Error) {
        let limit = limiter.limit
        guard !limit.isOff else { return }
        let d = limiter.take(key, now: monotonic)
        guard !d.allowed else { return }
        var e = V2Error(status: 429, code: "rate_limited", message: "rate limit exceeded (\(name)), retry after \(d.resetIn) s")
        e.headers[Self.retryAfter] = String(d.resetIn)
        let until = ISOTime.string(wallUnix + Int64(d.resetIn))
        e.headers[Self.xRatelimit] = "{\"name\":\"\(name)\",\"period\":\(limit.period),\"limit\":\(limit.limit),\"remaining\":0,\"until\":\"\(until)\"}"
        throw e
    }

    /// The token of `Authorization: Bearer …`, if any.
    static func bearerToken(_ headers: EmulatorHeaders) -> String? {
        guard let auth = headers["Authorization"] else { return nil }
        let parts = auth.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        return parts[1].trimmingCharacters(in: .whitespaces)
    }

    static func failure(_ e: V2Error) -> EmulatorResponse {
        var out = JSONBytes()
        out.raw("{\"error\":")
        out.string(e.code)
        out.raw(",\"error_description\":")
        out.string(e.message)
        out.byte(UInt8(ascii: "}"))
        return EmulatorResponse(status: e.status, headers: e.headers, body: out.bytes)
    }

    static func ok(_ out: JSONBytes, headers: EmulatorHeaders = [:], status: Int = 200) -> EmulatorResponse {
        EmulatorResponse(status: status, headers: headers, body: out.bytes)
    }

    /// `trakt-api-version: 2` and a `trakt-api-key` equal to the client id, else 403.
    func checkApp(_ headers: EmulatorHeaders) throws(V2Error) {
        guard headers[Self.apiVersion]?.trimmingCharacters(in: .whitespaces) == "2" else {
            throw V2Error(status: 403, code: "forbidden", message: "missing or wrong trakt-api-version header (send trakt-api-version: 2)")
        }
        guard let key = headers[Self.apiKey]?.trimmingCharacters(in: .whitespaces), !key.isEmpty else {
            throw V2Error(status: 403, code: "forbidden", message: "missing trakt-api-key header (send your client id)")
        }
        try checkClient(key)
    }

    func checkClient(_ key: String) throws(V2Error) {
        if let expected = settings.clientID {
            guard ConstantTime.equals(key, expected) else { throw V2Error(status: 403, code: "forbidden", message: "invalid API key (unknown client id)") }
        } else {
            reportSighting(ofClient: key)
        }
    }

    /// Tells the operator about a client id seen for the first time (made safe to print), and
    /// once that no more are remembered.
    func reportSighting(ofClient id: String) {
        switch oauth.sighting(ofClient: id) {
        case .new:
            settings.onNotice?("v2 client id '\(OperatorText.printable(id))' accepted (no --client-id set)")
        case .overflow:
            settings.onNotice?("more than \(OAuthStore.maximumReportedClients) v2 client ids seen; further new ones are accepted but not reported")
        case .known:
            break
        }
    }

    static func parseQuery(_ q: String?) -> [String: String] {
        guard let q, !q.isEmpty else { return [:] }
        var out: [String: String] = [:]
        for pair in q.split(separator: "&") {
            let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ s: Substring) -> String {
                let plus = s.replacingOccurrences(of: "+", with: " ")
                return plus.removingPercentEncoding ?? plus
            }
            let k = decode(kv[0])
            out[k] = kv.count > 1 ? decode(kv[1]) : ""
        }
        return out
    }

    // MARK: - Routing

    func route(_ c: V2Call) throws(V2Error) -> EmulatorResponse {
        let s = c.segments
        switch s[0] {
        case "users":
            guard s.count >= 2 else { throw V2Error.notFound("unknown method /users") }
            if s[1] == "settings" && s.count == 2 {
                guard let me = c.viewer else { throw V2Error.oauthRequired }
                return settingsReply(me, c)
            }
            if s[1] == "likes" && s.count <= 3 {
                guard c.viewer != nil else { throw V2Error.oauthRequired }
                let p = Paging(c.query, defaultLimit: 10)
                var out = JSONBytes()
                out.raw("[]")
                return Self.ok(out, headers: p.headers(total: 0))
            }
            let u = try user(s[1], c)
            return try userRoute(u, Array(s.dropFirst(2)), c)
        case "sync":
            guard let me = c.viewer else { throw V2Error.oauthRequired }
            guard s.count >= 2 else { throw V2Error.notFound("unknown method /sync") }
            let rest = Array(s.dropFirst(1))
            switch rest[0] {
            case "last_activities" where rest.count == 1:
                return lastActivities(me, c)
            case "playback" where rest.count <= 2:
                return try playback(me, Array(rest.dropFirst()), c)
            case "history", "ratings", "watchlist", "collection", "watched":
                return try userRoute(me, rest, c)
            default:
                throw V2Error.notFound("unknown method /sync/\(rest[0])")
            }
        case "shows":
            return try showRoute(Array(s.dropFirst()), c)
        case "movies":
            return try movieRoute(Array(s.dropFirst()), c)
        case "search":
            return try search(Array(s.dropFirst()), c)
        default:
            throw V2Error.notFound("unknown method /\(s.joined(separator: "/"))")
        }
    }

    /// `{id}`: a username (case-insensitive) or `me` (needs a token). Private users only to themselves.
    func user(_ id: String, _ c: V2Call) throws(V2Error) -> Int {
        if id == "me" {
            guard let v = c.viewer else { throw V2Error.oauthRequired }
            return v
        }
        guard let u = dataset.userByName[id.lowercased()] else { throw V2Error.notFound("user '\(id)' not found") }
        if dataset.users[u].isProtected && c.viewer != u {
            if c.viewer == nil { throw V2Error(status: 401, code: "unauthorized", message: "user '\(id)' is private: OAuth as that user required") }
            throw V2Error(status: 403, code: "forbidden", message: "user '\(id)' is private")
        }
        return u
    }

    func userRoute(_ u: Int, _ r: [String], _ c: V2Call) throws(V2Error) -> EmulatorResponse {
        guard let head = r.first else { return profile(u, c) }
        let rest = Array(r.dropFirst())
        switch head {
        case "history": return try history(u, rest, c)
        case "ratings": return try ratings(u, rest, c)
        case "watchlist": return try watchlist(u, rest, c)
        case "collection": return try collection(u, rest, c)
        case "watched": return try watched(u, rest, c)
        case "comments": return try userComments(u, rest, c)
        case "lists": return try lists(u, rest, c)
        case "followers", "following", "friends":
            guard rest.isEmpty else { throw V2Error.notFound("unknown method") }
            return network(u, head, c)
        case "stats" where rest.isEmpty: return stats(u, c)
        case "watching" where rest.isEmpty: return watching(u, c)
        case "recommendations", "favorites": return try favorites(u, rest, c)
        default: throw V2Error.notFound("unknown method /users/…/\(r.joined(separator: "/"))")
        }
    }

    func profile(_ u: Int, _ c: V2Call) -> EmulatorResponse {
        var out = JSONBytes()
        fragments.write((c.extendedFull ? fragments.userFull : fragments.userMin) + u, into: &out)
        return Self.ok(out)
    }

    func settingsReply(_ u: Int, _ c: V2Call) -> EmulatorResponse {
        let rec = dataset.users[u]
        var out = JSONBytes()
        out.raw("{\"user\":")
        fragments.write(fragments.userFull + u, into: &out)
        out.raw(",\"account\":{\"timezone\":\"America/Los_Angeles\",\"date_format\":\"mdy\",\"time_24hr\":false,\"cover_image\":null,\"token\":null,\"display_programme\":false}")
        out.raw(",\"connections\":{\"facebook\":false,\"twitter\":false,\"mastodon\":false,\"google\":false,\"tumblr\":false,\"medium\":false,\"slack\":false,\"apple\":false,\"dropbox\":false,\"microsoft\":false}")
        out.raw(",\"sharing_text\":{\"watching\":\"I'm watching [item]\",\"watched\":\"I just watched [item]\",\"rated\":\"[item] [stars]\"}")
        out.text(",\"limits\":{\"list\":{\"count\":\(rec.vip ? 1000 : 2),\"item_count\":\(rec.vip ? 5000 : 100)},\"watchlist\":{\"item_count\":\(rec.vip ? 5000 : 100)},\"favorites\":{\"item_count\":\(rec.vip ? 100 : 50)},\"recommendations\":{\"item_count\":\(rec.vip ? 100 : 50)}}}")
        return Self.ok(out)
    }

    /// Writes `"show":{…}` etc. for a show index.
    @inline(__always)
    func writeShow(_ i: Int, _ full: Bool, _ out: inout JSONBytes) {
        fragments.write((full ? fragments.showFull : fragments.showMin) + i, into: &out)
    }

    @inline(__always)
    func writeEpisode(_ g: Int, _ full: Bool, _ out: inout JSONBytes) {
        fragments.write((full ? fragments.episodeFull : fragments.episodeMin) + g, into: &out)
    }

    @inline(__always)
    func writeMovie(_ i: Int, _ full: Bool, _ out: inout JSONBytes) {
        fragments.write((full ? fragments.movieFull : fragments.movieMin) + i, into: &out)
    }

    func writeUser(_ u: Int, _ full: Bool, _ out: inout JSONBytes) {
        fragments.write((full ? fragments.userFull : fragments.userMin) + u, into: &out)
    }

    /// Writes `"type":"episode","episode":…,"show":…` / `"type":"movie","movie":…` / `"type":"show","show":…`
    /// for an activity's item (episode `g` for episode kinds).
    func writeItem(_ a: Activity, episode g: Int, _ full: Bool, _ out: inout JSONBytes) {
        switch a.kind.type {
        case .episode:
            out.raw("\"type\":\"episode\",\"episode\":")
            writeEpisode(g, full, &out)
            out.raw(",\"show\":")
            writeShow(Int(a.subject), full, &out)
        case .show:
            out.raw("\"type\":\"show\",\"show\":")
            writeShow(Int(a.subject), full, &out)
        case .movie:
            out.raw("\"type\":\"movie\",\"movie\":")
            writeMovie(Int(a.subject), full, &out)
        case .list:
            out.raw("\"type\":\"list\"")
        }
    }

    /// All of a user's activity positions of `kinds`, newest first.
    func positions(user u: Int, kinds: [Kind]) -> [Int] {
        let p = dataset.index.user
        var out: [Int] = []
        for k in kinds {
            for i in p.range(key: u, kind: k) { out.append(Int(p.items[i])) }
        }
        out.sort()
        return out
    }
}

extension NSLock {
    @inline(__always)
    func locked<T>(_ body: () throws -> T) rethrows -> T {
        lock()
        defer { unlock() }
        return try body()
    }
}
