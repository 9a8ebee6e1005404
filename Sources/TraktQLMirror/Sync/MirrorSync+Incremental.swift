import Foundation
import TraktQL

/// Later syncs: only what is new, checked against the server's counts and ids; any sign of a
/// removal (or of a change the new rows do not explain) reads the section in full.
extension MirrorSync {
    func incremental(_ section: MirrorSection, remote: String?) async throws -> MirrorSyncReport.Section {
        switch section {
        case .history: return try await historyWindow(remote: remote)
        case .ratings, .collection:
            if account.own { return try await headRead(section, remote: remote) }
            return try await fullRead(section, remote: remote)
        default:
            // Watchlist, lists and comments are small (a page or two), and their changes (ranks,
            // edits, items of a list) are not newest-first: read again when they moved.
            return try await fullRead(section, remote: remote)
        }
    }

    /// History from `start_at` = the newest saved `watched_at` minus ``historyOverlap``.
    ///
    /// Checked: every saved play in the window must still be there (else a removal), the window's
    /// `X-Pagination-Item-Count` must equal the plays received, and (own account) the move of
    /// `watched_at` must be explained by at least one new play; a public account's total is
    /// compared with one more call (`limit=1`). Any failed check reads history in full.
    private func historyWindow(remote: String?) async throws -> MirrorSyncReport.Section {
        let callsBefore = client.calls
        guard let newest = try store.read({ db in try db.int64("SELECT max(watched_at) FROM history") }) else {
            return try await fullRead(.history, remote: remote)
        }
        let start = (newest - Self.historyOverlap) / 1000 * 1000
        let path = MirrorSection.history.routes(user: account.own ? nil : account.user)[0].path
        let startText = V2Time.string(Date(timeIntervalSince1970: Double(start) / 1000))
        var elements: [Value] = []
        var windowCount: Int?
        for page in 1...Self.maximumPages {
            try Task.checkCancellation()
            let (body, response) = try await client.get(path, query: [("start_at", startText), ("page", String(page)),
                                                                       ("limit", String(Self.pageLimit)), ("extended", "full")])
            guard case .array(let list) = body else { throw MirrorError("GET \(path): not a JSON array") }
            if page == 1 { windowCount = MirrorClient.headerInt(response, "x-pagination-item-count") }
            elements += list
            report(.history, page: page, response: response, items: list.count)
            if MirrorClient.isLastPage(count: list.count, limit: Self.pageLimit, page: page, response: response) { break }
        }
        var rows: [Int64: MirrorRow] = [:]
        var objects: [MirrorObject] = []
        for element in elements {
            let parts = try MirrorDecomposition.decompose(element, route: .history)
            for row in parts.rows { rows[row.int("id") ?? 0] = row }
            objects += parts.objects
        }
        let local = Set(try store.read { db in
            try db.int64s("SELECT id FROM history WHERE watched_at >= ?", [(start).sqliteValue])
        })
        let fresh = Set(rows.keys).subtracting(local)
        let gone = local.subtracting(rows.keys)
        func again(_ why: String) async throws -> MirrorSyncReport.Section {
            var outcome = try await fullRead(.history, remote: remote, note: why)
            outcome.calls = client.calls - callsBefore
            return outcome
        }
        if !gone.isEmpty { return try await again("\(gone.count) saved play\(gone.count == 1 ? " was" : "s were") removed: read in full") }
        if let windowCount, windowCount != rows.count {
            return try await again("the server counts \(windowCount) plays since \(startText), \(rows.count) came: read in full")
        }
        if account.own, fresh.isEmpty {
            return try await again("history moved without a new play (a removal, or a play added before the last sync's newest): read in full")
        }
        if !account.own {
            let (_, response) = try await client.get(path, query: [("page", "1"), ("limit", "1")])
            let localTotal = try store.read { db in try db.int("SELECT count(*) FROM history") ?? 0 }
            if let total = MirrorClient.headerInt(response, "x-pagination-item-count"), total != localTotal + fresh.count {
                return try await again("the server counts \(total) plays, the mirror would have \(localTotal + fresh.count): read in full")
            }
        }
        var outcome = MirrorSyncReport.Section(section: .history)
        outcome.read = .incremental
        outcome.added = fresh.count
        let now = Self.millis(options.clock())
        try store.write { db in
            for object in objects { try object.upsert(db) }
            for id in fresh { try rows[id]!.insert(db) }
            try Self.saveSection(.history, remote: remote, syncedAt: now, db)
            outcome.rows = try Self.rowCount(.history, db)
        }
        outcome.calls = client.calls - callsBefore
        return outcome
    }

