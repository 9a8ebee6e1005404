/// The fields a backend's items can have, per item type, plus the virtual ones every backend
/// answers (`time`, `who`, `title`…).
///
/// Each backend contributes its own catalog through its ``ItemSchema/fields``: a field's type
/// is what that backend's items hold (`rating` is love/hate text on v1 and a number 1–10 on
/// v2). Stage field paths are checked against it, with did-you-mean, and every column a stage
/// makes carries the kind of the field it came from. Array elements are declared with `[]`
/// (`episodes[].season`); an object path (`show`) is valid wherever its leaves are.
public struct FieldCatalog: Sendable {
    public enum Kind: String, Sendable {
        case string, integer, number, bool, instant, duration, object, array, any
    }

    public struct Field: Sendable {
        public var path: String
        public var kind: Kind
        public var itemTypes: Set<ItemType>
        public var summary: String

        public init(path: String, kind: Kind, itemTypes: Set<ItemType>, summary: String = "") {
            self.path = path
            self.kind = kind
            self.itemTypes = itemTypes
            self.summary = summary
        }
    }

    /// The item fields (not the virtual ones).
    public let itemFields: [Field]
    /// Path → kind, for declared leaves and virtual fields.
    let kindByPath: [String: Kind]
    /// What the checker needs of a path, found with one hash lookup.
    let entriesByPath: [String: PathEntry]
    /// The names a field path may be completed with, for completion and did-you-mean.
    public let allPaths: [String]

    /// A catalog of `itemFields` and the virtual fields.
    public init(itemFields: [Field]) {
        self.itemFields = itemFields
        // Built at every start (three catalogs: v1, v2 and both): types as bits and prefixes
        // as slices of the path, not sets and strings made per part.
        var types: [String: ItemTypeSet] = [:]
        var kinds: [String: Kind] = [:]
        for field in itemFields + Self.virtualFields {
            let path = field.path
            let set = ItemTypeSet(field.itemTypes)
            for part in Self.parts(of: path) {
                // Every object prefix of the path (and the path itself), as the path writes it.
                types[String(path[..<part.end]), default: []].formUnion(set)
                if part.isElement {
                    types[String(path[..<part.name.endIndex]), default: []].formUnion(set)
                }
            }
            kinds[path] = field.kind
        }
        kindByPath = kinds
        var entries: [String: PathEntry] = [:]
        entries.reserveCapacity(types.count)
        for (path, set) in types {
            entries[path] = PathEntry(types: set, isVirtual: Self.virtualNames.contains(path))
        }
        entriesByPath = entries
        allPaths = types.keys.sorted()
    }

    /// A field path's dot-separated parts (`episodes[].season`: `episodes[]`, `season`), each as
    /// its name without `[]` (`episodes`), where it ends in the path, and whether it named an
    /// array's elements. Read as bytes: catalogs are built at every start, and splitting by
    /// Characters cost more than the rest of it.
    static func parts(of path: String) -> [(name: Substring, end: String.Index, isElement: Bool)] {
        let bytes = path.utf8
        var parts: [(name: Substring, end: String.Index, isElement: Bool)] = []
        var start = bytes.startIndex
        var index = start
        while true {
            if index == bytes.endIndex || bytes[index] == UInt8(ascii: ".") {
                if index != start {
                    let part = bytes[start ..< index]
                    let isElement = part.count >= 2 && part[part.index(index, offsetBy: -2)] == UInt8(ascii: "[")
                        && part[part.index(index, offsetBy: -1)] == UInt8(ascii: "]")
                    let nameEnd = isElement ? bytes.index(index, offsetBy: -2) : index
                    parts.append((name: path[start ..< nameEnd], end: index, isElement: isElement))
                }
                if index == bytes.endIndex { break }
                start = bytes.index(after: index)
            }
            index = bytes.index(after: index)
        }
        return parts
    }

    /// Several backends' fields as one catalog (a saved file may hold either shape). A path
    /// whose kinds differ becomes ``Kind/any``: no comparison is refused that one shape allows.
    public init(merging catalogs: [FieldCatalog]) {
        self.init(itemFields: Self.merged(catalogs.map(\.itemFields)))
    }

    /// Several backends' item fields as one list (``init(merging:)``), in the order first seen.
    static func merged(_ lists: [[Field]]) -> [Field] {
        var order: [String] = []
        var merged: [String: Field] = [:]
        for list in lists {
            for field in list {
                if var known = merged[field.path] {
                    if known.kind != field.kind { known.kind = .any }
                    known.itemTypes.formUnion(field.itemTypes)
                    if known.summary.isEmpty { known.summary = field.summary }
                    merged[field.path] = known
                } else {
                    merged[field.path] = field
                    order.append(field.path)
                }
            }
        }
        return order.map { merged[$0]! }
    }

    /// The kind of a path: a declared leaf's, ``Kind/object`` for a prefix of one, nil for a
    /// path the catalog does not know.
    func kind(of path: String) -> Kind? {
        if let kind = kindByPath[path] { return kind }
        return entriesByPath[path] == nil ? nil : .object
    }

    /// The paths of a kind, for hints (`numeric fields include …`).
    func paths(where include: (Kind) -> Bool) -> [String] {
        kindByPath.filter { include($0.value) && !$0.key.contains("[") }.map(\.key).sorted()
    }

    /// What the checker needs of a path: the item types it occurs on and whether it names a
    /// virtual field.
    struct PathEntry: Sendable {
        var types: ItemTypeSet
        var isVirtual: Bool
    }

    /// Fields computed by the engine rather than read from the item, the same on every backend.
    public static let virtualFields: [Field] = [
        Field(path: "time", kind: .instant, itemTypes: everyType, summary: "when it happened, in the session time zone"),
        Field(path: "ago", kind: .duration, itemTypes: everyType, summary: "how long ago it happened"),
        Field(path: "title", kind: .string, itemTypes: everyType, summary: "the show, movie or list name"),
        Field(path: "sxe", kind: .string, itemTypes: [.episode], summary: "season and episode, like S01E05 (first of episodes[])"),
        Field(path: "who", kind: .string, itemTypes: everyType, summary: "the username"),
        Field(path: "runtime", kind: .integer, itemTypes: [.episode, .movie],
              summary: "minutes: the show's runtime for an episode, the movie's for a movie; null when the API has none"),
    ]

    static let virtualNames: Set<String> = Set(virtualFields.map(\.path))

    /// Every item type, for fields that every item can have.
    public static let everyType = Set(ItemType.allCases)
    /// Shows, episodes and movies.
    public static let mediaTypes: Set<ItemType> = [.episode, .show, .movie]

    /// `prefix.name` fields for each of `names`, on `types`.
    public static func group(_ prefix: String, _ names: [(String, Kind)], _ types: Set<ItemType>) -> [Field] {
        names.map { Field(path: "\(prefix).\($0.0)", kind: $0.1, itemTypes: types) }
    }
}
