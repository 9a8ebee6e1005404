import Foundation

/// The shows, movies, seasons, episodes and lists a query's rows refer to, each read from
/// `objects` and parsed once per query, then shared by every item that carries it.
struct MirrorObjects {
    let connection: any MirrorConnection
    /// Objects as v2 sends them without `extended=full`.
    let minimal: Bool
    /// What of an item's own show, episode and movie the query reads (``Projection/forPlan(_:schema:wholeItems:alsoKeeping:)``):
    /// once a stage reshapes rows, only those members are kept, so that 50,000 plays do not
    /// each carry (and normalise) two full objects. Their ids are always kept: items without
    /// an id of their own (ratings, collected items) are told apart by their content.
    let projection: Projection
    private var cache: [Key: Value] = [:]
    /// Item objects as ``normalized(_:_:)`` gives them, with what their normalisation could not read.
    private var normalizedCache: [Key: (object: Value, failures: [ItemNormalizer.Failure])] = [:]
    /// ``parsing(_:_:)``'s projections, made once per kind and wanted projection.
    private var parsings: [ParsingKey: Projection] = [:]
    /// The parser of the last object read, kept for its caches (``Projection/parse(_:reusing:)``).
    private var parser: ProjectingParser?
    /// Texts read ahead (``prefetch(_:_:)``), each taken when its object is first looked up.
    private var prefetched: [Key: String] = [:]

    private struct ParsingKey: Hashable {
        var kind: String
        var keeping: ObjectIdentifier
    }

    /// Looked up twice per row of a play query: a kind's first letters and the conversion
    /// flag in one integer beside the id, so that no String is hashed.
    private struct Key: Hashable {
        var kind: UInt64
        var trakt: Int64

        init(kind: String, trakt: Int64, converted: Bool) {
            self.kind = Self.code(kind) | (converted ? 1 << 63 : 0)
            self.trakt = trakt
        }

        /// A kind's first seven bytes in one word; the kinds items carry without reading their bytes.
        static func code(_ kind: String) -> UInt64 {
            switch kind {
            case "episode": return episode
            case "show": return show
            case "movie": return movie
            default: return bytes(kind)
            }
        }

        private static let episode = bytes("episode"), show = bytes("show"), movie = bytes("movie")

        private static func bytes(_ kind: String) -> UInt64 {
            var code: UInt64 = 0
            var taken = 0
            for byte in kind.utf8 where taken < 7 {
                code = code << 8 | UInt64(byte)
                taken += 1
            }
            return code
        }

        init(code: UInt64, trakt: Int64) {
            self.kind = code
            self.trakt = trakt
        }
    }

    /// The kinds of an item's own objects of which the query reads nothing: each item carries
    /// `{}` for them, with no lookup (`stats count by month(time)` reads no show or episode).
    private let unread: (show: Bool, episode: Bool, movie: Bool)

    init(connection: any MirrorConnection, minimal: Bool, projection: Projection = .everything) {
        self.connection = connection
        self.minimal = minimal
        self.projection = projection
        self.unread = (Self.readsNothing(of: "show", in: projection), Self.readsNothing(of: "episode", in: projection),
                       Self.readsNothing(of: "movie", in: projection))
    }

    /// Whether `projection` keeps nothing of an item's own `kind` object: ``object(_:_:converted:)``
    /// then gives `{}` without looking it up.
    private static func readsNothing(of kind: String, in projection: Projection) -> Bool {
        !projection.whole && (projection.children.first(where: { $0.key == kind })?.node.isNothing ?? true)
    }

    /// The projection of a plan's items, keeping the ids of the objects they carry when
    /// `keepingIDs`: where items may be told apart by their content (a merge of routes; ratings
    /// and collected items have no id of their own). Plays alone are not: each has its id and
    /// one statement's rows are distinct, so a play query reads only what it uses of its
    /// objects, and none at all when it uses nothing of them (`stats count by hour(time)`).
    static func projection(for plan: Plan, wholeItems: Bool, keepingIDs: Bool = true) -> Projection {
        let schema = V2ItemSchema()
        let ids = keepingIDs ? ["show", "movie", "episode", "season"].map { [$0, "ids"] } : []
        return Projection.forPlan(plan, schema: schema, wholeItems: wholeItems, alsoKeeping: schema.identityMembers + ids)
    }

    /// The members v2 sends without `extended=full`, per kind (the rest only with it).
    static let minimalMembers: [String: Set<String>] = [
        "show": ["title", "year", "ids"],
        "movie": ["title", "year", "ids"],
        "episode": ["season", "number", "title", "ids"],
        "season": ["number", "ids"],
    ]

    /// The object, `.null` when the mirror lacks it. `converted`: with `first_aired` and
    /// `released` as Unix seconds, as ``V2Item`` makes them on an item's own show, episode
    /// or movie (an object nested deeper, a list item's, keeps v2's ISO text).
    mutating func object(_ kind: String, _ trakt: Int64?, converted: Bool = true) throws(TraktQLError) -> Value {
        guard let trakt else { return .null }
        let convert = converted && (kind == "show" || kind == "episode" || kind == "movie")
        let key = Key(kind: kind, trakt: trakt, converted: convert)
        if let known = cache[key] { return known }
        var object: Value
        if convert && projection.whole {
            object = try self.object(kind, trakt, converted: false)
            object = V2Item.convertV1Kinds(.object([(kind, object)]))[kind] ?? .null
        } else if convert {
            // Only what the query reads of it is built (an item's objects are read once per
            // query, but a year of plays refers to thousands of episodes).
            if let keep = projection.children.first(where: { $0.key == kind })?.node, !keep.isNothing {
                object = try self.object(kind, trakt, keeping: keep)
            } else {
                // Nothing of it is read: not even looked up (an item would carry `{}`).
                object = .object([])
            }
            object = V2Item.convertV1Kinds(.object([(kind, object)]))[kind] ?? .null
        } else {
            object = try self.object(kind, trakt, keeping: .everything)
        }
        cache[key] = object
        return object
    }