    /// Ratings and collection, newest first: pages until one reaches back past the newest saved
    /// time (minus the overlap). Every element read replaces its row(s); the server's item count
    /// must then equal the mirror's (else something was removed), and at least one row must be
    /// new or changed (else the move is not explained). Either failing reads the section in full.
    private func headRead(_ section: MirrorSection, remote: String?) async throws -> MirrorSyncReport.Section {
        let callsBefore = client.calls
        var replacements: [(route: V2Route, rows: [MirrorRow], objects: [MirrorObject], showKey: Int64?)] = []
        var problems: [String] = []
        for (route, path) in section.routes(user: nil) {
            let (table, timeColumn, filter, countSQL) = Self.headShape(route)
            let newest = try store.read { db in try db.int64("SELECT max(\(timeColumn)) FROM \(table) \(filter)") }
            guard let newest else { return try await fullRead(section, remote: remote, note: "nothing saved of \(route.rawValue)") }
            let stop = newest - Self.historyOverlap
            var serverTotal: Int?
            pages: for page in 1...Self.maximumPages {
                try Task.checkCancellation()
                let (body, response) = try await client.get(path, query: [("page", String(page)), ("limit", String(Self.pageLimit)),
                                                                           ("extended", "full")])
                guard case .array(let list) = body else { throw MirrorError("GET \(path): not a JSON array") }
                if page == 1 { serverTotal = MirrorClient.headerInt(response, "x-pagination-item-count") }
                report(section, page: page, response: response, items: list.count)
                var oldest = Int64.max
                for element in list {
                    let parts = try MirrorDecomposition.decompose(element, route: route)
                    let showKey = route == .collectionShows ? parts.objects.first?.trakt : nil
                    replacements.append((route, parts.rows, parts.objects, showKey))
                    let time = route == .collectionShows
                        ? (element["last_collected_at"].flatMap { try? MirrorDecomposition.milliseconds($0, key: "", route: route) } ?? .min)
                        : parts.rows.compactMap { $0.int(timeColumn) }.min() ?? .min
                    oldest = min(oldest, time)
                }
                if oldest < stop || MirrorClient.isLastPage(count: list.count, limit: Self.pageLimit, page: page, response: response) { break pages }
            }
            guard let serverTotal else { problems.append("no item count for \(route.rawValue)"); continue }
            // What the mirror would count after the replacements.
            let (localTotal, fresh) = try store.read { db -> (Int, Int) in
                let total = try db.int(countSQL) ?? 0
                var fresh = 0
                for r in replacements where r.route == route {
                    if let show = r.showKey {
                        if try db.int("SELECT count(*) FROM collection WHERE type = 'episode' AND show = ?", [(show).sqliteValue]) == 0 { fresh += 1 }
                    } else if let row = r.rows.first, try !Self.exists(row, db) {
                        fresh += 1
                    }
                }
                return (total, fresh)
            }
            if serverTotal != localTotal + fresh {
                problems.append("the server counts \(serverTotal) \(route.rawValue), the mirror would have \(localTotal + fresh)")
            }
        }
        if let problem = problems.first { return try await fullRead(section, remote: remote, note: problem + ": read in full") }
        let changed = try store.read { db in
            var changed: [(route: V2Route, rows: [MirrorRow], objects: [MirrorObject], showKey: Int64?)] = []
            for r in replacements {
                var differs = false
                for row in r.rows where try !Self.isSaved(row, db) { differs = true }
                if let show = r.showKey, try Self.showRowsDiffer(show, r.rows, db) { differs = true }
                if differs { changed.append(r) }
            }
            return changed
        }
        if changed.isEmpty { return try await fullRead(section, remote: remote, note: "\(section.rawValue) moved without a new or changed row: read in full") }
        var outcome = MirrorSyncReport.Section(section: section)
        outcome.read = .incremental
        let now = Self.millis(options.clock())
        try store.write { db in
            let before = try Self.rowCount(section, db)
            for r in changed {
                for object in r.objects { try object.upsert(db) }
                if let show = r.showKey {
                    _ = try db.execute("DELETE FROM collection WHERE type = 'episode' AND show = ?", [(show).sqliteValue])
                }
                for row in r.rows { try row.insert(db) }
            }
            try Self.saveSection(section, remote: remote, syncedAt: now, db)
            outcome.rows = try Self.rowCount(section, db)
            outcome.added = max(0, outcome.rows - before)
            outcome.removed = max(0, before - outcome.rows)
        }
        outcome.calls = client.calls - callsBefore
        return outcome
    }

