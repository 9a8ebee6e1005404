import Foundation
import TraktProtocol

/// An ``ItemType`` (the wire vocabulary TraktProtocol shares with the engine) as the dense code
/// a 32-byte ``Activity`` stores: the code is the shared case's index (a unit test checks).
public enum ActivityType: UInt8, Sendable, CaseIterable {
    case episode, show, movie, list

    private static let shared = ItemType.allCases

    /// The shared type this code stands for.
    public var itemType: ItemType { Self.shared[Int(rawValue)] }

    public var name: String { itemType.rawValue }

    public init?(name: String) {
        guard let index = ItemType(rawValue: name).flatMap(Self.shared.firstIndex(of:)) else { return nil }
        self.init(rawValue: UInt8(index))
    }
}

/// An ``Action`` (the eleven of the v1 activity API, reference §1.4) as a dense code: the shared
/// case's index.
public enum ActivityAction: UInt8, Sendable, CaseIterable {
    case watching, scrobble, checkin, seen, collection, rating, watchlist, shout, review, created, itemAdded

    private static let shared = Action.allCases

    /// The shared action this code stands for.
    public var action: Action { Self.shared[Int(rawValue)] }

    public var name: String { action.rawValue }

    public init?(name: String) {
        guard let index = Action(rawValue: name).flatMap(Self.shared.firstIndex(of:)) else { return nil }
        self.init(rawValue: UInt8(index))
    }
}

/// A (type, action) pair the API allows, densely numbered 0..<24 (the §1.4 table).
struct Kind: Hashable, Sendable {
    let raw: UInt8

    static let count = 24

    /// The allowed pairs in code order: by type, then by action, as the shared
    /// ``Action/itemTypes`` table allows them.
    static let table: [(ActivityType, ActivityAction)] = ActivityType.allCases.flatMap { type in
        ActivityAction.allCases.filter { $0.action.itemTypes.contains(type.itemType) }.map { (type, $0) }
    }

    static let all: [Kind] = (0..<count).map { Kind(raw: UInt8($0)) }

    /// The type (arithmetic on the code layout of ``table``; a test checks it matches).
    @inline(__always)
    var type: ActivityType {
        raw < 9 ? .episode : raw < 13 ? .show : raw < 22 ? .movie : .list
    }

    /// The action (arithmetic on the code layout of ``table``; a test checks it matches).
    @inline(__always)
    var action: ActivityAction {
        let code: UInt8 = raw < 9 ? raw : raw < 13 ? raw - 9 + 5 : raw < 22 ? raw - 13 : raw - 22 + 9
        return ActivityAction(rawValue: code)!
    }

    init(raw: UInt8) { self.raw = raw }

    init?(_ type: ActivityType, _ action: ActivityAction) {
        guard let i = Kind.table.firstIndex(where: { $0.0 == type && $0.1 == action }) else { return nil }
        raw = UInt8(i)
    }

    static func kinds(types: Set<ActivityType>, actions: Set<ActivityAction>) -> [Kind] {
        all.filter { types.contains($0.type) && actions.contains($0.action) }
    }
}

/// One activity, stored compactly (32 bytes); JSON is produced only when a page is rendered.
struct Activity: Sendable {
    /// When it happened: real Unix seconds (converted to the API convention when rendered).
    var time: Int64
    /// Unique within the activity's type.
    var id: UInt32
    var user: UInt32
    /// Show index (episode/show kinds), movie index (movie kinds) or list index (list kinds).
    var subject: UInt32
    /// Global episode index (episode kinds; the first one for seen/collection), or the list
    /// item code for `item_added` (see ``ListItemCode``).
    var item: UInt32
    /// Rating 1–10 (rating), episode count (seen/collection), spoiler flag (shout/review).
    var extra: UInt16
    var kind: Kind
}

/// Encodes what a list `item_added` activity added: 2 bits of item type, 30 bits of index.
enum ListItemCode {
    static func movie(_ i: Int) -> UInt32 { UInt32(i) }
    static func show(_ i: Int) -> UInt32 { (1 << 30) | UInt32(i) }
    static func episode(_ i: Int) -> UInt32 { (2 << 30) | UInt32(i) }
    static func decode(_ code: UInt32) -> (type: Int, index: Int) { (Int(code >> 30), Int(code & 0x3FFF_FFFF)) }
}

struct ShowRecord: Sendable {
    let seed: ShowSeed
    /// Real Unix seconds of the series premiere.
    let premiere: Int64
    /// Season numbers in order (0 first when the show has specials).
    let seasonNumbers: [Int]
    /// Global index of each season (parallel to `seasonNumbers`).
    let seasonIndices: [Int]
    let ratings: (percentage: Int, votes: Int, loved: Int, hated: Int)

    func seasonIndex(number: Int) -> Int? {
        guard let p = seasonNumbers.firstIndex(of: number) else { return nil }
        return seasonIndices[p]
    }
}

struct SeasonRecord: Sendable {
    let show: Int
    let number: Int
    /// Global index of episode 1 of this season.
    let firstEpisode: Int
    let episodeCount: Int
}

struct EpisodeRecord: Sendable {
    let show: Int32
    let seasonIndex: Int32
    let season: Int16
    let number: Int16
    /// Real Unix seconds.
    let firstAired: Int64
    let tvdb: Int32
}

struct MovieRecord: Sendable {
    let seed: MovieSeed
    /// Real Unix seconds of the release.
    let released: Int64
    let ratings: (percentage: Int, votes: Int, loved: Int, hated: Int)
}

struct UserRecord: Sendable {
    let username: String
    let fullName: String
    let gender: String
    let age: Int
    let location: String
    let about: String
    let avatarNumber: Int
    /// Shortly before the first activity the user logged.
    var joined: Int64
    let vip: Bool
    let isProtected: Bool
    let useRatingAdvanced: Bool
    /// Documented quirk: `rating_advanced` is emitted as a JSON string for these users.
    let ratingAsString: Bool
    /// Sorted user indices.
    var friends: [UInt32]
    /// Users this one follows (sorted).
    var following: [UInt32]
    /// Users following this one (sorted).
    var followers: [UInt32]
}

struct ListRecord: Sendable {
    let owner: UInt32
    let name: String
    let slug: String
    let description: String
    let created: Int64
    let showNumbers: Bool
    let allowShouts: Bool
}
