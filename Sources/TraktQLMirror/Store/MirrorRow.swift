import TraktQL

/// One row of a section table (`history`, `ratings`, `watchlist`, `collection`, `lists`,
/// `list_items`, `comments`), column by column, as ``MirrorDecomposition`` made it from one v2
/// element.
struct MirrorRow: Sendable, Equatable {
    /// The table it goes to.
    var table: MirrorTable
    /// Column name → value (columns left out are NULL, or their default: `extra` is `{}`).
    var columns: [String: SQLiteValue]

    init(_ table: MirrorTable, _ columns: [String: SQLiteValue]) {
        self.table = table
        self.columns = columns
    }

    /// `INSERT OR REPLACE`: a row with the same key (history id, rating's type and item, …) is
    /// the same element seen again, newer.
    func insert(_ db: SQLiteConnection) throws {
        let names = columns.keys.sorted()
        let sql = "INSERT OR REPLACE INTO \(table.rawValue) (\(names.joined(separator: ", "))) VALUES (\(Array(repeating: "?", count: names.count).joined(separator: ", ")))"
        _ = try db.execute(sql, names.map { columns[$0]! })
    }

    /// The value of `column` as an integer (nil when NULL or absent).
    func int(_ column: String) -> Int64? {
        columns[column]?.integer
    }

    /// The key that identifies the element in its table, for de-duplication and comparison.
    var key: String {
        switch table {
        case .history, .watchlist, .listItems, .comments: return "\(int("id") ?? 0)"
        case .ratings, .collection:
            return "\(columns["type"]?.text ?? "")/\(int("item") ?? 0)"
        case .lists: return "\(int("trakt") ?? 0)"
        }
    }
}

/// The section tables of ``MirrorSchema``.
enum MirrorTable: String, Sendable, CaseIterable {
    case history, ratings, watchlist, collection, lists
    case listItems = "list_items"
    case comments
}

/// A show, movie, season, episode, list or person as v2 sent it, for the `objects` table: stored
/// once, referred to by its Trakt id from every row that carries it.
struct MirrorObject: Sendable, Equatable {
    var kind: String
    var trakt: Int64
    var slug: String?
    var title: String?
    var year: Int64?
    var runtime: Int64?
    var showTrakt: Int64?
    var season: Int64?
    var number: Int64?
    /// The object as compact JSON.
    var json: String

    /// Upserts it. An object already stored is replaced unless the new one has fewer members
    /// (an export's minimal `{title, year, ids}` never overwrites the `extended=full` one a sync
    /// saved; a sync's newer full object replaces an older one).
    func upsert(_ db: SQLiteConnection) throws {
        _ = try db.execute("""
            INSERT INTO objects (kind, trakt, slug, title, year, runtime, show_trakt, season, number, json)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (kind, trakt) DO UPDATE SET
                slug = excluded.slug, title = excluded.title, year = excluded.year, runtime = excluded.runtime,
                show_trakt = coalesce(excluded.show_trakt, objects.show_trakt), season = excluded.season,
                number = excluded.number, json = excluded.json
            WHERE (SELECT count(*) FROM json_each(excluded.json)) >= (SELECT count(*) FROM json_each(objects.json))
            """, [kind.sqliteValue, trakt.sqliteValue, slug.sqliteValue, title.sqliteValue, year.sqliteValue, runtime.sqliteValue,
                  showTrakt.sqliteValue, season.sqliteValue, number.sqliteValue, json.sqliteValue])
    }
}
