/// Which parts of an activity item a query reads: a tree of member names. The streaming reader
/// materialises exactly these and skips everything else without building it.
///
/// A node marked ``whole`` keeps its value entire (a path that ends there, like `show` in
/// `select show`); otherwise only the listed members are kept. Array elements are projected
/// with the node of the array itself (`episodes[0].season` keeps `season` of every element),
/// which is cheap and keeps lookups identical to the ones on the whole item.
///
/// The invariant: for every field the query reads, ``FieldEvaluator`` and ``StageRunner`` give
/// the same answer on the projected item as on the whole item. Object members keep their order
/// and duplicates, so "the first member wins" lookups are unchanged.
public final class Projection: Sendable, CustomStringConvertible {
    /// Keep the whole value.
    public let whole: Bool
    /// The members to keep (when not ``whole``), in a fixed order.
    public let children: [(key: String, node: Projection)]
    /// The same keys as UTF-8, for comparing raw key bytes without building strings.
    let keyBytes: [[UInt8]]
    /// Each key's first eight bytes as a little-endian word (zero-padded), and its length: one
    /// comparison rejects almost every member name.
    let keyWords: [UInt64]
    let keyLengths: [Int]
    /// Bit `min(length, 63)` set for each key's length: most member names are rejected by
    /// their length alone, before any key is compared.
    let lengthMask: UInt64

    init(whole: Bool, children: [(key: String, node: Projection)]) {
        self.whole = whole
        self.children = whole ? [] : children
        self.keyBytes = self.children.map { Array($0.key.utf8) }
        self.keyLengths = keyBytes.map(\.count)
        self.lengthMask = keyLengths.reduce(0) { $0 | Self.lengthBit($1) }
        self.keyWords = keyBytes.map { bytes in
            var word: UInt64 = 0
            for (n, b) in bytes.prefix(8).enumerated() { word |= UInt64(b) << UInt64(8 * n) }
            return word
        }
    }

    @inline(__always) static func lengthBit(_ length: Int) -> UInt64 { 1 << UInt64(min(length, 63)) }

    /// Everything (json/ndjson output of whole items).
    public static let everything = Projection(whole: true, children: [])
    /// Nothing: the reader only validates (after a `limit` is satisfied).
    public static let nothing = Projection(whole: false, children: [])

    public var isNothing: Bool { !whole && children.isEmpty }

    /// `show.title, user.username, episodes.{season, episode}`; `*` for everything.
    public var description: String {
        if whole { return "*" }
        return children.map { child in
            if child.node.whole { return child.key }
            let inner = child.node.children
            if inner.count == 1 { return child.key + "." + child.node.description }
            return child.key + ".{" + child.node.description + "}"
        }.joined(separator: ", ")
    }

    /// `value` with only the members this projection keeps, as ``ProjectingParser`` would
    /// have read it from the same bytes.
    func apply(_ value: Value) -> Value {
        if whole { return value }
        switch value {
        case .object(let members):
            var kept: [(key: String, value: Value)] = []
            for member in members {
                if let child = children.first(where: { $0.key == member.key }) {
                    kept.append((member.key, child.node.apply(member.value)))
                }
            }
            return .object(kept)
        case .array(let elements):
            return .array(elements.map(apply))
        default:
            return value
        }
    }

    // MARK: - Building

    /// The projection a plan needs: what its filters and stages read of each item, through
    /// the backend's `schema`. `wholeItems` when whole items may be printed (json/ndjson
    /// output and no stage that reshapes rows); `extra` members are kept in any case.
    static func forPlan(_ plan: Plan, schema: any ItemSchema, wholeItems: Bool, alsoKeeping extra: [[String]] = []) -> Projection {
        var builder = Builder(schema: schema)
        for path in extra { builder.add(path) }
        var reshaped = false
        for filter in plan.residual { builder.add(filter) }
        for stage in plan.stages {
            switch stage {
            case .filter(let e): builder.add(e)
            case .select(let columns):
                columns.forEach { builder.add($0.field) }
                reshaped = true
            case .sort(let keys): keys.forEach { builder.add($0.field) }
            case .limit: break
            case .count(let by):
                by.forEach { builder.add($0) }
                reshaped = true
            case .distinct(let fields):
                fields.forEach { builder.add($0) }
                reshaped = true
            case .stats(let spec):
                spec.fieldsRead.forEach { builder.add($0) }
                reshaped = true
            case .chart:
                break
            case .flatten:
                schema.flattenMembers.forEach { builder.add($0) }
                // Flatten keeps the episodes the season/episode conditions accept.
                plan.episodeFilters.forEach { builder.add($0) }
            }
            if reshaped { break }  // later stages read columns, not items
        }
        if !reshaped {
            if wholeItems { return .everything }
            for name in QueryResult.defaultColumns {
                switch name {
                case "action", "type": builder.add([name])
                default: builder.add(FieldReference(target: .virtual(name), name: name))
                }
            }
        }
        return builder.root.freeze()
    }

    /// A mutable tree while collecting paths.
    struct Builder {
        final class Node {
            var whole = false
            var children: [(String, Node)] = []

            func child(_ key: String) -> Node {
                if let existing = children.first(where: { $0.0 == key }) { return existing.1 }
                let node = Node()
                children.append((key, node))
                return node
            }

            func freeze() -> Projection {
                Projection(whole: whole, children: children.map { ($0.0, $0.1.freeze()) })
            }
        }

        var schema: any ItemSchema
        var root = Node()

        /// A path of member names; indices are dropped (elements share their array's node).
        mutating func add(_ keys: [String]) {
            var node = root
            if node.whole { return }
            for key in keys {
                node = node.child(key)
                if node.whole { return }
            }
            node.whole = true
            node.children = []
        }

        mutating func add(_ reference: FieldReference) {
            for path in schema.members(readBy: reference) { add(path) }
        }

        mutating func add(_ expression: CheckedExpression) {
            switch expression {
            case .field(let reference): add(reference)
            case .value: break
            case .list(let items): items.forEach { add($0) }
            case .not(let inner): add(inner)
            case .binary(_, let l, let r):
                add(l)
                add(r)
            }
        }

        mutating func add(_ filter: ResidualFilter) {
            for path in schema.members(readBy: filter) { add(path) }
        }
    }
}
