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
    /// Path → item types, including every object prefix of a declared leaf.
    let typesByPath: [String: Set<ItemType>]
    /// Path → kind, for declared leaves and virtual fields.
    let kindByPath: [String: Kind]
    /// What the checker needs of a path, found with one hash lookup.
    let entriesByPath: [String: PathEntry]
    /// The names a field path may be completed with, for completion and did-you-mean.
    public let allPaths: [String]

    /// A catalog of `itemFields` and the virtual fields.
    public init(itemFields: [Field]) {
        self.itemFields = itemFields
        var types: [String: Set<ItemType>] = [:]
        var kinds: [String: Kind] = [:]
        for field in itemFields + Self.virtualFields {
            var prefix = ""
            for (i, part) in field.path.split(separator: ".").enumerated() {
                prefix += i == 0 ? String(part) : ".\(part)"
                types[prefix, default: []].formUnion(field.itemTypes)
                if prefix.hasSuffix("[]") {
                    types[String(prefix.dropLast(2)), default: []].formUnion(field.itemTypes)
                }
            }
            kinds[field.path] = field.kind
        }
        typesByPath = types
        kindByPath = kinds
        var entries: [String: PathEntry] = [:]
        for (path, set) in types {
            entries[path] = PathEntry(types: ItemTypeSet(set), isVirtual: Self.virtualNames.contains(path))
        }
        entriesByPath = entries
        allPaths = types.keys.sorted()
    }

    /// Several backends' fields as one catalog (a saved file may hold either shape). A path
    /// whose kinds differ becomes ``Kind/any``: no comparison is refused that one shape allows.
    public init(merging catalogs: [FieldCatalog]) {
        var order: [String] = []
        var merged: [String: Field] = [:]
        for catalog in catalogs {
            for field in catalog.itemFields {
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
        self.init(itemFields: order.map { merged[$0]! })
    }

    /// The kind of a path: a declared leaf's, ``Kind/object`` for a prefix of one, nil for a
    /// path the catalog does not know.
    func kind(of path: String) -> Kind? {
        if let kind = kindByPath[path] { return kind }
        return typesByPath[path] == nil ? nil : .object
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
