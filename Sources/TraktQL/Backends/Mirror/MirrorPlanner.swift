import Foundation

/// Turns a checked query into a mirror ``Plan``: one SQL statement per v2 route the same query
/// would call over `--api v2` (history, ratings, watchlist, collection, comments, lists, list
/// items), each returning the route's elements in the route's order, narrowed by what the
/// qualifiers push into SQL (``MirrorSQLConditions``).
///
/// The residual filter is the one ``V2Planner`` makes for the same query, and it is checked on
/// every rebuilt item as over v2: SQL narrows what is read (never to less than the filter
/// keeps), the filter decides. So an answer over the mirror is the v2 answer, row for row.
enum MirrorPlanner {
    /// A query without `limit` or `since:` reads the newest page of each route over the API
    /// (``FetchPolicy/onePage``, pages of 100): over the mirror, the newest 100 elements.
    static let pageSize = 100

    static func plan(_ query: CheckedQuery, by backend: MirrorBackend, location: String, account: MirrorAccount,
                     source: String) throws(TraktQLError) -> Plan {
        var residual: [ResidualFilter] = []
        var notes: [String] = []
        let anchor = query.users?.origin.span ?? query.actions?.origin.span ?? SourceSpan(start: .start, end: .start)

        if let scope = query.scope, scope != .community {
            throw .query(diagnostics: [.error("the mirror holds one account (\(account.user)); it has no \(scope.rawValue) stream",
                                              at: query.scopeOrigin?.span ?? anchor,
                                              help: "remove \(query.scopeOrigin?.text ?? "scope:"), or ask the API for streams (--api v1)")], source: source)
        }
        // Whose activity: the mirror's account only (`me`, or its name).
        var shownUser = account.user
        if let users = query.users, !users.negated {
            for value in users.values where !ASCIICase.equals(value, "me") && ASCIICase.lowercased(value) != ASCIICase.lowercased(account.user) {
                throw .query(diagnostics: [.error("the mirror holds \(account.user)'s account, not \(value)'s", at: users.origin.span,
                                                  help: "mirror that user's public activity with `traktql sync --user \(value)` (then --mirror-file), or ask the API (--api v2)")],
                             source: source)
            }
            // v2 names the user as the query writes it, or as /users/settings does for `me`.
            if let named = users.values.first(where: { !ASCIICase.equals($0, "me") }) { shownUser = named }
        }

        // The actions the query can return, and the filter v2 keeps for them (V2Planner's).
        var actions = Action.allCases.filter { !$0.itemTypeSet.isDisjoint(with: query.possibleTypeSet) }
        if let filter = query.actions {
            actions = actions.filter { filter.values.contains($0) != filter.negated }
            residual.append(.actions(filter))
        }
        if let types = query.types { residual.append(.types(types)) }
        if let shows = query.shows { residual.append(.shows(shows)) }
        if let movies = query.movies { residual.append(.movies(movies)) }
        if let seasons = query.seasons { residual.append(.seasons(seasons)) }
        if let episodes = query.episodes { residual.append(.episodes(episodes)) }
        if let rating = query.rating {
            residual.append(.rating(V2Planner.onTenPointScale(rating)))
            if let note = V2Planner.ratingNote(rating) { notes.append(note) }
        }
        residual += query.exclusions
        if let users = query.users, users.negated { residual.append(.users(users)) }

        let extended = V2Planner.extendedReason(query.stages)
        let limit: Int? = query.fetchPolicy == .onePage ? pageSize : nil
        var conditions = MirrorSQLConditions(query: query, actions: actions)
        conditions.carriedOnly = limit != nil
        var statements: [MirrorStatement] = []
        for group in V2Planner.Group.allCases where group.actions.contains(where: actions.contains) {
            switch group {
            case .history: statements += conditions.history(limit: limit)
            case .ratings: statements.append(conditions.ratings(limit: limit))
            case .watchlist: statements.append(conditions.watchlist(limit: limit))
            case .collection:
                if query.possibleTypeSet.contains(.movie) { statements.append(conditions.collectedMovies(limit: limit)) }
                if query.possibleTypeSet.contains(.episode) { statements.append(conditions.collectedShows(limit: limit)) }
            case .comments: statements.append(conditions.comments(limit: limit))
            case .lists, .listItems:
                // A list or list item carries no show or movie of its own: a show: or movie:
                // filter keeps none (over v2 too), so the table is not read.
                if let named = [query.shows, query.movies].compactMap({ $0 }).first(where: { !$0.negated }) {
                    notes.append("\(named.origin.text)  ⇒  \(group == .lists ? "created" : "item_added") not read (a list entry is about no one show or movie)")
                    continue
                }
                // The lists route is not paged: it answers every list at once.
                statements.append(group == .lists ? conditions.lists(limit: nil) : conditions.listItems(limit: limit))
            case .watching:
                notes.append("watching  ⇒  not in the mirror (what plays now is live: ask the API, --api v2)")
            }
        }
        if query.minimal {
            notes.append("min  ⇒  " + (extended == nil ? "objects as v2 sends them without extended=full" : "ignored: this query needs extended=full for \(extended!)"))
        }
        var mirror = MirrorPlan(statements: statements, location: location, account: account, plannedAt: backend.clock(),
                                user: shownUser, minimalObjects: extended == nil, notes: notes)
        mirror.extendedReason = extended
        func made(_ mirror: MirrorPlan) -> Plan {
            Plan(mirror, by: backend, source: source, residual: residual, stages: query.stages, fetch: query.fetchPolicy,
                 since: query.since?.instant, timeZone: query.timeZone, negationNotes: query.negationNotes, episodeFilters: [])
        }
        mirror.readsInSequence = MirrorPlan.readsInSequence(made(mirror), statements: statements)
        (mirror.collapsesPlays, mirror.collapsedPlaysKeepTimes) = MirrorPlan.collapse(made(mirror), statements: statements, inSequence: mirror.readsInSequence)
        return made(mirror)
    }
}
