import Foundation

/// How one backend's items answer the questions every stage asks: when, who, what, which
/// episodes. ``FieldEvaluator`` (virtual fields), ``StageRunner`` (qualifier filters,
/// `flatten`), ``Executor`` (merge and de-duplication) and ``Projection`` (which members to
/// keep) read items only through it, so that an item of another shape (v2: ISO `watched_at`,
/// `ids`, one episode per entry) plugs in with its own schema.
public protocol ItemSchema: Sendable {
    /// The fields this backend's items have, with their kinds: what the checker resolves
    /// stage paths against and what every column made from them carries.
    var fields: FieldCatalog { get }
    /// When the item happened.
    func time(of item: Value) -> Date?
    /// A number ordering items newest first when fan-out calls are merged.
    func order(of item: Value) -> Int64?
    /// What de-duplication compares.
    func identity(of item: Value) -> ItemKey
    /// `episode`, `show`, `movie`, `list`.
    func type(of item: Value) -> String?
    /// The action, in the language's words (`seen`, `rating`, …).
    func action(of item: Value) -> String?
    /// The username.
    func who(_ item: Value) -> Value
    /// The show, movie or list name.
    func title(_ item: Value) -> Value
    /// The episodes the item is about: several for a v1 seen or collection, else one or none.
    func episodes(of item: Value) -> [Value]
    /// An episode's season and number.
    func seasonAndNumber(of episode: Value) -> (season: Int64, number: Int64)?
    /// The slugs and ids that name the item's show (`show:` accepts any of them).
    func showIdentifiers(of item: Value) -> [String]
    /// The slugs and ids that name the item's movie.
    func movieIdentifiers(of item: Value) -> [String]
    /// `love`/`hate`, where the API has them.
    func simpleRating(of item: Value) -> String?
    /// The 1–10 rating.
    func advancedRating(of item: Value) -> Int64?
    /// `runtime`: the minutes of the episode or movie the item is about; null where the API
    /// has none (no 42- or 90-minute default is assumed).
    func runtime(of item: Value) -> Value
    /// A field path of the item, with the API's quirks (synonyms) applied.
    func lookup(_ components: [FieldPath.Component], in item: Value) -> Value
    /// `flatten episodes`: one item per episode that `keep` accepts; `nil` when the item is
    /// not several episodes (it passes through as it is).
    func flattened(_ item: Value, keeping keep: (Value) -> Bool) -> [Value]?

    /// The item members (paths of member names; array elements share their array's path)
    /// that reading `reference` needs, for projecting items.
    func members(readBy reference: FieldReference) -> [[String]]
    /// The members a qualifier filter reads.
    func members(readBy filter: ResidualFilter) -> [[String]]
    /// The members ``time(of:)``, ``order(of:)`` and ``identity(of:)`` read.
    var identityMembers: [[String]] { get }
    /// The members `flatten episodes` reads and writes.
    var flattenMembers: [[String]] { get }
}

/// Activities are unique by (type, id); `id` alone is only unique within a type.
public struct ItemKey: Hashable, Sendable {
    var type: String
    var id: Int64
    /// Items without an id (min=1 from some servers) fall back to their whole content.
    var content: Int

    public init(type: String, id: Int64?, item: Value) {
        self.type = type
        if let id {
            self.id = id
            content = 0
        } else {
            self.id = .min
            content = item.hashValue
        }
    }
}

extension ItemSchema {
    /// `S01E05`; for several episodes the span, `S11E23–E24` (`S01E10–S02E01` across seasons),
    /// first and last as the API lists them.
    func sxe(of item: Value) -> Value {
        let episodes = episodes(of: item)
        guard let first = episodes.first, let start = seasonAndNumber(of: first) else { return .null }
        let text = Self.sxe(start)
        guard episodes.count > 1, let end = seasonAndNumber(of: episodes[episodes.count - 1]), end != start else {
            return .string(text)
        }
        return .string(end.season == start.season ? text + "–E" + Self.twoDigits(end.number) : text + "–" + Self.sxe(end))
    }

    static func sxe(_ episode: (season: Int64, number: Int64)) -> String {
        guard (0 ..< 100).contains(episode.season), (0 ..< 100).contains(episode.number) else {
            return "S" + twoDigits(episode.season) + "E" + twoDigits(episode.number)
        }
        // Almost every episode: its six bytes written at once (a small string, no allocation);
        // `stats … by title, sxe` makes one per play.
        return String(unsafeUninitializedCapacity: 6) { bytes in
            bytes[0] = UInt8(ascii: "S")
            bytes[1] = UInt8(ascii: "0") + UInt8(episode.season / 10)
            bytes[2] = UInt8(ascii: "0") + UInt8(episode.season % 10)
            bytes[3] = UInt8(ascii: "E")
            bytes[4] = UInt8(ascii: "0") + UInt8(episode.number / 10)
            bytes[5] = UInt8(ascii: "0") + UInt8(episode.number % 10)
            return 6
        }
    }

    static func twoDigits(_ n: Int64) -> String {
        n >= 0 && n < 10 ? "0\(n)" : String(n)
    }
}
