import Foundation

extension V2Backend {
    /// The calls a plan needs before its own: slug → trakt id, `me` → username, a user's
    /// lists. Answers go through the session's response cache, so a session asks once
    /// (within `cache_ttl`).
    struct Lookups {
        let base: String
        let auth: V2Auth
        let session: ExecutionSession
        /// `shows/the-walking-dead` → `1`.
        var ids: [String: String] = [:]
        /// `shows/the-walking-dead` → the show object.
        var objects: [String: Value] = [:]
        /// Seasons and episodes (``V2PlannedCall/idKey(_:_:_:)``) the server does not have.
        var missing: Set<String> = []
        var username: String?
        var calls = 0
        var cached = 0

        init(base: String, auth: V2Auth, session: ExecutionSession) {
            self.base = base
            self.auth = auth
            self.session = session
        }

        /// Fills ``ids`` for the call's path. False when a season or episode it names does not
        /// exist on the server: such a call would answer nothing, and is not made.
        mutating func resolve(_ call: V2PlannedCall) async throws(CallFailure) -> Bool {
            for case .traktID(let kind, let slug, _) in call.pieces where ids[kind + "/" + slug] == nil {
                let subject = CallFailure.Subject(key: kind == "movies" ? .movie : .show, name: slug)
                let body = try await get("/\(kind)/\(V2PlannedCall.escape(slug))", call: call, about: subject,
                                         notFound: "no \(kind == "shows" ? "show" : "movie") '\(slug)' on the server")
                guard let id = body["ids"]?["trakt"]?.intValue else {
                    throw CallFailure(.network(message: "the server's answer for \(kind)/\(slug) has no ids.trakt", call: "GET /\(kind)/\(slug)"), subject: subject)
                }
                ids[kind + "/" + slug] = String(id)
                objects[kind + "/" + slug] = body
            }
            for case .seasonOrEpisodeID(let show, let season, let episode, _) in call.pieces {
                let seasonKey = V2PlannedCall.idKey(show, season, nil)
                if ids[seasonKey] == nil, !missing.contains(seasonKey) {
                    let path = "/shows/\(V2PlannedCall.escape(show))/seasons"
                    for entry in try await list(path, call: call, about: .init(key: .show, name: show), notFound: "no show '\(show)' on the server") {
                        if let number = entry["number"]?.intValue, let id = entry["ids"]?["trakt"]?.intValue { ids[V2PlannedCall.idKey(show, Int(number), nil)] = String(id) }
                    }
                    if ids[seasonKey] == nil { missing.insert(seasonKey) }
                }
                if missing.contains(seasonKey) { return false }
                guard let episode else { continue }
                let episodeKey = V2PlannedCall.idKey(show, season, episode)
                if ids[episodeKey] == nil, !missing.contains(episodeKey) {
                    let path = "/shows/\(V2PlannedCall.escape(show))/seasons/\(season)"
                    for entry in try await list(path, call: call, about: .init(key: .show, name: show), notFound: "no season \(season) of '\(show)' on the server") {
                        if let number = entry["number"]?.intValue, let id = entry["ids"]?["trakt"]?.intValue { ids[V2PlannedCall.idKey(show, season, Int(number))] = String(id) }
                    }
                    if ids[episodeKey] == nil { missing.insert(episodeKey) }
                }
                if missing.contains(episodeKey) { return false }
            }
            return true
        }

        /// A lookup whose answer is a JSON array (seasons, episodes).
        private mutating func list(_ path: String, call: V2PlannedCall, about subject: CallFailure.Subject, notFound: String) async throws(CallFailure) -> [Value] {
            guard case .array(let entries) = try await get(path, call: call, about: subject, notFound: notFound) else {
                throw CallFailure(.network(message: "the server's answer for \(path) is not a list", call: "GET " + path), subject: subject)
            }
            return entries
        }

        /// The show or movie a route without `user:` is about, as the API describes it (its
        /// title for `title`); the slug alone when the lookup fails.
        mutating func subject(of call: V2PlannedCall) async throws(CallFailure) -> Value? {
            guard let slug = call.subjectSlug else { return nil }
            let kind = call.subjectType == "movie" ? "movies" : "shows"
            if let known = objects[kind + "/" + slug] { return known }
            let body = try await get("/\(kind)/\(V2PlannedCall.escape(slug))", call: call, about: .init(key: kind == "movies" ? .movie : .show, name: slug),
                                     notFound: "no \(kind == "shows" ? "show" : "movie") '\(slug)' on the server")
            objects[kind + "/" + slug] = body
            return body
        }

        /// The logged-in user's name (`/users/settings`).
        mutating func me() async throws(CallFailure) -> String? {
            if let username { return username }
            var call = V2PlannedCall(route: .watching, pieces: [], parameters: [], paged: false, needsToken: true, username: nil,
                                     subjectType: nil, subjectSlug: nil, newestFirst: false)
            call.needsToken = true
            let body = try await get("/users/settings", call: call, about: nil, notFound: "no settings for the logged-in user")
            username = body["user"]?["username"]?.stringValue
            return username
        }

        /// The lists of the user of an `item_added` call.
        mutating func lists(of call: V2PlannedCall) async throws(CallFailure) -> [Value] {
            let user = call.username ?? "me"
            let body = try await get("/users/\(V2PlannedCall.escape(user))/lists", call: call, about: call.username.map { .init(key: .user, name: $0) },
                                     notFound: "user '\(user)' not found")
            if case .array(let lists) = body { return lists }
            return []
        }

        /// A lookup `about` a name the query gives (its failure points there).
        private mutating func get(_ path: String, call: V2PlannedCall, about subject: CallFailure.Subject?, notFound: String) async throws(CallFailure) -> Value {
            do throws(TraktQLError) {
                return try await get(path, call: call, notFound: notFound)
            } catch {
                throw CallFailure(error, subject: subject)
            }
        }

        private mutating func get(_ path: String, call: V2PlannedCall, notFound: String) async throws(TraktQLError) -> Value {
            let shown = "GET " + path
            guard let url = URL(string: base + path) else { throw .usage("cannot build a URL for \(shown)") }
            var request = HTTPRequest(method: "GET", url: url, deadline: session.deadline)
            auth.decorate(&request, call: call)
            let decorated = request
            // `/users/me/lists` is whoever is logged in: the key names the credentials too.
            let key = ResponseCache.key(for: decorated, shown: shown)
            let response: HTTPResponse
            if let hit = await session.cache.response(for: key, ttl: session.cacheTTL) {
                cached += 1
                response = hit
            } else {
                do {
                    let transport = session.transport
                    response = try await session.limiter.withPermit { try await transport.send(decorated) }
                } catch let error as TransportError {
                    throw Executor.translate(error, shown: shown, redact: { $0 })
                } catch {
                    throw .network(message: Task.isCancelled ? "cancelled" : "\(error)", call: shown)
                }
                calls += 1
                if let refusal = session.fetchBudget.spend(response.body.count) { throw .network(message: refusal, call: shown) }
                if response.isSuccess, session.cacheTTL > 0 { await session.cache.store(response, for: key) }
            }
            if response.status == 404 { throw .api(status: 404, message: notFound, call: shown) }
            let pager = V2CallPager(call, path: path, base: base, auth: auth, pageLimit: 1, context: .init())
            guard response.isSuccess else { throw pager.failure(response) }
            do {
                return try JSONReader.parse(response.body)
            } catch {
                throw .network(message: "the server sent an unreadable response: \(error.description)", call: shown)
            }
        }
    }
}
