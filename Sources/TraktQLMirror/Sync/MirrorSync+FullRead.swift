import Foundation
import TraktQL

/// Reading a section in full: page by page into `sync_pending`, then swapped in whole.
extension MirrorSync {
    /// The pending marker of a section: the `/sync/last_activities` members its pages were
    /// read under. Pages left by an earlier run are reused only under the same marker (the
    /// section has not moved since, so page N is still page N); a public account (`--user`,
    /// no such times) reuses them for an hour.
    private func marker(remote: String?) -> String {
        if let remote { return MirrorDecomposition.json(.object([("remote", .string(remote))])) }
        return MirrorDecomposition.json(.object([("hour", .int(Self.millis(started) / 3_600_000))]))
    }

    func fullRead(_ section: MirrorSection, remote: String?, note: String? = nil) async throws -> MirrorSyncReport.Section {
        let callsBefore = client.calls
        let marker = marker(remote: remote)
        try store.write { db in
            let stored = try db.string("SELECT body FROM sync_pending WHERE section = ? AND route = '#' AND page = 0", [(section.rawValue).sqliteValue])
            if stored != marker {
                _ = try db.execute("DELETE FROM sync_pending WHERE section = ?", [(section.rawValue).sqliteValue])
                _ = try db.execute("INSERT INTO sync_pending (section, route, page, body) VALUES (?, '#', 0, ?)", [(section.rawValue).sqliteValue, (marker).sqliteValue])
            }
        }
        // Every route read in this run: its path → what its elements are.
        var read: [String: (route: V2Route, list: Int64?)] = [:]
        for (route, path) in section.routes(user: account.own ? nil : account.user) {
            try await readPages(section, route: route, path: path, list: nil, paged: route != .lists)
            read[path] = (route, nil)
            if route == .lists {
                let owner = "/users/" + (account.own ? "me" : MirrorSection.pathSegment(account.user))
                for list in try pendingElements(section, path: path).compactMap({ $0["ids"]?["trakt"]?.intValue }) {
                    let itemsPath = owner + "/lists/\(list)/items"
                    try await readPages(section, route: .listItems, path: itemsPath, list: list, paged: true)
                    read[itemsPath] = (.listItems, list)
                }
            }
        }
        try Task.checkCancellation()
        let now = Self.millis(options.clock())
        var outcome = MirrorSyncReport.Section(section: section)
        outcome.read = .full
        outcome.note = note
        try store.write { db in
            let before = try Self.rowCount(section, db)
            for table in section.tables { _ = try db.execute("DELETE FROM \(table.rawValue)") }
            let pages = try db.rows("SELECT route, body FROM sync_pending WHERE section = ? AND route <> '#' ORDER BY route, page",
                                    [.text(section.rawValue)]).map { (path: $0[0].text ?? "", body: $0[1].text ?? "") }
            // The list index first: list items refer to their list.
            let isIndex: ((path: String, body: String)) -> Bool = { read[$0.path]?.route == .lists }
            for page in pages.filter(isIndex) + pages.filter({ !isIndex($0) }) {
                let path = page.path
                guard let (route, list) = read[path] else { continue }  // a list that is gone
                for element in try Self.elements(page.body, path: path) {
                    for mirrorRow in try MirrorDecomposition.decompose(element, route: route, list: list).rows { try mirrorRow.insert(db) }
                }
            }
            outcome.rows = try Self.rowCount(section, db)
            outcome.added = max(0, outcome.rows - before)
            outcome.removed = max(0, before - outcome.rows)
            try Self.saveSection(section, remote: remote, syncedAt: now, db)
            _ = try db.execute("DELETE FROM sync_pending WHERE section = ?", [(section.rawValue).sqliteValue])
        }
        outcome.calls = client.calls - callsBefore
        return outcome
    }

