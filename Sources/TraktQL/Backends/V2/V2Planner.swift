import Foundation

/// Turns a checked query into a v2 ``Plan``: per user one call for each group of actions the
/// query can return (history, ratings, watchlist, collection, comments, lists, watching);
/// without `user:`, what v2 has about a show or movie (its watchers and comments).
///
/// What a route cannot carry stays a filter on each item: the actions, types, shows and movies
/// are always checked again (cheap, and a route that narrows less never widens the answer);
/// `since:`/`until:` are `start_at`/`end_at` on history and checked on each item elsewhere.
public enum V2Planner {
    /// The action groups, each one route.
    enum Group: CaseIterable {
        case history, ratings, watchlist, collection, comments, lists, listItems, watching

        var actions: [Action] {
            switch self {
            case .history: return [.seen, .scrobble, .checkin]
            case .ratings: return [.rating]
            case .watchlist: return [.watchlist]
            case .collection: return [.collection]
            case .comments: return [.shout, .review]
            case .lists: return [.created]
            case .listItems: return [.itemAdded]
            case .watching: return [.watching]
            }
        }
    }

    /// Fields that v2 sends only with `extended=full`.
    static let extendedFields = ["runtime", "overview", "first_aired", "released", "tagline", "certification", "genres",
                                 "network", "country", "status", "airs", "votes", "trailer", "homepage", "aired_episodes"]

