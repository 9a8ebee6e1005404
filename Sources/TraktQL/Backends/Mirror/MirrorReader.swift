import Foundation

/// Runs a ``MirrorPlan``: each statement's rows rebuilt into their route's elements
/// (``MirrorElements``), read as v2 reads them (``V2Item``), merged as v2's calls are (one
/// route in its own order; several newest first, ties in route order, de-duplicated:
/// ``MirrorMerge``), then through the shared pipeline (``LocalPipeline``: residual filter,
/// stages as rows stream). Statements are stepped (``MirrorItemStream``) only as far as the
/// pipeline wants rows.
struct MirrorReader {
    let plan: Plan
    let mirror: MirrorPlan
    let now: Date
    /// Whether whole items may be printed (json/ndjson, or a format chosen later).
    var wholeItems = true

    private var schema: V2ItemSchema { V2ItemSchema() }

    func run(on database: any MirrorDatabase) throws(TraktQLError) -> QueryResult {
        try database.read { connection throws(TraktQLError) -> QueryResult in
            let playsAlone = !mirror.merges && mirror.statements.allSatisfy { $0.route == .history }
            let projection = MirrorObjects.projection(for: plan, wholeItems: wholeItems, keepingIDs: !playsAlone)
            var elements = MirrorElements(objects: MirrorObjects(connection: connection, minimal: mirror.minimalObjects, projection: projection))
            // The pipeline a local input uses, without its time window: SQL applied since:/until:.
            let source = LocalSource(path: mirror.location, convention: .utc, since: nil, until: nil, ignoredMinimal: false)
            var pipeline = LocalPipeline(plan: plan, local: source, now: now, schema: schema)
            let statements = mirror.merges ? mirror.statements : Array(mirror.statements.prefix(1))
            var streams: [MirrorItemStream] = []
            // Every statement is finalized before the read transaction ends, however it ends.
            defer { for stream in streams { stream.close() } }
            for (call, statement) in statements.enumerated() {
                streams.append(try MirrorItemStream(statement, user: mirror.user, connection: connection, collapsesPlays: mirror.collapsesPlays,
                                                    keepingTimes: mirror.collapsedPlaysKeepTimes, call: call))
            }
            var stopped = false
            if mirror.readsInSequence {
                // One statement after another, each item with its place in merged order.
                reading: for call in streams.indices {
                    var index = 0
                    while let item = try streams[call].next(&elements) {
                        let position = item.position ?? MergePosition(order: item.order(schema), call: call, index: index)
                        index += 1
                        guard pipeline.accept(item.value, normalized: item.failures, at: position, weight: item.weight) else {
                            stopped = true
                            break reading
                        }
                    }
                }
            } else if !mirror.merges, !streams.isEmpty {
                while let item = try streams[0].next(&elements) {
                    guard pipeline.accept(item.value, normalized: item.failures, at: item.position, weight: item.weight) else {
                        stopped = true
                        break
                    }
                }
            } else {
                var merge = MirrorMerge(streams: streams, schema: schema)
                stopped = try merge.run(&elements) { pipeline.accept($0.value, normalized: $0.failures, weight: $0.weight) }
                streams = merge.streams
            }
            // Whether an element limit cut a statement short: a statement the answer stopped
            // reading is stepped to its end, counting (one page at most); v2 paged it whole too.
            var cut: [MirrorStatement] = []
            for index in streams.indices where streams[index].statement.elementLimit != nil {
                if mirror.merges || !stopped { try streams[index].drain() }
                if (mirror.merges || !stopped), streams[index].isCut { cut.append(streams[index].statement) }
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
}