    /// Pages `path` into `sync_pending`, skipping pages an earlier run saved under the same marker.
    private func readPages(_ section: MirrorSection, route: V2Route, path: String, list: Int64?, paged: Bool) async throws {
        let limit = Self.pageLimit
        let routeStarted = Date()
        var fetched = 0
        var pageCount: Int?
        for page in 1...Self.maximumPages {
            try Task.checkCancellation()
            if let body = try store.read({ db in
                try db.string("SELECT body FROM sync_pending WHERE section = ? AND route = ? AND page = ?", [(section.rawValue).sqliteValue, (path).sqliteValue, (page).sqliteValue])
            }) {
                let count = try Self.elements(body, path: path).count
                if !paged || count < limit { return }
                continue
            }
            let query: [(String, String)] = paged ? [("page", String(page)), ("limit", String(limit)), ("extended", "full")] : [("extended", "full")]
            let (body, response) = try await client.get(path, query: query)
            guard case .array(let elements) = body else { throw MirrorError("GET \(path): not a JSON array") }
            // Objects now (they are shared); the page with its objects reduced to their ids.
            var slim: [Value] = []
            // A page's plays share few shows: each object is upserted once per page.
            var objects: [String: MirrorObject] = [:]
            for element in elements {
                for object in try MirrorDecomposition.decompose(element, route: route, list: list ?? 0).objects {
                    objects["\(object.kind)/\(object.trakt)"] = object
                }
                slim.append(route == .lists ? element : Self.slimmed(element))
            }
            try store.write { db in
                for object in objects.values { try object.upsert(db) }
                _ = try db.execute("INSERT OR REPLACE INTO sync_pending (section, route, page, body) VALUES (?, ?, ?, ?)", [(section.rawValue).sqliteValue, (path).sqliteValue, (page).sqliteValue, (MirrorDecomposition.json(.array(slim))).sqliteValue])
            }
            fetched += 1
            pageCount = MirrorClient.headerInt(response, "x-pagination-page-count") ?? pageCount
            let items = tracker.add(elements.count)
            if let progress = options.progress {
                var eta: TimeInterval?
                if let pageCount, pageCount > page { eta = Date().timeIntervalSince(routeStarted) / Double(fetched) * Double(pageCount - page) }
                progress(MirrorProgress(section: section, page: page, pages: pageCount, items: items, calls: client.calls, eta: eta))
            }
            if !paged || MirrorClient.isLastPage(count: elements.count, limit: limit, page: page, response: response) { return }
        }
        throw MirrorError("GET \(path): more than \(Self.maximumPages) pages; stopped")
    }

    /// The elements of the pending pages of `path`, in page order.
    func pendingElements(_ section: MirrorSection, path: String) throws -> [Value] {
        let bodies = try store.read { db in
            try db.rows("SELECT body FROM sync_pending WHERE section = ? AND route = ? ORDER BY page", [(section.rawValue).sqliteValue, (path).sqliteValue]).compactMap { $0.first?.text }
        }
        return try bodies.flatMap { try Self.elements($0, path: path) }
    }

    static func elements(_ body: String, path: String) throws -> [Value] {
        guard case .array(let elements) = try JSONReader.parse(body) else { throw MirrorError("a saved page of \(path) is not a JSON array") }
        return elements
    }

    /// `element` with each carried object reduced to what its row needs (`ids.trakt`, and a
    /// season's or episode's numbers): the full objects are in `objects` already.
    static func slimmed(_ element: Value) -> Value {
        guard case .object(var members) = element else { return element }
        for index in members.indices where MirrorDecomposition.carriedKeys.contains(members[index].key) {
            let object = members[index].value
            guard let trakt = object["ids"]?["trakt"] else { continue }
            var slim: [(key: String, value: Value)] = [("ids", .object([("trakt", trakt)]))]
            for key in ["season", "number"] { if let value = object[key] { slim.append((key, value)) } }
            members[index].value = .object(slim)
        }
        return .object(members)
    }

    /// Rows of a section's tables.
    static func rowCount(_ section: MirrorSection, _ db: SQLiteConnection) throws -> Int {
        var total = 0
        for table in section.tables { total += try db.int("SELECT count(*) FROM \(table.rawValue)") ?? 0 }
        return total
    }

    /// The section's `sync_sections` row, in the transaction that saved its rows.
    static func saveSection(_ section: MirrorSection, remote: String?, syncedAt: Int64, _ db: SQLiteConnection) throws {
        let maxID: Int64? = section == .history ? try db.int64("SELECT max(id) FROM history") : nil
        _ = try db.execute("""
            INSERT OR REPLACE INTO sync_sections (section, remote, synced_at, item_count, max_id) VALUES (?, ?, ?, ?, ?)
            """, [(section.rawValue).sqliteValue, (remote).sqliteValue, (syncedAt).sqliteValue, (try rowCount(section, db)).sqliteValue, (maxID).sqliteValue])
    }
}