    /// `backend`'s plan for `query`, whose spans point into `source`; what v2 cannot answer is
    /// refused with a diagnostic at the qualifier that asks for it.
    public static func plan(_ query: CheckedQuery, by backend: V2Backend, source: String) throws(TraktQLError) -> Plan {
        var residual: [ResidualFilter] = []
        var notes: [String] = []
        let anchor = query.actions?.origin.span ?? query.users?.origin.span ?? query.shows?.origin.span ?? query.movies?.origin.span
            ?? SourceSpan(start: .start, end: .start)

        // The actions the query can return.
        var actions = Action.allCases.filter { !$0.itemTypeSet.isDisjoint(with: query.possibleTypeSet) }
        if let filter = query.actions {
            actions = actions.filter { filter.values.contains($0) != filter.negated }
            residual.append(.actions(filter))
        }
        if let types = query.types { residual.append(.types(types)) }
        let positiveShows = query.shows.flatMap { $0.negated ? nil : $0 }
        let positiveMovies = query.movies.flatMap { $0.negated ? nil : $0 }
        if let shows = query.shows { residual.append(.shows(shows)) }
        if let movies = query.movies { residual.append(.movies(movies)) }
        // Seasons and episodes: filters on each item, unless a show's own route carries them
        // (below, without user:).
        var episodeResidual: [ResidualFilter] = []
        if let seasons = query.seasons { episodeResidual.append(.seasons(seasons)) }
        if let episodes = query.episodes { episodeResidual.append(.episodes(episodes)) }
        if let rating = query.rating {
            residual.append(.rating(onTenPointScale(rating)))
            if let note = ratingNote(rating) { notes.append(note) }
        }
        residual += query.exclusions

        if let scope = query.scope, scope != .community {
            throw .query(diagnostics: [.error("v2 has no \(scope.rawValue) activity stream", at: query.scopeOrigin?.span ?? anchor,
                                              help: "name the users instead (user:alice,bob), or use --api v1")], source: source)
        }

        let extended = extendedReason(query.stages)
        var calls: [V2PlannedCall] = []
        let users = query.users.flatMap { $0.negated ? nil : $0 }
        if let negatedUsers = query.users, negatedUsers.negated { residual.append(.users(negatedUsers)) }

        if let users {
            let types = query.possibleTypeSet
            for user in users.values {
                for group in Group.allCases where group.actions.contains(where: actions.contains) {
                    calls += userCalls(group, user: user, origin: users.origin.text, query: query, types: types,
                                       shows: positiveShows, movies: positiveMovies, extended: extended)
                }
            }
        } else {
            guard positiveShows != nil || positiveMovies != nil else {
                let what = query.actions.map { $0.values.map(\.rawValue).joined(separator: ", ") } ?? "a query without user:, show: or movie:"
                throw .query(diagnostics: [.error("v2 has no community activity for \(what)", at: anchor,
                                                  help: "add user:NAME, or use --api v1")], source: source)
            }
            let unsupported = actions.filter { ![.watching, .shout, .review].contains($0) }
            if query.actions == nil || !unsupported.isEmpty {
                let names = query.actions == nil ? "every action" : unsupported.map(\.rawValue).joined(separator: ", ")
                let subject = (positiveShows?.values ?? []) + (positiveMovies?.values ?? [])
                throw .query(diagnostics: [.error("v2 has no community activity for \(names) on \(subject.joined(separator: ", "))", at: anchor,
                                                  help: "add user:NAME, or use --api v1 (without user:, v2 has watching, shout and review of a show or movie)")], source: source)
            }
            calls += itemCalls(query: query, actions: actions, shows: positiveShows, movies: positiveMovies, extended: extended)
            // A season or episode the routes carry needs no filter (their comments and
            // watchers are about the season or episode itself).
            let carriedSeason = calls.allSatisfy { !$0.subjectEpisode.isEmpty }
            let carriedEpisode = calls.allSatisfy { $0.subjectEpisode.count == 2 }
            episodeResidual.removeAll { filter in
                if case .seasons = filter { return carriedSeason }
                if case .episodes = filter { return carriedEpisode }
                return false
            }
        }
        residual.insert(contentsOf: episodeResidual, at: min(residual.count, residual.firstIndex { if case .rating = $0 { return true } else { return false } } ?? residual.count))

        // Time bounds: start_at/end_at where the route has them, else checked on each item.
        for index in calls.indices where calls[index].route != .history {
            calls[index].localSince = query.since?.instant
            calls[index].localUntil = query.until?.instant
        }
        if calls.contains(where: { $0.localSince != nil || $0.localUntil != nil }) {
            let routes = Set(calls.filter { $0.localSince != nil || $0.localUntil != nil }.map(\.route.rawValue)).sorted()
            if let since = query.since { notes.append("\(since.origin.text)  ⇒  time >= \(ValueText.iso8601(since.instant, in: query.timeZone)) (v2 has no time filter for \(routes.joined(separator: ", ")))") }
            if let until = query.until { notes.append("\(until.origin.text)  ⇒  time < \(ValueText.iso8601(until.instant, in: query.timeZone)) (v2 has no time filter for \(routes.joined(separator: ", ")))") }
        }

        if query.minimal {
            // v1's `min=1` asks for minimal items; v2's objects are minimal unless extended=full.
            notes.append(extended == nil ? "min  ⇒  v2 answers minimal objects already (no extended=full)"
                : "min  ⇒  v2 answers minimal objects unless extended=full, which this query needs for \(extended!)")
        }
        let fetch = query.fetchPolicy
        let pageLimit: Int
        if case .onePage = fetch { pageLimit = 100 } else { pageLimit = 250 }
        var v2 = V2Plan(calls: calls, pageLimit: pageLimit, extendedReason: extended, notes: notes)
        v2.names = query.names
        return Plan(v2, by: backend, source: source, residual: residual, stages: query.stages, fetch: fetch, since: query.since?.instant,
                    timeZone: query.timeZone, negationNotes: query.negationNotes, episodeFilters: [])
    }