    /// The object as stored, with the members `keeping` names (and, for ``minimal`` objects,
    /// only those v2 sends without `extended=full`); `.null` when the mirror lacks it.
    private mutating func object(_ kind: String, _ trakt: Int64, keeping: Projection) throws(TraktQLError) -> Value {
        var text = prefetched.isEmpty ? nil : prefetched.removeValue(forKey: Key(kind: kind, trakt: trakt, converted: false))
        if text == nil {
            try connection.rows(MirrorPlan.objectSQL, [.text(kind), .integer(trakt)]) { row throws(TraktQLError) in
                text = row.first?.text
                return false
            }
        }
        guard let text else { return .null }
        let projection = parsing(kind, keeping)
        do {
            return try projection.parse(text, reusing: &parser)
        } catch {
            throw Self.invalid(error, what: "\(kind) \(trakt)")
        }
    }

    /// Reads ahead, in one pass over the range of their ids, the `kind` objects among `ids`
    /// that ``normalized(_:_:)`` will look up for items' own objects, when a reader knows them
    /// all before the first item (plays read as one know every group first) and they are
    /// many: a year of plays refers to thousands of episodes, and one statement stepping
    /// through them costs a third of looking each up. Rows of the range that are not wanted
    /// are stepped over without being read. An id the mirror lacks is looked up again (and
    /// answers `.null`), as before.
    mutating func prefetch(_ kind: String, _ ids: some Sequence<Int64>) throws(TraktQLError) {
        // Only objects that would be looked up: something of the kind is read, and not yet.
        if Self.readsNothing(of: kind, in: projection) { return }
        let ids = Set(ids)
        guard ids.count >= Self.prefetchAtLeast, let low = ids.min(), let high = ids.max() else { return }
        let cursor = try connection.cursor(Self.prefetchSQL, [.text(kind), .integer(low), .integer(high)])
        defer { cursor.close() }
        let code = Key.code(kind)
        while let entry = try cursor.next({ (row: any MirrorCurrentRow) -> (trakt: Int64, text: String?)? in
            guard let trakt = row.integer(0), ids.contains(trakt) else { return nil }
            return (trakt, row.value(1).text)
        }) {
            guard let (trakt, text) = entry, let text else { continue }
            let key = Key(code: code, trakt: trakt)
            if cache[Key(kind: kind, trakt: trakt, converted: true)] == nil { prefetched[key] = text }
        }
    }

    /// Fewer objects than this are looked up one by one.
    static let prefetchAtLeast = 64

    /// How `explain` says it.
    static let prefetchNote = "when \(prefetchAtLeast) or more of a kind: \(prefetchSQL) (rows no group refers to stepped over)"

    static let prefetchSQL = "SELECT trakt, json FROM objects WHERE kind = ? AND trakt BETWEEN ? AND ? ORDER BY trakt"

    /// What is built of a `kind` object when `keeping` is wanted: for ``minimal`` objects, only
    /// the members v2 sends without `extended=full` are, as a projection (the rest is checked,
    /// not built).
    private mutating func parsing(_ kind: String, _ keeping: Projection) -> Projection {
        guard minimal, let keep = Self.minimalMembers[kind] else { return keeping }
        let key = ParsingKey(kind: kind, keeping: ObjectIdentifier(keeping))
        if let known = parsings[key] { return known }
        let children = keeping.whole ? keep.sorted().map { (key: $0, node: Projection.everything) } : keeping.children.filter { keep.contains($0.key) }
        let projection = Projection(whole: false, children: children)
        parsings[key] = projection
        return projection
    }

    /// An item's own show, episode or movie (``object(_:_:converted:)``) normalised as the
    /// item's member `kind` (``ItemNormalizer``), once per query instead of once per play that
    /// carries it, with the values it could not read (each play repeats them, as the
    /// normaliser would have found them in each).
    mutating func normalized(_ kind: String, _ trakt: Int64?) throws(TraktQLError) -> (object: Value, failures: [ItemNormalizer.Failure]) {
        guard let trakt else { return (.null, []) }
        switch kind {
        case "show" where unread.show, "episode" where unread.episode, "movie" where unread.movie:
            // As ``object(_:_:converted:)`` gives it (`{}`, nothing to normalise), without the lookups.
            return (Self.unreadObject, [])
        default: break
        }
        let key = Key(kind: kind, trakt: trakt, converted: true)
        if let known = normalizedCache[key] { return known }
        var wrapped = Value.object([(kind, try object(kind, trakt))])
        let failures = ItemNormalizer.normalize(&wrapped)
        let entry = (object: wrapped[kind] ?? .null, failures: failures)
        normalizedCache[key] = entry
        return entry
    }

    private static let unreadObject = Value.object([])

    /// A JSON text of the mirror (an object, `extra`, a comment).
    static func parse(_ text: String, what: String) throws(TraktQLError) -> Value {
        do {
            return try JSONReader.parse(text)
        } catch {
            throw invalid(error, what: what)
        }
    }

    static func invalid(_ error: JSONParseError, what: String) -> TraktQLError {
        .usage("the mirror's \(what) is not valid JSON (\(error.description)): run `traktql sync --full` to read it again")
    }
}
