import Foundation

/// Runs a ``MirrorPlan``: each statement's rows rebuilt into their route's elements
/// (``MirrorElements``), read as v2 reads them (``V2Item``), merged as v2's calls are (one
/// route in its own order; several newest first, ties in route order, de-duplicated), then
/// through the shared pipeline (``LocalPipeline``: residual filter, stages as rows stream).
struct MirrorReader {
    let plan: Plan
    let mirror: MirrorPlan
    let now: Date
    /// Whether whole items may be printed (json/ndjson, or a format chosen later).
    var wholeItems = true

    private var schema: V2ItemSchema { V2ItemSchema() }

    func run(on database: any MirrorDatabase) throws(TraktQLError) -> QueryResult {
        try database.read { connection throws(TraktQLError) -> QueryResult in
            let projection = MirrorObjects.projection(for: plan, wholeItems: wholeItems)
            var elements = MirrorElements(objects: MirrorObjects(connection: connection, minimal: mirror.minimalObjects, projection: projection))
            // The pipeline a local input uses, without its time window: SQL applied since:/until:.
            let source = LocalSource(path: mirror.location, convention: .utc, since: nil, until: nil, ignoredMinimal: false)
            var pipeline = LocalPipeline(plan: plan, local: source, now: now, schema: schema)
            var cut: [MirrorStatement] = []
            if !mirror.merges, let statement = mirror.statements.first {
                var seen: Set<ItemKey> = []
                if try read(statement, connection, &elements, { item in
                    guard seen.insert(schema.identity(of: item)).inserted else { return true }
                    return pipeline.accept(item)
                }) { cut.append(statement) }
            } else {
                var keyed: [(time: Int64, order: Int, key: ItemKey, item: Value)] = []
                for statement in mirror.statements {
                    var seen: Set<ItemKey> = []
                    if try read(statement, connection, &elements, { item in
                        let key = schema.identity(of: item)
                        if seen.insert(key).inserted { keyed.append((schema.order(of: item) ?? .min, keyed.count, key, item)) }
                        return true
                    }) { cut.append(statement) }
                }
                keyed.sort { $0.time != $1.time ? $0.time > $1.time : $0.order < $1.order }
                var seen: Set<ItemKey> = []
                for entry in keyed where seen.insert(entry.key).inserted {
                    if !pipeline.accept(entry.item) { break }
                }
            }
            var result = pipeline.finish()
            if !cut.isEmpty {
                result.isPartial = true
                result.warnings.append(Self.onePageNote(cut))
            }
            return result
        }
    }

    /// What a one-page answer covers, and how to read more (the mirror's words for v2's note).
    static func onePageNote(_ statements: [MirrorStatement]) -> String {
        let routes = statements.map(\.route.rawValue).joined(separator: ", ")
        let limit = statements.first?.elementLimit ?? MirrorPlanner.pageSize
        return "only the newest \(limit) elements of \(routes) were read from the mirror, as one page over the API, so the rows are what matched among those: "
            + "without a limit or since:, a query reads the newest page; add '| limit all' to read everything, or '| limit N' or since: for more"
    }

    /// Reads one statement's items into `body` (which answers whether more are wanted).
    /// Returns whether its element limit cut it short (older elements were left unread).
    private func read(_ statement: MirrorStatement, _ connection: any MirrorConnection, _ elements: inout MirrorElements,
                      _ body: (Value) -> Bool) throws(TraktQLError) -> Bool {
        let context = V2Item.Context(username: mirror.user)
        var count = 0
        var perList: [Int64: Int] = [:]
        var stopped = false
        let since = statement.localSince, until = statement.localUntil
        let checksTime = since != nil || until != nil
        func emit(_ element: Value, _ context: V2Item.Context) -> Bool {
            for item in V2Item.items(of: element, route: statement.route, context: context) {
                if checksTime {
                    // As v2's pager checks a route without start_at/end_at.
                    guard let time = schema.time(of: item), !(since.map { time < $0 } ?? false), !(until.map { time >= $0 } ?? false) else { continue }
                }
                guard body(item) else {
                    stopped = true
                    return false
                }
            }
            return true
        }
        switch statement.route {
        case .collectionShows:
            // One element per show: its rows are consecutive (ordered by show, then season and number).
            var group: [[MirrorValue]] = []
            try connection.rows(statement.sql, statement.values) { row throws(TraktQLError) in
                if let show = group.first?[0], show != row[0] {
                    count += 1
                    guard emit(try elements.collectedShow(group), context) else { return false }
                    group = []
                }
                group.append(row)
                return true
            }
            if !stopped, !group.isEmpty {
                count += 1
                _ = emit(try elements.collectedShow(group), context)
            }
        case .listItems:
            try connection.rows(statement.sql, statement.values) { row throws(TraktQLError) in
                var each = context
                each.subject = try elements.objects.object("list", row[0].integer)
                if let list = row[0].integer { perList[list, default: 0] += 1 }
                return emit(try elements.listItem(row), each)
            }
        default:
            try connection.rows(statement.sql, statement.values) { row throws(TraktQLError) in
                count += 1
                let element: Value
                switch statement.route {
                case .history: element = try elements.history(row)
                case .ratings: element = try elements.rating(row)
                case .watchlist: element = try elements.watchlistEntry(row)
                case .collectionMovies: element = try elements.collectedMovie(row)
                case .userComments: element = try elements.comment(row)
                case .lists: element = try elements.list(row)
                default: return false
                }
                return emit(element, context)
            }
        }
        guard let limit = statement.elementLimit, !stopped else { return false }
        return count >= limit || perList.values.contains { $0 >= limit }
    }
}