    /// The calls of one action group for one user.
    static func userCalls(_ group: Group, user: String, origin: String, query: CheckedQuery, types: ItemTypeSet,
                          shows: TermFilter<String>?, movies: TermFilter<String>?, extended: String?) -> [V2PlannedCall] {
        let me = user.lowercased() == "me"
        let userPieces: [V2PlannedCall.Piece] = [.literal("users"), .value(user, from: origin)]
        var base = V2PlannedCall(route: .history, pieces: [], parameters: [], paged: true, needsToken: me,
                                 username: me ? nil : user, subjectType: nil, subjectSlug: nil, newestFirst: true)
        if let extended { base.parameters.append(.init(name: "extended", value: "full", from: extended)) }
        func typeSegment() -> String {
            let episodes = types.contains(ItemTypeSet(.episode)), movies = types.contains(ItemTypeSet(.movie)), showsT = types.contains(ItemTypeSet(.show))
            if episodes && !movies && !showsT { return "episodes" }
            if movies && !episodes && !showsT { return "movies" }
            if showsT && !episodes && !movies { return "shows" }
            return "all"
        }
        switch group {
        case .history:
            var call = base
            call.route = .history
            let prefix: [V2PlannedCall.Piece] = me ? [.literal("sync"), .literal("history")] : userPieces + [.literal("history")]
            if let since = query.since { call.parameters.append(.init(name: "start_at", value: V2Time.string(since.instant), from: since.origin.text + " (ISO 8601 UTC)")) }
            // until: is exclusive; end_at includes its own instant, so it is the millisecond before.
            if let until = query.until { call.parameters.append(.init(name: "end_at", value: V2Time.string(V2Time.millisecondBefore(until.instant)), from: until.origin.text + " (ISO 8601 UTC)")) }
            // A named show or movie narrows the route to its trakt id (one call each).
            var narrowed: [V2PlannedCall] = []
            for slug in shows?.values ?? [] {
                for (segment, piece) in showHistorySubjects(slug, origin: shows!.origin.text, query: query) {
                    var each = call
                    each.pieces = prefix + [.literal(segment), piece]
                    narrowed.append(each)
                }
            }
            for slug in movies?.values ?? [] {
                var each = call
                each.pieces = prefix + [.literal("movies"), .traktID(kind: "movies", slug: slug, from: movies!.origin.text)]
                narrowed.append(each)
            }
            if !narrowed.isEmpty { return narrowed }
            let segment = typeSegment()
            call.pieces = prefix + (segment == "episodes" || segment == "movies" ? [.value(segment, from: query.types?.origin.text ?? "the types the query can return")] : [])
            return [call]
        case .ratings:
            var call = base
            call.route = .ratings
            let segment = typeSegment()
            call.pieces = (me ? [.literal("sync"), .literal("ratings")] : userPieces + [.literal("ratings")])
            if let scores = ratingSegment(query.rating), let origin = query.rating?.origin.text {
                // The {rating} segment needs the type before it (`all` for every type).
                call.pieces += [.value(segment, from: query.types?.origin.text ?? "the types the query can return"),
                                .value(scores.map(String.init).joined(separator: ","), from: origin)]
            } else if segment != "all" {
                call.pieces.append(.value(segment, from: query.types?.origin.text ?? "the types the query can return"))
            }
            return [call]
        case .watchlist:
            var call = base
            call.route = .watchlist
            call.pieces = (me ? [.literal("sync"), .literal("watchlist")] : userPieces + [.literal("watchlist")])
                + [.value(typeSegment(), from: query.types?.origin.text ?? "every type"), .literal("added"), .literal("desc")]
            return [call]
        case .collection:
            var out: [V2PlannedCall] = []
            let prefix: [V2PlannedCall.Piece] = me ? [.literal("sync"), .literal("collection")] : userPieces + [.literal("collection")]
            if types.contains(ItemTypeSet(.movie)) {
                var call = base
                call.route = .collectionMovies
                call.pieces = prefix + [.literal("movies")]
                out.append(call)
            }
            if types.contains(ItemTypeSet(.episode)) {
                var call = base
                call.route = .collectionShows
                call.newestFirst = false
                call.pieces = prefix + [.literal("shows")]
                out.append(call)
            }
            return out
        case .comments:
            var call = base
            call.route = .userComments
            var kind = "all"
            if let actions = query.actions, !actions.negated {
                let shout = actions.values.contains(.shout), review = actions.values.contains(.review)
                if shout && !review { kind = "shouts" } else if review && !shout { kind = "reviews" }
            }
            let segment = typeSegment()
            call.pieces = userPieces + [.literal("comments"), .value(kind, from: query.actions?.origin.text ?? "shout, review"),
                                        .value(segment, from: query.types?.origin.text ?? "every type")]
            return [call]
        case .lists:
            var call = base
            call.route = .lists
            call.paged = false
            call.newestFirst = false
            call.pieces = userPieces + [.literal("lists")]
            return [call]
        case .listItems:
            var call = base
            call.route = .listItems
            call.newestFirst = false
            call.pieces = userPieces + [.literal("lists"), .eachList, .literal("items")]
            return [call]
        case .watching:
            var call = base
            call.route = .watching
            call.paged = false
            call.newestFirst = false
            call.pieces = userPieces + [.literal("watching")]
            return [call]
        }
    }