    /// For a newest-first route: its table, time column, the rows that are its, and how many it has.
    private static func headShape(_ route: V2Route) -> (table: String, time: String, filter: String, count: String) {
        switch route {
        case .ratings: return ("ratings", "rated_at", "", "SELECT count(*) FROM ratings")
        case .collectionMovies:
            return ("collection", "collected_at", "WHERE type = 'movie'", "SELECT count(*) FROM collection WHERE type = 'movie'")
        default:
            return ("collection", "collected_at", "WHERE type = 'episode'", "SELECT count(DISTINCT show) FROM collection WHERE type = 'episode'")
        }
    }

    /// Whether a row with `row`'s key is saved.
    private static func exists(_ row: MirrorRow, _ db: SQLiteConnection) throws -> Bool {
        let (condition, arguments) = keyCondition(row)
        return try db.int("SELECT count(*) FROM \(row.table.rawValue) WHERE \(condition)", arguments) ?? 0 > 0
    }

    /// Whether `row` is saved exactly (every column equal).
    private static func isSaved(_ row: MirrorRow, _ db: SQLiteConnection) throws -> Bool {
        let (condition, arguments) = keyCondition(row)
        guard let saved = try db.namedRows("SELECT * FROM \(row.table.rawValue) WHERE \(condition)", arguments).first else { return false }
        return row.columns.allSatisfy { name, value in saved[name] == value }
    }

    /// Whether a collected show's saved episodes differ from `rows` (one removed, …).
    private static func showRowsDiffer(_ show: Int64, _ rows: [MirrorRow], _ db: SQLiteConnection) throws -> Bool {
        let saved = try db.int("SELECT count(*) FROM collection WHERE type = 'episode' AND show = ?", [(show).sqliteValue]) ?? 0
        return saved != rows.count
    }

    private static func keyCondition(_ row: MirrorRow) -> (String, [SQLiteValue]) {
        switch row.table {
        case .ratings, .collection: return ("type = ? AND item = ?", [row.columns["type"] ?? .null, row.columns["item"] ?? .null])
        case .lists: return ("trakt = ?", [row.columns["trakt"] ?? .null])
        default: return ("id = ?", [row.columns["id"] ?? .null])
        }
    }

    /// One page's progress.
    func report(_ section: MirrorSection, page: Int, response: HTTPResponse, items: Int) {
        let total = tracker.add(items)
        options.progress?(MirrorProgress(section: section, page: page, pages: MirrorClient.headerInt(response, "x-pagination-page-count"),
                                         items: total, calls: client.calls, eta: nil))
    }
}
