/// Readers for the v1 item quirks, so that callers need not know them. The items themselves
/// are never rewritten.
extension Value {
    /// The episodes an item is about: `episodes[]` (seen, collection) or the single `episode`
    /// object (watching, scrobble, checkin, rating, …); empty when neither.
    public var activityEpisodes: [Value] {
        if case .array(let list)? = self["episodes"] { return list }
        if let one = self["episode"], case .object = one { return [one] }
        return []
    }

    /// On an episode object: its number, under `episode` (API docs) or `number` (client models),
    /// as an int even when sent as a string.
    public var episodeNumber: Int64? {
        if let n = self["episode"], n.intValue != nil { return n.intValue }
        return self["number"]?.intValue
    }

    /// An item's simple rating: `"love"` or `"hate"`; `nil` when unrated (`false`) or absent.
    public var simpleRating: String? {
        guard case .string(let s)? = self["rating"], !s.isEmpty else { return nil }
        return s
    }

    /// An item's 1–10 rating, sent as a number or a string; `nil` when absent or unreadable.
    public var advancedRating: Int64? { self["rating_advanced"]?.intValue }
}