    /// At most this many seasons (or episodes of one season) get a history call each; more
    /// read the show's whole history once, checked on each item.
    static let narrowedHistoryCalls = 4

    /// What a user's history of one show is read through: `/history/episodes/{id}` for each
    /// named episode, `/history/seasons/{id}` for each named season, or `/history/shows/{id}`.
    /// (v2 history routes take trakt ids: a season's or episode's is looked up at run time.)
    static func showHistorySubjects(_ slug: String, origin: String, query: CheckedQuery) -> [(segment: String, piece: V2PlannedCall.Piece)] {
        guard let seasons = query.seasons?.finiteValues, (1...narrowedHistoryCalls).contains(seasons.count) else {
            return [("shows", .traktID(kind: "shows", slug: slug, from: origin))]
        }
        let seasonOrigin = origin + " " + query.seasons!.origin.text
        if seasons.count == 1, let episodes = query.episodes?.finiteValues, (1...narrowedHistoryCalls).contains(episodes.count) {
            let episodeOrigin = seasonOrigin + " " + query.episodes!.origin.text
            return episodes.map { ("episodes", .seasonOrEpisodeID(show: slug, season: seasons[0], episode: $0, from: episodeOrigin)) }
        }
        return seasons.map { ("seasons", .seasonOrEpisodeID(show: slug, season: $0, episode: nil, from: seasonOrigin)) }
    }

    /// Without `user:`: the watchers and comments of each named show or movie (and of a
    /// season or episode of a show, when one is named).
    static func itemCalls(query: CheckedQuery, actions: [Action], shows: TermFilter<String>?, movies: TermFilter<String>?,
                          extended: String?) -> [V2PlannedCall] {
        var subjects: [(kind: String, slug: String, origin: String)] = []
        for slug in shows?.values ?? [] { subjects.append(("shows", slug, shows!.origin.text)) }
        for slug in movies?.values ?? [] { subjects.append(("movies", slug, movies!.origin.text)) }
        var out: [V2PlannedCall] = []
        for subject in subjects {
            var pieces: [V2PlannedCall.Piece] = [.literal(subject.kind), .value(subject.slug, from: subject.origin)]
            var subjectType = subject.kind == "movies" ? "movie" : "show"
            var narrowed: [Int] = []
            if subject.kind == "shows", let seasons = query.seasons?.finiteValues, seasons.count == 1 {
                pieces += [.literal("seasons"), .value(String(seasons[0]), from: query.seasons!.origin.text)]
                narrowed = [seasons[0]]
                if let episodes = query.episodes?.finiteValues, episodes.count == 1 {
                    pieces += [.literal("episodes"), .value(String(episodes[0]), from: query.episodes!.origin.text)]
                    subjectType = "episode"
                    narrowed.append(episodes[0])
                }
            }
            var base = V2PlannedCall(route: .watchers, pieces: pieces, parameters: [], paged: false, needsToken: false,
                                     username: nil, subjectType: subjectType, subjectSlug: subject.slug, newestFirst: false)
            base.subjectEpisode = narrowed
            if let extended { base.parameters.append(.init(name: "extended", value: "full", from: extended)) }
            if actions.contains(.watching) {
                var call = base
                call.pieces.append(.literal("watching"))
                out.append(call)
            }
            if actions.contains(.shout) || actions.contains(.review) {
                var call = base
                call.route = .itemComments
                call.paged = true
                call.newestFirst = true
                call.pieces += [.literal("comments"), .literal("newest")]
                out.append(call)
            }
        }
        return out
    }

    /// Why `extended=full` is needed: a stage reads a field v2 sends only with it.
    static func extendedReason(_ stages: [CheckedStage]) -> String? {
        for stage in stages {
            let text = Plan.describe(stage)
            let words = text.split { !($0.isLetter || $0.isNumber || $0 == "_") }.map(String.init)
            if let field = extendedFields.first(where: words.contains) {
                return "'\(field)' is read by `\(text)` (v2 sends it with extended=full only)"
            }
        }
        return nil
    }
}
